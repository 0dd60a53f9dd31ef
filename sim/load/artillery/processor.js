// Agents and customers of routecheck's protocol v2 for Artillery (written by
// routecheck load --export artillery). Every virtual user takes one row of
// routecheck-actors.csv and plays its role:
//  - agent: logs in over HTTP (POST /api/login), opens /ws/agent with the
//    session cookie, goes 在线 and answers every customer message of the chats
//    it is assigned after replyMs (±50%), as routecheck's own agents do; it
//    stays agentMs, then goes 离线 and closes the workbench;
//  - customer: opens /ws/customer with its entry token, asks for a human
//    (转人工), writes a message every thinkMs (±50%) for holdMs while an
//    agent answers, then leaves.
// Every state-changing frame carries a client id and every client frame an
// increasing seq (docs/protocol.md, protocol v2). An agent's reply id is made
// from the chat and the message it answers, so the same agent logged in
// twice (a runner that copies the payload to every worker) answers once.
// Metrics: routecheck.assign_ms (转人工 to the assigned frame, client clock),
// routecheck.assign_server_ms (the same on the workbench's clock, from the
// messages' `at`), routecheck.reply_ms (a message to the agent's answer),
// routecheck.loop_lag_ms (how late this Node process runs its timers) with
// routecheck.node.* (its GC pauses, CPU time and time waiting for a CPU),
// and counters of agents 在线, chats picked up, messages sent and answered.
'use strict';
const http = require('http');
const https = require('https');
// ws comes with Artillery: found beside the artillery command that runs
// this file when it sits elsewhere (or set NODE_PATH to its node_modules).
let WebSocket;
try {
  WebSocket = require('ws');
} catch (e) {
  const fs = require('fs');
  const path = require('path');
  const from = [process.cwd()];
  try { from.unshift(path.dirname(fs.realpathSync(process.argv[1]))); } catch (e2) { /* no script path */ }
  WebSocket = require(require.resolve('ws', { paths: from }));
}

// Event-loop lag: a timer due every 100 ms reports how late it ran, through
// a live virtual user's emitter (metrics go through a virtual user's emitter).
// Beside it, where the time went: garbage-collection pauses, and on Linux
// this thread's CPU time and its time waiting for a CPU (schedstat).
const live = new Map(); // emitter -> virtual users using it (Artillery may share one)
let lagTimer = null;
let gcObserver = null;
const emit = (type, name, v) => {
  const ee = live.keys().next().value;
  if (ee) ee.emit(type, name, v);
};
function schedstat() {
  try {
    const [run, wait] = require('fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { run, wait };
  } catch (e) {
    return null;
  }
}
function watchLag(events) {
  live.set(events, (live.get(events) || 0) + 1);
  if (lagTimer) return;
  let due = Date.now() + 100;
  let last = schedstat();
  lagTimer = setInterval(() => {
    const now = Date.now();
    emit('histogram', 'routecheck.loop_lag_ms', Math.max(0, now - due));
    due = now + 100;
    const s = schedstat();
    if (s && last) {
      emit('counter', 'routecheck.node.cpu_ms', Math.round((s.run - last.run) / 1e6));
      emit('counter', 'routecheck.node.runqueue_ms', Math.round((s.wait - last.wait) / 1e6));
    }
    last = s;
  }, 100);
  try {
    const { PerformanceObserver } = require('perf_hooks');
    gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) emit('histogram', 'routecheck.node.gc_ms', e.duration);
    });
    gcObserver.observe({ entryTypes: ['gc'] });
  } catch (e) {
    gcObserver = null;
  }
}
function unwatchLag(events) {
  const n = (live.get(events) || 1) - 1;
  if (n > 0) live.set(events, n);
  else live.delete(events);
  if (live.size === 0 && lagTimer) {
    clearInterval(lagTimer);
    lagTimer = null;
    if (gcObserver) gcObserver.disconnect();
    gcObserver = null;
  }
}

const jitter = (ms) => Number(ms) * (0.5 + Math.random());
const wsBase = (v) => String(v.target || v.$environment || '').replace(/\/+$/, '').replace(/^http/, 'ws');

// conn opens a socket and numbers the frames sent on it (seq strictly
// increasing per connection).
function conn(url, headers, onFrame, onEnd) {
  const ws = new WebSocket(url, { headers });
  let seq = 0;
  const c = {
    send(f) {
      seq++;
      f.seq = seq;
      ws.send(JSON.stringify(f));
    },
    close() {
      try { ws.close(); } catch (e) { /* closed already */ }
    },
  };
  ws.on('message', (data) => {
    let f;
    try { f = JSON.parse(String(data)); } catch (e) { return; }
    onFrame(f);
  });
  ws.on('error', (err) => onEnd(err));
  ws.on('close', () => onEnd());
  return c;
}

// login posts the agent's credentials and returns the session cookie.
function login(v, cb) {
  const u = new URL(String(v.target).replace(/\/+$/, '') + '/api/login');
  const body = JSON.stringify({ login: v.login, password: v.agentPassword });
  const req = (u.protocol === 'https:' ? https : http).request(u, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
  }, (res) => {
    res.resume();
    res.on('end', () => {
      const set = [].concat(res.headers['set-cookie'] || []);
      const sess = set.map((s) => s.split(';')[0]).find((s) => s.startsWith('rc_session='));
      if (res.statusCode !== 200 || !sess) return cb(new Error('login ' + v.login + ': HTTP ' + res.statusCode));
      cb(null, sess);
    });
  });
  req.on('error', cb);
  req.end(body);
}

