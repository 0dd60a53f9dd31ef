package clock

import (
	"context"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func TestVirtualFiresInTimeThenScheduleOrder(t *testing.T) {
	v := NewVirtual(t0)
	var got []string
	v.AfterFunc(2*time.Second, func() { got = append(got, "b1") })
	v.AfterFunc(time.Second, func() { got = append(got, "a") })
	v.AfterFunc(2*time.Second, func() { got = append(got, "b2") })
	v.AfterFunc(3*time.Second, func() { got = append(got, "c") })
	v.Advance(2 * time.Second)
	want := []string{"a", "b1", "b2"}
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %v, want %v", got, want)
		}
	}
	if !v.Now().Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("now %v", v.Now())
	}
	if v.Pending() != 1 {
		t.Fatalf("pending %d, want 1", v.Pending())
	}
}

func TestVirtualStopAndChainedTimers(t *testing.T) {
	v := NewVirtual(t0)
	fired := 0
	tm := v.AfterFunc(time.Second, func() { fired += 100 })
	if !tm.Stop() {
		t.Fatal("Stop on a pending timer reported false")
	}
	if tm.Stop() {
		t.Fatal("second Stop reported true")
	}
	var at time.Time
	v.AfterFunc(time.Second, func() {
		fired++
		v.AfterFunc(time.Second, func() { fired++; at = v.Now() })
	})
	v.RunUntil(t0.Add(5 * time.Second))
	if fired != 2 {
		t.Fatalf("fired=%d, want 2", fired)
	}
	if !at.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("chained timer ran at %v, want +2s", at)
	}
	if !v.Now().Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("now %v", v.Now())
	}
}

func TestVirtualStepJumpsToNextTimer(t *testing.T) {
	v := NewVirtual(t0)
	v.AfterFunc(time.Hour, func() {})
	if next, ok := v.Next(); !ok || !next.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Next = %v %v", next, ok)
	}
	if !v.Step() {
		t.Fatal("Step found no timer")
	}
	if !v.Now().Equal(t0.Add(time.Hour)) {
		t.Fatalf("now %v", v.Now())
	}
	if v.Step() {
		t.Fatal("Step fired with nothing pending")
	}
}

func TestRealClockFires(t *testing.T) {
	var c Clock = Real{}
	done := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("real timer did not fire")
	}
}

func TestShiftedReadsStartAndRuns(t *testing.T) {
	c := NewShifted(t0)
	got := c.Now()
	if got.Before(t0) || got.Sub(t0) > time.Second {
		t.Fatalf("shifted now %v, want about %v", got, t0)
	}
	time.Sleep(2 * time.Millisecond)
	if !c.Now().After(got) {
		t.Fatal("shifted clock does not run")
	}
}

// SleepUntil jumps a virtual clock to the time (firing what is due on the
// way), waits on a real one, and ends with the context.
func TestSleepUntil(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	v := NewVirtual(start)
	fired := false
	v.AfterFunc(10*time.Second, func() { fired = true })
	if err := SleepUntil(context.Background(), v, start.Add(29*time.Second)); err != nil || !v.Now().Equal(start.Add(29*time.Second)) || !fired {
		t.Fatalf("virtual: %v, now %s, timer fired %v", err, v.Now(), fired)
	}
	s := NewShifted(start)
	before := time.Now()
	if err := SleepUntil(context.Background(), s, s.Now().Add(20*time.Millisecond)); err != nil || time.Since(before) < 20*time.Millisecond {
		t.Fatalf("shifted: %v after %s", err, time.Since(before))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SleepUntil(ctx, Real{}, time.Now().Add(time.Hour)); err != context.Canceled {
		t.Fatalf("cancelled: %v", err)
	}
}
