package load

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"routecheck/sim/actors"
	"routecheck/sim/invariant"
)

// runner is one load run: it sets the actors up, drives the arrivals,
// watches, and ends the run. The actors see only their env.
type runner struct {
	cfg    Config
	e      *env
	closer io.Closer // the bundled workbench (nil with --target): the shutdown fault
	tr     *http.Transport
	cutoff time.Time // when the sockets stopped: the shutdown, or the end of the drain

	doneN   atomic.Int64
	allDone chan struct{}

	customers []*customer
	agents    []*agent
}

func newRunner(ctx context.Context, cfg Config) *runner {
	e := newEnv(ctx, pace{think: cfg.Think, reply: cfg.Reply, hold: cfg.Hold, rate: cfg.Rate}, cfg.Seed)
	e.vendor, e.agentPassword, e.beforeWrite = cfg.Vendor, cfg.AgentPassword, cfg.beforeWrite
	r := &runner{cfg: cfg, e: e, allDone: make(chan struct{})}
	e.customerDone = r.customerDone
	return r
}

func (r *runner) customerDone() {
	if r.doneN.Add(1) == int64(len(r.customers)) {
		close(r.allDone)
	}
}

// plan is what the faults may use of this run.
func (r *runner) plan(start time.Time) *plan {
	return &plan{e: r.e, agents: r.agents, customers: r.customers, start: start, span: r.cfg.span(), closer: r.closer}
}

// Run drives one load run and returns its report. An error wraps
// ErrInput (fix the flags) or ErrHarness (the run could not be made).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := newRunner(ctx, cfg)
	e := r.e
	harness := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrHarness, fmt.Sprintf(format, args...))
	}
	var memBase runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&memBase)

	base := cfg.Target
	if base == "" {
		srv, u, err := startBundled(cfg, "127.0.0.1:0")
		if err != nil {
			return nil, harness("bundled workbench: %v", err)
		}
		r.closer, base = srv, u
		defer srv.Close()
	}
	base = strings.TrimRight(base, "/")
	pl := r.plan(time.Time{})
	e.base = base
	if faults := faultsOf[pathFault](cfg.Faults); len(faults) > 0 {
		np, actorBase, err := startNetPath(base)
		if err != nil {
			return nil, harness("fault proxy: %v", err)
		}
		defer np.stop()
		pl.np, e.base = np, actorBase
		for _, f := range faults {
			if err := f.onPath(np, pl); err != nil {
				return nil, harness("fault proxy: %v", err)
			}
		}
	}
	r.tr = &http.Transport{MaxIdleConnsPerHost: 64, DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	defer r.tr.CloseIdleConnections()
	e.sched = newSched(max(8, min(64, cfg.Customers/100)))
	defer e.sched.stop()

	// Operations: entry links for every customer, and the event stream.
	ops := newHTTPC(cfg.TargetOr(base), r.tr)
	if err := ops.SignIn(ctx, cfg.OpsLogin, cfg.OpsPassword); err != nil {
		return nil, harness("operations login %s: %v (the target must serve the load vendor, e.g. routecheck load --serve-bundled, or name its accounts with --ops-login and --agent-login)", cfg.OpsLogin, err)
	}
	if err := r.makeCustomers(ctx, ops); err != nil {
		return nil, harness("entry links: %v", err)
	}
	if err := r.startAgents(ctx); err != nil {
		return nil, harness("agents: %v", err)
	}
	evs := newEventStream(ops, func(err error) {
		// The invariants then cover part of the run: say so.
		e.m.fail("event log: " + shorten(err.Error()))
	})
	evctx, evstop := context.WithCancel(ctx)
	defer evstop()
	evdone := make(chan struct{})
	go func() { defer close(evdone); evs.follow(evctx, 200*time.Millisecond) }()

	// Arrivals: evenly over the ramp, or at the fixed rate.
	start := time.Now().Add(50 * time.Millisecond)
	e.ph.endNano.Store(start.Add(cfg.span()).UnixNano())
	pl.start, pl.agents, pl.customers = start, r.agents, r.customers
	for _, f := range faultsOf[planner](cfg.Faults) {
		f.schedule(pl)
	}
	for i, c := range r.customers {
		at := start
		switch {
		case cfg.Rate > 0:
			at = start.Add(time.Duration(float64(i) / cfg.Rate * float64(time.Second)))
		case len(r.customers) > 1:
			at = start.Add(time.Duration(int64(cfg.Ramp) * int64(i) / int64(len(r.customers)-1)))
		}
		e.sched.at(at, c.arrive)
	}

	series, peak := r.watch(ctx, start)

	// No new message, then let what is in flight arrive (answers, a slow
	// reader catching up, a resume) within the drain, then stop (D-LOAD-3).
	e.ph.quieten()
	r.settle(ctx)
	r.cutoff = time.Now()
	if e.ph.shutdown.Load() {
		r.cutoff = e.ph.shutdownAt
	}
	e.ph.stopping.Store(true)
	for _, a := range r.agents {
		a.leave()
	}
	for _, c := range r.customers {
		c.finish()
	}
	evstop()
	<-evdone
	if !e.ph.shutdown.Load() {
		evs.poll(ctx) // the last events
	}
	rep := r.report(start, evs, series, peak, memBase)
	rep.Target = cfg.Target
	return rep, nil
}

