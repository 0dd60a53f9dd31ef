package clock

import (
	"math"
	"math/bits"
	"sync"
	"time"
)

// Virtual is a clock that moves only when told to. Timers due at the same
// instant fire in the order they were scheduled, so a run is repeatable.
// It is safe for concurrent use, but timer functions run on the goroutine
// that advances the clock, without the clock's lock held. NewVirtualSingle
// makes one for a single goroutine that takes no lock at all.
type Virtual struct {
	mu     sync.Mutex
	single bool // one goroutine owns it: no locking
	now    time.Time
	nowNs  int64 // now as Unix nanoseconds, the queue's key
	live   int   // timers scheduled and neither fired nor stopped
	// The timers wait in a radix heap (a monotone priority queue: the
	// clock never goes back). Bucket i holds the entries whose due time
	// first differs from last at bit i-1; bucket 0 those due at last, in
	// schedule order from head0. A push is an append; taking the minimum
	// moves the entries of the lowest bucket down, each to a lower
	// bucket, and every move keeps schedule order, so timers due at the
	// same instant fire in the order they were scheduled. This costs a
	// fraction of a binary heap's unpredictable comparisons. Entries hold
	// no pointers (no GC write barrier on a move, nothing to scan); what a
	// timer runs waits in slots, reused through free.
	last    int64
	head0   int
	buckets [65][]entry
	full    uint64 // bit b-1 set: bucket b (1..64) holds entries
	slots   []slot
	free    []uint32
}

// Handler is a typed timer target: Schedule stores it with an argument
// instead of a closure, so a simulator that schedules millions of events
// allocates nothing per event (a pointer in an interface does not allocate).
type Handler interface {
	Fire(arg int64)
}

// Scheduler is implemented by clocks that take typed timers. Such a timer
// cannot be stopped: its handler checks, when it fires, whether it still
// has work (a generation number, a state).
type Scheduler interface {
	Schedule(d time.Duration, h Handler, arg int64)
}

// entry is one pending timer in the queue: its due time and its slot.
type entry struct {
	due  int64
	slot uint32
}

// slot is what a pending timer runs: t (an AfterFunc timer, which may
// have been stopped) or h with arg.
type slot struct {
	t   *vtimer
	h   Handler
	arg int64
}

// NewVirtual returns a virtual clock standing at start.
func NewVirtual(start time.Time) *Virtual {
	return &Virtual{now: start, nowNs: start.UnixNano()}
}

// NewVirtualSingle returns a virtual clock for one goroutine: the traffic
// simulator's clock, which takes no lock on any call.
func NewVirtualSingle(start time.Time) *Virtual {
	v := NewVirtual(start)
	v.single = true
	return v
}

func (v *Virtual) lock() {
	if !v.single {
		v.mu.Lock()
	}
}

func (v *Virtual) unlock() {
	if !v.single {
		v.mu.Unlock()
	}
}

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	if v.single {
		return v.now
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// AfterFunc schedules f at Now()+d. A d <= 0 fires at the next Advance,
// RunUntil or Step, never inside AfterFunc itself.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	v.lock()
	defer v.unlock()
	t := &vtimer{v: v, f: f, pending: true}
	v.push(d, slot{t: t})
	return t
}

// Schedule calls h.Fire(arg) at Now()+d, like AfterFunc without a closure
// and without a way to stop it.
func (v *Virtual) Schedule(d time.Duration, h Handler, arg int64) {
	v.lock()
	v.push(d, slot{h: h, arg: arg})
	v.unlock()
}

func (v *Virtual) push(d time.Duration, s slot) {
	if d < 0 {
		d = 0
	}
	var i uint32
	if n := len(v.free); n > 0 {
		i = v.free[n-1]
		v.free = v.free[:n-1]
		v.slots[i] = s
	} else {
		i = uint32(len(v.slots))
		v.slots = append(v.slots, s)
	}
	v.live++
	due := v.nowNs + int64(d)
	if due < v.last {
		v.rebase(due)
	}
	v.add(entry{due: due, slot: i})
}

func (v *Virtual) add(e entry) {
	b := v.bucket(e.due)
	v.buckets[b] = append(v.buckets[b], e)
	if b > 0 {
		v.full |= 1 << (b - 1)
	}
}

// lowest is the lowest bucket above 0 that holds entries, or 0.
func (v *Virtual) lowest() int {
	if v.full == 0 {
		return 0
	}
	return bits.TrailingZeros64(v.full) + 1
}

// bucket is the bucket of a due time: the length of its difference from
// last, as unsigned numbers in the order of the signed ones.
func (v *Virtual) bucket(due int64) int {
	return bits.Len64(uint64(due) ^ uint64(v.last))
}

