package traffic

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Config is one simulation run.
type Config struct {
	Vendor  wb.VendorConfig
	Profile *Profile
	// Start is the virtual start; zero means Monday 2026-11-30 00:00 in the
	// vendor's zone, so hour-of-week bins start at 0.
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
	// week (the staffing search); it overrides Agents and the shifts.
	Staffing *[HoursPerWeek]int
	Seed     uint64
	// Checker, when set, sees every event (the invariant checker).
	Checker Checker
	// Warmup is left out of the figures: a run starts with empty queues.
	// It is rounded up to whole hours.
	Warmup time.Duration
	// QueueEvery is how often the queue length is sampled; 0 means 5 min.
	QueueEvery time.Duration
	// Progress, when set, is called with the virtual time done, about every
	// simulated hour.
	Progress func(done time.Duration)
	// Stop, when set, is asked every simulated hour; true ends the run with
	// ErrInterrupted.
	Stop func() bool
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

// Result is what a run measured, after the warm-up. Its size follows the
// number of simulated days, not the number of chats.
type Result struct {
	Seed   uint64
	Start  time.Time // after the warm-up
	End    time.Time
	Events int64 // core events, warm-up included
	Total  Stat
	// Days[i] is the i-th 24 hours from Start; Week[h] is hour of the week h
	// (0 = Monday 00:00, vendor's zone), summed over the weeks simulated.
	// KPIs go by the hour of the transfer request.
	Days []Stat
	Week [HoursPerWeek]Stat
	// WaitHist counts requests by time in queue: bucket i holds waits in
	// [WaitBucket·i, WaitBucket·(i+1)); the last bucket holds the rest.
	WaitHist   []int
	Queue      []QueueSample
	Violations []invariant.Violation
	Visitors   int
}

// WaitBucket is the width of a WaitHist bucket; WaitBuckets its count.
const (
	WaitBucket  = 10 * time.Second
	WaitBuckets = 31
)

// Stat sums a stretch of simulated time: the KPI sums of the requests made
// in it, and the place-seconds agents were busy and 在线.
type Stat struct {
	KPI     wb.KPIBin
	BusyS   float64 // Σ open chats × seconds
	PlacesS float64 // Σ places (capacity) of agents 在线 × seconds
	Hours   int
	OnDuty  int // Σ over its hours of agents 在线 at the start of the hour
}

// Add adds o into s.
func (s *Stat) Add(o *Stat) {
	s.KPI.Add(&o.KPI)
	s.BusyS += o.BusyS
	s.PlacesS += o.PlacesS
	s.Hours += o.Hours
	s.OnDuty += o.OnDuty
}

// Utilisation is the busy share of the places on duty.
func (s *Stat) Utilisation() float64 {
	if s.PlacesS == 0 {
		return 0
	}
	return s.BusyS / s.PlacesS
}

// QueueSample is the queue over a span: its mean over the samples taken and
// its largest sample.
type QueueSample struct {
	At   time.Time `json:"at"`
	Mean float64   `json:"mean"`
	Max  int       `json:"max"`
	n    int
}

// maxQueueSamples bounds the queue series: past it, neighbours merge.
const maxQueueSamples = 1024

// DefaultStart is a Monday, so a run's first hour is hour-of-week 0.
var DefaultStart = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// Typed timer kinds: a chat's next step, and the run's own ticks.
const (
	kTransfer int64 = iota
	kBotLeave
	kPatience
	kFirstReply
	kAgentReply
	kCustomerReply
	kClose
	kRate
	kLeave // a refused customer leaves the bot page
)

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
	hour         Stat // the hour running
	hourStart    time.Time
	hourOn       bool
	queueSpan    int // samples per QueueSample
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
	counted  bool      // its places are in sim.places
	status   wb.Status // as last set; agents start 离线
}

// chat is one visitor's conversation as the simulator drives it.
type chat struct {
	s        *sim
	gen      int64 // bumped on reuse: steps scheduled before do nothing
	id       string
	agent    string
	queuedAt time.Time
	picked   time.Time
	wait     time.Duration
	firstRe  time.Duration
	replied  bool
	ended    bool
	queued   bool
	measured bool // arrived after the warm-up
}

