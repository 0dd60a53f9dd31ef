// Shared by the X-Space pages: the API helper, DOM helpers, the shell (left
// menu, avatar menu, tenant switch, 马上上班 and the status switch) and the
// R-NTF-1 alerts. Page scripts wait for RC.ready, which gives /api/me.
'use strict';

// A check (sim/browser) reads this to see that a sound alert was played.
window.rcSoundCount = window.rcSoundCount || 0;

const RC = (() => {
  const XIANYU = document.body.dataset.xianyu; // R-TEN-1: the only tenant that can work
  const AGENT_ROLES = ['agent', 'dept_admin'];

  // api calls a JSON route of docs/protocol.md. An error carries the
  // server's sentinel (error), rule and message, and the HTTP status.
  async function api(method, path, data) {
    const opt = { method, headers: {}, credentials: 'same-origin' };
    if (data !== undefined) {
      opt.headers['Content-Type'] = 'application/json';
      opt.body = JSON.stringify(data);
    }
    const res = await fetch(path, opt);
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { /* plain text answer */ }
    if (!res.ok) {
      const err = new Error((json && json.error) || text.trim() || res.statusText);
      err.status = res.status;
      err.rule = (json && json.rule) || '';
      err.detail = (json && json.message) || '';
      throw err;
    }
    return json;
  }

  function $(id, root) { return (root || document).querySelector(`[data-testid="${id}"]`); }
  function $$(id, root) { return Array.from((root || document).querySelectorAll(`[data-testid="${id}"]`)); }

  // el builds an element; strings become text nodes, so chat text is never HTML.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'onclick') e.addEventListener('click', v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function errorText(err) {
    let s = err.message;
    if (err.detail && err.detail !== s) s += '：' + err.detail;
    if (err.rule) s += ` (${err.rule})`;
    return s;
  }

  function showError(err) {
    const b = $('error');
    if (!b) { console.error(err); return; }
    b.textContent = typeof err === 'string' ? err : errorText(err);
    b.hidden = false;
  }

  function isAgent(me) { return AGENT_ROLES.includes(me.role); }
  function canWork(me) { return isAgent(me) && me.tenant === XIANYU; }

  // --- R-NTF-1: desktop notification and sound ---------------------------
  let audio = null;
  function unlockAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    if (!audio) audio = new AC();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
  }
  function beep() {
    window.rcSoundCount++;
    try {
      unlockAudio();
      if (!audio) return;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.15);
    } catch (e) { /* no audio device: the count still tells a check */ }
  }
  const TITLES = { new_message: '新消息', user_online: '新用户上线', user_offline: '用户下线' };

  // notify shows a `notification` frame as the agent's settings (carried in
  // the frame) and the browser permission allow (R-NTF-1, R-WB-3).
  function notify(f) {
    const body = f.text || TITLES[f.kind] || '新消息';
    if (f.desktop && 'Notification' in window && Notification.permission === 'granted') {
      try {
        const n = new Notification(TITLES[f.kind] || '新消息', { body, tag: `${f.conv || ''}:${f.kind || ''}` });
        n.onclick = () => { window.focus(); document.dispatchEvent(new CustomEvent('rc-open-conv', { detail: f.conv })); };
      } catch (e) { console.warn('notification', e); }
    }
    if (f.sound) beep();
  }

  function updateNotifyBanner(me) {
    const b = $('notify-banner');
    if (!b) return;
    const granted = 'Notification' in window && Notification.permission === 'granted';
    b.hidden = !isAgent(me) || granted; // R-WB-3: without permission nothing is shown
    const ask = $('notify-request');
    if (ask) ask.hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  // --- status (R-WB-1, R-WB-2) -----------------------------------------
  function showStatus(status) {
    const s = $('agent-status');
    if (s) { s.textContent = status || '离线'; s.dataset.status = status || ''; }
    for (const b of document.querySelectorAll('.status-switch button')) {
      b.setAttribute('aria-pressed', String(b.dataset.status === status));
    }
    document.body.dataset.status = status || '';
  }

  // show404 is what the agent sees when 上班 is refused under a tenant other
  // than 闲鱼BU: a bare "404 page not found" and no workbench (R-TEN-1).
  function show404(err) {
    const p = $('page-404');
    $('page-404-text').textContent = err.message || '404 page not found';
    p.hidden = false;
    $('page-body').hidden = true;
  }

  async function setStatus(status) {
    try {
      const acc = await api('POST', '/api/status', { status });
      RC.me = acc;
      showStatus(acc.status);
      document.dispatchEvent(new CustomEvent('rc-status', { detail: acc }));
    } catch (err) {
      if (err.status === 404) show404(err); else showError(err);
    }
  }

  // --- shell --------------------------------------------------------------
  function initShell(me) {
    $('avatar').textContent = me.name || me.login;
    $('avatar-who').textContent = `${me.name || me.login}（${me.login}）${me.department ? ' · ' + me.department : ''}`;
    $('tenant-current').textContent = me.tenant || '—';

    // R-TEN-1: 在线工作台 is only in the menu under 闲鱼BU; 服务洞察 only for
    // department admins (R-KPI-2). Entries that do not apply are removed,
    // not hidden, so the menu is what the agent can use.
    const allowed = {
      'menu-workbench': canWork(me),
      'menu-config': me.role === 'operations' || me.role === 'dept_admin',
      'menu-insight': me.role === 'dept_admin',
    };
    for (const [id, ok] of Object.entries(allowed)) {
      const a = $(id);
      if (!a) continue;
      if (ok) a.hidden = false; else a.closest('li').remove();
    }
    const here = location.pathname + (location.hash === '#config' ? '#config' : '');
    for (const a of document.querySelectorAll('.side a')) {
      if (a.getAttribute('href') === here) a.setAttribute('aria-current', 'page');
    }

    const menu = $('avatar-menu');
    $('avatar').addEventListener('click', (e) => { e.stopPropagation(); menu.hidden = !menu.hidden; });
    document.addEventListener('click', (e) => { if (!menu.contains(e.target)) menu.hidden = true; });

    const list = $('tenant-options');
    for (const t of me.tenants || []) {
      list.append(el('li', {}, el('button', {
        type: 'button', 'data-testid': `tenant-option-${t}`, 'data-tenant': t,
        'aria-current': String(t === me.tenant), text: t,
        onclick: () => switchTenant(t),
      })));
    }
    $('tenant-reload').addEventListener('click', () => location.reload());
    $('logout').addEventListener('click', async () => {
      try { await api('POST', '/api/logout'); } catch (e) { /* leave anyway */ }
      location.href = '/login';
    });

    if (isAgent(me)) {
      $('work-controls').hidden = false;
      showStatus(me.status);
      $('start-work').addEventListener('click', () => setStatus('在线'));
      for (const b of document.querySelectorAll('.status-switch button')) {
        b.addEventListener('click', () => setStatus(b.dataset.status));
      }
    }
    updateNotifyBanner(me);
    $('notify-request').addEventListener('click', async () => {
      try { await Notification.requestPermission(); } finally { updateNotifyBanner(me); }
    });
    // Chrome starts audio only after a gesture: take the first one.
    document.addEventListener('pointerdown', unlockAudio, { once: true });
    document.addEventListener('keydown', unlockAudio, { once: true });
  }

  // switchTenant takes effect after a refresh, as in X-Space (R-TEN-1).
  async function switchTenant(t) {
    try {
      const acc = await api('POST', '/api/tenant', { tenant: t });
      RC.me = acc;
      $('tenant-current').textContent = acc.tenant;
      for (const b of $$('tenant-options')[0].querySelectorAll('button')) {
        b.setAttribute('aria-current', String(b.dataset.tenant === acc.tenant));
      }
      $('tenant-hint-name').textContent = acc.tenant;
      $('tenant-hint').hidden = false;
      $('avatar-menu').hidden = true;
      showStatus(acc.status);
    } catch (err) { showError(err); }
  }

  const ready = (async () => {
    if (document.body.dataset.page === 'login') return null;
    let me;
    try {
      me = await api('GET', '/api/me');
    } catch (err) {
      if (err.status === 401) { location.href = '/login?next=' + encodeURIComponent(location.pathname); }
      else showError(err);
      throw err;
    }
    RC.me = me;
    initShell(me);
    document.body.dataset.ready = 'true'; // checks wait for this
    return me;
  })();
  ready.catch(() => {});

  return { api, socket: rcSocket, $, $$, el, errorText, showError, isAgent, canWork, notify, beep, showStatus, setStatus, ready, me: null, XIANYU };
})();