function agent(context, events, done) {
  const v = context.vars;
  watchLag(events);
  let sock = null, finished = false, online = false, stopTimer = null, ids = 0;
  const timers = new Set();
  const later = (ms, fn) => {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  };
  const finish = (err) => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    if (stopTimer) clearTimeout(stopTimer);
    if (sock) sock.close();
    unwatchLag(events);
    done(err);
  };
  const stamp = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  login(v, (err, cookie) => {
    if (err) {
      events.emit('counter', 'routecheck.agent.login_failed', 1);
      return finish(err);
    }
    sock = conn(wsBase(v) + '/ws/agent', { Cookie: cookie }, (f) => {
      if (f.type === 'hello') {
        if (!f.agent || f.agent.status !== '在线') {
          ids++;
          sock.send({ type: 'status', status: '在线', id: 'on-' + stamp + '-' + ids });
        } else if (!online) {
          online = true;
          events.emit('counter', 'routecheck.agent.online', 1);
        }
      } else if (f.type === 'status' && f.agent && f.agent.status === '在线' && !online) {
        online = true;
        events.emit('counter', 'routecheck.agent.online', 1);
      } else if (f.type === 'assigned') {
        events.emit('counter', 'routecheck.agent.picked_up', 1);
      } else if (f.type === 'message' && f.sender === 'customer' && String(f.text).startsWith('load ')) {
        const reply = { type: 'send', conv: f.conv, text: f.text.replace(' m', ' r'), id: 'r-' + f.conv + '-' + f.msg_seq };
        later(jitter(v.replyMs), () => { if (!finished) sock.send(reply); });
      } else if (f.type === 'ack') {
        if (String(f.id).startsWith('r-') && !f.duplicate) events.emit('counter', 'routecheck.agent.replied', 1);
      } else if (f.type === 'error') {
        events.emit('counter', 'routecheck.agent.error.' + f.code, 1);
      }
    }, (err) => finish(err));
    // After the workload: 离线, then close the workbench (D-RUN-5).
    stopTimer = setTimeout(() => {
      ids++;
      try { sock.send({ type: 'status', status: '离线', id: 'off-' + stamp + '-' + ids }); } catch (e) { /* closed */ }
      later(500, () => finish());
    }, Number(v.agentMs));
  });
}

function customer(context, events, done) {
  const v = context.vars;
  watchLag(events);
  const url = wsBase(v) + '/ws/customer?t=' + encodeURIComponent(v.token) + '&v=' + encodeURIComponent(v.vendor);
  const me = 'art' + Math.random().toString(36).slice(2, 10);
  let ids = 0, n = 0, transferAt = 0, transferServer = 0, assigned = false, finished = false, timer = null, asks = 0;
  let sock = null, pickedServer = false;
  const sentAt = new Map();
  const send = (f) => {
    ids++;
    f.id = me + '-' + ids;
    sock.send(f);
  };
  // A chat nobody picks up ends when the agents would have gone.
  const giveUp = setTimeout(() => {
    if (assigned) return;
    events.emit('counter', 'routecheck.not_assigned', 1);
    try { send({ type: 'leave' }); } catch (e) { /* closed */ }
    finish(new Error('no agent picked the chat up'));
  }, Number(v.agentMs));
  const finish = (err) => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    clearTimeout(giveUp);
    sock.close();
    unwatchLag(events);
    done(err);
  };
  const say = (until) => {
    if (Date.now() >= until) { send({ type: 'leave' }); return; }
    n++;
    const text = 'load ' + me + ' m' + n;
    sentAt.set(text.replace(' m', ' r'), Date.now());
    send({ type: 'say', text });
    events.emit('counter', 'routecheck.sent', 1);
    timer = setTimeout(() => say(until), jitter(v.thinkMs));
  };
  sock = conn(url, {}, (f) => {
    if (f.type === 'hello' && !transferAt) {
      transferAt = Date.now();
      send({ type: 'say', text: '转人工' });
    } else if (f.type === 'state' && f.state === 'bot' && f.reason && !assigned && asks < 20) {
      // Nobody 在线 yet: ask again shortly, as routecheck's customers do.
      asks++;
      events.emit('counter', 'routecheck.transfer_refused', 1);
      timer = setTimeout(() => send({ type: 'say', text: '转人工' }), 500);
    } else if (f.type === 'state' && f.state === 'assigned' && !assigned) {
      assigned = true;
      events.emit('histogram', 'routecheck.assign_ms', Date.now() - transferAt);
      const until = Date.now() + Number(v.holdMs);
      timer = setTimeout(() => say(until), jitter(v.thinkMs));
    } else if (f.type === 'message' && f.sender === 'customer' && f.text === '转人工' && !transferServer) {
      transferServer = Date.parse(f.at);
    } else if (f.type === 'message' && f.sender === 'system' && assigned && !pickedServer && transferServer) {
      // The welcome follows the assignment in the same command.
      pickedServer = true;
      events.emit('histogram', 'routecheck.assign_server_ms', Date.parse(f.at) - transferServer);
    } else if (f.type === 'message' && f.sender === 'agent' && sentAt.has(f.text)) {
      events.emit('histogram', 'routecheck.reply_ms', Date.now() - sentAt.get(f.text));
      events.emit('counter', 'routecheck.answered', 1);
      sentAt.delete(f.text);
    } else if (f.type === 'state' && f.state === 'ended') {
      finish();
    } else if (f.type === 'error' && f.code !== 'not allowed in the current state') {
      events.emit('counter', 'routecheck.error.' + f.code, 1);
    }
  }, (err) => finish(err));
}

// routecheckActor plays the role of the virtual user's payload row.
function routecheckActor(context, events, done) {
  if (context.vars.role === 'agent') return agent(context, events, done);
  return customer(context, events, done);
}

module.exports = { routecheckActor, agent, customer };
