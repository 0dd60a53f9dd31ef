// Package wire is the Go home of docs/protocol.md (protocol v2): the frame
// types, the typed frames both ways, which client frames carry a client
// id, the limits both sides count on, the resume list, and the client's
// outbox (sequence numbers, client ids, frames not yet answered and their
// in-order resend, the last cseq per chat). The bundled server, the route
// test's actors and the load actors all speak through it, so the protocol
// is written once; TestProtocolDocExamples keeps it and the document in
// step. It imports the standard library only.
package wire
