package clock

import (
	"testing"
	"time"
)

type recorder struct {
	v   *Virtual
	got []int64
	at  []time.Duration
}

func (r *recorder) Fire(arg int64) {
	r.got = append(r.got, arg)
	r.at = append(r.at, r.v.Now().Sub(t0))
}

// Typed timers and AfterFunc timers share one order: time, then schedule order.
func TestScheduleOrderWithAfterFunc(t *testing.T) {
	for _, v := range []*Virtual{NewVirtual(t0), NewVirtualSingle(t0)} {
		r := &recorder{v: v}
		v.Schedule(2*time.Second, r, 2)
		v.AfterFunc(time.Second, func() { r.Fire(-1) })
		v.Schedule(time.Second, r, 1)
		stopped := v.AfterFunc(time.Second, func() { r.Fire(-99) })
		v.Schedule(-time.Second, r, 0)
		if !stopped.Stop() {
			t.Fatal("Stop on a pending timer reported false")
		}
		if v.Pending() != 4 {
			t.Fatalf("pending %d, want 4", v.Pending())
		}
		v.Advance(3 * time.Second)
		want := []int64{0, -1, 1, 2}
		wantAt := []time.Duration{0, time.Second, time.Second, 2 * time.Second}
		if len(r.got) != len(want) {
			t.Fatalf("fired %v, want %v", r.got, want)
		}
		for i := range want {
			if r.got[i] != want[i] || r.at[i] != wantAt[i] {
				t.Fatalf("fired %v at %v, want %v at %v", r.got, r.at, want, wantAt)
			}
		}
		if v.Pending() != 0 || v.Step() {
			t.Fatal("timers left over")
		}
	}
}

func TestScheduleAllocatesNothing(t *testing.T) {
	v := NewVirtualSingle(t0)
	r := &recorder{v: v, got: make([]int64, 0, 1000), at: make([]time.Duration, 0, 1000)}
	for range 64 { // grow the heap first
		v.Schedule(time.Second, r, 0)
	}
	v.Advance(time.Minute)
	r.got, r.at = r.got[:0], r.at[:0]
	allocs := testing.AllocsPerRun(100, func() {
		v.Schedule(time.Second, r, 1)
		v.Step()
		r.got, r.at = r.got[:0], r.at[:0]
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per scheduled event, want 0", allocs)
	}
}

// A large random schedule fires in (time, schedule order), as a sort says.
func TestScheduleOrderAtScale(t *testing.T) {
	v := NewVirtualSingle(t0)
	r := &recorder{v: v}
	type key struct {
		at  time.Duration
		seq int64
	}
	var want []key
	x := uint64(12345)
	for i := range int64(5000) {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		d := time.Duration(x%200) * time.Millisecond
		v.Schedule(d, r, i)
		want = append(want, key{v.Now().Sub(t0) + d, i})
		if i%7 == 0 { // interleave firing with scheduling
			v.Step()
		}
	}
	for v.Step() {
	}
	if len(r.got) != len(want) {
		t.Fatalf("fired %d of %d", len(r.got), len(want))
	}
	// Every timer fired at its due time, and timers due at the same time
	// fired in schedule order.
	last := map[time.Duration]int64{}
	for i, arg := range r.got {
		k := want[arg]
		if r.at[i] != k.at {
			t.Fatalf("timer %d fired at %v, due at %v", arg, r.at[i], k.at)
		}
		if p, ok := last[k.at]; ok && p > arg {
			t.Fatalf("timers %d and %d due at %v fired out of order", p, arg, k.at)
		}
		last[k.at] = arg
	}
	for i := 1; i < len(r.at); i++ {
		if r.at[i] < r.at[i-1] {
			t.Fatalf("time went back: %v then %v", r.at[i-1], r.at[i])
		}
	}
}
