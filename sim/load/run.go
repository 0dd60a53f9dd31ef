package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"routecheck/sim/actors"
	"routecheck/sim/server"
)

// ErrHarness marks a run that could not be made (exit 3): the generator
// or the bundled workbench failed, which says nothing about the target.
var ErrHarness = errors.New("harness could not run")

type runner struct {
	cfg   Config
	ctx   context.Context
	base  string // where actors connect (the proxy when the path has faults)
	srv   *server.Server
	net   *netPath
	sched *sched
	audit *Audit
	tr    *http.Transport

	assign, deliver   *hist // whole run
	assignI, deliverI *hist // since the last sample
	slow              *hist // delivery to slow-reader agents

	rmu sync.Mutex
	rng *rand.Rand

	emu           sync.Mutex
	errors        map[string]int64
	refusals      map[string]int64 // unexpected error answers to frames other than chat messages
	refusalSample []string
	frames        frameTally // what the actors found in the chat frames

	imu      sync.Mutex
	injected map[string]int64 // what each fault did (connections cut, readers slowed…)

	endNano  atomic.Int64 // when the load ends (customers leave)
	cutoff   time.Time    // when the sockets stopped: the shutdown, or the end of the drain
	stopping atomic.Bool  // sockets are closing: no reconnect
	// gate ends the sending before the drain (D-LOAD-3): a send holds it
	// shared from its check of quiet until its frame is written, so once
	// quieten returns every message in the audit is on the wire.
	gate       sync.RWMutex
	quiet      bool // under gate: no new frame goes out
	shutdown   atomic.Bool
	shutdownAt time.Time

	arrived, connected, waiting, assignedN, doneN atomic.Int64
	delivered_, told, untold, requeued            atomic.Int64
	allDone                                       chan struct{}

	customers []*customer
	agents    []*agent
}

func (r *runner) end() time.Time { return time.Unix(0, r.endNano.Load()) }

func (r *runner) ws(path string) string { return "ws" + strings.TrimPrefix(r.base, "http") + path }

// intended is the time latency counts from: the scheduled time under a
// fixed rate (coordinated-omission correction), else now.
func (r *runner) intended(due time.Time) time.Time {
	if r.cfg.Rate > 0 && !due.IsZero() {
		return due
	}
	return time.Now()
}

// jitter is d ± 50%, seeded.
func (r *runner) jitter(d time.Duration) time.Duration {
	r.rmu.Lock()
	defer r.rmu.Unlock()
	return d/2 + time.Duration(r.rng.Int64N(int64(d)+1))
}

func (r *runner) fail(kind string) {
	r.emu.Lock()
	r.errors[kind]++
	r.emu.Unlock()
}

// slowLag records how late a slow reader saw a customer's message.
func (r *runner) slowLag(key string, now time.Time) {
	if at := r.audit.SentAt(key); !at.IsZero() {
		r.slow.record(now.Sub(at))
	}
}

func (r *runner) recordAssign(d time.Duration) {
	r.assign.record(d)
	r.assignI.record(d)
}

// inject counts one thing a fault did.
func (r *runner) inject(kind string) {
	r.imu.Lock()
	r.injected[kind]++
	r.imu.Unlock()
}

func (r *runner) delivered(key, receiver, conv string, live bool, at time.Time) {
	if d, ok := r.audit.Delivered(key, receiver, conv, live, at); ok {
		r.deliver.record(d)
		r.deliverI.record(d)
		r.delivered_.Add(1)
	}
}

// Refusal codes the actors expect at documented moments (D-LOAD-6).
const (
	codeNotAllowed = "not allowed in the current state" // the chat had ended or was taken away
	codeLimit      = "limit"                            // sent again after limitWait
)

// limitWait is how long an actor waits before sending a frame again that
// a `limit` refused (a frame-rate limit refills within a second), and
// limitTries how often it does (D-LOAD-6).
const (
	limitWait  = time.Second
	limitTries = 5
)