// Fire runs the chat's next step. A step that no longer applies (the chat
// ended, was picked up before the patience ran out) does nothing.
func (c *chat) Fire(arg int64) {
	if arg>>8 != c.gen {
		return // a step of the chat this struct held before
	}
	kind := arg & 0xff
	s := c.s
	s.cur = c
	switch kind {
	case kTransfer:
		_ = s.wb.CustomerSend(c.id, wb.TransferText)
	case kBotLeave, kLeave:
		_ = s.wb.CustomerLeave(c.id)
		s.done(c)
	case kPatience:
		if c.queued {
			_ = s.wb.CustomerLeave(c.id)
			s.done(c)
		}
	case kFirstReply, kAgentReply:
		if !c.ended && c.agent != "" {
			_ = s.wb.AgentSend(c.agent, c.id, "好的，我来为您处理。")
		}
	case kCustomerReply:
		if !c.ended {
			_ = s.wb.CustomerSend(c.id, "好的，谢谢。")
		}
	case kClose:
		if !c.ended && c.agent != "" {
			_ = s.wb.AgentClose(c.agent, c.id)
		}
	case kRate:
		sat := s.p.Satisfaction
		if s.rng.Float64() < sat.RatingShare {
			r := wb.RatingNeutral
			if s.rng.Float64() < sat.P(c.wait, c.firstRe, c.replied) {
				r = wb.RatingSatisfied
				if s.rng.IntN(2) == 0 {
					r = wb.RatingVerySatisfied
				}
			} else if s.rng.IntN(2) == 0 {
				r = wb.RatingDissatisfied
			}
			_ = s.wb.Rate(c.id, r)
		}
		s.done(c)
	}
}

func (s *sim) done(c *chat) {
	delete(s.chats, c.id)
	if s.cur == c {
		s.cur = nil
	}
	// Only its pending steps refer to it now, and its generation disarms
	// them: reuse it for a later visitor.
	if reuseChats {
		s.spare = append(s.spare, c)
	}
}

// reuseChats is off only in a test that shows reuse changes nothing.
var reuseChats = true

// after schedules a step of c: its kind, tagged with c's generation.
func (s *sim) after(d time.Duration, c *chat, kind int64) {
	s.clock.Schedule(d, c, c.gen<<8|kind)
}

// newChat returns a cleared chat, a finished one if there is one.
func (s *sim) newChat() *chat {
	n := len(s.spare)
	if n == 0 {
		return new(chat)
	}
	c := s.spare[n-1]
	s.spare = s.spare[:n-1]
	*c = chat{gen: c.gen + 1}
	return c
}

// ticker is the run's own timer target: arrivals, hour boundaries, queue
// samples and agents' breaks.
type ticker struct{ s *sim }

const (
	tArrival int64 = iota
	tHour
	tSample
	tBreakBase // + agent index: the agent's break starts or ends
)

func (t ticker) Fire(kind int64) {
	s := t.s
	s.cur = nil
	switch {
	case kind == tArrival:
		s.arrive()
	case kind == tHour:
		s.startHour()
	case kind == tSample:
		if s.clock.Now().Before(s.end) {
			if !s.clock.Now().Before(s.measure) {
				s.sampleQueue()
			}
			s.clock.Schedule(s.queueEvery(), t, tSample)
		}
	default:
		s.breakTick(s.agents[kind-tBreakBase])
	}
}

