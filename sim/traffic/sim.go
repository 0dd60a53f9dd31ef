package traffic

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"routecheck/sim/clock"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Config is one simulation run.
type Config struct {
	Vendor  wb.VendorConfig
	Profile *Profile
	// Start is the first measured instant; zero means Monday 2026-11-30
	// 00:00 on the vendor's wall clock, so days are whole calendar days and
	// hour-of-week bins start at 0. The warm-up runs before it.
	Start    time.Time
	Duration time.Duration
	// Agents, when above 0, replaces the vendor's agents by that many
	// simulated ones, on duty in work hours (all the time with AlwaysOpen).
	// 0 uses the profile's shifts, or else the vendor's own agent accounts.
	Agents int
	// Capacity, when above 0, is every agent's maximum concurrent chats.
	Capacity int
	// AlwaysOpen ignores work hours and shifts: every agent 在线 all the time.
	AlwaysOpen bool
	// Staffing, when set, is the number of agents on duty in each hour of the
	// week while the vendor is open (the staffing search); it overrides
	// Agents and the shifts.
	Staffing *[HoursPerWeek]int
	Seed     uint64
	// Checker, when set, sees every event (the invariant checker).
	Checker Checker
	// Warmup runs before Start and is left out of the figures: a run
	// starts with empty queues. It is rounded up to whole hours, so the
	// figures always cover whole calendar days whatever its length.
	Warmup time.Duration
	// QueueEvery is how often the queue length is sampled; 0 means 5 min.
	QueueEvery time.Duration
	// Progress, when set, is called with the virtual time done, about every
	// simulated hour.
	Progress func(done time.Duration)
	// Stop, when set, is asked every simulated hour; true ends the run with
	// ErrInterrupted.
	Stop func() bool

	// freshChats (tests only) makes a new chat for every visitor instead of
	// reusing ended ones: a test shows reuse changes nothing.
	freshChats bool
	// simulate (tests only) replaces RunReplications in the staffing
	// search: a model world of known answers.
	simulate func(cfg Config, replications int, newChecker func() Checker) ([]*Result, error)
}

// ErrInterrupted ends a run that Config.Stop stopped.
var ErrInterrupted = errors.New("traffic: interrupted")

// Checker judges the event stream of a run. The streaming invariant
// checker fits it.
type Checker interface {
	Observe(e wb.Event)
	Violations() []invariant.Violation
}

// NewChecker makes the routing invariant checker simulations run when
// asked (routecheck simulate --check, every test simulation): the streaming
// checker, with bounded state and constant cost per event.
func NewChecker() Checker { return invariant.New() }

// DefaultStart() is a Monday, so a run's first hour is hour-of-week 0.
func DefaultStart() time.Time { return time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) }

// sim is the state of one run. Everything runs on one goroutine: the
// clock's timers call into it, it calls the workbench, the workbench's
// events come back through onEvent.
type sim struct {
	cfg        Config
	p          *Profile
	clock      *clock.Virtual
	wb         *wb.Workbench
	rng        *rand.Rand
	vendor     string
	loc        *time.Location
	chats      map[string]*chat
	agents     []*simAgent
	byLogin    map[string]*simAgent
	res        *Result
	events     int64
	end        time.Time
	measure    time.Time // end of the warm-up
	clockStart time.Time
	err        error

	busy, places int // open chats, places of agents 在线
	lastChange   time.Time
	hour         *hourAcc           // the hour running; nil before the first and after the end
	pending      []*hourAcc         // ended hours whose KPIs are still coming in, oldest first
	queueSpan    int                // samples per QueueSample
	open         bool               // in the work hours (R-VEN-4) as the roster last saw
	closing      int                // agents finishing the queue after closing (D-SIM-6)
	closeCheck   bool               // a check whether the queue is empty is scheduled
	reached      [HoursPerWeek]bool // hours of the week the measured span has
	// inv is the streaming checker when Checker is one: called without
	// the interface, it takes the event without a copy.
	inv *invariant.Checker
	// cur is the chat whose step runs now (nil for the run's own timers):
	// most events of a step are about it, which spares a map lookup.
	cur   *chat
	spare []*chat // finished chats, for reuse
}

type simAgent struct {
	login    string
	capacity int
	shift    int // index into the profile's shifts, -1 for none
	index    int // within its shift, to stagger breaks
	online   bool
	onBreak  bool
	closing  bool      // on past closing until the queue is served (D-SIM-6)
	counted  bool      // its places are in sim.places
	status   wb.Status // as last set; agents start 离线
}

