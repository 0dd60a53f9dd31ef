package traffic

import (
	"reflect"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// The checker on its own goroutine sees every event in order: on a log
// with broken invariants it reports exactly what a direct call reports,
// and batches end in the middle of commands.
func TestPipeSeesWhatADirectCallSees(t *testing.T) {
	busy, err := LoadProfile("../../fixtures/traffic/busy-month.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rec := &logRecorder{}
	cfg := Config{Vendor: fixtures.Demo().Config, Profile: busy, Duration: time.Hour, Agents: 20, Capacity: 3, AlwaysOpen: true, Seed: 1, Checker: rec}
	if _, err := Run(cfg); err != nil {
		t.Fatal(err)
	}
	if len(rec.evs) < 3*pipeBatch {
		t.Fatalf("only %d events: too few to span batches", len(rec.evs))
	}
	// Break the log: every 50th assignment is repeated, so one agent
	// takes a chat twice (single owner, capacity)...
	var evs []wb.Event
	n := 0
	for _, e := range rec.evs {
		evs = append(evs, e)
		if e.Type == wb.EvAssigned {
			if n++; n%50 == 0 {
				evs = append(evs, e)
			}
		}
	}
	// and the last one again at the very end, in the last, partial batch.
	for i := len(rec.evs) - 1; i >= 0; i-- {
		if rec.evs[i].Type == wb.EvAssigned {
			evs = append(evs, rec.evs[i])
			break
		}
	}
	if len(evs)%pipeBatch == 0 {
		t.Fatal("the log fills whole batches: the last one is not partial")
	}
	direct := invariant.New()
	for i := range evs {
		direct.ObserveEvent(&evs[i])
	}
	want := direct.Violations()
	if len(want) == 0 {
		t.Fatal("the broken log has no violations: the test proves nothing")
	}
	piped := invariant.New()
	p := newPipe(piped)
	for i := range evs {
		p.observe(&evs[i])
	}
	p.close()
	if got := piped.Violations(); !reflect.DeepEqual(got, want) {
		t.Fatalf("through the pipe %d violations, directly %d; first piped %v, first direct %v", len(got), len(want), got, want[0])
	}
}
