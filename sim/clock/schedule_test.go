package clock

import (
	"math/rand/v2"
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
	for range 2 * wheelSize { // grow every spoke of the wheel first
		v.Schedule(1<<tickBits, r, 0)
		v.Step()
	}
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

// A long random mix of typed and AfterFunc timers, stops, zero delays,
// equal due times, Step, Next and Advance fires in exactly the order of a
// plain scan for the earliest (due time, schedule order).
func TestOrderMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v := range []*Virtual{NewVirtual(t0), NewVirtualSingle(t0)} {
		type ref struct {
			due     time.Duration
			id      int64
			stopped bool
			timer   Timer
		}
		var pending []*ref // in schedule order
		r := &recorder{v: v}
		n := int64(0)
		schedule := func() {
			var d time.Duration
			switch rng.IntN(6) {
			case 0:
				d = -time.Duration(rng.IntN(2)) * time.Second // fires now
			case 1:
				d = time.Duration(rng.IntN(5)) * time.Second // many equal due times
			case 2:
				d = time.Duration(rng.Int64N(int64(time.Second))) // within a tick or two
			case 3:
				d = time.Duration(rng.Int64N(int64(48 * time.Hour))) // beyond the wheel
			default:
				d = time.Duration(rng.Int64N(int64(time.Hour)))
			}
			n++
			x := &ref{due: v.Now().Sub(t0) + max(d, 0), id: n}
			if rng.IntN(2) == 0 {
				v.Schedule(d, r, n)
			} else {
				id := n
				x.timer = v.AfterFunc(d, func() { r.Fire(id) })
			}
			pending = append(pending, x)
		}
		// earliest is the reference's next live timer due by until.
		earliest := func(until time.Duration) int {
			best := -1
			for i, x := range pending {
				if !x.stopped && x.due <= until && (best < 0 || x.due < pending[best].due) {
					best = i
				}
			}
			return best
		}
		var want []int64
		take := func(i int) {
			want = append(want, pending[i].id)
			pending = append(pending[:i], pending[i+1:]...)
		}
		for range 20000 {
			switch k := rng.IntN(10); {
			case k < 5:
				schedule()
			case k == 5 && len(pending) > 0:
				if x := pending[rng.IntN(len(pending))]; x.timer != nil && !x.stopped {
					x.stopped = true
					x.timer.Stop()
				}
			case k == 6:
				i := earliest(1 << 62)
				d, ok := v.Next()
				if ok != (i >= 0) {
					t.Fatalf("Next reports %v, the reference %v", ok, i >= 0)
				}
				if !ok {
					if v.Step() {
						t.Fatal("Step fired with nothing pending")
					}
					continue
				}
				if !d.Equal(t0.Add(pending[i].due)) {
					t.Fatalf("Next says %v, want %v", d, t0.Add(pending[i].due))
				}
				take(i)
				if !v.Step() {
					t.Fatal("Step fired nothing")
				}
			default:
				span := 10 * time.Minute
				if rng.IntN(20) == 0 {
					span = 24 * time.Hour // past many turns of the wheel
				}
				until := v.Now().Sub(t0) + time.Duration(rng.Int64N(int64(span)))
				for i := earliest(until); i >= 0; i = earliest(until) {
					take(i)
				}
				v.Advance(until - v.Now().Sub(t0))
			}
			live := 0
			for _, x := range pending {
				if !x.stopped {
					live++
				}
			}
			if v.Pending() != live {
				t.Fatalf("pending %d, want %d", v.Pending(), live)
			}
		}
		if len(r.got) != len(want) {
			t.Fatalf("fired %d timers, want %d", len(r.got), len(want))
		}
		for i := range want {
			if r.got[i] != want[i] {
				t.Fatalf("timer #%d fired %d, want %d", i, r.got[i], want[i])
			}
		}
	}
}

// A timer's time is the very value Add would give, location and monotonic
// reading included, whether the clock started from a plain date or from
// the wall clock.
func TestFiringTimeEqualsAdd(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, start := range []time.Time{t0, t0.In(shanghai), time.Now(), time.Now().In(shanghai)} {
		v := NewVirtualSingle(start)
		r := &recorder{v: v}
		for _, d := range []time.Duration{0, time.Nanosecond, 1500 * time.Millisecond, 3 * time.Hour, 50 * time.Hour} {
			v.Schedule(d, r, int64(d))
		}
		for v.Step() {
			d := time.Duration(r.got[len(r.got)-1])
			if got, want := v.Now(), start.Add(d); got != want || got.String() != want.String() {
				t.Fatalf("fired at %v, want %v (start %v)", got, want, start)
			}
		}
		if len(r.got) != 5 {
			t.Fatalf("fired %d timers, want 5", len(r.got))
		}
	}
}

type nop struct{}

func (nop) Fire(int64) {}

// The wheel's memory follows the timers pending, not the length of the run
// (BenchmarkSimulateHeap in sim/traffic): over many turns of the wheel,
// with a burst of timers now and then, it never holds more slots than the
// most timers pending at once.
func TestWheelMemoryFollowsPendingTimers(t *testing.T) {
	v := NewVirtualSingle(t0)
	rng := rand.New(rand.NewPCG(7, 7))
	peak := 0
	for range 100_000 { // a second each: about 180 turns of the wheel
		n := 1
		if rng.IntN(200) == 0 {
			n = 60
		}
		for range n {
			v.Schedule(time.Duration(rng.Int64N(int64(4*time.Minute))), nop{}, 0)
		}
		peak = max(peak, v.Pending())
		v.Advance(time.Second)
	}
	if peak > 1000 {
		t.Fatalf("%d timers pending at most: the test meant a steady few hundred", peak)
	}
	if len(v.slots) > peak {
		t.Errorf("the wheel holds %d slots; at most %d timers were ever pending", len(v.slots), peak)
	}
}
