package routetest

import (
	"context"
	"errors"
	"time"
)

// grace is how long a wait that ran out goes on, to tell a vendor that
// never acts from a --timeout too short for the harness itself.
func (r *runner) grace() time.Duration { return max(2*time.Second, r.opt.wait()) }

// await runs wait with --timeout as its own deadline. If that runs out, it
// waits once more, for the grace: what comes then came too late for the
// harness's own --timeout. That is harness trouble (recorded on st, exit
// 3), not the vendor's fault; the first error is returned either way.
func (r *runner) await(st *stepRec, what string, wait func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(r.ctx, r.opt.wait())
	waited := r.opt.waiting(what)
	err := wait(ctx)
	waited()
	cancel()
	if err == nil || r.ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	start := time.Now()
	ctx, cancel = context.WithTimeout(r.ctx, r.grace())
	defer cancel()
	if wait(ctx) == nil {
		st.harness("the harness timed out: %s came %s after --timeout %s ran out, so the workbench answers slower than that; repeat with a longer --timeout",
			what, time.Since(start).Round(time.Microsecond), r.opt.wait())
	}
	return err
}
