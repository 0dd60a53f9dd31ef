package traffic

import (
	"fmt"
	"time"

	wb "routecheck/sim/workbench"
)

// Staffing is the staffing answer: for each hour of the week the fewest
// agents, each holding up to Capacity chats, that meet every R-KPI-1
// threshold with the stated confidence.
type Staffing struct {
	Capacity   int                `json:"capacity"`
	Confidence string             `json:"confidence"`
	Agents     [HoursPerWeek]int  `json:"agents"`      // by hour of the week, Monday 00:00 first
	Erlang     [HoursPerWeek]int  `json:"erlang"`      // the Erlang-A starting point
	Confirmed  [HoursPerWeek]bool `json:"confirmed"`   // met the thresholds in the last simulation
	Runs       int                `json:"simulations"` // simulations the search took
}

// StaffingConfidence says how sure a staffing hour is: not only the pooled
// figure but the whole 95% confidence interval across replications lies on
// the right side of every threshold (a one-sided bound at 97.5%).
const StaffingConfidence = "the 95% confidence interval across replications of every R-KPI-1 figure lies inside its threshold (one-sided 97.5%)"

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
		met := hourVerdicts(rs, th)
		changed := false
		for h := range HoursPerWeek {
			st.Confirmed[h] = met[h] || st.Agents[h] == 0
			switch {
			case st.Agents[h] == 0:
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
				if !raised[h] && st.Agents[h] > 1 {
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

// hourVerdicts says, per hour of the week, whether the pooled figures and
// the 95% interval ends across the replications meet every threshold. An
// hour with no requests is met.
func hourVerdicts(rs []*Result, th wb.Thresholds) (met [HoursPerWeek]bool) {
	for h := range HoursPerWeek {
		per := make([]*Stat, 0, len(rs))
		for _, r := range rs {
			if r.Week[h].KPI.Requests > 0 {
				per = append(per, &r.Week[h])
			}
		}
		if len(per) == 0 {
			met[h] = true
			continue
		}
		p := period("", per, th)
		met[h] = p.Pass && p.PickupRate.Low >= th.MinPickupRate &&
			p.FirstResponseS.High < th.MaxFirstResponseS && p.Satisfaction.Low >= th.MinSatisfaction
	}
	return met
}