// answer matches an ack or error frame to an actor's pending frame by
// client id and judges it (D-LOAD-6): an ack confirms; `limit` sends the
// frame again after limitWait; `not allowed in the current state` is
// expected only once the actor no longer holds the chat (held says, at the
// moment the error arrives: the ended or requeued frame comes first); any
// other error is unexpected and fails the run.
func (r *runner) answer(p *pending, f *frame, who string, held func(conv string) bool, again func(map[string]any, int)) {
	if f.ID == "" {
		if f.Type == "error" {
			r.refusal(who, "frame without id", f.Code)
		}
		return
	}
	sent, tries := p.done(f.ID)
	if sent == nil {
		return
	}
	text, _ := sent["text"].(string)
	load := isLoadText(text)
	if f.Type == "ack" {
		if load {
			r.audit.Acked(text)
		}
		return
	}
	if f.Code == codeLimit && tries < limitTries {
		r.sched.after(limitWait, func(time.Time) { again(sent, tries+1) })
		return
	}
	conv, _ := sent["conv"].(string)
	expected := f.Code == codeNotAllowed && !held(conv)
	switch {
	case load:
		r.audit.Refused(text, f.Code, expected)
	case !expected:
		typ, _ := sent["type"].(string)
		r.refusal(who, typ, f.Code)
	}
}

// refusal counts an error answer no rule expects for a frame that is not
// a chat message (a status, a transfer request, a leave).
func (r *runner) refusal(who, what, code string) {
	r.emu.Lock()
	defer r.emu.Unlock()
	r.refusals[what+": "+code]++
	if len(r.refusalSample) < sampleMax {
		r.refusalSample = append(r.refusalSample, who+" "+what+": error "+code)
	}
}

// beginSend admits a new frame unless the load is over; after true the
// caller writes the frame, then calls endSend.
func (r *runner) beginSend() bool {
	r.gate.RLock()
	if r.quiet || r.stopping.Load() {
		r.gate.RUnlock()
		return false
	}
	return true
}

func (r *runner) endSend() { r.gate.RUnlock() }

// quieten stops new frames and waits for those being written.
func (r *runner) quieten() {
	r.gate.Lock()
	r.quiet = true
	r.gate.Unlock()
}

// beforeWrite, when set (tests), runs in a send between its admission and
// its write: a sender descheduled there, as on a busy machine.
var beforeWrite func(f map[string]any)

func (r *runner) customerDone() {
	if r.doneN.Add(1) == int64(len(r.customers)) {
		close(r.allDone)
	}
}

func newRunner(ctx context.Context, cfg Config) *runner {
	return &runner{cfg: cfg, ctx: ctx, audit: NewAudit(), assign: newHist(), deliver: newHist(), assignI: newHist(),
		deliverI: newHist(), slow: newHist(), rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x10ad)), errors: map[string]int64{},
		refusals: map[string]int64{}, injected: map[string]int64{}, allDone: make(chan struct{})}
}

// Run drives one load run and returns its report. An error wraps
// ErrInput (fix the flags) or ErrHarness (the run could not be made).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := newRunner(ctx, cfg)
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
		r.srv, base = srv, u
		defer srv.Close()
	}
	r.base = strings.TrimRight(base, "/")
	if np, err := r.startNetFaults(); err != nil {
		return nil, harness("fault proxy: %v", err)
	} else if np != nil {
		defer np.stop()
	}
	r.tr = &http.Transport{MaxIdleConnsPerHost: 64, DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	defer r.tr.CloseIdleConnections()
	r.sched = newSched(max(8, min(64, cfg.Customers/100)))
	defer r.sched.stop()

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
		r.fail("event log: " + shorten(err.Error()))
	})
	evctx, evstop := context.WithCancel(ctx)
	defer evstop()
	evdone := make(chan struct{})
	go func() { defer close(evdone); evs.follow(evctx, 200*time.Millisecond) }()

	// Arrivals: evenly over the ramp, or at the fixed rate.
	start := time.Now().Add(50 * time.Millisecond)
	r.endNano.Store(start.Add(cfg.span()).UnixNano())
	r.planFaults(start)
	for i, c := range r.customers {
		at := start
		switch {
		case cfg.Rate > 0:
			at = start.Add(time.Duration(float64(i) / cfg.Rate * float64(time.Second)))
		case len(r.customers) > 1:
			at = start.Add(time.Duration(int64(cfg.Ramp) * int64(i) / int64(len(r.customers)-1)))
		}
		r.sched.at(at, c.arrive)
	}
	if err := r.startResets(); err != nil {
		return nil, harness("fault proxy: %v", err)
	}

	series, peak := r.watch(ctx, start)

	// No new message, then let what is in flight arrive (answers, a slow
	// reader catching up, a resume) within the drain, then stop (D-LOAD-3).
	r.quieten()
	r.settle(ctx)
	r.cutoff = time.Now()
	if r.shutdown.Load() {
		r.cutoff = r.shutdownAt
	}
	r.stopping.Store(true)
	for _, a := range r.agents {
		a.close()
	}
	for _, c := range r.customers {
		c.finish()
	}
	evstop()
	<-evdone
	if !r.shutdown.Load() {
		evs.poll(ctx) // the last events
	}
	rep := r.report(start, evs, series, peak, memBase)
	rep.Target = cfg.Target
	return rep, nil
}

