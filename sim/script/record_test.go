package script

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures/scripts"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// Outcome is what a session did to the workbench, from its event log
// alone, with ids and names left out: per chat in the order they opened,
// its turns (queued, assigned to whom, refused why, ended why, rated) and
// messages (who wrote what), each at its time from the session's first
// event; and every agent status change. Two sessions with the same
// outcome did the same thing.
func Outcome(evs []wb.Event, exact bool) []string {
	var out []string
	var t0 time.Time
	chats := map[string]int{}
	for _, e := range evs {
		if e.Type == wb.EvAgentAdded {
			continue
		}
		if t0.IsZero() {
			t0 = e.At
		}
		at := e.At.Sub(t0)
		if !exact {
			at = at.Round(time.Second)
		}
		c := ""
		if e.Conv != "" {
			if _, ok := chats[e.Conv]; !ok {
				chats[e.Conv] = len(chats) + 1
			}
			c = fmt.Sprintf("chat%d", chats[e.Conv])
		}
		switch e.Type {
		case wb.EvMessage:
			out = append(out, fmt.Sprintf("%s %s %s %s %s: %s", at, c, e.Type, e.Sender, e.Agent, e.Text))
		case wb.EvNotification:
			out = append(out, fmt.Sprintf("%s %s %s %s %s", at, c, e.Type, e.Agent, e.Reason))
		case wb.EvAgentStatus, wb.EvTenantSwitched, wb.EvCapacitySet:
			out = append(out, fmt.Sprintf("%s %s %s %s %s %d", at, e.Type, e.Agent, e.Status, e.Tenant, e.Capacity))
		case wb.EvQuickReplies, wb.EvWelcomeSet:
		default:
			out = append(out, fmt.Sprintf("%s %s %s %s %s %s", at, c, e.Type, e.Agent, e.Reason, e.Rating))
		}
	}
	return out
}

func diffOutcomes(a, b []string) string {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("event %d:\n  first:  %s\n  replay: %s", i, x, y)
		}
	}
	return ""
}

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
			first := Outcome(eventsOf(t, b, ops.Login, ops.Password), true)

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
			replay := Outcome(eventsOf(t, rb, ops.Login, ops.Password), true)
			// the replay ends as every script does: its customers leave and
			// agents go 离线 after its last line, and so did the session's
			if d := diffOutcomes(first, replay); d != "" {
				src, _ := os.ReadFile(file)
				t.Fatalf("the replay's outcome differs at %s\nrecording:\n%s", d, src)
			}
			if !strings.Contains(string(rec.Script(vendorArg)), "expect invariants clean") {
				t.Error("the recording checks no invariants")
			}
		})
	}
}

var _ = server.RecordSample{}
