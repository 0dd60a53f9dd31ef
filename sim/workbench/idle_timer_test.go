package workbench_test

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// R-IDLE-1 on both timer paths: typed timers (the simulator's clock, no
// guard) and AfterFunc through the owner's guard (the live server's way).
// The chat keeps one idle timer that re-checks when it fires, so the
// timings must be exactly those of D-IDLE-1 either way.
func TestIdleTimersOnBothPaths(t *testing.T) {
	for _, guarded := range []bool{false, true} {
		c := clock.NewVirtual(monday10)
		opts := wb.Options{HashCost: bcrypt.MinCost}
		guards := 0
		if guarded {
			opts.Guard = func(f func()) { guards++; f() }
		}
		w := wb.New(c, opts)
		if _, err := w.AddVendor(testVendor("v1", "d1")); err != nil {
			t.Fatal(err)
		}
		if err := w.SetStatus("v1-a1", wb.StatusOnline); err != nil {
			t.Fatal(err)
		}
		v, _ := w.Enter("v1", "", "")
		_ = w.CustomerSend(v.ID, wb.TransferText)
		state := func() wb.ConvState { cv, _ := w.Conversation(v.ID); return cv.State }
		warned := func() int {
			n := 0
			for _, e := range w.Events(0) {
				if e.Type == wb.EvIdleWarning && e.Conv == v.ID {
					n++
				}
			}
			return n
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(w.AgentSend("v1-a1", v.ID, "您好")) // idle starts at 0:00
		c.Advance(3 * time.Minute)
		must(w.AgentSend("v1-a1", v.ID, "还在吗")) // does not restart it
		c.Advance(time.Minute - time.Second)
		if warned() != 0 {
			t.Fatalf("guarded=%v: warned before 4:00", guarded)
		}
		c.Advance(time.Second) // 4:00 after the first agent message
		if warned() != 1 {
			t.Fatalf("guarded=%v: no warning at 4:00", guarded)
		}
		must(w.CustomerSend(v.ID, "在的"))       // stops it at 4:00
		must(w.AgentSend("v1-a1", v.ID, "好的")) // restarts it at 4:00
		c.Advance(4*time.Minute + 59*time.Second)
		if state() != wb.StateAssigned || warned() != 2 {
			t.Fatalf("guarded=%v: at 8:59 state %s, %d warnings; want assigned, 2", guarded, state(), warned())
		}
		c.Advance(time.Second)
		if state() != wb.StateEnded {
			t.Fatalf("guarded=%v: not ended at 9:00 (5 min after the restart)", guarded)
		}
		if cv, _ := w.Conversation(v.ID); cv.EndReason != wb.ReasonIdleTimeout {
			t.Fatalf("guarded=%v: ended by %s", guarded, cv.EndReason)
		}
		if guarded && guards == 0 {
			t.Error("the guarded path never went through the guard")
		}
		if c.Pending() != 0 {
			t.Errorf("guarded=%v: %d timers left after the end", guarded, c.Pending())
		}
	}
}
