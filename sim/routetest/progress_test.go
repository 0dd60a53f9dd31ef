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
			if limit != 3*time.Second {
				t.Errorf("wait %q: limit %s, want the timeout", what, limit)
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
