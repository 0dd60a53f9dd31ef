package traffic

import (
	"fmt"
	"math"
	"time"

	wb "routecheck/sim/workbench"
)

// Staffing is the staffing answer: for each hour of the week the fewest
// agents, each holding up to Capacity chats, that meet every R-KPI-1
// threshold with the stated confidence.
type Staffing struct {
	Capacity   int               `json:"capacity"`
	Confidence string            `json:"confidence"`
	Agents     [HoursPerWeek]int `json:"agents"`      // by hour of the week, Monday 00:00 first
	Erlang     [HoursPerWeek]int `json:"erlang"`      // the Erlang-A starting point
	Runs       int               `json:"simulations"` // simulations the search took
	// Confirmed: the last simulation showed the hour meeting every
	// threshold with the stated confidence (or it has no traffic).
	Confirmed [HoursPerWeek]bool `json:"confirmed"`
	// Undecided: the hour had too few requests or ratings for the bounds to
	// say either way; it keeps its agents. Simulate more weeks or more
	// replications to decide it.
	Undecided [HoursPerWeek]bool `json:"undecided"`
	// Short: the hour still misses a threshold with confidence when the
	// search ran out of simulations.
	Short [HoursPerWeek]bool `json:"short"`
}

// StaffingConfidence says how sure a staffing hour is. Pickup and
// satisfaction are proportions of the hour's requests and ratings, pooled
// over the replications and weeks: one-sided 95% Wilson bounds. First
// response is a mean: the ends of its 95% interval across replications.
// An hour is met when every lower bound meets its threshold, and short of
// agents when some upper bound misses it or its pooled pickup or first
// response does; otherwise it is undecided and keeps its agents.
const StaffingConfidence = "one-sided 95% bounds (Wilson for pickup and satisfaction, Student's t across replications for first response) meet every R-KPI-1 threshold"

type hourVerdict int

const (
	hourMet hourVerdict = iota
	hourShort
	hourUndecided
	hourNotRun // the run did not reach this hour of the week
)

// FindStaffing searches the fewest agents per hour of the week. It starts
// from Erlang-A per hour (pickup >= the threshold with agents x capacity
// places, the profile's mean chat duration and patience), then simulates the
// whole week with that roster: hours short of agents get one more, hours met
// at the Erlang estimate try one fewer (and go back if that is short), until
// a simulation changes nothing or maxRuns is spent. So the search costs a
// few simulations, not hundreds. cfg must have Capacity set.
func FindStaffing(cfg Config, replications int, th wb.Thresholds, maxRuns int, newChecker func() Checker, progress func(run int)) (*Staffing, *Summary, error) {
	p := cfg.Profile
	if cfg.Capacity < 1 {
		return nil, nil, fmt.Errorf("traffic: the staffing search needs a capacity")
	}
	st := &Staffing{Capacity: cfg.Capacity, Confidence: StaffingConfidence}
	const maxAgents = 2000
	for h := range HoursPerWeek {
		rate := p.PerHour[h] * p.TransferShare
		if rate <= 0 {
			continue
		}
		q := ErlangA{PerHour: rate, MeanService: p.ChatDuration.MeanOf().Seconds(), MeanPatience: p.Patience.MeanOf().Seconds()}
		n, _ := FewestAgents(q, cfg.Capacity, th.MinPickupRate, maxAgents)
		if n == 0 {
			n = maxAgents
		}
		st.Erlang[h], st.Agents[h] = n, n
	}
	var raised, lowered [HoursPerWeek]bool
	var last *Summary
	for run := 1; run <= maxRuns; run++ {
		if progress != nil {
			progress(run)
		}
		roster := st.Agents
		cfg.Staffing = &roster
		start := time.Now()
		rs, err := RunReplications(cfg, replications, newChecker)
		if err != nil {
			return nil, nil, err
		}
		last = Summarise(rs, th, time.Since(start))
		st.Runs = run
		verdicts := hourVerdicts(rs, th)
		changed := false
		for h, v := range verdicts {
			st.Confirmed[h] = v == hourMet
			st.Undecided[h] = v == hourUndecided
			st.Short[h] = v == hourShort
			if v == hourShort && st.Agents[h] < maxAgents {
				st.Agents[h]++
				raised[h], changed = true, true
			}
		}
		if changed {
			continue
		}
		// Nothing short: try one fewer, once, where the Erlang estimate was
		// met as it stood; an hour that is then short goes back up.
		for h, v := range verdicts {
			if v == hourMet && !raised[h] && !lowered[h] && st.Agents[h] > 1 {
				st.Agents[h]--
				lowered[h], raised[h], changed = true, true, true
			}
		}
		if !changed {
			break
		}
	}
	last.Staffing = st
	return st, last, nil
}

// hourVerdicts judges each hour of the week over the replications.
func hourVerdicts(rs []*Result, th wb.Thresholds) (out [HoursPerWeek]hourVerdict) {
	for h := range HoursPerWeek {
		per := make([]*Stat, 0, len(rs))
		var sum wb.KPIBin
		seen := false
		for _, r := range rs {
			seen = seen || r.Week[h].Hours > 0
			if r.Week[h].KPI.Requests > 0 {
				per = append(per, &r.Week[h])
				sum.Add(&r.Week[h].KPI)
			}
		}
		switch {
		case !seen:
			out[h] = hourNotRun
			continue
		case len(per) == 0:
			out[h] = hourMet
			continue
		}
		fr := period("", per, th).FirstResponseS
		if sum.Responded == 0 {
			fr = Interval{}
		}
		pickLo, pickHi := wilson(sum.PickedUp, sum.Requests)
		satLo, satHi := wilson(sum.Satisfied, sum.Ratings)
		if sum.Ratings == 0 {
			satLo, satHi = 1, 1
		}
		k := sum.KPIs()
		switch {
		case pickHi < th.MinPickupRate || satHi < th.MinSatisfaction || fr.Low >= th.MaxFirstResponseS:
			out[h] = hourShort
		case k.PickupRate < th.MinPickupRate || (k.Responded > 0 && k.FirstResponseS >= th.MaxFirstResponseS):
			// Queueing shows in pickup and first response first; a pooled
			// miss there is acted on even before it is certain. Satisfaction
			// alone, noisy over few ratings, waits for its bound.
			out[h] = hourShort
		case pickLo >= th.MinPickupRate && satLo >= th.MinSatisfaction && fr.High < th.MaxFirstResponseS:
			out[h] = hourMet
		default:
			out[h] = hourUndecided
		}
	}
	return out
}

// wilson is the pair of one-sided 95% Wilson score bounds of x successes in
// n trials.
func wilson(x, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.6449
	p, nf := float64(x)/float64(n), float64(n)
	c := p + z*z/(2*nf)
	r := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	d := 1 + z*z/nf
	return (c - r) / d, (c + r) / d
}
