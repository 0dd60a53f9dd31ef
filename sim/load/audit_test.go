package load

import (
	"routecheck/sim/wire"

	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func TestAuditCountsEveryOutcome(t *testing.T) {
	a := NewAudit()
	t0 := time.Unix(1000, 0)
	for _, k := range []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7"} {
		a.Sent(k, "c1", "customer c1", true, t0)
		a.Written(k, t0)
	}
	a.Sent("a1", "c1", "customer c1", true, t0) // a resend is the same message
	for _, k := range []string{"a1", "a2", "a3", "a4", "a5"} {
		a.Acked(k)
	}
	a.Refused("a6", wire.CodeNotAllowed, true)
	a.Refused("a7", "internal", false)
	if d, ok := a.Delivered("a1", "x", "c1", true, t0.Add(5*time.Millisecond)); !ok || d != 5*time.Millisecond {
		t.Fatalf("first live delivery: latency %v %v, want 5ms", d, ok)
	}
	a.Delivered("a3", "x", "c1", true, t0)  // a2 not yet: fine, a3 is later
	a.Delivered("a2", "x", "c1", true, t0)  // after a3: out of order
	a.Delivered("a3", "x", "c1", true, t0)  // again live: duplicate
	a.Delivered("a1", "x", "c1", false, t0) // in a history: a snapshot, not a duplicate
	a.Delivered("zz", "x", "c1", true, t0)  // nobody sent it: foreign
	a.Delivered("a4", "y", "c2", true, t0)  // in a frame of another chat: misdelivered, not delivered
	// a4 acked, never delivered (only misdelivered): lost. a5 the same.
	got := a.Result(t0.Add(time.Hour), 2*time.Second)
	want := Messages{Sent: 7, Delivered: 3, Lost: 2, Duplicated: 1, OutOfOrder: 1, Misdelivered: 1, Foreign: 1,
		Refused: 1, RefusedBy: map[string]int64{wire.CodeNotAllowed: 1}, RefusedUnexpected: 1, WindowS: 2}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("audit %+v, want %+v", got, want)
	}
}

// D-LOAD-7: a message never answered is unconfirmed only if it went out
// within the window before the cutoff (or never went out); an older one
// is lost, shutdown or not. An acked one never delivered is always lost.
func TestAuditUnansweredIsUnconfirmedOnlyWithinTheWindow(t *testing.T) {
	a := NewAudit()
	cut := time.Unix(2000, 0)
	for k, at := range map[string]time.Duration{"old": 5 * time.Second, "edge": 2 * time.Second, "late": time.Second, "acked": time.Second} {
		a.Sent(k, "c1", "customer c1", true, cut.Add(-at))
		a.Written(k, cut.Add(-at))
	}
	a.Acked("acked")
	a.Sent("never-written", "c1", "customer c1", true, cut.Add(-time.Minute))
	r := a.Result(cut, 2*time.Second)
	if r.Lost != 2 || r.Unconfirmed != 3 {
		t.Fatalf("%+v: want old and acked lost; edge, late and never-written unconfirmed", r)
	}
	if lost := a.Lost(10, cut, 2*time.Second); len(lost) != 2 || !strings.Contains(lost[0], "acked") || !strings.Contains(lost[1], "old") {
		t.Fatalf("lost sample %q", lost)
	}
}

func TestAuditHistoryDeliveryIsNotLatencyNorOrder(t *testing.T) {
	a := NewAudit()
	a.Sent("m1", "c1", "s", true, time.Now())
	a.Sent("m2", "c1", "s", true, time.Now())
	if _, ok := a.Delivered("m2", "x", "c1", false, time.Now()); ok {
		t.Fatal("a history delivery gave a latency")
	}
	a.Delivered("m1", "x", "c1", true, time.Now())
	if r := a.Result(time.Now(), 0); r.OutOfOrder != 0 || r.Delivered != 2 {
		t.Fatalf("%+v: a live message after a history is in order", r)
	}
}

// A message sent again after a limit is a new send: the ones written
// meanwhile are before it, so their arriving first is in order.
func TestAuditLimitResendTakesANewPlace(t *testing.T) {
	a := NewAudit()
	a.Sent("m1", "c1", "s", true, time.Now())
	a.Sent("m2", "c1", "s", true, time.Now())
	a.Again("m1", true)
	a.Delivered("m2", "x", "c1", true, time.Now())
	a.Delivered("m1", "x", "c1", true, time.Now())
	if r := a.Result(time.Now(), 0); r.OutOfOrder != 0 {
		t.Fatalf("%+v: m1 resent after m2 arrives after it in order", r)
	}
}