func (s *sim) queueEvery() time.Duration {
	if s.cfg.QueueEvery > 0 {
		return s.cfg.QueueEvery
	}
	return 5 * time.Minute
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
	start := cfg.Start
	if start.IsZero() {
		start = time.Date(DefaultStart.Year(), DefaultStart.Month(), DefaultStart.Day(), 0, 0, 0, 0, loc)
	}
	if cfg.AlwaysOpen {
		v.WorkHours = wb.WorkHours{Location: loc, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}
	}
	s := &sim{cfg: cfg, p: cfg.Profile, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		vendor: v.ID, loc: loc, chats: map[string]*chat{}, byLogin: map[string]*simAgent{},
		res: &Result{Seed: cfg.Seed, WaitHist: make([]int, WaitBuckets)}, queueSpan: 1}
	s.clock = clock.NewVirtualSingle(start)
	s.inv, _ = cfg.Checker.(*invariant.Checker)
	// The KPIs come by whole hours of the transfer request, so the warm-up
	// is whole hours too.
	warm := (cfg.Warmup + time.Hour - 1).Truncate(time.Hour)
	s.end = start.Add(warm + cfg.Duration)
	s.clockStart = start
	s.measure = start.Add(warm)
	s.res.Start, s.res.End = s.measure, s.end
	// Ratings come at the instant a chat ends, so few ended chats need to
	// stay readable.
	s.wb = wb.New(s.clock, wb.Options{HashCost: bcrypt.MinCost, DiscardLog: true, RetainEnded: 256, OnEventRef: s.onEvent})
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
	if s.hourOn {
		s.closeHour()
	}
	// Requests are binned by the UTC hour of their transfer request; a
	// run's hours start on local hour boundaries, which are UTC hour
	// boundaries in every zone with a whole-hour offset.
	s.wb.Stream().ForgetAll()
	s.drain(s.end.Add(time.Hour))
	s.res.Events = s.events
	if s.cfg.Checker != nil {
		s.res.Violations = s.cfg.Checker.Violations()
	}
}

// startHour closes the previous hour, sets who is on duty and schedules
// the next boundary.
func (s *sim) startHour() {
	now := s.clock.Now()
	if s.hourOn {
		s.closeHour()
	}
	s.drain(now.Add(-time.Hour))
	if !now.Before(s.end) {
		s.hourOn = false
		return
	}
	s.roster(HourOfWeek(now, s.loc))
	s.hour, s.hourStart, s.hourOn = Stat{Hours: 1, OnDuty: s.onDuty()}, now, true
	if s.cfg.Progress != nil {
		s.cfg.Progress(now.Sub(s.clockStart))
	}
	if s.cfg.Stop != nil && s.cfg.Stop() {
		s.err = ErrInterrupted
		return
	}
	s.clock.Schedule(time.Hour, ticker{s}, tHour)
}

// closeHour folds the hour's busy and on-duty time into its day and its
// hour of the week; its KPIs follow when its requests are done (drain).
func (s *sim) closeHour() {
	s.account()
	if s.hourStart.Before(s.measure) {
		return
	}
	s.statsAt(s.hourStart, func(st *Stat) { st.Add(&s.hour) })
}

// drain folds the KPI bins whose requests are all done into the figures.
func (s *sim) drain(before time.Time) {
	s.wb.Stream().Drain(before, func(b wb.KPIBin) {
		if b.Hour.Before(s.measure) {
			return
		}
		s.statsAt(b.Hour, func(st *Stat) { st.KPI.Add(&b) })
	})
}

// statsAt applies f to the total, the day and the hour of the week of t.
func (s *sim) statsAt(t time.Time, f func(*Stat)) {
	day := int(t.Sub(s.measure) / (24 * time.Hour))
	for len(s.res.Days) <= day {
		s.res.Days = append(s.res.Days, Stat{})
	}
	f(&s.res.Total)
	f(&s.res.Days[day])
	f(&s.res.Week[HourOfWeek(t, s.loc)])
}

// account adds busy and on-duty place-seconds since the last change.
func (s *sim) account() {
	now := s.clock.Now()
	if s.hourOn {
		d := now.Sub(s.lastChange).Seconds()
		s.hour.BusyS += float64(s.busy) * d
		s.hour.PlacesS += float64(s.places) * d
	}
	s.lastChange = now
}