// settle waits, within the drain, until no message is on its way.
func (r *runner) settle(ctx context.Context) {
	deadline := time.Now().Add(r.cfg.Drain)
	for time.Now().Before(deadline) && ctx.Err() == nil && !r.e.ph.shutdown.Load() {
		if r.e.m.audit.Outstanding() == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TargetOr is the target, or base for the bundled workbench.
func (c Config) TargetOr(base string) string {
	if c.Target != "" {
		return c.Target
	}
	return base
}

// makeCustomers creates a test customer and an entry link for each (R-RT-1:
// load traffic is test traffic), eight requests at a time.
func (r *runner) makeCustomers(ctx context.Context, ops *actors.HTTP) error {
	r.customers = make([]*customer, r.cfg.Customers)
	return parallel(ctx, len(r.customers), 8, func(i int) error {
		name := fmt.Sprintf("load-c%d", i+1)
		var cu struct {
			ID string `json:"id"`
		}
		if err := ops.Do(ctx, http.MethodPost, "/api/test-customers", map[string]string{"name": name}, &cu); err != nil {
			return err
		}
		var ent struct {
			Token string `json:"token"`
		}
		if err := ops.Do(ctx, http.MethodPost, "/api/entry", map[string]string{"vendor": r.cfg.Vendor, "customer": cu.ID}, &ent); err != nil {
			return err
		}
		r.customers[i] = newCustomer(r.e, fmt.Sprintf("c%d", i+1), ent.Token)
		return nil
	})
}

// startAgents logs every agent in and waits until all are 在线.
func (r *runner) startAgents(ctx context.Context) error {
	r.agents = make([]*agent, r.cfg.Agents)
	for i := range r.agents {
		r.agents[i] = newAgent(r.e, fmt.Sprintf(r.cfg.AgentLogin, i+1), newHTTPC(r.e.base, r.tr))
	}
	pl := r.plan(time.Time{})
	for _, f := range faultsOf[preparer](r.cfg.Faults) {
		f.prepare(pl)
	}
	err := parallel(ctx, len(r.agents), 8, func(i int) error { return r.agents[i].start(ctx) })
	if err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, a := range r.agents {
		select {
		case <-a.ready:
		case <-wait.Done():
			return fmt.Errorf("%s did not become 在线 within 30 s", a.login)
		}
	}
	return nil
}

// parallel runs f(0..n-1) on k goroutines and returns the first error.
func parallel(ctx context.Context, n, k int, f func(int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(k, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return first
}

// watch samples once a second until every customer is done or the end and
// the drain have passed; it prints progress and returns the series and
// the peak heap.
func (r *runner) watch(ctx context.Context, start time.Time) ([]Sample, uint64) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var series []Sample
	var peak uint64
	lastPrint, lastDelivered := time.Now(), int64(0)
	m := r.e.m
	deadline := time.NewTimer(time.Until(r.e.ph.end().Add(r.cfg.Drain)))
	defer deadline.Stop()
	for {
		select {
		case <-r.allDone:
			return series, peak
		case <-deadline.C:
			m.fail("customers still in a chat after the drain")
			return series, peak
		case <-ctx.Done():
			return series, peak
		case now := <-tick.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			d := m.delivered.Load()
			s := Sample{AtS: now.Sub(start).Seconds(), Connected: m.connected.Load(), Queue: m.waiting.Load(),
				Assigned: m.assigned.Load(), AssignP99: secondP99(m.assignI.swap(), r.oldestWaiting(), now),
				DeliverP99: secondP99(m.deliverI.swap(), m.audit.Oldest(), now), Delivered: d - lastDelivered, HeapMB: float64(ms.HeapInuse) / (1 << 20)}
			lastDelivered = d
			series = append(series, s)
			if r.cfg.Progress != nil && now.Sub(lastPrint) >= r.cfg.ProgressEvery {
				lastPrint = now
				fmt.Fprintf(r.cfg.Progress, "load %5.0fs  customers %d/%d connected %d queued %d assigned %d  delivered %d/s  p99 assign %s ms deliver %s ms\n",
					s.AtS, m.arrived.Load(), len(r.customers), s.Connected, s.Queue, s.Assigned, s.Delivered, msText(s.AssignP99), msText(s.DeliverP99))
			}
		}
	}
}

// secondP99 is one second's p99 in ms: of what completed, and at least the
// age of the oldest still waiting (zero time: none); nil when neither.
func secondP99(h *hdrhistogram.Histogram, oldest, now time.Time) *float64 {
	var v float64
	have := h.TotalCount() > 0
	if have {
		v = quantilesOf(h).P99
	}
	if !oldest.IsZero() {
		v, have = max(v, float64(now.Sub(oldest).Microseconds())/1000), true
	}
	if !have {
		return nil
	}
	return &v
}

func msText(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *v)
}

// oldestWaiting is when the longest-waiting customer asked for a human
// (zero if nobody waits).
func (r *runner) oldestWaiting() time.Time {
	var old time.Time
	for _, c := range r.customers {
		c.mu.Lock()
		if c.conv != "" && !c.assigned && !c.finished && !c.transferAt.IsZero() && (old.IsZero() || c.transferAt.Before(old)) {
			old = c.transferAt
		}
		c.mu.Unlock()
	}
	return old
}

// shorten keeps error kinds countable: the first line, at most 120 bytes.
func shorten(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func (r *runner) report(start time.Time, evs *eventStream, series []Sample, peak uint64, memBase runtime.MemStats) *Report {
	rep := &Report{Command: "load", Started: start, DurationS: time.Since(start).Seconds(), Seed: r.cfg.Seed, Customers: len(r.customers),
		Agents: len(r.agents), Capacity: r.cfg.Capacity, RatePerS: r.cfg.Rate, CorrectedForCO: r.cfg.Rate > 0}
	m := r.e.m
	rep.LatencyMS.Assign = m.assign.quantiles()
	rep.LatencyMS.Deliver = m.deliver.quantiles()
	window := r.cfg.unconfirmedWindow()
	rep.Messages = m.audit.Result(r.cutoff, window)
	rep.LostSample = m.audit.Lost(sampleMax, r.cutoff, window)
	rep.Samples = m.audit.Samples()
	rep.Frames = m.frames.result()
	rep.Conversations = m.assigned.Load()
	rep.Requeued = m.requeued.Load()
	m.emu.Lock()
	rep.Errors = m.errors
	rep.Refusals, rep.RefusalSample = m.refusals, m.refusalSample
	m.emu.Unlock()
	for _, c := range r.customers {
		c.mu.Lock()
		if c.conv != "" && !c.assigned {
			rep.Unassigned++
		}
		c.mu.Unlock()
	}
	if rep.DurationS > 0 {
		rep.Throughput.MessagesPerS = float64(rep.Messages.Delivered) / rep.DurationS
		rep.Throughput.ChatsPerS = float64(rep.Conversations) / rep.DurationS
	}
	if r.closer != nil {
		var peakSock int64
		for _, s := range series {
			peakSock = max(peakSock, s.Connected)
		}
		peakSock += int64(len(r.agents))
		m := &Memory{HeapBeforeMB: mb(memBase.HeapInuse), HeapPeakMB: mb(peak), PeakSockets: peakSock, IncludesClient: true}
		if peakSock > 0 && peak > memBase.HeapInuse {
			m.PerSocketKB = float64(peak-memBase.HeapInuse) / 1024 / float64(peakSock)
		}
		rep.Memory = m
	}
	n, viol, kpis := evs.result()
	rep.Invariants = InvariantResult{Events: n, Violations: viol}
	if rep.Invariants.Violations == nil {
		rep.Invariants.Violations = []invariant.Violation{}
	}
	rep.violations = viol
	rep.KPIs = kpis
	for _, f := range r.cfg.Faults {
		rep.Faults.Spec = append(rep.Faults.Spec, f.String())
	}
	m.imu.Lock()
	rep.Faults.InjectedBy = map[string]int64{}
	for k, n := range m.injected {
		rep.Faults.InjectedBy[k] = n
		rep.Faults.Injected += n
	}
	rep.Faults.SlowReaders = append([]string(nil), m.slowReaders...)
	m.imu.Unlock()
	rep.Faults.Told, rep.Faults.Untold = m.told.Load(), m.untold.Load()
	if q := m.slow.quantiles(); q.Count > 0 {
		rep.Faults.SlowDeliverMS = &q
	}
	rep.Series = series
	rep.Histograms = map[string][]Bucket{"assign": m.assign.buckets(), "deliver": m.deliver.buckets()}
	rep.judge(r.e.ph.shutdown.Load())
	return rep
}
