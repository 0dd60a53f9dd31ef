package traffic

import (
	"math"
	"runtime"
	"sync"
	"time"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Interval is a mean across replications with its 95% confidence interval
// (Student's t); with one replication Low and High equal the mean.
type Interval struct {
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Period is the figures of a day or an hour of the week: pooled over the
// replications, with intervals across them.
type Period struct {
	Label          string   `json:"label"`
	Requests       int      `json:"service_requests"`
	PickupRate     Interval `json:"pickup_rate"`
	FirstResponseS Interval `json:"first_response_s"`
	Satisfaction   Interval `json:"satisfaction"`
	MeanWaitS      Interval `json:"mean_wait_s"`
	Utilisation    float64  `json:"utilisation"`
	AgentsOnDuty   float64  `json:"agents_on_duty"` // mean over its hours
	Pass           bool     `json:"pass"`
	Missed         []string `json:"missed,omitempty"`
}

// Summary is a simulation's answer: the figures `routecheck simulate`
// prints, writes as JSON and draws.
type Summary struct {
	Seed         uint64                `json:"seed"`
	Replications int                   `json:"replications"`
	Hours        float64               `json:"hours"` // simulated per replication, warm-up excluded
	KPIs         wb.KPIs               `json:"kpis"`  // pooled over the replications
	MeanWaitS    float64               `json:"mean_wait_s"`
	Events       int64                 `json:"events"`
	WallS        float64               `json:"wall_s"`
	Visitors     int                   `json:"visitors"`
	Utilisation  float64               `json:"utilisation"`
	CI           Totals                `json:"ci"`
	Thresholds   wb.Thresholds         `json:"thresholds"`
	Verdicts     []wb.Verdict          `json:"verdicts"`
	Pass         bool                  `json:"passed"` // the whole run and every day meet R-KPI-1 (D-CLI-5)
	Days         []Period              `json:"days"`
	HoursOfWeek  []Period              `json:"hours_of_week"`
	WaitHist     []int                 `json:"wait_hist"` // requests by 10 s of wait; the last bucket is 300 s and more
	Queue        []QueueSample         `json:"queue"`     // of the first replication
	Violations   []invariant.Violation `json:"violations"`
	Staffing     *Staffing             `json:"staffing,omitempty"`
}

// Totals are the whole-run figures with intervals across replications.
type Totals struct {
	PickupRate      Interval `json:"pickup_rate"`
	AbandonmentRate Interval `json:"abandonment_rate"`
	FirstResponseS  Interval `json:"first_response_s"`
	Satisfaction    Interval `json:"satisfaction"`
	MeanWaitS       Interval `json:"mean_wait_s"`
}

// RunReplications runs r replications of cfg on all cores, replication i
// with seed cfg.Seed+i, each with its own checker from newChecker (may be
// nil), and returns them in seed order.
func RunReplications(cfg Config, r int, newChecker func() Checker) ([]*Result, error) {
	out := make([]*Result, r)
	errs := make([]error, r)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), r) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := cfg
				c.Seed = cfg.Seed + uint64(i)
				if newChecker != nil {
					c.Checker = newChecker()
				}
				out[i], errs[i] = Run(c)
			}
		}()
	}
	for i := range r {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Summarise pools replications and judges them against th.
func Summarise(rs []*Result, th wb.Thresholds, wall time.Duration) *Summary {
	s := &Summary{Seed: rs[0].Seed, Replications: len(rs), Thresholds: th, WallS: wall.Seconds(),
		Hours: rs[0].End.Sub(rs[0].Start).Hours(), WaitHist: make([]int, WaitBuckets), Queue: rs[0].Queue}
	totals := make([]*Stat, len(rs))
	var total Stat
	for i, r := range rs {
		total.Add(&r.Total)
		totals[i] = &r.Total
		s.Events += r.Events
		s.Visitors += r.Visitors
		for b, n := range r.WaitHist {
			s.WaitHist[b] += n
		}
		s.Violations = append(s.Violations, r.Violations...)
	}
	s.KPIs = total.KPI.KPIs()
	s.MeanWaitS = total.KPI.MeanWaitS()
	s.Utilisation = total.Utilisation()
	s.CI = Totals{
		PickupRate:      interval(totals, func(k wb.KPIs, _ *Stat) float64 { return k.PickupRate }),
		AbandonmentRate: interval(totals, func(k wb.KPIs, _ *Stat) float64 { return k.AbandonmentRate }),
		FirstResponseS:  interval(totals, func(k wb.KPIs, _ *Stat) float64 { return k.FirstResponseS }),
		Satisfaction:    interval(totals, func(k wb.KPIs, _ *Stat) float64 { return k.Satisfaction }),
		MeanWaitS:       interval(totals, func(_ wb.KPIs, st *Stat) float64 { return st.KPI.MeanWaitS() }),
	}
	s.Verdicts = th.Assess(s.KPIs)
	s.Pass = passes(s.Verdicts)
	nDays := 0
	for _, r := range rs {
		nDays = max(nDays, len(r.Days))
	}
	for d := range nDays {
		per := make([]*Stat, 0, len(rs))
		for _, r := range rs {
			if d < len(r.Days) {
				per = append(per, &r.Days[d])
			}
		}
		p := period(rs[0].Start.AddDate(0, 0, d).Format("2006-01-02 Mon"), per, th)
		s.Pass = s.Pass && p.Pass
		s.Days = append(s.Days, p)
	}
	for h := range HoursPerWeek {
		per := make([]*Stat, 0, len(rs))
		for _, r := range rs {
			if r.Week[h].Hours > 0 {
				per = append(per, &r.Week[h])
			}
		}
		if len(per) == 0 {
			continue
		}
		s.HoursOfWeek = append(s.HoursOfWeek, period(HourLabel(h), per, th))
	}
	return s
}

// HourLabel names an hour of the week: "周一 09:00".
func HourLabel(h int) string {
	return wb.WeekdayName(time.Weekday((h/24+1)%7)) + " " + time.Date(0, 1, 1, h%24, 0, 0, 0, time.UTC).Format("15:04")
}

func period(label string, per []*Stat, th wb.Thresholds) Period {
	var sum Stat
	for _, st := range per {
		sum.Add(st)
	}
	k := sum.KPI.KPIs()
	p := Period{Label: label, Requests: k.ServiceRequests, Utilisation: sum.Utilisation(),
		PickupRate:     interval(per, func(k wb.KPIs, _ *Stat) float64 { return k.PickupRate }),
		FirstResponseS: interval(per, func(k wb.KPIs, _ *Stat) float64 { return k.FirstResponseS }),
		Satisfaction:   interval(per, func(k wb.KPIs, _ *Stat) float64 { return k.Satisfaction }),
		MeanWaitS:      interval(per, func(_ wb.KPIs, st *Stat) float64 { return st.KPI.MeanWaitS() })}
	// Pooled figures decide; the intervals show how sure they are.
	p.PickupRate.Mean, p.FirstResponseS.Mean, p.Satisfaction.Mean, p.MeanWaitS.Mean = k.PickupRate, k.FirstResponseS, k.Satisfaction, sum.KPI.MeanWaitS()
	if sum.Hours > 0 {
		p.AgentsOnDuty = float64(sum.OnDuty) / float64(sum.Hours)
	}
	p.Pass = true
	for _, v := range th.Assess(k) {
		if !v.Pass {
			p.Pass = false
			p.Missed = append(p.Missed, v.Name)
		}
	}
	return p
}

func passes(vs []wb.Verdict) bool {
	for _, v := range vs {
		if !v.Pass {
			return false
		}
	}
	return true
}

// interval is the mean of f over the stats that measured something, with
// a 95% t-interval.
func interval(per []*Stat, f func(wb.KPIs, *Stat) float64) Interval {
	var xs []float64
	for _, st := range per {
		if st.KPI.Requests > 0 {
			xs = append(xs, f(st.KPI.KPIs(), st))
		}
	}
	if len(xs) == 0 {
		return Interval{}
	}
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	if len(xs) < 2 {
		return Interval{m, m, m}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	half := tQuantile(len(xs)-1) * math.Sqrt(ss/float64(len(xs)-1)/float64(len(xs)))
	// Every figure here is a rate or a duration: never below 0.
	return Interval{m, max(m-half, 0), m + half}
}

// tQuantile is the two-sided 95% quantile of Student's t with df degrees
// of freedom.
func tQuantile(df int) float64 {
	table := []float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}
	if df >= 1 && df <= len(table) {
		return table[df-1]
	}
	return 1.96
}
