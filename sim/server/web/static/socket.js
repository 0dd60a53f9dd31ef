// rcSocket opens a protocol socket on this host (docs/protocol.md): its
// sendFrame numbers client frames from 1 per connection, and a ping every
// 25 s keeps it alive. Shared by the workbench and the bot page.
function rcSocket(path) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}${path}`);
  let seq = 0;
  ws.sendFrame = (frame) => {
    if (ws.readyState !== WebSocket.OPEN) return false;
    frame.seq = ++seq;
    ws.send(JSON.stringify(frame));
    return true;
  };
  const ping = setInterval(() => ws.sendFrame({ type: 'ping' }), 25000);
  ws.addEventListener('close', () => clearInterval(ping));
  return ws;
}
