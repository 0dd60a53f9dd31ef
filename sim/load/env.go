package load

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"routecheck/sim/wire"
)

// env is what an actor may use of the run, and all it may: the timers,
// seeded jitter, where the sockets are, the pacing of the workload, where
// the run stands, and the metrics to record into. Actors never see the
// runner (STYLE 13).
type env struct {
	ctx   context.Context
	cfg   Config // pacing (Think, Reply, Hold, Rate) and the accounts
	sched *sched
	m     *metrics
	ph    *phase
	base  string // http(s) base of the workbench (or of the fault proxy)

	rmu sync.Mutex
	rng *rand.Rand

	// beforeWrite, if set (tests), runs in a send between its admission and
	// its write: a sender descheduled there, as on a busy machine.
	beforeWrite func(wire.ClientFrame)
	// customerDone is called once per customer whose visit is over.
	customerDone func()
}

func newEnv(ctx context.Context, cfg Config) *env {
	return &env{ctx: ctx, cfg: cfg, m: newMetrics(), ph: &phase{}, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x10ad)),
		beforeWrite: cfg.beforeWrite, customerDone: func() {}}
}

// ws is the socket URL of path.
func (e *env) ws(path string) string { return "ws" + strings.TrimPrefix(e.base, "http") + path }

// intended is the time latency counts from: the scheduled time under a
// fixed rate (coordinated-omission correction), else now.
func (e *env) intended(due time.Time) time.Time {
	if e.cfg.Rate > 0 && !due.IsZero() {
		return due
	}
	return time.Now()
}

// jitter is d ± 50%, seeded.
func (e *env) jitter(d time.Duration) time.Duration {
	e.rmu.Lock()
	defer e.rmu.Unlock()
	return d/2 + time.Duration(e.rng.Int64N(int64(d)+1))
}

// pick chooses round(share*n) distinct indexes (at least one for a share
// above zero), seeded.
func (e *env) pick(n int, share float64) []int {
	k := int(math.Round(share * float64(n)))
	if share > 0 && k == 0 {
		k = 1
	}
	e.rmu.Lock()
	defer e.rmu.Unlock()
	return e.rng.Perm(n)[:min(k, n)]
}
