// Package clock owns time for routecheck: the workbench core never reads the
// wall clock, it asks a Clock. The live server passes Real; the traffic
// simulator and the tests pass a Virtual clock they advance themselves.
package clock

import (
	"context"
	"time"
)

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

// SleepUntil returns when c reads t, or with ctx's error. A clock that its
// own sleeper moves (a Virtual no one else advances: the rehearsed agents'
// clock) jumps to t at once, firing the timers due on the way; any other
// waits for its own timer.
func SleepUntil(ctx context.Context, c Clock, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if j, ok := c.(interface{ RunUntil(time.Time) }); ok {
		j.RunUntil(t)
		return nil
	}
	d := t.Sub(c.Now())
	if d <= 0 {
		return nil
	}
	due := make(chan struct{})
	tm := c.AfterFunc(d, func() { close(due) })
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-due:
		return nil
	}
}
