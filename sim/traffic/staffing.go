package traffic

import (
	"fmt"
	"time"

	wb "routecheck/sim/workbench"
)

// Staffing is the staffing answer: for each hour of the week the fewest
// agents, each holding up to Capacity chats, that meet every R-KPI-1
// threshold agents can move, with the stated confidence. Every count it
// gives was simulated, all together, in its last simulation.
type Staffing struct {
	Capacity     int    `json:"capacity"`
	Confidence   string `json:"confidence"`
	Replications int    `json:"replications"` // per simulation
	Runs         int    `json:"simulations"`  // simulations the search took
	// Agents by hour of the week, Monday 00:00 first; 0 when closed.
	Agents [HoursPerWeek]int `json:"agents"`
	Erlang [HoursPerWeek]int `json:"erlang"` // Erlang-A with the profile's means: where the search starts
	Hours  [HoursPerWeek]HourStaff
	// Confirmed: the last simulation met every threshold agents move with
	// the stated confidence at this count, and one agent fewer was short
	// with the same confidence (or this is one agent). Undecided: not
	// both; the count is the fewest that met the thresholds, or the best
	// guess when none did (see Hours[h].Reason). Short: still short at
	// this count when the search stopped. Closed: outside the work hours.
	Confirmed [HoursPerWeek]bool `json:"confirmed"`
	Undecided [HoursPerWeek]bool `json:"undecided"`
	Short     [HoursPerWeek]bool `json:"short"`
	Closed    [HoursPerWeek]bool `json:"closed"`
	// Unreachable names the thresholds agents cannot meet, the hours and
	// why: first response is the agents' reply speed, satisfaction with
	// no wait is the most agents can give.
	Unreachable []Unreachable `json:"unreachable"`
	Reach       Reach         `json:"reach"`

	decisions []hourDecision // every hour judged in every simulation
}

// HourStaff is the answer for one hour of the week, with the one-sided
// 95% bounds the last simulation gave at that count.
type HourStaff struct {
	Status string `json:"status"` // ok, undecided, short, closed, no traffic
	Reason string `json:"reason,omitempty"`
	// Fewer is what one agent fewer gave: short, undecided, met or not tried.
	Fewer        string   `json:"fewer,omitempty"`
	Pickup       Interval `json:"pickup_in_hours"`
	Satisfaction Interval `json:"satisfaction"`
	Requests     int      `json:"service_requests"`
}

// Unreachable is a threshold agents cannot meet in some hours.
type Unreachable struct {
	KPI    string `json:"kpi"`
	Hours  string `json:"hours"`
	Reason string `json:"reason"`
}

// StaffingConfidence states the confidence of Confirmed.
const StaffingConfidence = "one-sided 95% bounds by batch means (each simulated occurrence of the hour is a batch; Student's t, never narrower than Wilson) meet pickup (and satisfaction where agents can reach it); one agent fewer was short with the same confidence"

// StaffingReplications and StaffingSimulations are the staffing search's
// defaults (routecheck simulate --find-staffing): replications per
// simulation, and the most simulations it takes. Each simulated occurrence
// of an hour is a batch, so a week's search judges every hour on 48
// batches: with 32 the one-sided 95% bounds held the truth 94.4-94.8% of
// the time, with 48 95% (TestStaffingCalibration, docs/testing.md).
const (
	StaffingReplications = 48
	StaffingSimulations  = 12
)

// runSimulation is how the search simulates a roster; a test swaps in a
// model whose every hour's truth it knows.
var runSimulation = RunReplications

// oneSided is the level of a one-sided 95% bound.
const oneSided = 0.95

// minBatches is the fewest occurrences of an hour a decision is made on.
const minBatches = 5

// maxStaff bounds the agents of one hour.
const maxStaff = 2000

type verdict int

const (
	vMet verdict = iota
	vShort
	vUndecided // bounds straddle a threshold
	vNotRun
)

func (v verdict) String() string {
	return [...]string{"met", "short", "undecided", "not tried"}[v]
}

// hourVerdict is an hour judged at one count in one simulation.
type hourVerdict struct {
	v            verdict
	meets        bool // undecided though every figure meets its threshold
	limited      bool // and nobody waits: more agents would not change the figures
	batches      int  // occurrences of the hour judged
	pickup, sat  Interval
	satJudged    bool
	requests     int
	pickPoint    float64
	pickMeasured bool
}

// hourDecision records a judgement for the calibration of the bounds.
type hourDecision struct {
	run, hour, agents, prev, next int
	final                         bool
	hourVerdict
}

