package clock

import (
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
	nowNs  int64 // now as Unix nanoseconds, the heap's key
	seq    uint64
	live   int // timers scheduled and neither fired nor stopped
	timers []entry
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

// entry is one pending timer, held by value in the heap. Either t (an
// AfterFunc timer, which may have been stopped) or h is set.
type entry struct {
	due int64
	seq uint64
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
	v.push(d, entry{t: t})
	return t
}

// Schedule calls h.Fire(arg) at Now()+d, like AfterFunc without a closure
// and without a way to stop it.
func (v *Virtual) Schedule(d time.Duration, h Handler, arg int64) {
	v.lock()
	v.push(d, entry{h: h, arg: arg})
	v.unlock()
}

func (v *Virtual) push(d time.Duration, e entry) {
	if d < 0 {
		d = 0
	}
	v.seq++
	e.due, e.seq = v.nowNs+int64(d), v.seq
	v.live++
	v.timers = append(v.timers, e)
	v.up(len(v.timers) - 1)
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
func (v *Virtual) Step() bool {
	v.lock()
	v.dropStopped()
	if len(v.timers) == 0 {
		v.unlock()
		return false
	}
	due := v.timers[0].due
	v.unlock()
	return v.fireNext(due)
}

// Next returns the due time of the earliest pending timer.
func (v *Virtual) Next() (time.Time, bool) {
	v.lock()
	defer v.unlock()
	v.dropStopped()
	if len(v.timers) == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, v.timers[0].due).In(v.now.Location()), true
}

// Pending returns the number of timers not yet fired or stopped.
func (v *Virtual) Pending() int {
	v.lock()
	defer v.unlock()
	return v.live
}

// dropStopped pops stopped timers off the top, so the top is live.
func (v *Virtual) dropStopped() {
	for len(v.timers) > 0 && v.timers[0].t != nil && !v.timers[0].t.pending {
		v.pop()
	}
}

func (v *Virtual) fireNext(limit int64) bool {
	v.lock()
	for {
		if len(v.timers) == 0 || v.timers[0].due > limit {
			v.unlock()
			return false
		}
		e := v.pop()
		if e.t != nil && !e.t.pending {
			continue // stopped; removed lazily
		}
		if e.due > v.nowNs {
			v.nowNs = e.due
			v.now = v.now.Add(time.Duration(e.due - v.now.UnixNano()))
		}
		v.live--
		if e.t != nil {
			e.t.pending = false
		}
		v.unlock()
		if e.t != nil {
			e.t.f()
		} else {
			e.h.Fire(e.arg)
		}
		return true
	}
}

type vtimer struct {
	v       *Virtual
	f       func()
	pending bool
}

// Stop cancels the timer. It stays in the heap until its time and is
// skipped then: removal would need its index, kept up to date on every
// swap, which costs more than a skipped entry.
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

// The heap is 4-ary: half the depth of a binary heap, so a pop moves
// fewer entries; the four children of a node sit next to each other.
func (v *Virtual) up(i int) {
	h := v.timers
	e := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if !before(&e, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

func before(a, b *entry) bool {
	return a.due < b.due || (a.due == b.due && a.seq < b.seq)
}

func (v *Virtual) pop() entry {
	h := v.timers
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h[n] = entry{}
	h = h[:n]
	v.timers = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if before(&h[j], &h[m]) {
				m = j
			}
		}
		if !before(&h[m], &last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}
