// 在线工作台: the agent socket (/ws/agent), the conversation list, the
// chat pane, 常用语, the R-NTF-1 alerts and the customer's link
// (customer_link: 用户网络中断 while the customer's page is gone, D-WS-2).
'use strict';
(() => {
  const { $, el, api } = RC;
  const SENDERS = { customer: '客户', bot: '小蜜', agent: '客服', system: '系统' };
  const LINK_NOTES = { down: '用户网络中断', up: '用户已重新连接' };
  // id -> {view, msgs: Map(msg_seq -> msg), pending: [], unread, state,
  //        link: 'down' | '', notes: [{after: msg_seq, text, at}]}
  const convs = new Map();
  let selected = '';
  let ws = null;
  let retry = 500;
  let leaving = false;

  RC.ready.then((me) => {
    if (!RC.canWork(me)) {
      if (RC.isAgent(me)) {
        $('tenant-blocked-name').textContent = me.tenant || '—';
        $('tenant-blocked').hidden = false;
      }
      return; // R-TEN-1: no workbench, no socket
    }
    $('workbench').hidden = false;
    loadQuickReplies();
    wire();
    connect();
  });

  function connect() {
    ws = RC.socket('/ws/agent');
    setConn('connecting');
    ws.onopen = () => { setConn('open'); retry = 500; };
    ws.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      handle(f);
    };
    ws.onclose = (e) => {
      setConn('closed');
      if (leaving) return;
      // 4401: the session ended (logout elsewhere, expiry): log in again
      if (e.code === 4401) { location.href = '/login?next=' + encodeURIComponent(location.pathname); return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  window.addEventListener('beforeunload', () => { leaving = true; });
  function send(frame) {
    return !!ws && ws.sendFrame(frame);
  }

  function setConn(state) {
    const s = $('ws-state');
    s.dataset.state = state;
    s.textContent = { connecting: '连接中', open: '已连接', closed: '已断开' }[state];
  }

  function handle(f) {
    switch (f.type) {
      case 'hello': {
        // A new snapshot; the link notes shown so far stay with their chats,
        // and a link that changed while this socket was away is noted too.
        const old = new Map([...convs].map(([id, c]) => [id, { notes: c.notes, link: c.link }]));
        convs.clear();
        for (const v of f.conversations || []) {
          const c = upsert(v);
          const was = old.get(v.id) || { notes: [], link: '' };
          c.notes = was.notes;
          c.link = was.link;
          customerLink(v.id, v.customer_link === 'down' ? 'down' : 'up');
        }
        if (f.agent) RC.showStatus(f.agent.status);
        if (!convs.has(selected)) selected = '';
        if (!selected && convs.size) selected = convs.keys().next().value;
        render();
        break;
      }
      case 'assigned':
        if (f.conv && typeof f.conv === 'object') {
          upsert(f.conv);
          if (!selected) selected = f.conv.id;
          render();
        }
        break;
      case 'message':
        addMessage(f.conv, { seq: f.msg_seq, sender: f.sender, text: f.text, at: f.at });
        break;
      case 'notification':
        RC.notify(f);
        break;
      case 'ended': {
        const c = convs.get(f.conv);
        // After the customer's grace the chat ends as 用户下线 (customer_left).
        if (c) { c.state = 'ended'; c.reason = f.reason || ''; c.link = ''; render(); }
        break;
      }
      case 'customer_link':
        customerLink(f.conv, f.state);
        break;
      case 'requeued':
        convs.delete(f.conv);
        if (selected === f.conv) selected = '';
        render();
        break;
      case 'status': {
        const acc = f.agent && typeof f.agent === 'object' ? f.agent : f;
        if (acc.status) RC.showStatus(acc.status);
        break;
      }
      case 'error':
        RC.showError(`${f.code || 'error'}: ${f.message || ''}`);
        break;
    }
  }

  function upsert(view) {
    const old = convs.get(view.id);
    const c = old || { msgs: new Map(), pending: [], unread: 0, link: '', notes: [] };
    c.view = view;
    c.state = view.state;
    for (const m of view.messages || []) c.msgs.set(m.seq, m);
    convs.set(view.id, c);
    return c;
  }

  // customerLink marks a chat whose customer's page dropped (state down)
  // and clears it when a page is back (up); each change also leaves a
  // system line in the transcript, after the newest message.
  function customerLink(id, state) {
    const c = convs.get(id);
    if (!c || c.state === 'ended' || !LINK_NOTES[state]) return;
    const link = state === 'down' ? 'down' : '';
    if (c.link === link) return; // nothing changed (e.g. up without a down)
    c.link = link;
    const after = Math.max(0, ...c.msgs.keys());
    c.notes.push({ after, text: LINK_NOTES[state], at: new Date().toISOString() });
    render();
  }

  async function addMessage(id, m) {
    let c = convs.get(id);
    if (!c) {
      try { upsert(await api('GET', '/api/conversations/' + encodeURIComponent(id))); } catch (e) { return; }
      c = convs.get(id);
    }
    if (m.sender === 'agent') {
      const i = c.pending.indexOf(m.text); // our own reply coming back
      if (i >= 0) c.pending.splice(i, 1);
    }
    if (!c.msgs.has(m.seq)) {
      c.msgs.set(m.seq, m);
      if (id !== selected && m.sender === 'customer') c.unread++;
    }
    render();
  }

  function render() {
    const list = $('conv-list');
    list.replaceChildren();
    for (const [id, c] of convs) {
      const v = c.view;
      list.append(el('li', {
        'data-testid': 'conv-item', 'data-conv': id, 'data-state': c.state,
        'aria-selected': String(id === selected),
        onclick: () => { selected = id; c.unread = 0; render(); },
      },
      el('b', { text: v.customer_name || v.customer || id }),
      v.test ? el('span', { class: 'tag', text: '测试' }) : null,
      c.unread ? el('span', { class: 'badge', 'data-testid': 'conv-unread', text: String(c.unread) }) : null,
      c.link === 'down' ? el('span', { class: 'tag link-down', 'data-testid': 'conv-link-down', text: LINK_NOTES.down }) : null,
      el('div', { class: 'muted', text: [v.order_item, c.state === 'ended' ? '已结束' : ''].filter(Boolean).join(' · ') })));
    }
    $('conv-empty').hidden = convs.size > 0;

    const c = convs.get(selected);
    const log = $('chat-log');
    log.replaceChildren();
    const open = !!c && c.state !== 'ended';
    $('chat-input').disabled = !open;
    $('chat-send').disabled = !open;
    $('chat-close').disabled = !open;
    $('chat-link').hidden = !c || c.link !== 'down';
    if (!c) { $('chat-title').textContent = '未选择会话'; return; }
    c.unread = 0;
    const v = c.view;
    $('chat-title').textContent = `${v.customer_name || v.customer}${v.order ? ' · 订单 ' + v.order : ''}${v.order_item ? '（' + v.order_item + '）' : ''}`;
    const msgs = [...c.msgs.values()].sort((a, b) => a.seq - b.seq);
    let n = 0; // notes are in time order, so also in the order of after
    const notesUpTo = (seq) => {
      for (; n < c.notes.length && c.notes[n].after <= seq; n++) {
        log.append(note(c.notes[n]));
      }
    };
    for (const m of msgs) {
      notesUpTo(m.seq - 1);
      log.append(line(m.sender, m.text, m.at));
    }
    notesUpTo(Infinity);
    for (const t of c.pending) log.append(line('agent', t, '', true));
    log.scrollTop = log.scrollHeight;
  }

  // note is a system line of the page's own (not a chat message): the
  // customer's link went down or came back.
  function note(n) {
    const when = new Date(n.at).toLocaleTimeString('zh-CN', { hour12: false });
    return el('li', { 'data-testid': 'chat-link-note', 'data-sender': 'system' },
      el('span', { class: 'who', text: `${SENDERS.system} ${when}` }),
      el('span', { class: 'text', text: n.text }));
  }

  function line(sender, text, at, pending) {
    const when = at ? new Date(at).toLocaleTimeString('zh-CN', { hour12: false }) : '';
    return el('li', { 'data-testid': 'chat-msg', 'data-sender': sender, 'data-pending': pending ? 'true' : null },
      el('span', { class: 'who', text: `${SENDERS[sender] || sender} ${when}`.trim() }),
      el('span', { class: 'text', text }));
  }

  function wire() {
    const input = $('chat-input');
    $('chat-form').addEventListener('submit', (e) => { e.preventDefault(); reply(); });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); reply(); }
    });
    $('chat-close').addEventListener('click', () => {
      if (selected && send({ type: 'close', conv: selected })) $('chat-close').disabled = true;
    });
    document.addEventListener('rc-open-conv', (e) => { if (convs.has(e.detail)) { selected = e.detail; render(); } });
    // 离线 re-queues the chats (D-ROUTE-2); the socket then sends requeued.
  }

  function reply() {
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text || !selected) return;
    if (!send({ type: 'send', conv: selected, text })) { RC.showError('连接已断开，正在重连'); return; }
    convs.get(selected).pending.push(text);
    input.value = '';
    render();
  }

  async function loadQuickReplies() {
    const ul = $('quick-replies');
    try {
      const list = await api('GET', '/api/quick-replies') || [];
      ul.replaceChildren(...list.map((q) => el('li', {
        'data-testid': 'quick-reply', 'data-id': q.id, text: q.text, title: '点击填入输入框',
        onclick: () => {
          const input = $('chat-input');
          input.value = input.value ? input.value + q.text : q.text;
          input.focus();
        },
      })));
    } catch (err) { RC.showError(err); }
  }
})();
