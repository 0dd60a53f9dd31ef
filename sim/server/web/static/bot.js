// 小蜜, the customer's bot page (R-VEN-2, R-RT-3..5): robot card, the
// two-level FAQ, quick phrases and the chat over /ws/customer. The entry
// token from the QR code (?t=) is the only credential.
'use strict';
(() => {
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const STATES = { bot: '小蜜为您服务', queued: '排队中', assigned: '人工客服', ended: '会话已结束', refused: '无法打开', closed: '已断开' };
  // The bot signs with the vendor's robot_name once the page knows it (R-VEN-2).
  const SENDERS = { customer: '我', bot: '小蜜', agent: '客服', system: '系统' };
  // Why an entry link is refused (D-TOK-1), in the customer's language: the
  // server's English reason is for testers and logs, never for this page.
  const REFUSED = {
    tampered: '入口链接无效（可能被修改过），请使用 CCO 渠道团队提供的二维码重新扫码',
    expired: '入口链接已过期，请联系 CCO 渠道团队获取新的二维码',
    'wrong vendor': '此入口链接不属于本服务商的小蜜页面，请重新扫码',
  };
  // Errors of a frame during the chat (docs/protocol.md), likewise.
  const ERRORS = {
    limit: '发送太频繁，请稍后再试',
    'invalid request': '消息无法发送，请检查后重试',
    'not allowed in the current state': '当前会话状态下无法进行此操作',
    'not found': '会话不存在或已结束',
    forbidden: '无权进行此操作',
  };
  const params = new URLSearchParams(location.search);
  const token = params.get('t') || '';
  // The entry URL may name the vendor (v) too; the server checks it against
  // the token (wrong vendor), so both go along.
  const entry = new URLSearchParams({ t: token });
  if (params.get('v')) entry.set('v', params.get('v'));
  const page = $('bot-page');
  const seen = new Set(); // msg_seq already shown: hello history and live frames overlap
  let ws = null;
  // Protocol v2 resume: the chat, its key, the last cseq seen, and frames
  // sent but not answered (sent again, with their ids, after a reconnect).
  const chat = { conv: '', key: '', cseq: 0, pending: new Map(), retries: 0 };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fail(text) {
    const b = $('bot-error');
    b.textContent = text;
    b.hidden = false;
    page.dataset.state = page.dataset.state || 'error';
  }

  // refuse is a page that cannot open (R-RT-3): the reason, a header that
  // says so, and nothing to type into or tap.
  function refuse(text) {
    fail(text);
    setState('refused', '');
    for (const e of document.querySelectorAll('[data-testid="bot-input"], [data-testid="bot-send"], [data-testid="quick-phrase"], [data-testid="bot-card-button"], [data-testid="faq-topic"]')) {
      e.disabled = true;
    }
  }

  async function start() {
    if (!token) { refuse('链接无效：缺少入口凭证，请重新扫码 (R-RT-3)'); return; }
    let bot;
    try {
      const res = await fetch('/api/bot?' + entry.toString());
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        page.dataset.error = body.error || String(res.status);
        refuse((REFUSED[body.error] || `无法打开小蜜，请稍后再试（${res.status}）`) + ' (R-RT-3)');
        return;
      }
      bot = body;
    } catch (e) { fail('网络错误，请稍后再试'); return; }
    renderBot(bot);
    connect();
  }

  function renderBot(bot) {
    document.title = bot.robot_name || '小蜜';
    $('bot-name').textContent = bot.robot_name || '小蜜';
    SENDERS.bot = bot.robot_name || '小蜜';
    $('bot-greeting').textContent = bot.greeting || '';
    const card = $('bot-card-buttons');
    card.replaceChildren();
    for (const b of bot.card_buttons || []) {
      const btn = el('button', { type: 'button', 'data-testid': 'bot-card-button', 'data-kind': b.kind, 'data-label': b.label }, b.label);
      btn.addEventListener('click', () => send({ type: 'button', label: b.label }));
      card.append(btn);
    }
    const topics = $('faq-topics');
    topics.replaceChildren();
    (bot.faq || []).forEach((t, i) => {
      const btn = el('button', { type: 'button', 'data-testid': 'faq-topic', 'data-index': String(i), 'aria-pressed': 'false' }, t.title);
      btn.addEventListener('click', () => showTopic(bot.faq, i));
      topics.append(btn);
    });
    $('faq').hidden = !(bot.faq || []).length;
    const phrases = $('quick-phrases');
    phrases.replaceChildren();
    for (const p of bot.quick_phrases || []) {
      const btn = el('button', { type: 'button', 'data-testid': 'quick-phrase', 'data-transfer': String(!!p.transfer) }, p.text);
      btn.addEventListener('click', () => say(p.text));
      phrases.append(btn);
    }
  }

  // Second level: the topic's questions; a tap asks the bot (R-VEN-2).
  function showTopic(faq, i) {
    const box = $('faq-questions');
    for (const b of document.querySelectorAll('[data-testid="faq-topic"]')) {
      b.setAttribute('aria-pressed', String(b.dataset.index === String(i)));
    }
    box.replaceChildren();
    for (const q of faq[i].questions || []) {
      const btn = el('button', { type: 'button', 'data-testid': 'faq-question' }, q.question);
      btn.addEventListener('click', () => say(q.question));
      box.append(btn);
    }
    box.hidden = false;
  }

  function connect() {
    const q = new URLSearchParams(entry);
    if (chat.conv) {
      q.set('conv', chat.conv);
      q.set('key', chat.key);
      q.set('after', String(chat.cseq));
    }
    ws = rcSocket(`/ws/customer?${q.toString()}`);
    ws.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      handle(f);
    };
    ws.onclose = (e) => {
      // A dropped link resumes the chat (the server keeps it for a grace).
      if (chat.conv && page.dataset.state !== 'ended' && e.code !== 1008 && chat.retries < 5) {
        chat.retries++;
        setTimeout(connect, 1000 * chat.retries);
        return;
      }
      if (page.dataset.state !== 'ended') {
        if (!page.dataset.conv) { refuse('入口凭证无效或已过期，请重新扫码 (R-RT-3)'); return; }
        setState('closed', page.dataset.agent);
        fail('连接已断开，请刷新页面');
      }
    };
  }
  function send(frame) {
    if (!ws || !ws.sendFrame(frame)) return false;
    if (frame.id) chat.pending.set(frame.id, frame);
    return true;
  }

  function say(text) {
    text = (text || '').trim();
    if (!text) return;
    if (!send({ type: 'say', text })) fail('连接已断开，请刷新页面');
  }

  function handle(f) {
    if (f.cseq && f.type !== 'hello' && f.cseq > chat.cseq) chat.cseq = f.cseq;
    if (f.type === 'error' && f.id) chat.pending.delete(f.id);
    switch (f.type) {
      case 'hello':
        page.dataset.conv = f.conv || '';
        if (f.conv !== chat.conv) chat.pending.clear();
        chat.conv = f.conv || '';
        chat.key = f.key || chat.key;
        chat.retries = 0;
        if (!f.resumed) chat.cseq = f.cseq || 0; // a resumed hello's cseq counts once its replay is here
        if (f.bot) renderBot(f.bot);
        for (const m of f.messages || []) show(m.seq, m.sender, m.text);
        setState(f.state, '');
        for (const p of chat.pending.values()) ws.sendFrame(p);
        break;
      case 'ack':
        chat.pending.delete(f.id);
        break;
      case 'message':
        show(f.msg_seq, f.sender, f.text);
        break;
      case 'state':
        setState(f.state, typeof f.agent === 'string' ? f.agent : (f.agent && f.agent.login) || '');
        break;
      case 'error':
        page.dataset.error = f.code || '';
        fail(ERRORS[f.code] || '出错了，请稍后再试');
        break;
    }
  }

  function show(msgSeq, sender, text) {
    if (msgSeq && seen.has(msgSeq)) return;
    if (msgSeq) seen.add(msgSeq);
    const li = el('li', { 'data-testid': 'bot-msg', 'data-sender': sender });
    li.append(el('span', { class: 'who' }, SENDERS[sender] || sender), el('span', { class: 'text' }, text));
    const log = $('bot-log');
    log.append(li);
    li.scrollIntoView({ block: 'end' });
  }

  function setState(state, agent) {
    page.dataset.state = state || '';
    page.dataset.agent = agent || '';
    $('bot-state').textContent = STATES[state] || state || '';
    $('bot-rate').hidden = state !== 'ended';
  }

  $('bot-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('bot-input');
    say(input.value);
    input.value = '';
  });
  for (const b of document.querySelectorAll('[data-testid="bot-rate"] button')) {
    b.addEventListener('click', () => {
      if (send({ type: 'rate', rating: b.dataset.rating })) {
        $('bot-rate').replaceChildren(el('p', {}, '感谢您的评价'));
      }
    });
  }
  start();
})();
