package routetest

import (
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
)

// Options configure one route test.
type Options struct {
	Target  string           // base URL of the workbench, e.g. http://127.0.0.1:8080
	Vendor  *fixtures.Vendor // the vendor under test: accounts, bot page, rehearsal
	Seed    int64            // gofakeit data and any choice come from it
	Timeout time.Duration    // how long one wait may take (a reply, an assignment); 0 means 5 s
	// Clock times the rehearsed agents (reply_delay from each chat's
	// pickup); nil is the real clock.
	Clock Clock
	// TamperEntry, if set, changes the entry URL read from the QR code
	// before the customer follows it (checks that a bad token is refused).
	TamperEntry func(url string) string
	// OnStep, if set, sees each step as soon as it is judged (live console).
	OnStep func(reports.Step)
}

func (o Options) wait() time.Duration {
	if o.Timeout <= 0 {
		return 5 * time.Second
	}
	return o.Timeout
}

func (o Options) clock() Clock {
	if o.Clock == nil {
		return RealClock{}
	}
	return o.Clock
}
