// Package workbench is the domain core of routecheck: the agent workbench
// (X-Space) and the bot page (小蜜) of SPEC.md as a deterministic state
// machine. Commands come in as method calls, time comes from a clock.Clock,
// and everything that happens goes out as an append-only event log.
//
// The core does no I/O, starts no goroutines, never reads the wall clock and
// uses no global randomness. It is single-owner: the caller serialises every
// call (the server holds one lock; the simulator runs on one goroutine).
// Timer callbacks are routed through Options.Guard so the owner can take its
// lock before the core runs them.
package workbench
