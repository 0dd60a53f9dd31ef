// rcSocket opens a protocol socket on this host (docs/protocol.md, v2): its
// sendFrame numbers client frames from 1 per connection and gives each
// frame that changes state a client id, and a ping every 25 s keeps it
// alive. Shared by the workbench and the bot page.
const RC_CHANGES = ['say', 'button', 'leave', 'rate', 'send', 'close', 'status'];
const rcIdPrefix = Math.random().toString(36).slice(2, 10);
let rcNextId = 0;
function rcSocket(path) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}${path}`);
  let seq = 0;
  ws.sendFrame = (frame) => {
    if (ws.readyState !== WebSocket.OPEN) return false;
    frame.seq = ++seq;
    if (RC_CHANGES.includes(frame.type) && !frame.id) frame.id = `${rcIdPrefix}-${++rcNextId}`;
    ws.send(JSON.stringify(frame));
    return true;
  };
  const ping = setInterval(() => ws.sendFrame({ type: 'ping' }), 25000);
  ws.addEventListener('close', () => clearInterval(ping));
  return ws;
}
