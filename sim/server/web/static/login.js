// Login (R-WB-1): POST /api/login, then on to the page asked for.
'use strict';
(() => {
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const form = $('login-form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const err = $('login-error');
    err.hidden = true;
    $('login-submit').disabled = true;
    try {
      const acc = await RC.api('POST', '/api/login', { login: $('login-user').value.trim(), password: $('login-pass').value });
      const next = new URLSearchParams(location.search).get('next');
      // only this site: the next parameter must not send the agent elsewhere (next.js)
      const fallback = acc.role === 'operations' ? '/settings#config' : '/workbench';
      location.href = rcSafeNext(next, location.origin, fallback);
    } catch (x) {
      err.textContent = x.status === 401 ? '账号或密码错误' : RC.errorText(x);
      err.hidden = false;
      $('login-submit').disabled = false;
    }
  });
  document.body.dataset.ready = 'true';
})();
