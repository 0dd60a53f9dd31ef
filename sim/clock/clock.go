// Package clock owns time for routecheck: the workbench core never reads the
// wall clock, it asks a Clock. The live server passes Real; the traffic
// simulator and the tests pass a Virtual clock they advance themselves.
package clock

import "time"

// Clock tells the time and runs functions later.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once, d after now. On Real, f runs on its own
	// goroutine; on Virtual, f runs inside Advance/RunUntil/Step.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop cancels the call and reports whether it was still pending.
	Stop() bool
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
