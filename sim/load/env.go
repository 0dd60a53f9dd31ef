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
	ctx           context.Context
	pace          pace
	vendor        string // the customers' entry links name it
	agentPassword string
	sched         *sched
	m             *metrics
	ph            *phase
	base          string // http(s) base of the workbench (or of the fault proxy)

	rmu sync.Mutex
	rng *rand.Rand

	// beforeWrite, if set (tests), runs in a send between its admission and
	// its write: a sender descheduled there, as on a busy machine.
	beforeWrite func(wire.ClientFrame)
	// customerDone is called once per customer whose visit is over.
	customerDone func()
}

// pace is the workload's timing as the actors follow it.
type pace struct {
	think time.Duration // a customer's pause between messages (±50%)
	reply time.Duration // an agent's pause before replying (±50%)
	hold  time.Duration // how long a customer chats once assigned; 0: until the end
	rate  float64       // arrivals per second under a fixed rate; 0: a ramp
}

func newEnv(ctx context.Context, p pace, seed int64) *env {
	return &env{ctx: ctx, pace: p, m: newMetrics(), ph: &phase{}, rng: rand.New(rand.NewPCG(uint64(seed), 0x10ad)),
		customerDone: func() {}}
}

// ws is the socket URL of path.
func (e *env) ws(path string) string { return "ws" + strings.TrimPrefix(e.base, "http") + path }

// intended is the time latency counts from: the scheduled time under a
// fixed rate (coordinated-omission correction), else now.
func (e *env) intended(due time.Time) time.Time {
	if e.pace.rate > 0 && !due.IsZero() {
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
