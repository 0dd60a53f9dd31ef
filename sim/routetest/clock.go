package routetest

import (
	"context"
	"time"

	"routecheck/sim/clock"
)

// Clock is when the rehearsed agents act: a reply is due reply_delay after
// the chat's own pickup on this clock (R-KPI-1 counts 首响时长 from pickup).
// Waits for the workbench (a frame, an assignment) are not on it: they are
// network waits, bounded by --timeout in real time.
type Clock interface {
	Now() time.Time
	// SleepUntil returns when the clock reads t, or with ctx's error.
	SleepUntil(ctx context.Context, t time.Time) error
}

// RealClock is the wall clock; the default.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// SleepUntil sleeps in real time.
func (RealClock) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// Jumping is a virtual clock that rehearsed agents move themselves: a
// SleepUntil jumps it to t at once (firing the workbench's timers due on
// the way, e.g. R-IDLE-1). Give the same *clock.Virtual to the bundled
// workbench (BundledOn) and a reply delay of 29 s costs no real time, while
// the event log, and so 首响时长, shows 29 s. Between jumps the clock
// stands still, so network round trips take no virtual time. When two
// agents wait side by side, the later jump carries the earlier chat past
// its own due time: a chat's measured first response then lies between its
// own delay and the longest delay of the chats rehearsed beside it.
func Jumping(v *clock.Virtual) Clock { return jumping{v} }

type jumping struct{ v *clock.Virtual }

func (j jumping) Now() time.Time { return j.v.Now() }

func (j jumping) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.v.RunUntil(t)
	return nil
}
