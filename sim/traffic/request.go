package traffic

import (
	"fmt"
	"time"

	wb "routecheck/sim/workbench"
)

// Request is a simulation as routecheck simulate is asked for it, before
// it is a Config: the span in days or hours, the staff, the replications
// and, for --find-staffing, how many simulations the search may run.
type Request struct {
	Days, Hours           int
	Agents, Capacity      int
	Replications, MaxRuns int
	Warmup                time.Duration
	FindStaffing          bool
}

// Check names the first thing wrong with r, by the flag that sets it.
func (r Request) Check() error {
	switch {
	case r.Days != 0 && r.Hours != 0:
		return fmt.Errorf("give --days or --hours, not both")
	case r.Days < 0 || r.Hours < 0 || r.Days > 3660 || r.Hours > 3660*24:
		return fmt.Errorf("--days is 1..3660 and --hours 1..87840")
	case r.Agents < 0 || r.Agents > 5000:
		return fmt.Errorf("--agents is 0..5000, got %d", r.Agents)
	case r.Capacity < 0 || r.Capacity > wb.MaxCapacity:
		return fmt.Errorf("--capacity must be 1..%d (R-CAP-1; 1V6 is the recommended maximum), got %d", wb.MaxCapacity, r.Capacity)
	case r.FindStaffing && r.Capacity > wb.AdvisedCapacity:
		return fmt.Errorf("--find-staffing staffs agents of capacity up to 1V%d (R-CAP-1), got --capacity %d", wb.AdvisedCapacity, r.Capacity)
	case r.Replications < 1 || r.Replications > 1000:
		return fmt.Errorf("--replications is 1..1000, got %d", r.Replications)
	case r.FindStaffing && r.Replications < 2:
		return fmt.Errorf("--find-staffing needs --replications of at least 2 to state a confidence")
	case r.MaxRuns < 1:
		return fmt.Errorf("--max-simulations is at least 1")
	case r.Warmup < 0:
		return fmt.Errorf("--warmup must not be negative")
	}
	return nil
}

// Duration is the simulated span: a week unless days or hours are given.
func (r Request) Duration() time.Duration {
	switch {
	case r.Hours > 0:
		return time.Duration(r.Hours) * time.Hour
	case r.Days > 0:
		return time.Duration(r.Days) * 24 * time.Hour
	}
	return 7 * 24 * time.Hour
}

// Config is the simulation of r for a vendor and a traffic profile (a
// search for the staffing takes agents of the default capacity unless r
// names one).
func (r Request) Config(v wb.VendorConfig, p *Profile, alwaysOpen bool, seed uint64) Config {
	c := Config{Vendor: v, Profile: p, Duration: r.Duration(), Warmup: r.Warmup, Agents: r.Agents,
		Capacity: r.Capacity, AlwaysOpen: alwaysOpen, Seed: seed}
	if r.FindStaffing && c.Capacity == 0 {
		c.Capacity = wb.DefaultCapacity
	}
	return c
}
