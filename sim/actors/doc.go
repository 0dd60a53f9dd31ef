// Package actors holds the simulated people of a route test: a customer, an
// agent and a CCO operations user. They reach the workbench only over the
// wire (HTTP + WebSocket, docs/protocol.md) and record what they see, so a
// route-test step is a check over the record afterwards.
package actors
