// Package server is the bundled workbench: HTTP + WebSocket (gorilla) over
// the core of sim/workbench, speaking protocol v2 of docs/protocol.md.
//
// Locks. Two mutexes, always taken in this order and never the other way:
//
//   - mu owns the core and the server's logical state (sessions, grace
//     timers, idempotency caches, limits). It covers core calls only:
//     request bodies are read and decoded before it is taken, passwords are
//     compared with bcrypt outside it (one hash per two cores, at the
//     lowest priority, so a login flood takes only spare CPU: in a hash
//     worker process with Options.HashProcess, else on a thread of its
//     own), answers are encoded after it.
//   - dmu owns delivery: the socket registry and each chat's frame log. A
//     locked section of mu turns the core's events into frame values, takes
//     dmu, releases mu, then encodes each frame once (not per recipient) and
//     queues the bytes on the sockets. Sections reach dmu in the order they
//     held mu, so frames go out in event order while the core is free.
//
// Sockets never block either lock: each has one reader and one writer
// goroutine and a bounded send queue; a socket whose queue is full is
// closed (a slow reader, gorilla chat's rule) and resumes from its last
// chat sequence number when it reconnects. Every limit is in Limits.
//
// Files. state.go holds the state; the files under it are types of their
// own, the files over it are what the server does with it, and server.go
// wires it all (docs/architecture.md).
package server
