package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func TestAuditCountsEveryOutcome(t *testing.T) {
	a := NewAudit()
	t0 := time.Unix(1000, 0)
	for _, k := range []string{"a1", "a2", "a3", "a4", "a5", "a6"} {
		a.Sent(k, "c1>agent", t0)
	}
	a.Sent("a1", "c1>agent", t0) // a resend is the same message
	for _, k := range []string{"a1", "a2", "a3", "a4", "a5"} {
		a.Answered(k, true)
	}
	a.Answered("a6", false)
	if d, ok := a.Delivered("a1", "x", true, t0.Add(5*time.Millisecond)); !ok || d != 5*time.Millisecond {
		t.Fatalf("first live delivery: latency %v %v, want 5ms", d, ok)
	}
	a.Delivered("a3", "x", true, t0)  // a2 not yet: fine, a3 is later
	a.Delivered("a2", "x", true, t0)  // after a3: out of order
	a.Delivered("a3", "x", true, t0)  // again live: duplicate
	a.Delivered("a1", "x", false, t0) // in a history: a snapshot, not a duplicate
	a.Delivered("zz", "x", true, t0)  // not ours
	// a4 acked, never delivered: lost. a5 the same. a6 refused.
	got := a.Result(false)
	want := Messages{Sent: 6, Delivered: 3, Lost: 2, Duplicated: 1, OutOfOrder: 1, Refused: 1}
	if got != want {
		t.Fatalf("audit %+v, want %+v", got, want)
	}
}

func TestAuditUnansweredIsUnconfirmedOnlyAfterShutdown(t *testing.T) {
	a := NewAudit()
	a.Sent("m1", "s", time.Now())
	a.Sent("m2", "s", time.Now())
	a.Answered("m2", true)
	if r := a.Result(false); r.Lost != 2 || r.Unconfirmed != 0 {
		t.Fatalf("without shutdown: %+v, want 2 lost", r)
	}
	if r := a.Result(true); r.Lost != 1 || r.Unconfirmed != 1 {
		t.Fatalf("after shutdown: %+v, want m2 lost (acked) and m1 unconfirmed", r)
	}
}

func TestAuditHistoryDeliveryIsNotLatencyNorOrder(t *testing.T) {
	a := NewAudit()
	a.Sent("m1", "s", time.Now())
	a.Sent("m2", "s", time.Now())
	if _, ok := a.Delivered("m2", "x", false, time.Now()); ok {
		t.Fatal("a history delivery gave a latency")
	}
	a.Delivered("m1", "x", true, time.Now())
	if r := a.Result(false); r.OutOfOrder != 0 || r.Delivered != 2 {
		t.Fatalf("%+v: a live message after a history is in order", r)
	}
}

func TestParseFaults(t *testing.T) {
	fs, err := ParseFaults("agent-drop:5%:40s, customer-reconnect:10%,slow-reader:1%,net-delay:50ms±20ms,net-reset:2%,shutdown:50%")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"agent-drop:5%:40s", "customer-reconnect:10%", "slow-reader:1%", "net-delay:50ms±20ms", "net-reset:2%", "shutdown:50%"}
	for i, f := range fs {
		if f.String() != want[i] {
			t.Errorf("fault %d = %s, want %s", i, f, want[i])
		}
	}
	if f, _ := ParseFaults("net-delay:30ms+-5ms"); f[0].Jitter != 5*time.Millisecond {
		t.Errorf("+- jitter: %+v", f[0])
	}
	for _, bad := range []string{"agent-drop:5", "agent-drop:150%", "nope:1%", "net-delay:50ms±80ms", "net-reset:2%:3s", "agent-drop:1%,agent-drop:2%"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSchedRunsInTimeOrder(t *testing.T) {
	s := newSched(1)
	got := make(chan int, 3)
	now := time.Now()
	s.at(now.Add(30*time.Millisecond), func(time.Time) { got <- 3 })
	s.at(now.Add(10*time.Millisecond), func(time.Time) { got <- 1 })
	s.at(now.Add(20*time.Millisecond), func(time.Time) { got <- 2 })
	for want := 1; want <= 3; want++ {
		if g := <-got; g != want {
			t.Fatalf("task %d ran, want %d", g, want)
		}
	}
	s.stop()
}

func TestAuditCountsEachReceiverOnItsOwn(t *testing.T) {
	a := NewAudit()
	a.Sent("m1", "s", time.Now())
	a.Sent("m2", "s", time.Now())
	a.Delivered("m1", "agent-a", true, time.Now())
	a.Delivered("m2", "agent-a", true, time.Now())
	// Re-queued: the second agent gets both again, live, in order.
	a.Delivered("m1", "agent-b", true, time.Now())
	a.Delivered("m2", "agent-b", true, time.Now())
	if r := a.Result(false); r.Duplicated != 0 || r.OutOfOrder != 0 || r.Delivered != 2 {
		t.Fatalf("%+v: two receivers each once in order", r)
	}
	a.Delivered("m1", "agent-b", true, time.Now())
	if r := a.Result(false); r.Duplicated != 1 {
		t.Fatalf("%+v: agent-b got m1 twice", r)
	}
}

func TestIntendedTimeOnlyUnderAFixedRate(t *testing.T) {
	due := time.Now().Add(-time.Second) // the generator is a second late
	r := &runner{cfg: Config{Rate: 10}}
	if got := r.intended(due); !got.Equal(due) {
		t.Fatalf("with --rate latency must count from the scheduled time %v, got %v", due, got)
	}
	r.cfg.Rate = 0
	if got := r.intended(due); got.Sub(due) < 900*time.Millisecond {
		t.Fatalf("without --rate latency counts from the send (now), got the scheduled time")
	}
}

func TestProfileSummaryFindsJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Fatal(err)
	}
	v := map[string]any{"a": []int{1, 2, 3}, "b": strings.Repeat("x", 200)}
	for end := time.Now().Add(600 * time.Millisecond); time.Now().Before(end); {
		data, _ := json.Marshal(v)
		_ = json.Unmarshal(data, &v)
	}
	pprof.StopCPUProfile()
	shares := summarise(buf.Bytes())
	var total, jsonShare, topNamed float64
	for _, s := range shares {
		total += s.Percent
		switch s.Category {
		case "JSON":
			jsonShare = s.Percent
		case "other": // runtime and race-detector threads, not this loop
		default:
			topNamed = max(topNamed, s.Percent)
		}
	}
	if jsonShare == 0 || jsonShare < topNamed || total < 99 || total > 101 {
		t.Fatalf("shares %+v: want JSON the main named category and 100%% in all", shares)
	}
}

func TestServeBundledOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:18099", "10.0.0.1:80", "localhost"} {
		if err := ServeBundled(t.Context(), Config{Agents: 1}, addr, io.Discard); !errors.Is(err, ErrInput) {
			t.Errorf("ServeBundled(%q) = %v, want bad input", addr, err)
		}
	}
}
