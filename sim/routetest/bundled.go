package routetest

import (
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/sim/clock"
	"routecheck/sim/server"
)

// Bundle is the in-memory workbench a route test starts for itself: the
// server, its base URL, its clock and how that clock's start was chosen.
type Bundle struct {
	*server.Server
	URL   string
	Clock clock.Clock
	Plan  ClockPlan
}

// Options are the route test's options for this workbench: its URL, the
// vendor, and its clock, for the time the test ran at (D-RUN-8).
func (b *Bundle) Options(v *fixtures.Vendor) Options {
	p := b.Plan
	return Options{Target: b.URL, Vendor: v, Plan: &p, WorkbenchNow: b.Clock.Now}
}

// Bundled starts the in-memory workbench on a free loopback port with the
// vendor configured, its clock planned from the harness's clock now with
// the default margin (PlanClock): rehearsal.start_at when the fixture has
// one, else inside the vendor's work hours. The clock then runs at real
// speed.
func Bundled(v *fixtures.Vendor, tokenTTL time.Duration) (*Bundle, error) {
	return BundledAt(v, tokenTTL, PlanClock(v, time.Time{}, time.Now(), Margin(v, 5*time.Second, false)))
}

// BundledAt is Bundled with the clock's start chosen by the caller (the CLI
// plans it from --at and its own clock).
func BundledAt(v *fixtures.Vendor, tokenTTL time.Duration, plan ClockPlan) (*Bundle, error) {
	return BundledClock(v, tokenTTL, plan, clock.NewShifted(plan.Start))
}

// BundledClock is BundledAt on a clock the caller made to read plan.Start,
// e.g. a clock.Virtual (tests rehearse long reply delays in no time).
func BundledClock(v *fixtures.Vendor, tokenTTL time.Duration, plan ClockPlan, c clock.Clock) (*Bundle, error) {
	srv, base, err := BundledOn(v, tokenTTL, c)
	if err != nil {
		return nil, err
	}
	return &Bundle{Server: srv, URL: base, Clock: c, Plan: plan}, nil
}

// BundledOn starts the workbench on a given clock, e.g. a clock.Virtual
// that the rehearsed agents move (Options.Clock), to rehearse long reply delays in no
// time. Passwords are hashed at bcrypt's lowest cost: the bundled
// workbench lives for one run, and the default cost would spend most of a
// run hashing (docs/decisions.md D-RUN-2).
func BundledOn(v *fixtures.Vendor, tokenTTL time.Duration, c clock.Clock) (*server.Server, string, error) {
	srv := server.New(server.Options{Clock: c, TokenTTL: tokenTTL, HashCost: bcrypt.MinCost})
	if _, err := srv.AddVendor(v.Config); err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrInput, v.File, err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("bundled workbench: %w", err)
	}
	return srv, base, nil
}
