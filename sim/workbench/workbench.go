package workbench

import (
	"sort"
	"time"

	"routecheck/sim/clock"
)

// Options tune a Workbench.
type Options struct {
	// HashCost is the bcrypt cost for stored passwords; 0 means
	// bcrypt.DefaultCost. Tests use bcrypt.MinCost.
	HashCost int
	// Guard runs a timer callback; the owner takes its lock in it. Nil runs
	// the callback directly (virtual clock, single goroutine).
	Guard func(func())
	// OnEvent, if set, sees every event as it is emitted.
	OnEvent func(Event)
	// DiscardLog keeps no log in memory (long simulations use OnEvent).
	DiscardLog bool
	// LogLimit, if above 0, keeps only the newest LogLimit events in memory
	// (a long-running server); Events and Service Insight see those.
	LogLimit int
}

// Workbench is the whole simulated workbench: vendors, accounts, customers,
// conversations and the router. See the package doc for its concurrency rule.
type Workbench struct {
	clock clock.Clock
	opts  Options

	seq   int64
	cmd   int64
	log   []Event
	dummy []byte // see dummyHash

	vendors   map[string]*vendor // by vendor ID
	groups    map[string]*group  // by department name
	accounts  map[string]*account
	customers map[string]*Customer
	orders    map[string]*Order
	convs     map[string]*conv

	nextCustomer, nextOrder, nextConv, nextReply int
}

// New returns an empty workbench on the given clock.
func New(c clock.Clock, opts Options) *Workbench {
	return &Workbench{
		clock:     c,
		opts:      opts,
		vendors:   map[string]*vendor{},
		groups:    map[string]*group{},
		accounts:  map[string]*account{},
		customers: map[string]*Customer{},
		orders:    map[string]*Order{},
		convs:     map[string]*conv{},
	}
}

// Now is the workbench's time.
func (w *Workbench) Now() time.Time { return w.clock.Now() }

// begin opens a command: its events share one Cmd number. Every exported
// mutating method calls it first and w.settle last.
func (w *Workbench) begin() { w.cmd++ }

// settle hands freed capacity to the head of every queue before a command
// returns, so no customer waits while an agent could take them (R-CAP-1).
func (w *Workbench) settle() {
	for _, name := range w.groupNames() {
		w.dispatch(w.groups[name])
	}
}

func (w *Workbench) groupNames() []string {
	names := make([]string, 0, len(w.groups))
	for n := range w.groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// later schedules f on the clock, through the owner's guard.
func (w *Workbench) later(d time.Duration, f func()) clock.Timer {
	return w.clock.AfterFunc(d, func() {
		run := func() {
			w.begin()
			f()
			w.settle()
		}
		if w.opts.Guard != nil {
			w.opts.Guard(run)
		} else {
			run()
		}
	})
}
