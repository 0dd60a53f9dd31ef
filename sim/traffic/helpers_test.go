package traffic

import (
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// queueVendor is a vendor with no greeting, welcome or closing text: the
// queueing test needs only the routing, so fewer messages make it faster.
func queueVendor() wb.VendorConfig {
	return wb.VendorConfig{
		ID: "mm-n-m", Name: "排队模型", BusinessLine: "闲鱼小程序", Hotline: "400-000-0000", Department: "排队模型部",
		WorkHours: wb.WorkHours{Location: time.UTC, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		BotPage:   wb.BotPage{CardButtons: []wb.CardButton{{Label: "在线客服", Kind: wb.ButtonOnlineAgent}}},
	}
}

// queueProfile is the pure queueing profile with other means:
// Poisson arrivals, every visitor asks for a human, exponential patience
// and chat duration; the replies do not change the queue.
func queueProfile(perHour float64, service, patience time.Duration) *Profile {
	p := &Profile{TransferShare: 1, BotTime: Fixed(0), Patience: Exponential(patience),
		ChatDuration: Exponential(service), FirstReply: Fixed(5 * time.Second), CustomerReply: Fixed(20 * time.Second),
		Satisfaction: DefaultSatisfaction()}
	p.AgentReply = p.FirstReply
	for h := range p.PerHour {
		p.PerHour[h] = perHour
	}
	return p
}

// newTestChecker is the invariant checker every test simulation runs.
func newTestChecker() Checker { return NewChecker() }

// runChecked runs a simulation with the invariant checker on and fails the
// test on any violation.
func runChecked(t testing.TB, cfg Config) *Result {
	t.Helper()
	cfg.Checker = newTestChecker()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.Violations {
		t.Errorf("invariant: %s", v)
	}
	return r
}
