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
	nowNs  int64 // now as Unix nanoseconds
	loc    *time.Location
	plain  bool // now has no monotonic reading: it can be made from nowNs
	seq    uint64
	live   int // timers scheduled and neither fired nor stopped

	// The timers wait on a timing wheel: spoke s%wheelSize holds, unsorted,
	// the timers due in tick s (a tick is 2^tickBits ns) for the wheelSize
	// ticks from tick; later ones wait in the heap far. A spoke is a list
	// through slots, one array for the whole wheel, so memory follows the
	// timers pending: an array per spoke would keep the largest burst each
	// spoke ever held, and grow with the length of the run. The timers of tick
	// itself and any earlier are in active, sorted by (due, seq), taken from
	// head. A timer costs an append to schedule and a short sort of its
	// tick's few timers to fire, where a heap of all pending timers costs
	// a descent through comparisons a CPU cannot predict. Entries hold no
	// pointers (no GC write barrier when they move, nothing to scan); what
	// a timer runs waits in jobs, reused through free.
	tick   int64
	first  []int32 // per spoke: its first slot + 1; 0 when empty
	last   []int32 // per spoke: its last slot + 1
	slots  []entry
	spare  int32    // a free slot + 1, the rest linked through next; 0: none
	full   []uint64 // bit s%wheelSize set: that spoke holds timers
	nfull  int      // timers on the spokes
	active []entry
	head   int
	far    []entry // a 4-ary heap by (due, seq)
	jobs   []job
	free   []uint32
}

const (
	tickBits  = 29 // 537 ms
	wheelBits = 10
	wheelSize = 1 << wheelBits // 1,024 ticks: 9 min 10 s, spokes in 24 KiB
)

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

// entry is one pending timer: when it is due, its place in the schedule
// order (the tie-break) and its job.
type entry struct {
	due  int64
	seq  uint64
	job  uint32
	next int32 // on the wheel: the next slot + 1 of its spoke (or of the spare list); fills padding
}

func before(a, b *entry) bool {
	return a.due < b.due || (a.due == b.due && a.seq < b.seq)
}

// job is what a pending timer runs: t (an AfterFunc timer, which may have
// been stopped) or h with arg.
type job struct {
	t   *vtimer
	h   Handler
	arg int64
}

// NewVirtual returns a virtual clock standing at start.
func NewVirtual(start time.Time) *Virtual {
	ns := start.UnixNano()
	return &Virtual{now: start, nowNs: ns, tick: ns >> tickBits, loc: start.Location(), plain: start == start.Round(0)}
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
	v.push(d, job{t: t})
	return t
}

// Schedule calls h.Fire(arg) at Now()+d, like AfterFunc without a closure
// and without a way to stop it.
func (v *Virtual) Schedule(d time.Duration, h Handler, arg int64) {
	v.lock()
	v.push(d, job{h: h, arg: arg})
	v.unlock()
}

func (v *Virtual) push(d time.Duration, j job) {
	if d < 0 {
		d = 0
	}
	var i uint32
	if n := len(v.free); n > 0 {
		i = v.free[n-1]
		v.free = v.free[:n-1]
		v.jobs[i] = j
	} else {
		i = uint32(len(v.jobs))
		v.jobs = append(v.jobs, j)
	}
	v.seq++
	v.live++
	v.place(entry{due: v.nowNs + int64(d), seq: v.seq, job: i})
}

// place puts an entry where it waits: active for this tick or earlier,
// a spoke within the wheel, else far.
func (v *Virtual) place(e entry) {
	t := e.due >> tickBits
	switch {
	case t <= v.tick:
		// Usually the latest of active: look from the end.
		k := len(v.active)
		for k > v.head && before(&e, &v.active[k-1]) {
			k--
		}
		v.active = append(v.active, entry{})
		copy(v.active[k+1:], v.active[k:])
		v.active[k] = e
	case t < v.tick+wheelSize:
		if v.first == nil {
			v.first, v.last = make([]int32, wheelSize), make([]int32, wheelSize)
			v.full = make([]uint64, wheelSize/64)
		}
		i := v.spare
		if i == 0 {
			v.slots = append(v.slots, entry{})
			i = int32(len(v.slots))
		} else {
			v.spare = v.slots[i-1].next
		}
		e.next = 0
		v.slots[i-1] = e
		s := t & (wheelSize - 1)
		if v.last[s] == 0 {
			v.first[s] = i
		} else {
			v.slots[v.last[s]-1].next = i
		}
		v.last[s] = i
		v.full[s>>6] |= 1 << (s & 63)
		v.nfull++
	default:
		v.far = append(v.far, e)
		v.up(len(v.far) - 1)
	}
}