// rebase lowers last to due. It is needed only when the clock stands
// before last: after a Step that found nothing but stopped timers.
func (v *Virtual) rebase(due int64) {
	var all []entry
	for b := range v.buckets {
		from := 0
		if b == 0 {
			from = v.head0
		}
		all = append(all, v.buckets[b][from:]...)
		v.buckets[b] = v.buckets[b][:0]
	}
	v.head0, v.last, v.full = 0, due, 0
	for _, e := range all { // equal due times come from one bucket, in order
		v.add(e)
	}
}

// min returns the earliest due time queued, stopped timers included.
func (v *Virtual) min() (int64, bool) {
	if v.head0 < len(v.buckets[0]) {
		return v.last, true
	}
	b := v.lowest()
	if b == 0 {
		return 0, false
	}
	es := v.buckets[b]
	m := es[0].due
	for _, e := range es[1:] {
		m = min(m, e.due)
	}
	return m, true
}

// pop takes the first entry due at m, the value min just returned.
func (v *Virtual) pop(m int64) entry {
	if v.head0 == len(v.buckets[0]) {
		v.buckets[0], v.head0 = v.buckets[0][:0], 0
		b := v.lowest()
		// Every bucket below b is empty, so the entries land in empty
		// buckets in the order they had: schedule order holds.
		v.last = m
		v.full &^= 1 << (b - 1)
		for _, e := range v.buckets[b] {
			v.add(e)
		}
		v.buckets[b] = v.buckets[b][:0]
	}
	e := v.buckets[0][v.head0]
	v.head0++
	return e
}

// take empties the slot of a popped entry and returns what it held.
func (v *Virtual) take(e entry) slot {
	s := v.slots[e.slot]
	v.slots[e.slot] = slot{}
	v.free = append(v.free, e.slot)
	return s
}

// Advance moves the clock forward by d, firing every timer due on the way in
// time order, and leaves the clock at Now()+d.
func (v *Virtual) Advance(d time.Duration) { v.RunUntil(v.Now().Add(d)) }

// RunUntil fires every timer due at or before t in time order (timers that
// fired timers schedule are included when due by t) and leaves the clock at t
// (or where it was, if that is later).
func (v *Virtual) RunUntil(t time.Time) {
	limit := t.UnixNano()
	for v.fireNext(limit) {
	}
	v.lock()
	if limit > v.nowNs {
		v.now, v.nowNs = t, limit
	}
	v.unlock()
}

// Step jumps to the next due timer and fires that one timer. It reports
// false when no timer is pending.
func (v *Virtual) Step() bool { return v.fireNext(math.MaxInt64) }

// Next returns the due time of the earliest pending timer.
func (v *Virtual) Next() (time.Time, bool) {
	v.lock()
	defer v.unlock()
	for b := range v.buckets {
		from := 0
		if b == 0 {
			from = v.head0
		}
		found, m := false, int64(0)
		for _, e := range v.buckets[b][from:] {
			if t := v.slots[e.slot].t; t != nil && !t.pending {
				continue
			}
			if !found || e.due < m {
				found, m = true, e.due
			}
		}
		if found { // every due time of a bucket is below the next bucket's
			return time.Unix(0, m).In(v.now.Location()), true
		}
	}
	return time.Time{}, false
}

// Pending returns the number of timers not yet fired or stopped.
func (v *Virtual) Pending() int {
	v.lock()
	defer v.unlock()
	return v.live
}

func (v *Virtual) fireNext(limit int64) bool {
	v.lock()
	for {
		m, ok := v.min()
		if !ok || m > limit {
			v.unlock()
			return false
		}
		e := v.pop(m)
		s := v.take(e)
		if s.t != nil && !s.t.pending {
			continue // stopped; removed lazily
		}
		if e.due > v.nowNs {
			v.nowNs = e.due
			v.now = v.now.Add(time.Duration(e.due - v.now.UnixNano()))
		}
		v.live--
		if s.t != nil {
			s.t.pending = false
		}
		v.unlock()
		if s.t != nil {
			s.t.f()
		} else {
			s.h.Fire(s.arg)
		}
		return true
	}
}

type vtimer struct {
	v       *Virtual
	f       func()
	pending bool
}

// Stop cancels the timer. It stays queued until its time and is skipped
// then: removal would need its place, kept up to date on every move.
func (t *vtimer) Stop() bool {
	t.v.lock()
	defer t.v.unlock()
	if !t.pending {
		return false
	}
	t.pending = false
	t.v.live--
	return true
}
