package routetest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/routetest"
)

// OnStepStart hears each step before OnStep judges it; OnWait hears the
// waits for people by name, each closed again, with the timeout as limit.
func TestProgressHooks(t *testing.T) {
	v := fixtures.Demo()
	var mu sync.Mutex
	var events []string
	open := map[string]int{}
	_, err := routetest.Run(context.Background(), routetest.Options{
		Target: bundled(t, v), Vendor: v, Seed: 8, Timeout: 3 * time.Second,
		OnStepStart: func(s reports.Step) { events = append(events, fmt.Sprintf("start %d", s.Number)) },
		OnStep:      func(s reports.Step) { events = append(events, fmt.Sprintf("done %d", s.Number)) },
		OnWait: func(what string, limit time.Duration) func() {
			mu.Lock()
			defer mu.Unlock()
			// the rehearsed reply is due at pickup (the demo rehearses no
			// delay); every other wait is bounded by the timeout
			if want := 3 * time.Second; strings.HasSuffix(what, "'s reply") && limit != 0 || !strings.HasSuffix(what, "'s reply") && limit != want {
				t.Errorf("wait %q: limit %s", what, limit)
			}
			events = append(events, "wait "+what)
			open[what]++
			return func() { mu.Lock(); open[what]--; mu.Unlock() }
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range events {
		if !strings.HasPrefix(e, "wait ") {
			order = append(order, e)
		}
	}
	want := []string{"start 1", "done 1", "start 2", "done 2", "start 3", "done 3", "start 4", "done 4", "start 5", "done 5"}
	if !slices.Equal(order, want) {
		t.Errorf("step events %v, want %v", order, want)
	}
	names := map[string]bool{}
	for _, a := range v.Config.Accounts {
		names[a.Name] = true
	}
	var replies int
	for _, e := range events {
		if who, ok := strings.CutSuffix(strings.TrimPrefix(e, "wait "), "'s reply"); ok && names[who] {
			replies++
		}
	}
	if replies != 2 || !slices.ContainsFunc(events, func(e string) bool { return strings.HasPrefix(e, "wait ") && strings.Contains(e, "转人工") }) {
		t.Errorf("waits not announced by what they wait for: %v", events)
	}
	for what, n := range open {
		if n != 0 {
			t.Errorf("wait %q left open (%d)", what, n)
		}
	}
}

// D-RUN-6: a rehearsed reply delay is not a wait bounded by --timeout, so
// the live line gives it its own length: "6.0 s of 6.0 s" at most, never
// "6.9 s of 1.0 s"; the waits of the workbench keep the timeout.
func TestProgressReplyDelayHasItsOwnLimit(t *testing.T) {
	v := rehearsed(t, 1, 3, 0, 6*time.Second)
	w := newWorld(t, v)
	var mu sync.Mutex
	var replies []time.Duration
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: w.base, Vendor: v, Seed: 1,
		Timeout: time.Second, Clock: w.vc,
		OnWait: func(what string, limit time.Duration) func() {
			mu.Lock()
			defer mu.Unlock()
			if strings.Contains(what, "(rehearsed 6s after pickup)") {
				replies = append(replies, limit)
			} else if limit != time.Second {
				t.Errorf("wait %q: limit %s, want the 1 s timeout", what, limit)
			}
			return func() {}
		}})
	if err != nil || !rep.Passed {
		t.Fatalf("%v %s", err, failure(rep))
	}
	if len(replies) != 2 {
		t.Fatalf("reply waits %v, want one per test chat", replies)
	}
	// the second chat's wait may start after the virtual clock jumped for
	// the first: its time left is then shorter
	longest := time.Duration(0)
	for _, l := range replies {
		if l > 6*time.Second {
			t.Errorf("a rehearsed 6 s reply announced with limit %s", l)
		}
		longest = max(longest, l)
	}
	if longest <= 5*time.Second {
		t.Errorf("rehearsed 6 s replies announced with limits %v, want the time left of the 6 s", replies)
	}
}
