// Customer side of routecheck's protocol v2 for Artillery (written by
// routecheck load --export artillery). Each virtual user takes one entry
// token, opens /ws/customer, asks for a human (转人工), writes a message every
// thinkMs (±50%) for holdMs while an agent answers, then leaves. Metrics:
// routecheck.assign_ms (转人工 to the assigned state frame), routecheck.reply_ms
// (a message to the agent's answer), counters of messages sent and answered.
'use strict';
// ws comes with Artillery; found from Artillery's own modules when this
// file sits elsewhere (or set NODE_PATH to Artillery's node_modules).
let WebSocket;
try {
  WebSocket = require('ws');
} catch (e) {
  WebSocket = require(require.resolve('ws', { paths: (require.main ? require.main.paths : []).concat([process.cwd() + '/node_modules']) }));
}

function customerChat(context, events, done) {
  const v = context.vars;
  const base = String(v.target || context.vars.$environment || '').replace(/^http/, 'ws');
  const url = base + '/ws/customer?t=' + encodeURIComponent(v.token) + '&v=' + encodeURIComponent(v.vendor);
  const me = 'art' + Math.random().toString(36).slice(2, 10);
  const ws = new WebSocket(url);
  let seq = 0, ids = 0, n = 0, transferAt = 0, assigned = false, finished = false, timer = null;
  const sentAt = new Map();
  const send = (f) => {
    seq++;
    f.seq = seq;
    if (['say', 'leave'].includes(f.type)) { ids++; f.id = me + '-' + ids; }
    ws.send(JSON.stringify(f));
  };
  const finish = (err) => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    try { ws.close(); } catch (e) { /* closed already */ }
    done(err);
  };
  const think = () => Number(v.thinkMs) * (0.5 + Math.random());
  const say = (until) => {
    if (Date.now() >= until) { send({ type: 'leave' }); return; }
    n++;
    const text = 'load ' + me + ' m' + n;
    sentAt.set(text.replace(' m', ' r'), Date.now());
    send({ type: 'say', text });
    events.emit('counter', 'routecheck.sent', 1);
    timer = setTimeout(() => say(until), think());
  };
  ws.on('message', (data) => {
    let f;
    try { f = JSON.parse(data); } catch (e) { return; }
    if (f.type === 'hello' && !transferAt) {
      transferAt = Date.now();
      send({ type: 'say', text: '转人工' });
    } else if (f.type === 'state' && f.state === 'assigned' && !assigned) {
      assigned = true;
      events.emit('histogram', 'routecheck.assign_ms', Date.now() - transferAt);
      const until = Date.now() + Number(v.holdMs);
      timer = setTimeout(() => say(until), think());
    } else if (f.type === 'message' && f.sender === 'agent' && sentAt.has(f.text)) {
      events.emit('histogram', 'routecheck.reply_ms', Date.now() - sentAt.get(f.text));
      events.emit('counter', 'routecheck.answered', 1);
      sentAt.delete(f.text);
    } else if (f.type === 'state' && f.state === 'ended') {
      finish();
    } else if (f.type === 'error' && f.code !== 'not allowed in the current state') {
      events.emit('counter', 'routecheck.error.' + f.code, 1);
    }
  });
  ws.on('error', (err) => finish(err));
  ws.on('close', () => finish());
}

module.exports = { customerChat };
