package routetest_test

import (
	"context"
	"testing"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/routetest"
)

// The browser checks' part of the verdict (routecheck run --browser): a
// failed check fails a run the five steps passed, a skipped one does not,
// the event log is judged again, and a run whose context ended meanwhile
// is interrupted, never failed for the vendor.
func TestBrowserChecksJoinTheVerdict(t *testing.T) {
	v := fixtures.Demo()
	finished := func() *routetest.Session {
		s, err := routetest.Start(context.Background(), routetest.Options{Target: bundled(t, v), Vendor: v, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if rep := s.Finish(); !rep.Passed {
			t.Fatalf("the five steps failed: %+v", rep.Steps)
		}
		return s
	}
	s := finished()
	ok := []reports.BrowserCheck{{Name: "bot page", Status: reports.StatusPassed}, {Name: "tenant", Status: reports.StatusSkipped}}
	if err := s.AddBrowserChecks(context.Background(), ok); err != nil || !s.Report().Passed || len(s.Report().Browser) != 2 {
		t.Fatalf("passed and skipped checks: %v, passed %v, %d checks", err, s.Report().Passed, len(s.Report().Browser))
	}
	if s.Report().InvariantsChecked == 0 {
		t.Fatal("the event log was not judged again")
	}
	s = finished()
	bad := append(ok, reports.BrowserCheck{Name: "notification", Status: reports.StatusFailed})
	if err := s.AddBrowserChecks(context.Background(), bad); err != nil || s.Report().Passed {
		t.Fatalf("a failed check: %v, passed %v", err, s.Report().Passed)
	}
	s = finished()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.AddBrowserChecks(ctx, ok); err != nil || !s.Report().Interrupted || s.Report().Passed {
		t.Fatalf("interrupted: %v, interrupted %v, passed %v", err, s.Report().Interrupted, s.Report().Passed)
	}
}
