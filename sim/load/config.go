package load

import (
	"fmt"
	"io"
	"time"

	"routecheck/sim/wire"
)

// Config is one load run. Zero fields take the defaults of withDefaults.
type Config struct {
	// Target is the workbench's base URL; "" starts the bundled one with a
	// generated vendor (LoadVendor) on loopback.
	Target    string
	Customers int
	Agents    int
	Capacity  int           // each agent's maximum concurrent chats (bundled)
	Duration  time.Duration // how long the load lasts after the ramp
	Ramp      time.Duration // customers arrive evenly over the ramp
	// Rate, if set, is the arrival rate of customers per second (an open
	// model) instead of the ramp; latencies are then measured from each
	// action's scheduled time (coordinated-omission correction).
	Rate float64
	// Hold is how long a customer chats after assignment; 0: until the end.
	Hold  time.Duration
	Think time.Duration // a customer's pause between messages (±50%)
	Reply time.Duration // an agent's pause before replying (±50%)
	Drain time.Duration // after the end, how long to wait for goodbyes
	Seed  int64
	// Faults to inject (ParseFaults).
	Faults []Fault

	// Accounts on a --target workbench: the load vendor's operations
	// login, agent logins (fmt with the agent number from 1) and passwords.
	Vendor        string
	OpsLogin      string
	OpsPassword   string
	AgentLogin    string
	AgentPassword string

	// Bundled server settings for fault runs: the agents' and customers'
	// grace and each socket's send queue (0: the server's defaults).
	Grace         time.Duration
	CustomerGrace time.Duration
	SendQueue     int
	// FrameRate and FrameBurst, if set, are the bundled server's frame
	// rate limit per socket (a test makes the actors meet `limit`).
	FrameRate  float64
	FrameBurst int

	// Progress, if set, gets a line every ProgressEvery.
	Progress      io.Writer
	ProgressEvery time.Duration

	// beforeWrite, if set (tests), runs in every send between its
	// admission and its write: a sender descheduled there.
	beforeWrite func(wire.ClientFrame)
}

// Defaults of the load vendor and of a run.
const (
	DefaultVendor        = "load-vendor"
	DefaultOpsLogin      = "load-ops"
	DefaultAgentLogin    = "load-agent-%d"
	DefaultLoadPassword  = "load-pass"
	defaultThink         = 2 * time.Second
	defaultReply         = 300 * time.Millisecond
	defaultDrain         = 10 * time.Second
	defaultProgressEvery = 2 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Capacity <= 0 {
		c.Capacity = 3
	}
	if c.Think <= 0 {
		c.Think = defaultThink
	}
	if c.Reply <= 0 {
		c.Reply = defaultReply
	}
	if c.Drain <= 0 {
		c.Drain = defaultDrain
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = defaultProgressEvery
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Vendor, DefaultVendor)
	def(&c.OpsLogin, DefaultOpsLogin)
	def(&c.OpsPassword, DefaultLoadPassword)
	def(&c.AgentLogin, DefaultAgentLogin)
	def(&c.AgentPassword, DefaultLoadPassword)
	return c
}

// span is how long the load lasts from the first arrival to the end (when
// customers leave): the ramp or the fixed rate's arrivals, then Duration
// (or Hold after the last arrival under a fixed rate).
func (c Config) span() time.Duration {
	arrivals := c.Ramp
	if c.Rate > 0 {
		arrivals = time.Duration(float64(max(c.Customers-1, 0)) / c.Rate * float64(time.Second))
		if c.Hold > 0 {
			return arrivals + c.Hold
		}
	}
	return arrivals + c.Duration
}

// unconfirmedWindow is how long before the shutdown or the end a message
// may go unanswered without being lost (D-LOAD-7): the workbench may not
// have read it yet. Two seconds for a busy machine, plus a round trip of
// net-delay.
func (c Config) unconfirmedWindow() time.Duration {
	w := 2 * time.Second
	for _, f := range faultsOf[windowed](c.Faults) {
		w += f.window()
	}
	return w
}

// What Validate and the unconfirmed window ask of a fault.
type (
	// checker refuses a configuration the fault cannot serve (exit 2).
	checker interface{ check(c Config) error }
	// windowed widens the unconfirmed window (D-LOAD-7) by what it adds
	// to a round trip.
	windowed interface{ window() time.Duration }
)

// Validate names the first thing wrong with c.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInput, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Customers < 1 || c.Customers > 200_000:
		return bad("--customers must be 1..200000, got %d", c.Customers)
	case c.Agents < 1 || c.Agents > 20_000:
		return bad("--agents must be 1..20000, got %d", c.Agents)
	case c.Capacity < 0 || c.Capacity > 20:
		return bad("--capacity must be 1..20 (R-CAP-1), got %d", c.Capacity)
	case c.Duration <= 0 || c.Duration > 24*time.Hour:
		return bad("--duration must be above 0 and at most 24h, got %s", c.Duration)
	case c.Ramp < 0:
		return bad("--ramp must not be negative, got %s", c.Ramp)
	case c.Rate < 0 || c.Rate > 100_000:
		return bad("--rate must be 0..100000 customers per second, got %g", c.Rate)
	}
	for _, f := range faultsOf[checker](c.Faults) {
		if err := f.check(c); err != nil {
			return err
		}
	}
	return nil
}
