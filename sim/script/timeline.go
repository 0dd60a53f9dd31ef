package script

import (
	"context"
	"time"

	"routecheck/sim/actors"
)

// timeline is the workbench's time as a script sees it: a virtual clock
// the script moves (the bundled workbench, D-SCR-2) or the real one
// (--target, where waits take their time).
type timeline interface {
	virtual() bool
	now(ctx context.Context) (time.Time, error)
	// runUntil moves time to t, firing every timer due on the way.
	runUntil(ctx context.Context, t time.Time) error
	// step moves time towards until: to the next instant with a due timer
	// at or before it (virtual), or by a short poll (real). It reports
	// false once time has reached until.
	step(ctx context.Context, until time.Time) (bool, error)
	// next is when the workbench's next timer is due, if it can tell.
	next(ctx context.Context) (time.Time, bool)
	// sockets is the number of sockets the workbench counts, or -1 when
	// it cannot say (real time).
	sockets(ctx context.Context) (int, error)
}

// virtualTime moves the bundled workbench's clock over its clock-control
// route, with the run's secret.
type virtualTime struct{ k *actors.ClockControl }

func (v virtualTime) virtual() bool { return true }

func (v virtualTime) now(ctx context.Context) (time.Time, error) {
	st, err := v.k.State(ctx)
	return st.Now, err
}

func (v virtualTime) runUntil(ctx context.Context, t time.Time) error {
	_, err := v.k.RunUntil(ctx, t, false)
	return err
}

func (v virtualTime) step(ctx context.Context, until time.Time) (bool, error) {
	st, err := v.k.RunUntil(ctx, until, true)
	if err != nil {
		return false, err
	}
	return st.Now.Before(until), nil
}

func (v virtualTime) next(ctx context.Context) (time.Time, bool) {
	st, err := v.k.State(ctx)
	if err != nil || st.Next == nil {
		return time.Time{}, false
	}
	return *st.Next, true
}

func (v virtualTime) sockets(ctx context.Context) (int, error) {
	st, err := v.k.State(ctx)
	return st.Sockets, err
}

// realTime is the wall clock of a workbench at --target.
type realTime struct {
	clock func() time.Time
	poll  time.Duration
}

func (r realTime) virtual() bool { return false }

func (r realTime) now(context.Context) (time.Time, error) { return r.clock(), nil }

func (r realTime) runUntil(ctx context.Context, t time.Time) error {
	d := t.Sub(r.clock())
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

func (r realTime) step(ctx context.Context, until time.Time) (bool, error) {
	t := r.clock().Add(r.poll)
	if t.After(until) {
		t = until
	}
	if err := r.runUntil(ctx, t); err != nil {
		return false, err
	}
	return r.clock().Before(until), nil
}

func (r realTime) next(context.Context) (time.Time, bool) { return time.Time{}, false }

func (r realTime) sockets(context.Context) (int, error) { return -1, nil }