// judgeHour judges an hour of the week over its batches: met when every
// threshold agents move has its lower bound at or above it, short when one
// has its upper bound below it, undecided otherwise. First response is not
// judged (agents do not move it); satisfaction only where agents can reach
// it.
func judgeHour(st *Stat, th wb.Thresholds, satLever bool) hourVerdict {
	m := &st.Batches
	hv := hourVerdict{pickup: m.PickIn.bounds(oneSided, true), requests: st.InHours(), satJudged: satLever}
	hv.pickPoint, hv.pickMeasured = m.PickIn.Ratio()
	if satLever {
		hv.sat = m.Sat.bounds(oneSided, true)
	}
	hv.batches = st.Hours
	if st.Hours < minBatches || !hv.pickup.Measured {
		// Too few occurrences, or open with no request seen.
		hv.v, hv.meets, hv.limited = vUndecided, true, true
		return hv
	}
	satOK := !hv.sat.Measured || hv.sat.Low >= th.MinSatisfaction
	satShort := hv.sat.Measured && hv.sat.High < th.MinSatisfaction
	switch {
	case hv.pickup.High < th.MinPickupRate || satShort:
		hv.v = vShort
	case hv.pickup.Low >= th.MinPickupRate && satOK:
		hv.v = vMet
	default:
		hv.v = vUndecided
		hv.meets = hv.pickup.Mean >= th.MinPickupRate && (!hv.sat.Measured || hv.sat.Mean >= th.MinSatisfaction)
		hv.limited = saturated(st)
	}
	return hv
}

// saturatedWaitS is the mean wait below which an hour has no queue to
// speak of: more agents would not change its figures, only more
// simulation would make them surer.
const saturatedWaitS = 1.0

func saturated(st *Stat) bool {
	w, ok := st.Batches.Wait.Ratio()
	return !ok || w < saturatedWaitS
}

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