// settle waits, within the drain, until no message is on its way.
func (r *runner) settle(ctx context.Context) {
	deadline := time.Now().Add(r.cfg.Drain)
	for time.Now().Before(deadline) && ctx.Err() == nil && !r.shutdown.Load() {
		if r.audit.Outstanding() == 0 {
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
		r.customers[i] = &customer{r: r, name: fmt.Sprintf("c%d", i+1), token: ent.Token, order: newChatOrder()}
		return nil
	})
}

// startAgents logs every agent in and waits until all are 在线.
func (r *runner) startAgents(ctx context.Context) error {
	r.agents = make([]*agent, r.cfg.Agents)
	for i := range r.agents {
		r.agents[i] = &agent{r: r, login: fmt.Sprintf(r.cfg.AgentLogin, i+1), http: newHTTPC(r.base, r.tr)}
	}
	r.planAgentFaults()
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

// Sample is one point of the time series.
type Sample struct {
	AtS       float64 `json:"at_s"`
	Connected int64   `json:"connected"`
	Queue     int64   `json:"queue"` // customers waiting for an agent
	Assigned  int64   `json:"assigned"`
	// AssignP99 and DeliverP99: the second's p99, and at least the age of
	// the oldest transfer or message still waiting, so a stalled second
	// shows its stall; null when nothing completed and nothing waited.
	AssignP99  *float64 `json:"assign_p99_ms"`
	DeliverP99 *float64 `json:"deliver_p99_ms"`
	Delivered  int64    `json:"delivered_per_s"`
	HeapMB     float64  `json:"heap_mb"`
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
	deadline := time.NewTimer(time.Until(r.end().Add(r.cfg.Drain)))
	defer deadline.Stop()
	for {
		select {
		case <-r.allDone:
			return series, peak
		case <-deadline.C:
			r.fail("customers still in a chat after the drain")
			return series, peak
		case <-ctx.Done():
			return series, peak
		case now := <-tick.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			d := r.delivered_.Load()
			s := Sample{AtS: now.Sub(start).Seconds(), Connected: r.connected.Load(), Queue: r.waiting.Load(),
				Assigned: r.assignedN.Load(), AssignP99: secondP99(r.assignI.swap(), r.oldestWaiting(), now),
				DeliverP99: secondP99(r.deliverI.swap(), r.audit.Oldest(), now), Delivered: d - lastDelivered, HeapMB: float64(ms.HeapInuse) / (1 << 20)}
			lastDelivered = d
			series = append(series, s)
			if r.cfg.Progress != nil && now.Sub(lastPrint) >= r.cfg.ProgressEvery {
				lastPrint = now
				fmt.Fprintf(r.cfg.Progress, "load %5.0fs  customers %d/%d connected %d queued %d assigned %d  delivered %d/s  p99 assign %s ms deliver %s ms\n",
					s.AtS, r.arrived.Load(), len(r.customers), s.Connected, s.Queue, s.Assigned, s.Delivered, msText(s.AssignP99), msText(s.DeliverP99))
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
		if c.conv != "" && !c.assigned && !c.done && !c.transferAt.IsZero() && (old.IsZero() || c.transferAt.Before(old)) {
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
