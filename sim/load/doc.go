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
// misdelivered (to a party that may not see the chat) and foreign; refused
// by code, expected or not; and unconfirmed (no answer within a window
// before the shutdown or the end). Every actor also checks each chat's
// frames for cseq order and message gaps. It judges from what the actors
// recorded only (docs/decisions.md D-LOAD-1, D-LOAD-5 to D-LOAD-8).
package load
