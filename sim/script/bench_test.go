package script

import (
	"context"
	"testing"
	"time"

	"routecheck/fixtures/scripts"
	"routecheck/reports"
)

// benchRun runs a shipped script as `routecheck script NAME` does: load,
// start its bundled workbench, run, close.
func benchRun(b *testing.B, name string) {
	s, v, err := Load(name)
	if err != nil {
		b.Fatal(err)
	}
	start, _ := StartTime(s, v, time.Now())
	bu, err := Bundled(v, start)
	if err != nil {
		b.Fatal(err)
	}
	r := Run(context.Background(), s, Options{Vendor: v, Target: bu.URL, Clock: bu.Clock, Seed: 1})
	bu.Close()
	if r.Script.Status != reports.StatusPassed {
		b.Fatalf("%s: %s", name, r.Script.Status)
	}
}

// A script with a five-minute wait (idle-close: R-IDLE-1's warning at 4
// minutes, the close at 5) on its bundled workbench; target under 100 ms
// (docs/benchmarks.md).
func BenchmarkFiveMinuteScript(b *testing.B) {
	for b.Loop() {
		benchRun(b, "idle-close")
	}
}

// Every shipped script, one after the other, each on its own workbench;
// target under 3 s together.
func BenchmarkShippedScripts(b *testing.B) {
	names := scripts.Names()
	for b.Loop() {
		for _, n := range names {
			benchRun(b, n)
		}
	}
	b.ReportMetric(float64(len(names)), "scripts")
}
