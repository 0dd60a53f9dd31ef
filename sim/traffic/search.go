package traffic

import wb "routecheck/sim/workbench"

// search is the state of one staffing search.
type search struct {
	cfg      Config
	th       wb.Thresholds
	open     [HoursPerWeek]bool
	reached  [HoursPerWeek]bool
	rate     [HoursPerWeek]float64
	serviceS float64 // mean pickup-to-end, measured once simulated (R-IDLE-1 shortens chats)
	patS     float64
	satLever bool

	lo, hi [HoursPerWeek]int // largest count confirmed short, smallest confirmed met
	trial  [HoursPerWeek]int
	done   [HoursPerWeek]bool
	tried  [HoursPerWeek]map[int]hourVerdict
	// waiting is a probe the stagger held back.
	waiting [HoursPerWeek]int
	// pooled holds every simulation of an hour at one count between the
	// same neighbours: fresh seeds each time, so their batches add up and
	// a count simulated again (an hour settled, while others move; the
	// answer in the last simulation) is judged on all of them.
	pooled   [HoursPerWeek]map[[3]int]*Stat
	step     [HoursPerWeek]int
	ceiling  [HoursPerWeek]int
	unreach  [HoursPerWeek]bool // short even at the ceiling: agents cannot meet it
	lastPick [HoursPerWeek]float64
}

// neighbours is the staffing before, of and after hour h as the run has
// it: an hour before the first is the warm-up, which runs with the first
// hour's staffing, and the hour after the last is the end of the
// arrivals, with the agents staying as they are.
func (sr *search) neighbours(roster *[HoursPerWeek]int, h int) [3]int {
	prev, next := (h+HoursPerWeek-1)%HoursPerWeek, (h+1)%HoursPerWeek
	k := [3]int{roster[prev], roster[h], roster[next]}
	if !sr.reached[prev] {
		k[0] = roster[h]
	}
	if !sr.reached[next] {
		k[2] = roster[h]
	}
	return k
}

func (sr *search) allDone() bool {
	for h := range HoursPerWeek {
		if !sr.done[h] {
			return false
		}
	}
	return true
}

// answer is the count each hour ends at: the smallest confirmed met, else
// the trial.
func (sr *search) answer() (out [HoursPerWeek]int) {
	for h := range HoursPerWeek {
		out[h] = sr.trial[h]
		if sr.hi[h] <= maxStaff {
			out[h] = sr.hi[h]
		}
	}
	return out
}

// trusted: a short verdict is the hour's own when the hour before it met
// the thresholds in the same simulation, took no requests, or had at least
// the smallest count confirmed for it: an hour before it with fewer agents
// than the answer gives it hands it a queue the answer would not.
func (sr *search) trusted(roster *[HoursPerWeek]int, vs *[HoursPerWeek]hourVerdict, hi *[HoursPerWeek]int, h int) bool {
	prev := (h + HoursPerWeek - 1) % HoursPerWeek
	v := vs[prev].v
	return v == vMet || v == vNotRun || roster[prev] >= hi[prev]
}

// stagger keeps an hour from looking below its smallest met count while
// the hour before it does too: the probe would inherit the other's queue
// and not be trusted. The hours left out look in the next simulation.
func (sr *search) stagger() {
	probing := func(h int) bool { return !sr.done[h] && sr.hi[h] <= maxStaff && sr.trial[h] < sr.hi[h] }
	for h := range HoursPerWeek {
		prev := (h + HoursPerWeek - 1) % HoursPerWeek
		if probing(h) && probing(prev) {
			sr.waiting[h] = sr.trial[h]
			sr.trial[h] = sr.hi[h]
		}
	}
}

// update narrows every hour from a simulation's verdicts and picks its
// next count. An hour found short at a count it had settled on is reopened;
// in validation that is all it does. It reports whether it reopened any.
func (sr *search) update(roster [HoursPerWeek]int, vs [HoursPerWeek]hourVerdict, validating bool) (reopened bool) {
	hi := sr.hi // as it was when this simulation ran
	for h := range HoursPerWeek {
		n, v := roster[h], vs[h]
		if v.v == vNotRun || n == 0 {
			continue
		}
		if v.pickMeasured {
			sr.lastPick[h] = v.pickPoint
		}
		sr.tried[h][n] = v
		short := v.v == vShort && sr.trusted(&roster, &vs, &hi, h)
		switch {
		case v.v == vMet:
			sr.hi[h] = min(sr.hi[h], n)
		case short:
			sr.lo[h] = max(sr.lo[h], n)
			if sr.hi[h] <= sr.lo[h] {
				sr.hi[h] = maxStaff + 1
			}
		}
		if short && sr.done[h] && !sr.unreach[h] {
			sr.done[h], reopened = false, true
		} else if sr.done[h] || validating {
			continue
		}
		sr.next(h, n, v, vs)
	}
	return reopened
}

