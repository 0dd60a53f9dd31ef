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

// oneSided is the level of a one-sided 95% bound.
const oneSided = 0.95

// minBatches is the fewest occurrences of an hour a decision is made on.
const minBatches = 5

// maxStaff bounds the agents of one hour.
const maxStaff = 2000

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
		simulate := RunReplications
		if cfg.simulate != nil {
			simulate = cfg.simulate
		}
		rs, err := simulate(c, replications, newChecker)
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
	// The hours of the week as the answer was judged: every simulation of
	// the hour at its count between the same neighbours, pooled.
	answer := sr.answer()
	pooled := map[int]*Stat{}
	for h := range HoursPerWeek {
		if st := sr.pooled[h][sr.neighbours(&answer, h)]; st != nil && answer[h] > 0 {
			pooled[h] = st
		}
	}
	last.replaceHours(pooled)
	sr.report(st, final, last)
	last.Staffing = st
	last.judge()
	return st, last, nil
}
