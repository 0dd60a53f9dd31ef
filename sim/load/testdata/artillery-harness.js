// Runs the function steps of an exported Artillery scenario the way
// Artillery's runner calls them (fn(context, events, done), context.vars
// = the config's variables, its target and the virtual user's payload
// row), with Node's own WebSocket standing in for the ws package, so the
// processor can be tested against a real workbench without npm.
// Usage: node --experimental-websocket artillery-harness.js plan.json
// plan: {processor, function, vars, users: [{at_ms, row}]}; prints the
// metrics as JSON.
'use strict';
const EventEmitter = require('events');
const Module = require('module');
const path = require('path');
const fs = require('fs');

class WS extends EventEmitter {
  constructor(url, opts) {
    super();
    this.w = new WebSocket(url, { headers: (opts && opts.headers) || {} });
    this.w.onopen = () => this.emit('open');
    this.w.onmessage = (e) => this.emit('message', e.data);
    this.w.onerror = () => this.emit('error', new Error('websocket error on ' + url));
    this.w.onclose = (e) => this.emit('close', e.code);
  }
  send(s) { this.w.send(s); }
  close() { this.w.close(); }
}
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'ws') return 'routecheck-ws-shim';
  return resolve.call(this, request, ...rest);
};
require.cache['routecheck-ws-shim'] = { id: 'routecheck-ws-shim', filename: 'routecheck-ws-shim', loaded: true, exports: WS };

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const proc = require(path.resolve(plan.processor));
const fn = proc[plan.function];
if (typeof fn !== 'function') {
  console.error('processor exports no function ' + plan.function);
  process.exit(2);
}
const out = { counters: {}, histograms: {}, completed: 0, failed: 0, errors: [] };
const events = new EventEmitter();
events.on('counter', (name, n) => { out.counters[name] = (out.counters[name] || 0) + n; });
events.on('histogram', (name, v) => { (out.histograms[name] = out.histograms[name] || []).push(v); });
let left = plan.users.length;
const t0 = Date.now();
for (const u of plan.users) {
  setTimeout(() => {
    const context = { vars: Object.assign({}, plan.vars, u.row) };
    let called = false;
    fn(context, events, (err) => {
      if (called) { out.errors.push('done called twice'); return; }
      called = true;
      if (err) { out.failed++; out.errors.push(String(err && err.message || err)); } else out.completed++;
      if (--left === 0) {
        out.elapsed_ms = Date.now() - t0;
        console.log(JSON.stringify(out));
        process.exit(0);
      }
    });
  }, u.at_ms);
}
