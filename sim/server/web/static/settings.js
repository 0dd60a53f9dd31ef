// 个人设置 (消息提醒, 常用语, 首问机器人) and 配置中心 (skill-group 首问机器人,
// V级管理) for the roles that may use them.
'use strict';
(() => {
  const { $, el, api } = RC;

  function saved(id, text) {
    const s = $(id);
    s.textContent = text;
    s.dataset.state = 'saved';
    s.dataset.at = String(Date.now());
  }

  // changes is what the user changed in a form since it showed shown: a
  // save sends only those fields, and the server keeps the others.
  function changes(shown, now) {
    const out = {};
    for (const k of Object.keys(now)) if (now[k] !== shown[k]) out[k] = now[k];
    return out;
  }

  RC.ready.then((me) => {
    const agent = RC.isAgent(me);
    for (const id of ['settings-notify', 'settings-quick-replies', 'settings-welcome']) $(id).hidden = !agent;
    if (!agent) $('settings-title').textContent = '配置中心'; // operations have no 个人设置 of an agent
    if (agent) {
      initNotify(me);
      initQuickReplies();
      initWelcome(me);
    }
    initConfig(me);
    if (location.hash === '#config') $('config-center').scrollIntoView();
  });

  // 消息提醒 (R-NTF-1): each switch saves itself alone.
  function initNotify(me) {
    const d = $('setting-desktop');
    const s = $('setting-sound');
    d.checked = !!me.desktop;
    s.checked = !!me.sound;
    const save = (field, box) => async () => {
      $('notify-saved').dataset.state = 'saving';
      try {
        const acc = await api('PUT', '/api/notify', { [field]: box.checked });
        d.checked = !!acc.desktop;
        s.checked = !!acc.sound;
        saved('notify-saved', '已保存');
      } catch (err) { RC.showError(err); $('notify-saved').dataset.state = 'error'; }
    };
    d.addEventListener('change', save('desktop', d));
    s.addEventListener('change', save('sound', s));
  }

  // 常用语 (R-QR-1): one by one, or many at once, one per line.
  async function initQuickReplies() {
    const list = $('qr-list');
    const load = async () => {
      const qs = await api('GET', '/api/quick-replies') || [];
      list.replaceChildren(...qs.map((q) => el('li', { 'data-testid': 'qr-item', 'data-id': q.id },
        el('span', { text: q.text }), ' ',
        el('button', { type: 'button', class: 'link', 'data-testid': 'qr-delete', text: '删除',
          onclick: async () => { try { await api('DELETE', '/api/quick-replies/' + encodeURIComponent(q.id)); await load(); } catch (err) { RC.showError(err); } } }))));
    };
    $('qr-add-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const input = $('qr-input');
      if (!input.value.trim()) return;
      try { await api('POST', '/api/quick-replies', { text: input.value.trim() }); input.value = ''; await load(); } catch (err) { RC.showError(err); }
    });
    $('qr-import-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const texts = $('qr-import-text').value.split('\n').map((t) => t.trim()).filter(Boolean);
      if (!texts.length) return;
      try {
        const res = await api('POST', '/api/quick-replies/import', { texts });
        saved('qr-import-result', `已导入 ${res.added} 条`);
        $('qr-import-text').value = '';
        await load();
      } catch (err) { RC.showError(err); }
    });
    try { await load(); } catch (err) { RC.showError(err); }
  }

  // personal 首问机器人; the skill group's wins when set (R-WEL-1).
  function initWelcome(me) {
    let shown = { welcome: me.welcome || '', closing: me.closing || '' };
    $('welcome-input').value = shown.welcome;
    $('closing-input').value = shown.closing;
    $('welcome-save').addEventListener('click', async () => {
      const body = changes(shown, { welcome: $('welcome-input').value, closing: $('closing-input').value });
      if (!Object.keys(body).length) { saved('welcome-saved', '没有更改'); return; }
      try {
        const acc = await api('PUT', '/api/welcome', body);
        shown = { welcome: acc.welcome || '', closing: acc.closing || '' };
        saved('welcome-saved', '已保存');
      } catch (err) { RC.showError(err); }
    });
  }

  async function initConfig(me) {
    const ops = me.role === 'operations';
    const admin = me.role === 'dept_admin';
    if (!ops && !admin) return;
    $('config-center').hidden = false;
    let depts = [me.department].filter(Boolean);
    if (ops) {
      try { depts = (await api('GET', '/api/vendors') || []).map((v) => v.department); } catch (err) { RC.showError(err); }
    }
    const sel = $('config-dept');
    sel.replaceChildren(...depts.map((d) => el('option', { value: d, text: d })));
    $('config-group-welcome').hidden = false;
    // The form shows the skill group's messages as they are, and saving
    // sends only what the user changed (R-WEL-1): until they are loaded
    // there is nothing to save.
    const form = $('config-group-welcome');
    const saveBtn = $('group-welcome-save');
    let shown = null;
    const groupPath = () => `/api/departments/${encodeURIComponent(sel.value)}/welcome`;
    const loadGroup = async () => {
      shown = null;
      saveBtn.disabled = true;
      form.dataset.loaded = '';
      const g = await api('GET', groupPath());
      shown = { welcome: g.welcome || '', closing: g.closing || '' };
      $('group-welcome').value = shown.welcome;
      $('group-closing').value = shown.closing;
      saveBtn.disabled = false;
      form.dataset.loaded = sel.value;
    };
    saveBtn.addEventListener('click', async () => {
      if (!shown) return;
      const body = changes(shown, { welcome: $('group-welcome').value, closing: $('group-closing').value });
      if (!Object.keys(body).length) { saved('group-welcome-saved', '没有更改'); return; }
      try {
        await api('PUT', groupPath(), body);
        shown = { ...shown, ...body };
        saved('group-welcome-saved', '已保存');
      } catch (err) { RC.showError(err); }
    });
    sel.addEventListener('change', () => loadGroup().catch(RC.showError));
    loadGroup().catch(RC.showError);
    if (!ops) return;
    // V级管理: only operations may change capacity (R-CAP-1).
    $('config-vlevel').hidden = false;
    const loadAgents = async () => {
      const rows = await api('GET', `/api/departments/${encodeURIComponent(sel.value)}/agents`) || [];
      $('vlevel-rows').replaceChildren(...rows.map((a) => {
        const input = el('input', { type: 'number', min: '1', max: '20', value: String(a.capacity), 'data-testid': 'vlevel-input', style: 'width:80px' });
        return el('tr', { 'data-testid': 'vlevel-row', 'data-login': a.login },
          el('td', { text: a.login }), el('td', { text: a.name }), el('td', { text: a.tenant }),
          el('td', { text: a.status }), el('td', { text: String(a.load) }), el('td', {}, input),
          el('td', {}, el('button', { type: 'button', 'data-testid': 'vlevel-save', text: '保存',
            onclick: async () => {
              try {
                const res = await api('PUT', `/api/agents/${encodeURIComponent(a.login)}/capacity`, { capacity: Number(input.value) });
                saved('vlevel-saved', `${a.login}：1V${res.capacity}${res.warning ? '（' + res.warning + '）' : ''}`);
              } catch (err) { RC.showError(err); }
            } })));
      }));
    };
    sel.addEventListener('change', () => loadAgents().catch(RC.showError));
    loadAgents().catch(RC.showError);
  }
})();
