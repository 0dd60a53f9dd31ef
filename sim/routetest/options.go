package routetest

import (
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/clock"
)

// Options configure one route test.
type Options struct {
	Target  string           // base URL of the workbench, e.g. http://127.0.0.1:8080
	Vendor  *fixtures.Vendor // the vendor under test: accounts, bot page, rehearsal
	Seed    int64            // gofakeit data and any choice come from it
	Timeout time.Duration    // how long one wait may take (a reply, an assignment); 0 means 5 s
	// Clock times the rehearsed agents (reply_delay from each chat's
	// pickup, clock.SleepUntil); nil is the real clock. Give the bundled
	// workbench's *clock.Virtual (BundledClock) and the agents jump it: a
	// reply delay of 29 s costs no real time, while the event log, and so
	// 首响时长, shows 29 s. Between jumps the clock stands still, so
	// network round trips take no virtual time. When two agents wait side
	// by side, the later jump carries the earlier chat past its own due
	// time: a chat's measured first response then lies between its own
	// delay and the longest delay of the chats rehearsed beside it.
	Clock clock.Clock
	// Plan is how the bundled workbench's clock was started (PlanClock);
	// nil for a workbench started elsewhere (--target), which keeps its own.
	Plan *ClockPlan
	// WorkbenchNow reads the workbench's clock, to state the vendor-local
	// time the test ran at and to judge a transfer refused outside the work
	// hours (D-RUN-8); nil is the harness's wall clock (time.Now), which a
	// workbench at --target runs on.
	WorkbenchNow func() time.Time
	// TamperEntry, if set, changes the entry URL read from the QR code
	// before the customer follows it (checks that a bad token is refused).
	TamperEntry func(url string) string
	// OnStep, if set, sees each step as soon as it is judged (live console).
	OnStep func(reports.Step)
	// OnStepStart, if set, hears of each step as it begins (live
	// progress); the step has its number, name and rule.
	OnStepStart func(reports.Step)
	// OnWait, if set, hears of each wait for a person or the workbench
	// that may take long (what it waits for, at most how long); it returns
	// the func called when the wait is over.
	OnWait func(what string, limit time.Duration) (done func())
}

// waiting tells OnWait about a wait of up to one timeout; call the result
// when it is over.
func (o Options) waiting(what string) (done func()) { return o.waitingFor(what, o.wait()) }

// waitingFor tells OnWait about a wait of its own length: a rehearsed
// reply delay is not bounded by the timeout (D-RUN-6), so the live line
// must not say "6.9 s of 5.0 s".
func (o Options) waitingFor(what string, limit time.Duration) (done func()) {
	if o.OnWait == nil {
		return func() {}
	}
	return o.OnWait(what, limit)
}

func (o Options) wait() time.Duration {
	if o.Timeout <= 0 {
		return 5 * time.Second
	}
	return o.Timeout
}

func (o Options) workbenchNow() time.Time {
	if o.WorkbenchNow != nil {
		return o.WorkbenchNow()
	}
	return time.Now()
}

func (o Options) clock() clock.Clock {
	if o.Clock == nil {
		return clock.Real{}
	}
	return o.Clock
}