func TestAuditEchoMustBelongToItsChat(t *testing.T) {
	a := NewAudit()
	a.Sent("m1", "c1", "s", true, time.Now())
	a.Echoed("m1", "customer c1", "c1")
	if r := a.Result(time.Now(), 0); r.Misdelivered != 0 || r.Foreign != 0 {
		t.Fatalf("%+v: its own echo in its own chat is fine", r)
	}
	a.Echoed("m1", "customer c2", "c2")
	a.Echoed("nobody", "customer c2", "c2")
	a.Misdelivered("m1", "agent b", "c1")
	if r := a.Result(time.Now(), 0); r.Misdelivered != 2 || r.Foreign != 1 {
		t.Fatalf("%+v: want 2 misdelivered, 1 foreign", r)
	}
	if s := a.Samples()["misdelivered"]; len(s) != 2 || !strings.Contains(s[0], "agent b") || !strings.Contains(s[0], "from s") {
		t.Fatalf("misdelivered samples %q: want the chat, the sender and the receiver", s)
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
	a.Sent("m1", "c1", "s", true, time.Now())
	a.Sent("m2", "c1", "s", true, time.Now())
	a.Delivered("m1", "agent-a", "c1", true, time.Now())
	a.Delivered("m2", "agent-a", "c1", true, time.Now())
	// Re-queued: the second agent gets both again, live, in order.
	a.Delivered("m1", "agent-b", "c1", true, time.Now())
	a.Delivered("m2", "agent-b", "c1", true, time.Now())
	if r := a.Result(time.Now(), 0); r.Duplicated != 0 || r.OutOfOrder != 0 || r.Delivered != 2 {
		t.Fatalf("%+v: two receivers each once in order", r)
	}
	a.Delivered("m1", "agent-b", "c1", true, time.Now())
	if r := a.Result(time.Now(), 0); r.Duplicated != 1 {
		t.Fatalf("%+v: agent-b got m1 twice", r)
	}
}

func TestIntendedTimeOnlyUnderAFixedRate(t *testing.T) {
	due := time.Now().Add(-time.Second) // the generator is a second late
	r := &env{pace: pace{rate: 10}}
	if got := r.intended(due); !got.Equal(due) {
		t.Fatalf("with --rate latency must count from the scheduled time %v, got %v", due, got)
	}
	r.pace.rate = 0
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

// A lost customer message names the agent its customer was told holds the
// chat: who should have had it.
func TestAuditLostNamesTheHolder(t *testing.T) {
	a := NewAudit()
	cut := time.Unix(2000, 0)
	a.Sent("m1", "c1", "customer c1", true, cut.Add(-5*time.Second))
	a.Written("m1", cut.Add(-5*time.Second))
	a.Acked("m1")
	a.Holder("c1", "load-agent-3")
	if lost := a.Lost(10, cut, 2*time.Second); len(lost) != 1 || !strings.Contains(lost[0], "not delivered to load-agent-3") {
		t.Fatalf("lost sample %q: want the holder named", lost)
	}
}

// D-LOAD-11: a customer's message in a chat handed to an agent while it
// had no socket, which ended before the agent was back, reached nobody
// and is no loss of the workbench's; the same message is lost when the
// agent knew the chat (the workbench owes it by resume), was back before
// the chat ended, or went away only after the message was sent.
func TestAuditUnreachedOnlyWhileTheAgentWasAway(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	cases := []struct {
		name      string
		away      [2]float64 // from, to (0: never back)
		knew      bool
		unreached bool
	}{
		{"away throughout, never back", [2]float64{1, 0}, false, true},
		{"away throughout, back after the end", [2]float64{1, 9}, false, true},
		{"back before the end", [2]float64{1, 4}, false, false},
		{"away only after the message", [2]float64{3, 0}, false, false},
		{"knew the chat", [2]float64{1, 0}, true, false},
	}
	for _, c := range cases {
		a := NewAudit()
		a.Sent("m", "c1", "customer c1", true, at(2))
		a.Written("m", at(2))
		a.Acked("m")
		a.Holder("c1", "load-agent-1")
		a.AgentAway("load-agent-1", at(c.away[0]))
		if c.away[1] > 0 {
			a.AgentBack("load-agent-1", at(c.away[1]))
		}
		if c.knew {
			a.AgentKnows("c1")
		}
		a.ChatEnded("c1", at(5))
		r := a.Result(at(20), 2*time.Second)
		if got := r.Unreached == 1 && r.Lost == 0; got != c.unreached || r.Unreached+r.Lost != 1 {
			t.Errorf("%s: lost %d, unreached %d; want unreached %v", c.name, r.Lost, r.Unreached, c.unreached)
		}
		if lost := a.Lost(10, at(20), 2*time.Second); (len(lost) == 0) != c.unreached {
			t.Errorf("%s: lost sample %q", c.name, lost)
		}
	}
	// An agent's own message, or a chat with no end seen, is never unreached.
	a := NewAudit()
	a.Sent("r", "c1", "agent load-agent-1", false, at(2))
	a.Written("r", at(2))
	a.Acked("r")
	a.Sent("m", "c2", "customer c2", true, at(2))
	a.Written("m", at(2))
	a.Acked("m")
	a.Holder("c1", "load-agent-1")
	a.Holder("c2", "load-agent-1")
	a.AgentAway("load-agent-1", at(1))
	a.ChatEnded("c1", at(5))
	if r := a.Result(at(20), 2*time.Second); r.Lost != 2 || r.Unreached != 0 {
		t.Errorf("agent's message and an unended chat: lost %d, unreached %d; want 2 lost", r.Lost, r.Unreached)
	}
}