// next picks an hour's next count, or marks it done.
func (sr *search) next(h, n int, v hourVerdict, vs [HoursPerWeek]hourVerdict) {
	lo, hi := sr.lo[h], sr.hi[h]
	if hi <= lo+1 {
		sr.done[h], sr.trial[h] = true, hi
		return
	}
	if hi <= maxStaff {
		// Met somewhere: look below the smallest met count. A count below
		// it that was undecided cannot be decided by more simulations of
		// the same size: stop there (the answer is marked undecided).
		if u, ok := sr.tried[h][hi-1]; ok && u.v == vUndecided {
			sr.done[h], sr.trial[h] = true, hi
			return
		}
		guess := min(max(sr.model(h, n, v.pickPoint), lo+1), hi-1)
		if w := sr.waiting[h]; w > lo && w < hi {
			guess = w // the probe the stagger held back
		}
		sr.waiting[h] = 0
		if u, ok := sr.tried[h][guess]; ok && (u.v == vUndecided || guess < hi-1) {
			guess = hi - 1 // the next one down from hi
		}
		if u, ok := sr.tried[h][guess]; ok && u.v == vUndecided {
			sr.done[h], sr.trial[h] = true, hi
			return
		}
		sr.trial[h] = guess
		return
	}
	switch {
	case v.v == vShort || v.v == vUndecided && !v.meets ||
		v.v == vUndecided && !v.limited && sr.model(h, n, v.pickPoint) > n:
		if n >= sr.ceiling[h] {
			// Nobody waits at this count: more agents change nothing.
			sr.unreach[h], sr.done[h], sr.trial[h] = true, true, n
			return
		}
		guess := n + 1
		if v.pickMeasured && v.pickPoint < sr.th.MinPickupRate {
			guess = max(guess, sr.model(h, n, v.pickPoint))
		} else if v.v == vShort {
			guess = n + sr.step[h] // satisfaction alone: step up, doubling
			sr.step[h] *= 2
		}
		sr.trial[h] = min(guess, sr.ceiling[h])
	default:
		// Undecided with every figure meeting its threshold, and nobody
		// waiting or the queue model content with this count: more
		// agents would not decide it, more requests would. Keep the count;
		// the simulations still to come pool with this one.
		sr.done[h] = true
		sr.trial[h] = n
	}
}

// model is the count Erlang-A suggests for hour h (pickup >= the
// threshold), with the service time measured so far. Given a count n and
// the pickup it gave, the theory is shifted by the difference it showed
// there (non-exponential patience and service, spill-over), so a far miss
// moves the hour by more than one.
func (sr *search) model(h, n int, seen float64) int {
	q := ErlangA{PerHour: sr.rate[h], MeanService: sr.serviceS, MeanPatience: sr.patS}
	target := sr.th.MinPickupRate
	if n > 0 {
		q.Servers = n * sr.cfg.Capacity
		if r, err := q.Solve(); err == nil {
			target = min(target+(r.PickupRate-seen), 0.9999)
		}
	}
	k, _ := FewestAgents(q, sr.cfg.Capacity, target, maxStaff)
	if k == 0 {
		k = maxStaff
	}
	return max(k, 1)
}

// ceilingCount is a count at which nobody waits (Erlang-A: pickup 99.99%),
// with a margin: past it agents cannot change the hour's figures.
func (sr *search) ceilingCount(h int) int {
	q := ErlangA{PerHour: sr.rate[h], MeanService: sr.serviceS, MeanPatience: sr.patS}
	k, _ := FewestAgents(q, sr.cfg.Capacity, 0.9999, maxStaff)
	if k == 0 {
		return maxStaff
	}
	return min(2*k+2, maxStaff)
}