// FindStaffing searches the fewest agents per hour of the week that meet
// every threshold agents can move, at the confidence it states. It starts
// from Erlang-A per hour, then simulates the whole week with every hour at
// its count and narrows each hour between the largest count confirmed short
// and the smallest confirmed met, moving by as much as the measured chats
// suggest (Erlang-A with the measured service time, corrected by the pickup
// seen). A short hour right after a short hour is not trusted (its queue
// came from the hour before). Each simulation uses fresh seeds, and the
// last one simulates the answer itself, so every count it gives was
// simulated and its bounds are those of the answer. Closed hours get no
// agents; first response is never a reason to add agents (it is the
// agents' reply speed), satisfaction only where no wait reaches it.
// cfg must have Capacity set.
func FindStaffing(cfg Config, replications int, th wb.Thresholds, maxRuns int, newChecker func() Checker, progress func(run int)) (*Staffing, *Summary, error) {
	p := cfg.Profile
	if cfg.Capacity < 1 {
		return nil, nil, fmt.Errorf("traffic: the staffing search needs a capacity")
	}
	if replications < 2 || maxRuns < 1 {
		return nil, nil, fmt.Errorf("traffic: the staffing search needs 2 replications and 1 simulation at least")
	}
	reach := ProfileReach(p)
	sr := &search{cfg: cfg, th: th, serviceS: p.ChatDuration.MeanOf().Seconds(),
		patS: p.Patience.MeanOf().Seconds(), satLever: reach.satisfactionReachable(th.MinSatisfaction)}
	sr.reached, sr.open = OpenHours(cfg)
	st := &Staffing{Capacity: cfg.Capacity, Confidence: StaffingConfidence, Replications: replications, Reach: reach}
	for h := range HoursPerWeek {
		sr.rate[h] = p.PerHour[h] * p.TransferShare
		sr.tried[h] = map[int]hourVerdict{}
		sr.pooled[h] = map[[3]int]*Stat{}
		sr.hi[h] = maxStaff + 1
		sr.step[h] = 1
		if !sr.reached[h] || !sr.open[h] || sr.rate[h] <= 0 {
			sr.done[h] = true
			continue
		}
		n := sr.model(h, -1, 0)
		st.Erlang[h], sr.trial[h] = n, n
		sr.ceiling[h] = sr.ceilingCount(h)
	}
	var last *Summary
	var final [HoursPerWeek]hourVerdict
	validating := false
	for run := 1; run <= maxRuns; run++ {
		if progress != nil {
			progress(run)
		}
		validating = validating || run == maxRuns || sr.allDone()
		roster := sr.trial
		if validating {
			roster = sr.answer()
		}
		c := cfg
		c.Staffing = &roster
		c.Seed = cfg.Seed + uint64(run-1)*uint64(replications)
		start := time.Now()
		rs, err := runSimulation(c, replications, newChecker)
		if err != nil {
			return nil, nil, err
		}
		last = Summarise(c, rs, th, time.Since(start))
		st.Runs = run
		var week [HoursPerWeek]Stat
		for _, r := range rs {
			for h := range week {
				week[h].Add(&r.Week[h])
			}
		}
		var vs [HoursPerWeek]hourVerdict
		for h := range HoursPerWeek {
			vs[h] = hourVerdict{v: vNotRun}
			if week[h].Hours > 0 && sr.open[h] && roster[h] > 0 {
				key := sr.neighbours(&roster, h)
				pool := sr.pooled[h][key]
				if pool == nil {
					pool = &Stat{}
					sr.pooled[h][key] = pool
				}
				pool.Add(&week[h])
				vs[h] = judgeHour(pool, th, sr.satLever)
			}
		}
		for h := range HoursPerWeek {
			if vs[h].v != vNotRun {
				k := sr.neighbours(&roster, h)
				st.decisions = append(st.decisions, hourDecision{run: run, hour: h, agents: roster[h],
					prev: k[0], next: k[2], final: validating, hourVerdict: vs[h]})
			}
		}
		if k := last.total.KPI; k.Ended > 0 {
			sr.serviceS = k.ServSum.Seconds() / float64(k.Ended)
		}
		changed := sr.update(roster, vs, validating)
		sr.stagger()
		if validating {
			final = vs
			if !changed || run == maxRuns {
				break
			}
			validating = false // a confirmed count fell short: search on
		}
	}
	sr.report(st, final, last)
	last.Staffing = st
	last.judge()
	return st, last, nil
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

// report fills the answer from the last simulation, which simulated it.
func (sr *search) report(st *Staffing, final [HoursPerWeek]hourVerdict, last *Summary) {
	ans := sr.answer()
	var frHours, satHours, pickHours [HoursPerWeek]bool
	byLabel := map[string]Period{}
	for _, p := range last.HoursOfWeek {
		byLabel[p.Label] = p
	}
	for h := range HoursPerWeek {
		hs := &st.Hours[h]
		switch {
		case !sr.reached[h]:
			hs.Status = "not simulated"
			continue
		case !sr.open[h]:
			st.Closed[h] = true
			hs.Status = "closed"
			continue
		case sr.rate[h] <= 0:
			hs.Status = "no traffic"
			continue
		}
		st.Agents[h] = ans[h]
		v := final[h]
		hs.Pickup, hs.Satisfaction, hs.Requests = v.pickup, v.sat, v.requests
		hs.Fewer = "not tried"
		if f, ok := sr.tried[h][ans[h]-1]; ok {
			hs.Fewer = f.v.String()
		}
		if ans[h]-1 <= sr.lo[h] {
			hs.Fewer = "short"
		}
		switch {
		case v.v == vShort && sr.unreach[h]:
			st.Short[h] = true
			hs.Status, hs.Reason = "short", "not reachable by agents: nobody waits at this count"
			pickHours[h] = true
		case v.v == vShort:
			st.Short[h] = true
			hs.Status, hs.Reason = "short", "still short when the search stopped"
		case v.v == vMet && (ans[h] == 1 || ans[h]-1 <= sr.lo[h]):
			st.Confirmed[h] = true
			hs.Status = "ok"
		case v.v == vMet:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "one agent fewer was not decided either way"
		case v.v == vNotRun:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "not simulated"
		case v.batches < minBatches:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", fmt.Sprintf("%d simulated occurrences of the hour, %d needed: more --replications or --days", v.batches, minBatches)
		case v.meets && v.limited:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "nobody waits, but too few requests or ratings to state the confidence"
		case v.meets:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "meets the thresholds, not yet with the stated confidence"
		default:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "misses a threshold, not with the stated confidence"
		}
		if p, ok := byLabel[HourLabel(h)]; ok {
			if p.FirstResponseS.Measured && p.FirstResponseS.Mean >= sr.th.MaxFirstResponseS {
				frHours[h] = true
			}
			if !sr.satLever && p.Satisfaction.Measured && p.Satisfaction.Mean < sr.th.MinSatisfaction {
				satHours[h] = true
			}
		}
	}
	if anyHour(frHours) {
		st.Unreachable = append(st.Unreachable, Unreachable{KPI: "first_response_s", Hours: HourRanges(frHours),
			Reason: fmt.Sprintf("first response is the agents' reply speed: %.1f s from pickup to the first reply on average (the profile's first_reply); more agents do not change it", st.Reach.MeanFirstReplyS)})
	}
	if anyHour(satHours) {
		st.Unreachable = append(st.Unreachable, Unreachable{KPI: "satisfaction", Hours: HourRanges(satHours),
			Reason: fmt.Sprintf("even chats picked up at once are rated satisfied %.1f%% of the time (first replies after %.1f s): more agents cannot lift it to %.0f%%", 100*st.Reach.SatisfactionAtNoWait, st.Reach.MeanFirstReplyS, 100*sr.th.MinSatisfaction)})
	}
	if anyHour(pickHours) {
		st.Unreachable = append(st.Unreachable, Unreachable{KPI: "pickup_rate", Hours: HourRanges(pickHours),
			Reason: "short even with so many agents that nobody waits"})
	}
}

func anyHour(set [HoursPerWeek]bool) bool {
	for _, b := range set {
		if b {
			return true
		}
	}
	return false
}
