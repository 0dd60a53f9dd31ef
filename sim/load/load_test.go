package load

import (
	"routecheck/sim/wire"

	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// small is a quick bundled run: every message audited, fast pauses.
func small(faults string) Config {
	f, err := ParseFaults(faults)
	if err != nil {
		panic(err)
	}
	return Config{Customers: 40, Agents: 10, Capacity: 5, Duration: 2 * time.Second, Ramp: 500 * time.Millisecond,
		Think: 200 * time.Millisecond, Reply: 50 * time.Millisecond, Drain: 5 * time.Second, Seed: 1, Faults: f}
}

func TestRunAuditsEveryMessage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, small(""))
	if err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		_ = rep.WriteJSON(os.Stdout)
	}
	m := rep.Messages
	if !rep.Pass {
		t.Fatalf("run failed: %v", rep.Failures)
	}
	if m.Sent < 100 || m.Delivered != m.Sent-m.Refused {
		t.Fatalf("audit %+v: want every accepted message delivered", m)
	}
	if rep.Conversations != 40 || rep.LatencyMS.Assign.Count != 40 {
		t.Fatalf("conversations %d, assign count %d; want 40", rep.Conversations, rep.LatencyMS.Assign.Count)
	}
	if rep.Invariants.Events == 0 || rep.KPIs.PickedUp != 40 {
		t.Fatalf("invariants over %d events, KPIs %+v", rep.Invariants.Events, rep.KPIs)
	}
	// No latency outlasts the run: one that does was measured from a time
	// never set (a reader that ran before its socket was recorded).
	if lat := rep.LatencyMS; lat.Assign.Max > rep.DurationS*1000 || lat.Deliver.Max > rep.DurationS*1000 {
		t.Fatalf("latencies %+v in a run of %.1f s", lat, rep.DurationS)
	}
}

func TestRunAtAFixedRate(t *testing.T) {
	cfg := small("")
	cfg.Customers, cfg.Rate, cfg.Hold = 20, 40, time.Second
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || !rep.CorrectedForCO || rep.RatePerS != 40 || rep.LatencyMS.Assign.Count != 20 {
		t.Fatalf("pass %v corrected %v rate %v assigned %d: %v", rep.Pass, rep.CorrectedForCO, rep.RatePerS, rep.LatencyMS.Assign.Count, rep.Failures)
	}
	// Arrivals 25 ms apart over 0.5 s, each chatting 1 s: the run is about
	// 1.5 s of load, not the 2 s duration, since --hold ends each chat.
	if rep.DurationS > 10 {
		t.Fatalf("run took %.1f s", rep.DurationS)
	}
}

// A reply decided just before the load ends and written a moment later
// (its sender descheduled on a busy machine) is either on the wire before
// the drain, and then answered, or never sent: it is never counted lost
// for lack of an answer the run did not wait for (D-LOAD-3).
func TestRunEndDoesNotLoseRepliesInFlight(t *testing.T) {
	t.Parallel()
	var late atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := small("")
	cfg.beforeWrite = func(f wire.ClientFrame) {
		if f.Type == wire.TypeSend {
			late.Add(1)
			time.Sleep(200 * time.Millisecond)
		}
	}
	cfg.Customers, cfg.Agents, cfg.Duration, cfg.Ramp = 20, 5, 1500*time.Millisecond, 300*time.Millisecond
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if late.Load() == 0 {
		t.Fatal("no agent reply went through the delayed send")
	}
	if m := rep.Messages; m.Lost != 0 || !rep.Pass {
		t.Fatalf("audit %+v, lost %v, failures %v: a reply written before the drain must be answered, one after it never sent",
			m, rep.LostSample, rep.Failures)
	}
}

// The end of the sending waits for a send already admitted: once quieten
// returns, its message is in the audit (the drain waits for its answer),
// and a send after it goes nowhere (D-LOAD-3).
func TestQuietenWaitsForASendBeingWritten(t *testing.T) {
	t.Parallel()
	admitted, proceed := make(chan struct{}), make(chan struct{})
	var once atomic.Bool
	cfg := Config{beforeWrite: func(wire.ClientFrame) {
		if once.CompareAndSwap(false, true) {
			close(admitted)
			<-proceed
		}
	}}
	r := newRunner(context.Background(), cfg)
	a := newAgent(r.e, "a1", nil)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		a.send(wire.ClientFrame{Type: wire.TypeSend, Conv: "c1", Text: "load c1 r1"}, time.Now())
	}()
	<-admitted
	quiet := make(chan int)
	go func() {
		r.e.ph.quieten()
		quiet <- r.e.m.audit.Outstanding()
	}()
	var outstanding int
	select {
	case outstanding = <-quiet: // returned while the send was still inside
		close(proceed)
	case <-time.After(100 * time.Millisecond):
		close(proceed)
		outstanding = <-quiet
	}
	<-sent
	if outstanding != 1 {
		t.Fatalf("quieten returned with %d messages in the audit; want the admitted reply (1) before the drain starts", outstanding)
	}
	a.send(wire.ClientFrame{Type: wire.TypeSend, Conv: "c1", Text: "load c1 r2"}, time.Now())
	if m := r.e.m.audit.Result(time.Now(), 0); m.Sent != 1 {
		t.Fatalf("audit %+v after quieten: a new send must not go out", m)
	}
}

// D-LOAD-6: a frame the workbench refuses with `limit` is sent again after
// the wait, so nothing is lost and nothing is refused in the end; the run
// passes.
func TestRunSendsAgainAfterALimit(t *testing.T) {
	cfg := small("")
	cfg.Customers, cfg.Agents, cfg.FrameRate, cfg.FrameBurst = 10, 2, 8, 4
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Messages
	if m.ResentAfterLimit == 0 {
		t.Fatalf("audit %+v: no message met the limit (8 frames/s for agents with 5 chats)", m)
	}
	if !rep.Pass || m.Lost != 0 || m.RefusedUnexpected != 0 {
		t.Fatalf("audit %+v, failures %v: a limited message sent again must arrive", m, rep.Failures)
	}
}