// sampleQueue records the queue length; past maxQueueSamples spans the
// series halves its resolution, so it stays bounded for any horizon.
func (s *sim) sampleQueue() {
	now := s.clock.Now()
	n := s.wb.QueueLength(s.cfg.Vendor.Department)
	q := s.res.Queue
	if k := len(q); k > 0 && q[k-1].n < s.queueSpan {
		last := &q[k-1]
		last.Mean = (last.Mean*float64(last.n) + float64(n)) / float64(last.n+1)
		last.Max = max(last.Max, n)
		last.n++
		return
	}
	if len(q) == maxQueueSamples {
		for i := 0; i < len(q)/2; i++ {
			a, b := q[2*i], q[2*i+1]
			q[i] = QueueSample{At: a.At, Mean: (a.Mean*float64(a.n) + b.Mean*float64(b.n)) / float64(a.n+b.n), Max: max(a.Max, b.Max), n: a.n + b.n}
		}
		q = q[:len(q)/2]
		s.queueSpan *= 2
	}
	s.res.Queue = append(q, QueueSample{At: now, Mean: float64(n), Max: n, n: 1})
}

func (s *sim) onDuty() int {
	n := 0
	for _, a := range s.agents {
		if a.online && !a.onBreak {
			n++
		}
	}
	return n
}

// roster puts each agent 在线 or 小休 for the hour of the week: 小休 keeps
// the agent's chats and takes no new ones (R-WB-2), so a shift ends softly.
func (s *sim) roster(how int) {
	for i, a := range s.agents {
		var on bool
		switch {
		case s.cfg.Staffing != nil:
			on = i < s.cfg.Staffing[how]
		case s.cfg.AlwaysOpen:
			on = true
		case a.shift >= 0:
			on = s.p.Shifts[a.shift].covers(how)
		default:
			start := s.clock.Now()
			on = s.cfg.Vendor.WorkHours.InWorkHours(start, s.loc)
		}
		wasOn := a.online
		a.online = on
		if on && !wasOn && a.shift >= 0 && s.p.Shifts[a.shift].BreakEvery > 0 {
			s.planBreak(a)
		}
		s.applyStatus(a)
	}
}

// planBreak schedules the agent's next break: every BreakEvery on duty,
// staggered by the agent's place in its shift.
func (s *sim) planBreak(a *simAgent) {
	sh := s.p.Shifts[a.shift]
	stagger := sh.BreakEvery * time.Duration(a.index) / time.Duration(max(sh.Agents, 1))
	s.clock.Schedule(sh.BreakEvery/2+stagger, ticker{s}, tBreakBase+int64(s.agentIndex(a)))
}

func (s *sim) agentIndex(a *simAgent) int {
	for i, x := range s.agents {
		if x == a {
			return i
		}
	}
	return -1
}

func (s *sim) breakTick(a *simAgent) {
	if !a.online || !s.clock.Now().Before(s.end) {
		a.onBreak = false
		return
	}
	sh := s.p.Shifts[a.shift]
	a.onBreak = !a.onBreak
	s.applyStatus(a)
	next := sh.BreakLength
	if !a.onBreak {
		next = sh.BreakEvery - sh.BreakLength
	}
	s.clock.Schedule(next, ticker{s}, tBreakBase+int64(s.agentIndex(a)))
}

func (s *sim) applyStatus(a *simAgent) {
	st := wb.StatusBreak
	if a.online && !a.onBreak {
		st = wb.StatusOnline
	}
	if a.status == st {
		return
	}
	a.status = st
	if err := s.wb.SetStatus(a.login, st); err != nil {
		s.err = fmt.Errorf("traffic: %s cannot go %s: %w", a.login, st, err)
	}
}

// scheduleArrival draws the next visitor from a Poisson process whose rate
// is constant within each hour of the week: an exponential gap at the
// current rate, restarted at the hour boundary if it would cross it (the
// process is memoryless, so this is exact).
func (s *sim) scheduleArrival() {
	now := s.clock.Now()
	t := now
	for {
		if !t.Before(s.end) {
			return
		}
		rate := s.p.PerHour[HourOfWeek(t, s.loc)]
		lt := t.In(s.loc)
		boundary := t.Add(time.Hour - time.Duration(lt.Minute())*time.Minute - time.Duration(lt.Second())*time.Second - time.Duration(lt.Nanosecond()))
		if rate > 0 {
			gap := time.Duration(s.rng.ExpFloat64() / rate * float64(time.Hour))
			if t.Add(gap).Before(boundary) {
				t = t.Add(gap)
				break
			}
		}
		t = boundary
	}
	if t.Before(s.end) {
		s.clock.Schedule(t.Sub(now), ticker{s}, tArrival)
	}
}

