// 上班前检查 (preflight): the agent's own browser, step by step (R-WB-3,
// R-NTF-1, R-TEN-1). The browser steps are judged here and reported with
// PUT /api/preflight; the account steps (消息提醒, 租户) are the workbench's
// own and come back in its answer. Operations and department admins also
// see the roster (GET /api/preflight). The checks' texts and fixes come
// from the page (sim/server/web/preflight.go), so the page and the roster
// say the same.
'use strict';
(() => {
  const { $, el, api } = RC;
  const root = $('preflight');
  const defs = JSON.parse(root.dataset.checks);
  const byId = Object.fromEntries(defs.map((d) => [d.id, d]));
  const mine = {}; // browser steps: id -> {status, reason, detail}
  const MARKS = { pass: '✔', fail: '✘', warn: '⚠', pending: '…', skipped: '–' };

  function fixOf(id, reason) {
    return (byId[id].fixes || []).find((f) => f.reason === reason);
  }

  // show puts one step's state on the page: status, what it found, fix.
  function show(id, status, reason, detail, says, fix) {
    const li = $('pf-' + id);
    li.dataset.status = status;
    li.dataset.reason = reason || '';
    $('pf-' + id + '-mark').textContent = MARKS[status] || '…';
    $('pf-' + id + '-says').textContent = (says || '') + (detail ? '（' + detail + '）' : '');
    const box = $('pf-' + id + '-fix');
    box.replaceChildren();
    if (fix) box.append(el('b', { text: '怎么办：' }), fix);
    box.hidden = !fix;
  }

  // set records a browser step and reports the whole result, once the
  // burst of changes of one moment is over.
  let timer = null;
  function set(id, status, reason, detail, says) {
    mine[id] = { id, status, reason: reason || '', detail: detail || '' };
    const f = reason ? fixOf(id, reason) : null;
    show(id, status, reason, detail, says || (f ? f.says : ''), f ? f.fix : '');
    clearTimeout(timer);
    timer = setTimeout(report, 150);
  }

  let reporting = Promise.resolve();
  function report() {
    const body = { user_agent: navigator.userAgent, browser: browserName, checks: Object.values(mine) };
    reporting = reporting.then(() => api('PUT', '/api/preflight', body).then(showResult, RC.showError));
  }

  // showResult shows the workbench's view: its account steps and verdict.
  function showResult(res) {
    for (const c of res.checks) {
      if (byId[c.id].judge === 'account') show(c.id, c.status, c.reason, c.detail, c.says, c.fix);
    }
    const s = $('pf-summary');
    s.dataset.state = res.state;
    const open = res.checks.filter((c) => c.status !== 'pass' && c.status !== 'warn');
    if (res.state === 'ready') {
      const warned = res.checks.filter((c) => c.status === 'warn').map((c) => c.name);
      s.textContent = '全部通过：这台电脑能收到 X-Space 的提醒。' + (warned.length ? '请注意：' + warned.join('、') + '。' : '');
    } else {
      s.textContent = '还有 ' + open.length + ' 项没有通过：' + open.map((c) => c.name).join('、') + '。按每一项下面的“怎么办”处理。';
    }
    s.dataset.checkedAt = res.checked_at || '';
  }

  // --- 1 浏览器 (R-WB-3) ----------------------------------------------
  // Chromium-based browsers that are not Chrome name themselves in the
  // user agent; they are said before Chrome is.
  const OTHERS = [
    [/Edg(e|A|iOS)?\//, 'Microsoft Edge'], [/OPR\/|Opera/, 'Opera'], [/Firefox\/|FxiOS/, 'Firefox'],
    [/SamsungBrowser/, 'Samsung Internet'], [/QQBrowser/, 'QQ浏览器'], [/360SE|360EE|QihooBrowser/, '360浏览器'],
    [/MetaSr|SogouMobileBrowser/, '搜狗浏览器'], [/UCBrowser/, 'UC浏览器'], [/YaBrowser/, 'Yandex'],
    [/Vivaldi/, 'Vivaldi'], [/MicroMessenger/, '微信内置浏览器'], [/DingTalk/, '钉钉内置浏览器'],
  ];
  let browserName = '';
  function checkBrowser() {
    const ua = navigator.userAgent;
    const brands = ((navigator.userAgentData && navigator.userAgentData.brands) || []).map((b) => b.brand);
    const other = OTHERS.find(([re]) => re.test(ua));
    const m = ua.match(/(HeadlessChrome|Chrome|CriOS)\/(\d+)/);
    if (other || !m) {
      const name = other ? other[1] : (/Safari\//.test(ua) ? 'Safari' : '未知浏览器');
      browserName = name;
      set('browser', 'warn', 'not_chrome', name);
      return;
    }
    const chromium = !brands.includes('Google Chrome') && (brands.includes('Chromium') || m[1] === 'HeadlessChrome');
    browserName = (chromium ? 'Chromium ' : 'Google Chrome ') + m[2];
    set('browser', 'pass', '', browserName + (chromium ? '，Chrome 的开源版本，通知与 Chrome 相同' : ''), '是 Chrome');
  }

  // --- 2 通知权限 (R-WB-3) ---------------------------------------------
  function checkPermission() {
    const ask = $('pf-permission-ask');
    ask.hidden = true;
    let perm = 'unsupported';
    if (!window.isSecureContext) perm = 'insecure';
    else if ('Notification' in window) perm = Notification.permission;
    if (perm === 'granted') set('permission', 'pass', '', '', '已允许');
    else {
      set('permission', 'fail', perm, '');
      ask.hidden = perm !== 'default';
    }
    if (mine.notification && mine.notification.reason === 'no_permission' && perm === 'granted') notificationReady();
    if (perm !== 'granted' && (!mine.notification || mine.notification.status !== 'pass')) {
      set('notification', 'skipped', 'no_permission', '');
    }
  }
  $('pf-permission-ask').addEventListener('click', async () => {
    try { await Notification.requestPermission(); } catch (e) { /* an old callback-style browser */ }
    checkPermission();
  });

  // --- 3 测试通知 (R-NTF-1) --------------------------------------------
  function notificationReady() { set('notification', 'pending', '', '', '点击“发送测试通知”'); }
  $('pf-notification-send').addEventListener('click', () => {
    checkPermission();
    if (mine.permission.status !== 'pass') return;
    let n;
    try {
      n = new Notification('X-Space 测试通知', {
        body: '看到这条通知，说明这台电脑能收到 X-Space 的新消息、新用户上线、用户下线提醒。', tag: 'rc-preflight' });
    } catch (e) {
      set('notification', 'fail', 'error', String(e.message || e));
      return;
    }
    n.onshow = () => { if (mine.notification.status === 'pending') set('notification', 'pending', '', '浏览器已显示', '已发出，请确认'); };
    n.onerror = () => set('notification', 'fail', 'error', 'onerror');
    $('pf-notification-ask').hidden = false;
    set('notification', 'pending', '', '', '已发出，请确认');
  });
  $('pf-notification-seen').addEventListener('click', () => {
    $('pf-notification-ask').hidden = true;
    set('notification', 'pass', '', '', '看到了');
  });
  $('pf-notification-unseen').addEventListener('click', () => {
    $('pf-notification-ask').hidden = true;
    set('notification', 'fail', 'not_seen', '');
  });

  // --- 4 提示音 (R-NTF-1) ----------------------------------------------
  // probe tells whether the browser lets this page play sound: Chrome keeps
  // an AudioContext suspended until the page has been clicked.
  let probe = null;
  try { probe = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { /* no audio */ }
  const canPlay = () => !!probe && probe.state === 'running';
  $('pf-sound-note').hidden = canPlay();
  $('pf-sound-play').addEventListener('click', async () => {
    if (probe && probe.state !== 'running') {
      // resume() waits for a click that lets it; do not wait for ever.
      await Promise.race([probe.resume().catch(() => {}), new Promise((r) => setTimeout(r, 1500))]);
    }
    $('pf-sound-note').hidden = canPlay();
    if (!canPlay()) {
      $('pf-sound-ask').hidden = true;
      set('sound', 'fail', 'no_click', probe ? 'AudioContext ' + probe.state : '没有音频');
      return;
    }
    RC.beep(); // the workbench's own alert sound
    $('pf-sound-ask').hidden = false;
    set('sound', 'pending', '', '', '已播放，请确认');
  });
  $('pf-sound-heard').addEventListener('click', () => {
    $('pf-sound-ask').hidden = true;
    set('sound', 'pass', '', '', '听到了');
  });
  $('pf-sound-unheard').addEventListener('click', () => {
    $('pf-sound-ask').hidden = true;
    set('sound', 'fail', 'not_heard', '');
  });

  // --- 5 弹出式窗口和重定向 (R-NTF-1) -----------------------------------
  // The window opens without a click, as X-Space opens its own: Chrome
  // lets a click open a pop-up even where the site's setting blocks them,
  // so only this tells the setting. 重新检查 reloads the page for the same
  // reason.
  let popup = null;
  let popupWait = null;
  window.addEventListener('message', (ev) => {
    if (ev.origin !== location.origin || !ev.data || ev.data.rcPreflight !== 'popup-open') return;
    clearTimeout(popupWait);
    if (popup) popup.close();
    set('popup', 'pass', '', '', '已允许');
  });
  function checkPopup() {
    set('popup', 'pending', '', '', '正在打开一个小窗口…');
    popup = window.open('/static/preflight-popup.html', 'rc-preflight-popup', 'width=360,height=200');
    if (!popup) {
      set('popup', 'fail', 'blocked', '');
      return;
    }
    popupWait = setTimeout(() => { if (popup) popup.close(); set('popup', 'fail', 'no_answer', ''); }, 5000);
  }
  $('pf-popup-recheck').addEventListener('click', () => location.reload());

  // --- what this page cannot check -------------------------------------
  function showOrigin() {
    const real = new URL(root.dataset.workbench).origin;
    $('pf-origin').textContent = location.origin === real
      ? '本页就在 X-Space 的网址 ' + real + ' 上：这里允许的通知和弹出式窗口，X-Space 同样适用。'
      : '本页的网址是 ' + location.origin + '，不是 X-Space 的 ' + real + '：这里的允许只对本页有效，请按下面第一条在 X-Space 上再设置一次。';
  }

  // --- roster (operations, department admins) --------------------------
  // stateText is the roster's verdict for an agent, with why when not ready.
  function stateText(a) {
    if (a.state === 'ready') return '就绪';
    if (a.state === 'not_checked') return '未检查：还没有打开本页';
    const open = a.checks.filter((c) => c.status !== 'pass' && c.status !== 'warn');
    return '未就绪：' + open.map((c) => c.name + (c.status === 'pending' ? '（未做完）' : '')).join('、');
  }
  async function loadRoster() {
    const res = await api('GET', '/api/preflight');
    const head = $('pf-roster-head');
    head.replaceChildren(el('th', { text: '客服' }), el('th', { text: '技能组' }), el('th', { text: '检查时间' }),
      ...defs.map((d) => el('th', { text: d.name })), el('th', { text: '结论' }));
    $('pf-roster-rows').replaceChildren(...res.agents.map((a) => el('tr', { 'data-testid': 'pf-roster-row', 'data-login': a.login, 'data-state': a.state },
      el('td', { text: (a.name || a.login) + '（' + a.login + '）' }), el('td', { text: a.department }),
      el('td', { text: a.checked_at ? new Date(a.checked_at).toLocaleString('zh-CN') : '未检查' }),
      ...a.checks.map((c) => el('td', { class: 'pf-cell', 'data-check': c.id, 'data-status': c.status,
        title: c.says + (c.fix ? '\n怎么办：' + c.fix : ''), text: MARKS[c.status] || '…' })),
      el('td', { 'data-testid': 'pf-roster-state', text: stateText(a) }))));
    $('pf-roster-summary').textContent = `共 ${res.agents.length} 位客服：就绪 ${res.ready}，未就绪 ${res.not_ready}，未检查 ${res.not_checked}。`;
    $('pf-roster').hidden = false;
  }
  $('pf-roster-refresh').addEventListener('click', () => loadRoster().catch(RC.showError));

  RC.ready.then(async (me) => {
    showOrigin();
    // This page says everything the workbench's notification banner says.
    const banner = $('notify-banner');
    if (banner) banner.remove();
    if (me.role === 'operations' || me.role === 'dept_admin') loadRoster().catch(RC.showError);
    if (!RC.isAgent(me)) {
      $('pf-agent-part').hidden = true; // operations take no chats: nothing of theirs to check
      return;
    }
    try { showResult(await api('GET', '/api/preflight/me')); } catch (err) { RC.showError(err); }
    checkBrowser();
    checkPermission();
    if (mine.permission.status === 'pass') notificationReady();
    set('sound', 'pending', '', '', '点击“播放提示音”');
    if (navigator.permissions) {
      navigator.permissions.query({ name: 'notifications' }).then((p) => { p.onchange = checkPermission; }).catch(() => {});
    }
    setTimeout(checkPopup, 300);
    document.body.dataset.preflight = 'started'; // checks wait for this
  });
})();
