// Package server is the bundled workbench: HTTP + WebSocket (gorilla) over
// the core of sim/workbench, as docs/protocol.md describes. One mutex owns
// the core and the socket registry; every request, frame and timer takes it,
// so the core stays single-owner on the real clock.
package server
