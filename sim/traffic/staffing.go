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
	Capacity   int                `json:"capacity"`
	Confidence string             `json:"confidence"`
	Agents     [HoursPerWeek]int  `json:"agents"`    // by hour of the week, Monday 00:00 first
	Erlang     [HoursPerWeek]int  `json:"erlang"`    // the Erlang-A starting point
	Confirmed  [HoursPerWeek]bool `json:"confirmed"` // met the thresholds in the last simulation
	// FewRequests marks hours judged on pooled figures: even a perfect
	// record of so few requests could not reach the bound.
	FewRequests [HoursPerWeek]bool `json:"few_requests"`
	Runs        int                `json:"simulations"` // simulations the search took
}

// StaffingConfidence says how sure a staffing hour is. Pickup and
// satisfaction are proportions of the hour's requests and ratings pooled
// over the replications: their one-sided 95% Wilson lower bounds must meet
// the thresholds. First response is a mean: the upper end of its 95%
// interval across replications must be under it. An hour with too few
// requests for any record to reach the bound is judged on its pooled
// figures and marked FewRequests.
const StaffingConfidence = "one-sided 95% bounds (Wilson for pickup and satisfaction, t across replications for first response) meet every R-KPI-1 threshold"

// FindStaffing searches the fewest agents per hour of the week. It starts
// from Erlang-A per hour (pickup >= the threshold with agents x capacity
// places, the profile's mean chat duration and patience), then simulates the
// whole week with that roster: hours that miss get one more agent, hours met
// at the Erlang estimate try one fewer, until a simulation confirms every
// hour or maxRuns is spent. So the search costs a few simulations, not
// hundreds. cfg must have Capacity set; AlwaysOpen applies to the hours
// the roster staffs.
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
	raised := [HoursPerWeek]bool{}
	tryFewer := true
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
		met, seen, few := hourVerdicts(rs, th)
		st.FewRequests = few
		changed := false
		for h := range HoursPerWeek {
			// An hour the run did not reach keeps its Erlang estimate,
			// unconfirmed: simulate whole weeks to confirm every hour.
			st.Confirmed[h] = seen[h] && (met[h] || st.Agents[h] == 0)
			switch {
			case st.Agents[h] == 0 || !seen[h]:
			case !met[h]:
				raised[h] = true
				if st.Agents[h] < maxAgents {
					st.Agents[h]++
					changed = true
				}
			}
		}
		if !changed {
			if !tryFewer {
				break
			}
			// Every hour is met: try one fewer where the Erlang estimate was
			// never raised, once; hours that then miss go back up.
			tryFewer = false
			for h := range HoursPerWeek {
				if !raised[h] && st.Agents[h] > 1 && st.Confirmed[h] {
					st.Agents[h]--
					changed = true
				}
			}
			if !changed {
				break
			}
			// Hours that fail at one fewer are raised back by the next round.
			for h := range HoursPerWeek {
				raised[h] = true
			}
		}
	}
	last.Staffing = st
	return st, last, nil
}

// hourVerdicts says, per hour of the week, whether the hour meets every
// threshold with StaffingConfidence, whether the run reached it, and
// whether it had too few requests for a bound.
func hourVerdicts(rs []*Result, th wb.Thresholds) (met, seen, few [HoursPerWeek]bool) {
	for h := range HoursPerWeek {
		per := make([]*Stat, 0, len(rs))
		var sum wb.KPIBin
		for _, r := range rs {
			seen[h] = seen[h] || r.Week[h].Hours > 0
			if r.Week[h].KPI.Requests > 0 {
				per = append(per, &r.Week[h])
				sum.Add(&r.Week[h].KPI)
			}
		}
		if len(per) == 0 {
			met[h] = true
			continue
		}
		p := period("", per, th)
		pickLow := wilsonLow(sum.PickedUp, sum.Requests)
		satLow := wilsonLow(sum.Satisfied, sum.Ratings)
		few[h] = wilsonLow(sum.Requests, sum.Requests) < th.MinPickupRate ||
			(sum.Ratings > 0 && wilsonLow(sum.Ratings, sum.Ratings) < th.MinSatisfaction)
		bounds := pickLow >= th.MinPickupRate && (sum.Ratings == 0 || satLow >= th.MinSatisfaction) &&
			p.FirstResponseS.High < th.MaxFirstResponseS
		met[h] = p.Pass && (bounds || few[h])
	}
	return met, seen, few
}

// wilsonLow is the one-sided 95% Wilson score lower bound of x successes
// in n trials.
func wilsonLow(x, n int) float64 {
	if n == 0 {
		return 0
	}
	const z = 1.6449
	p, nf := float64(x)/float64(n), float64(n)
	c := p + z*z/(2*nf)
	r := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return (c - r) / (1 + z*z/nf)
}
