// Package load drives a workbench with many lightweight WebSocket actors
// and audits every chat message (routecheck load).
//
// Actors are state machines, not goroutines: each socket has one reader
// goroutine that turns frames into actions, and every timed action (an
// arrival, a customer's next message, an agent's reply) sits in one shared
// scheduler whose small worker pool runs them. Actors speak only
// docs/protocol.md (v2: client ids, acks, per-chat cseq and resume).
//
// Latency is recorded in HDR histograms. With a fixed arrival rate
// (Config.Rate) latencies are measured from the time an action was
// scheduled, not the time it went out, as wrk2 and vegeta do: a generator
// that falls behind a slow server then shows the delay instead of hiding it
// (coordinated omission).
//
// The audit follows every chat message from send to receipt by the party
// that should see it: sent, delivered, lost, duplicated, out of order,
// plus refused (the server answered with an error, e.g. the chat had ended)
// and unconfirmed (no answer before the server shut down).
package load