// Run simulates one replication.
func Run(cfg Config) (*Result, error) {
	if cfg.Profile == nil {
		return nil, errors.New("traffic: no profile")
	}
	if cfg.Duration <= 0 {
		return nil, errors.New("traffic: the duration must be above 0")
	}
	s, err := newSim(cfg)
	if err != nil {
		return nil, err
	}
	s.run()
	return s.res, s.err
}

func newSim(cfg Config) (*sim, error) {
	v := cfg.Vendor
	loc := v.WorkHours.Location
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		v.WorkHours.Location = loc
	}
	measure := cfg.Start
	if measure.IsZero() {
		measure = time.Date(DefaultStart().Year(), DefaultStart().Month(), DefaultStart().Day(), 0, 0, 0, 0, loc)
	}
	if cfg.AlwaysOpen {
		v.WorkHours = wb.WorkHours{Location: loc, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}
	}
	cfg.Vendor = v
	s := &sim{cfg: cfg, p: cfg.Profile, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		vendor: v.ID, loc: loc, chats: map[string]*chat{}, byLogin: map[string]*simAgent{},
		res: &Result{Seed: cfg.Seed, WaitHist: make([]int, WaitBuckets)}, queueSpan: 1}
	// The warm-up is whole hours before the start, so the figures cover
	// whole calendar days whatever its length.
	warm := (cfg.Warmup + time.Hour - 1).Truncate(time.Hour)
	start := measure.Add(-warm)
	s.clock = clock.NewVirtualSingle(start)
	s.inv, _ = cfg.Checker.(*invariant.Checker)
	s.end = measure.Add(cfg.Duration)
	s.clockStart = start
	s.measure = measure
	s.res.Start, s.res.End = s.measure, s.end
	if cfg.Staffing != nil {
		c := cfg
		c.Start = measure
		s.reached, _ = OpenHours(c)
	}
	// Ratings come at the instant a chat ends, so few ended chats need to
	// stay readable.
	// Quarter-hour KPI bins fall within one hour of the vendor's wall clock
	// in every zone, half-hour offsets included.
	s.wb = wb.New(s.clock, wb.Options{HashCost: -1, DiscardLog: true, RetainEnded: 256, OnEventRef: s.onEvent, KPIBin: 15 * time.Minute})
	v.Accounts = s.accounts(v)
	if _, err := s.wb.AddVendor(v); err != nil {
		return nil, fmt.Errorf("traffic: the vendor cannot be simulated: %w", err)
	}
	return s, nil
}

// accounts are the agents the run plays: simulated ones for --agents,
// shifts and staffing; else the vendor's own.
func (s *sim) accounts(v wb.VendorConfig) []wb.AccountConfig {
	capFor := func(c int) int {
		if s.cfg.Capacity > 0 {
			return s.cfg.Capacity
		}
		if c > 0 {
			return c
		}
		return wb.DefaultCapacity
	}
	add := func(shift, index, capacity int) wb.AccountConfig {
		login := fmt.Sprintf("sim-%04d", len(s.agents)+1)
		a := &simAgent{login: login, capacity: capFor(capacity), shift: shift, index: index, status: wb.StatusOffline}
		s.agents = append(s.agents, a)
		s.byLogin[login] = a
		return wb.AccountConfig{Login: login, Name: "模拟客服" + login[4:], Password: "simulated", Role: wb.RoleAgent, Capacity: a.capacity}
	}
	var out []wb.AccountConfig
	switch {
	case s.cfg.Staffing != nil:
		n := 0
		for _, k := range s.cfg.Staffing {
			n = max(n, k)
		}
		for i := range n {
			out = append(out, add(-1, i, 0))
		}
	case s.cfg.Agents > 0:
		for i := range s.cfg.Agents {
			out = append(out, add(-1, i, 0))
		}
	case len(s.p.Shifts) > 0 && !s.cfg.AlwaysOpen:
		for si, sh := range s.p.Shifts {
			for i := range sh.Agents {
				out = append(out, add(si, i, sh.Capacity))
			}
		}
	default:
		for _, a := range v.Accounts {
			if a.Role == wb.RoleAgent || a.Role == wb.RoleDeptAdmin {
				out = append(out, add(-1, len(out), a.Capacity))
			}
		}
	}
	return out
}

func (s *sim) run() {
	t := ticker{s}
	s.lastChange = s.clock.Now()
	s.startHour()
	s.clock.Schedule(0, t, tSample)
	s.scheduleArrival()
	for s.clock.Step() {
		if s.err != nil {
			break
		}
	}
	if s.hour != nil {
		s.closeHour()
	}
	s.wb.Stream().ForgetAll()
	s.drain(s.end.Add(time.Hour))
	s.res.Events = s.events
	if s.cfg.Checker != nil {
		s.res.Violations = s.cfg.Checker.Violations()
	}
}