func (s *sim) arrive() {
	s.scheduleArrival()
	view, err := s.wb.Enter(s.vendor, "", "")
	if err != nil {
		s.err = fmt.Errorf("traffic: a visitor cannot enter the bot page: %w", err)
		return
	}
	c := s.newChat()
	c.s, c.id, c.measured = s, view.ID, !s.clock.Now().Before(s.measure)
	s.chats[c.id] = c
	if c.measured {
		s.res.Visitors++
	}
	if s.p.TransferShare >= 1 || s.rng.Float64() < s.p.TransferShare {
		if d := s.p.BotTime.Sample(s.rng); d > 0 {
			s.after(d, c, kTransfer)
		} else {
			c.Fire(c.gen<<8 | kTransfer)
		}
		return
	}
	s.after(s.p.BotTime.Sample(s.rng), c, kBotLeave)
}

// onEvent sees every core event; it only records and schedules, never
// calls back into the workbench (it runs inside a command).
func (s *sim) onEvent(e *wb.Event) {
	s.events++
	if s.inv != nil {
		s.inv.ObserveEvent(e) // a direct call, not through the interface
	} else if s.cfg.Checker != nil {
		s.cfg.Checker.Observe(*e)
	}
	switch {
	case e.Type == wb.EvMessage: // most events: tested first
		if e.Sender != wb.SenderAgent && e.Sender != wb.SenderCustomer {
			return
		}
	case e.Type == wb.EvAgentStatus:
		if a := s.byLogin[e.Agent]; a != nil && (e.Status == wb.StatusOnline) != a.counted {
			s.account()
			a.counted = !a.counted
			if a.counted {
				s.places += a.capacity
			} else {
				s.places -= a.capacity
			}
		}
		return
	case e.Type == wb.EvNotification:
		return
	default:
		switch e.Type {
		case wb.EvQueued, wb.EvUnserved, wb.EvAbandoned, wb.EvAssigned, wb.EvRequeued, wb.EvFirstResponse, wb.EvEnded:
		default:
			return // nothing to schedule: spare the lookup
		}
	}
	c := s.cur
	if c == nil || c.id != e.Conv {
		if c = s.chats[e.Conv]; c == nil {
			return
		}
	}
	now := e.At
	switch e.Type {
	case wb.EvQueued:
		c.queued, c.queuedAt = true, now
		s.after(s.p.Patience.Sample(s.rng), c, kPatience)
	case wb.EvUnserved:
		s.after(0, c, kLeave)
	case wb.EvAbandoned:
		c.queued = false
		c.wait = now.Sub(c.queuedAt)
		s.waitSeen(c)
	case wb.EvAssigned:
		s.account()
		s.busy++
		c.queued, c.agent = false, e.Agent
		if c.picked.IsZero() {
			c.picked = now
			c.wait = now.Sub(c.queuedAt)
			s.waitSeen(c)
			s.after(s.p.FirstReply.Sample(s.rng), c, kFirstReply)
			s.after(s.p.ChatDuration.Sample(s.rng), c, kClose)
		}
	case wb.EvRequeued:
		s.account()
		s.busy--
		c.queued, c.agent = true, ""
	case wb.EvMessage:
		switch e.Sender {
		case wb.SenderAgent:
			s.after(s.p.CustomerReply.Sample(s.rng), c, kCustomerReply)
		case wb.SenderCustomer:
			if c.agent != "" {
				s.after(s.p.AgentReply.Sample(s.rng), c, kAgentReply)
			}
		}
	case wb.EvFirstResponse:
		c.replied, c.firstRe = true, now.Sub(c.picked)
	case wb.EvEnded:
		c.ended = true
		if e.Agent != "" {
			s.account()
			s.busy--
			c.agent = ""
			s.after(0, c, kRate)
		}
	}
}

func (s *sim) waitSeen(c *chat) {
	if !c.measured {
		return
	}
	i := min(int(c.wait/WaitBucket), WaitBuckets-1)
	s.res.WaitHist[i]++
}
