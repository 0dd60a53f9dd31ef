package script

import (
	"context"
	"testing"
	"time"

	"routecheck/fixtures/scripts"
	"routecheck/reports"
)

// runShipped runs a shipped script on its bundled workbench.
func runShipped(t *testing.T, name string) *Result {
	t.Helper()
	s, v, err := Load(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	start, err := StartTime(s, v, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bundled(v, start)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	return Run(context.Background(), s, Options{Vendor: v, Target: b.URL, Clock: b.Clock, Seed: 1, Timeout: 5 * time.Second})
}

func explain(t *testing.T, r *Result) {
	t.Helper()
	for _, l := range r.Script.Lines {
		t.Logf("%d %s %s | expected %s | seen %s | %s %v", l.Line, l.Status, l.Text, l.Expected, l.Seen, l.Reason, l.Frames)
	}
	if r.Script.Error != "" {
		t.Logf("error: %s", r.Script.Error)
	}
}

func TestShippedScriptsPass(t *testing.T) {
	for _, name := range scripts.Names() {
		t.Run(name, func(t *testing.T) {
			r := runShipped(t, name)
			if r.Script.Status != reports.StatusPassed {
				explain(t, r)
				t.Fatalf("status %s", r.Script.Status)
			}
		})
	}
}

func shippedNames() []string { return scripts.Names() }
