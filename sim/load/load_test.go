package load

import (
	"context"
	"os"
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
}
