package routetest

import (
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/sim/clock"
	"routecheck/sim/server"
)

// Bundled starts the in-memory workbench on a free loopback port with the
// vendor configured, and returns it with its base URL. When the fixture
// rehearses a time of day (rehearsal.start_at), the workbench's clock starts
// there and runs at real speed. Passwords are hashed at bcrypt's lowest
// cost: the bundled workbench lives for one run, and the default cost would
// spend most of a run hashing (docs/decisions.md D-RUN-2).
func Bundled(v *fixtures.Vendor, tokenTTL time.Duration) (*server.Server, string, error) {
	var c clock.Clock = clock.Real{}
	if !v.Rehearsal.StartAt.IsZero() {
		c = clock.NewShifted(v.Rehearsal.StartAt)
	}
	return BundledOn(v, tokenTTL, c)
}

// BundledOn is Bundled on a given clock, e.g. a clock.Virtual that a
// Jumping harness clock moves, to rehearse long reply delays in no time.
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