// next returns the earliest entry (stopped timers included) without
// taking it, advancing the wheel to its tick if active is empty.
func (v *Virtual) next() (*entry, bool) {
	if v.head < len(v.active) {
		return &v.active[v.head], true
	}
	v.active, v.head = v.active[:0], 0
	t, ok := v.nextTick()
	if !ok {
		return nil, false
	}
	v.tick = t
	// The wheel now reaches to t+wheelSize: bring in what far holds for it.
	for len(v.far) > 0 && v.far[0].due>>tickBits < t+wheelSize {
		v.place(v.popFar())
	}
	s := t & (wheelSize - 1)
	if v.nfull > 0 && v.full[s>>6]&(1<<(s&63)) != 0 {
		for i := v.first[s]; i != 0; {
			sl := &v.slots[i-1]
			v.active = append(v.active, *sl)
			next := sl.next
			sl.next, v.spare = v.spare, i
			i = next
			v.nfull--
		}
		v.first[s], v.last[s] = 0, 0
		v.full[s>>6] &^= 1 << (s & 63)
		// A tick holds a few timers, appended in schedule order except
		// those brought in from far: an insertion sort.
		a := v.active
		for i := 1; i < len(a); i++ {
			for k := i; k > 0 && before(&a[k], &a[k-1]); k-- {
				a[k], a[k-1] = a[k-1], a[k]
			}
		}
	}
	return &v.active[0], true
}

// nextTick is the first tick after v.tick with timers: the next full
// spoke, else far's earliest.
func (v *Virtual) nextTick() (int64, bool) {
	t, ok := int64(0), false
	if v.nfull > 0 {
		// Search the bit map from the spoke after v.tick, once around.
		from := (v.tick + 1) & (wheelSize - 1)
		w := from >> 6
		word := v.full[w] &^ (1<<(from&63) - 1)
		for n := 0; ; n++ {
			if word != 0 {
				s := w<<6 | int64(bits.TrailingZeros64(word))
				t, ok = v.tick+1+(s-from)&(wheelSize-1), true
				break
			}
			w = (w + 1) & (wheelSize/64 - 1)
			word = v.full[w]
			if n == wheelSize/64 {
				panic("clock: the wheel's bit map lost its timers")
			}
		}
	}
	if !ok && len(v.far) > 0 { // far comes after every spoke
		t, ok = v.far[0].due>>tickBits, true
	}
	return t, ok
}

// take removes the entry next returned and empties its job.
func (v *Virtual) take() (entry, job) {
	e := v.active[v.head]
	v.head++
	j := v.jobs[e.job]
	v.jobs[e.job] = job{}
	v.free = append(v.free, e.job)
	return e, j
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
		v.now, v.nowNs, v.loc, v.plain = t, limit, t.Location(), t == t.Round(0)
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
	found, m := false, int64(0)
	see := func(e *entry) {
		if t := v.jobs[e.job].t; t != nil && !t.pending {
			return
		}
		if !found || e.due < m {
			found, m = true, e.due
		}
	}
	for i := range v.active[v.head:] {
		see(&v.active[v.head+i])
	}
	for _, i := range v.first {
		for ; i != 0; i = v.slots[i-1].next {
			see(&v.slots[i-1])
		}
	}
	for i := range v.far {
		see(&v.far[i])
	}
	if !found {
		return time.Time{}, false
	}
	return time.Unix(0, m).In(v.now.Location()), true
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
		n, ok := v.next()
		if !ok || n.due > limit {
			v.unlock()
			return false
		}
		e, j := v.take()
		if j.t != nil && !j.t.pending {
			continue // stopped; removed lazily
		}
		if e.due > v.nowNs {
			if v.plain { // the same value, for less work than Add
				v.now = time.Unix(0, e.due).In(v.loc)
			} else {
				v.now = v.now.Add(time.Duration(e.due - v.nowNs))
			}
			v.nowNs = e.due
		}
		v.live--
		if j.t != nil {
			j.t.pending = false
		}
		v.unlock()
		if j.t != nil {
			j.t.f()
		} else {
			j.h.Fire(j.arg)
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

// far is 4-ary: half the depth of a binary heap; the four children of a
// node sit next to each other.
func (v *Virtual) up(i int) {
	h := v.far
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

func (v *Virtual) popFar() entry {
	h := v.far
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	v.far = h
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
