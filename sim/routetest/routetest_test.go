package routetest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/routetest"
)

func bundled(tb testing.TB, v *fixtures.Vendor) string {
	tb.Helper()
	b, err := routetest.Bundled(v, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	return b.URL
}

// The same seed makes the same test data (DESIGN.md principle 3): the
// test account, order and trace id depend on nothing else.
func TestSameSeedSameData(t *testing.T) {
	v := fixtures.Demo()
	var seen [2][]string
	for i := range seen {
		rep, err := routetest.Run(context.Background(), routetest.Options{Target: bundled(t, v), Vendor: v, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Passed {
			t.Fatalf("run %d failed: %+v", i, rep.Failed())
		}
		seen[i] = append(seen[i], rep.ID, rep.TraceID)
		for _, c := range rep.Steps[0].Checks {
			seen[i] = append(seen[i], c.Seen)
		}
	}
	if len(seen[0]) < 4 {
		t.Fatalf("step 1 recorded too little: %v", seen[0])
	}
	for i := range seen[0] {
		if seen[0][i] != seen[1][i] {
			t.Fatalf("seed 42 twice: %q vs %q", seen[0][i], seen[1][i])
		}
	}
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: bundled(t, v), Vendor: v, Seed: 43})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TraceID == seen[0][1] {
		t.Fatal("another seed gave the same trace id")
	}
}

func TestNoOperationsAccountIsBadInput(t *testing.T) {
	v := fixtures.Demo()
	var accs = v.Config.Accounts[:0]
	for _, a := range v.Config.Accounts {
		if a.Role != "operations" {
			accs = append(accs, a)
		}
	}
	v.Config.Accounts = accs
	_, err := routetest.Run(context.Background(), routetest.Options{Target: "http://127.0.0.1:1", Vendor: v})
	if err == nil || !errorsIs(err) {
		t.Fatalf("want ErrInput naming R-RT-1, got %v", err)
	}
}

// BenchmarkRouteTest is the five steps against the bundled workbench, its
// start excluded (DESIGN.md: under 300 ms).
func BenchmarkRouteTest(b *testing.B) {
	v := fixtures.Demo()
	for i := range b.N {
		// A workbench per run, started outside the timer, as `routecheck
		// run` starts one: the agents' status changes have a budget per
		// minute (Limits), which back-to-back runs on one workbench spend.
		b.StopTimer()
		bd, err := routetest.Bundled(v, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := routetest.Run(context.Background(), routetest.Options{Target: bd.URL, Vendor: v, Seed: int64(i + 1)})
		b.StopTimer()
		bd.Close()
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range rep.Steps {
			if s.Status != reports.StatusPassed {
				b.Fatalf("step %d: %+v", s.Number, s.Diagnosis)
			}
		}
	}
}

func errorsIs(err error) bool {
	return errors.Is(err, routetest.ErrInput) && strings.Contains(err.Error(), "R-RT-1")
}
