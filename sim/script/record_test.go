package script

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures/scripts"
	"routecheck/reports"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// eventsOf reads a bundled workbench's whole log as operations.
func eventsOf(t *testing.T, b *Bundle, login, password string) []wb.Event {
	t.Helper()
	ops := actors.NewOps(b.URL, login)
	if _, err := ops.SignIn(context.Background(), password); err != nil {
		t.Fatal(err)
	}
	evs, err := ops.Events(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// D-SCR-6: what people did, recorded from the workbench (its event log and
// the settings it samples after every line), replays to the same outcome.
// Every shipped script is such a session: recorded, its recording is a
// script that passes its own asserts, and the replay's event log has the
// same outcome to the millisecond.
func TestRecordingsReplayToTheSameOutcome(t *testing.T) {
	for _, name := range scripts.Names() {
		t.Run(name, func(t *testing.T) {
			s, v, err := Load(name)
			if err != nil {
				t.Fatal(err)
			}
			start, _ := StartTime(s, v, time.Now())
			b, err := Bundled(v, start)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			rec := NewRecorder(v)
			var after int64
			sample := func() {
				smp := b.RecordSample(after)
				if n := len(smp.Events); n > 0 {
					after = smp.Events[n-1].Seq
				}
				rec.Observe(smp)
			}
			sample()
			r := Run(context.Background(), s, Options{Vendor: v, Target: b.URL, Clock: b.Clock, Seed: 1,
				OnLine: func(reports.ScriptLine) { sample() }})
			if r.Script.Status != reports.StatusPassed {
				explain(t, r)
				t.Fatal("the session itself failed")
			}
			sample()
			ops, _ := v.Config.AccountWithRole(wb.RoleOperations)
			first := Outcome(eventsOf(t, b, ops.Login, ops.Password))

			file := filepath.Join(t.TempDir(), name+"-recorded.script")
			vendorArg := s.Vendor
			if err := os.WriteFile(file, rec.Script(vendorArg), 0o644); err != nil {
				t.Fatal(err)
			}
			rs, rv, err := Load(file)
			if err != nil {
				src, _ := os.ReadFile(file)
				t.Fatalf("the recording does not load: %v\n%s", err, src)
			}
			rstart, _ := StartTime(rs, rv, time.Now())
			rb, err := Bundled(rv, rstart)
			if err != nil {
				t.Fatal(err)
			}
			defer rb.Close()
			rr := Run(context.Background(), rs, Options{Vendor: rv, Target: rb.URL, Clock: rb.Clock, Seed: 2})
			if rr.Script.Status != reports.StatusPassed {
				src, _ := os.ReadFile(file)
				explain(t, rr)
				t.Fatalf("the replay fails its own asserts:\n%s", src)
			}
			replay := Outcome(eventsOf(t, rb, ops.Login, ops.Password))
			// the replay ends as every script does: its customers leave and
			// agents go 离线 after its last line, and so did the session's
			if d := SameOutcome(first, replay, 0); d != "" {
				src, _ := os.ReadFile(file)
				t.Fatalf("the replay's outcome differs at %s\nrecording:\n%s", d, src)
			}
			if !strings.Contains(string(rec.Script(vendorArg)), "expect invariants clean") {
				t.Error("the recording checks no invariants")
			}
		})
	}
}
