package traffic

import (
	"encoding/json"
	"runtime"
	"sync"
	"time"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Period is the figures of a day or an hour of the week, pooled over the
// replications, each with its 95% interval (batch means: a replication's
// day, or one occurrence of the hour, is a batch).
type Period struct {
	Label string `json:"label"`
	// Hours is the clock hours the period covers: 24 for a whole day, 23
	// or 25 on the days clocks change; for an hour of the week, how many
	// times it was simulated.
	Hours int `json:"hours"`
	// Open: the vendor was in its work hours at some time of the period.
	Open             bool     `json:"open"`
	Requests         int      `json:"service_requests"`
	InHours          int      `json:"in_hours_requests"`
	PickedUp         int      `json:"picked_up"`
	AbandonedInQueue int      `json:"abandoned_in_queue"`
	OutsideHours     int      `json:"outside_hours"`
	NobodyOnline     int      `json:"nobody_online"`
	PickupRate       Interval `json:"pickup_rate"`     // over every service request, as assessed (D-RT-1)
	PickupInHours    Interval `json:"pickup_in_hours"` // over the requests made in the work hours
	FirstResponseS   Interval `json:"first_response_s"`
	Satisfaction     Interval `json:"satisfaction"`
	MeanWaitS        Interval `json:"mean_wait_s"`
	Utilisation      float64  `json:"utilisation"`
	AgentsOnDuty     float64  `json:"agents_on_duty"` // mean over its hours
	// Status is "pass", "fail", "closed" (an hour of the week outside the
	// work hours: not staffed, not judged) or "not measured".
	Status string   `json:"status"`
	Pass   bool     `json:"pass"`
	Missed []string `json:"missed,omitempty"`

	how int // hour of the week, for hours of the week
}

// HourOfWeek is the hour of the week a period of HoursOfWeek is.
func (p *Period) HourOfWeek() int { return p.how }

// Summary is a simulation's answer: the figures `routecheck simulate`
// prints, writes as JSON and draws.
type Summary struct {
	Seed         uint64                `json:"seed"`
	Replications int                   `json:"replications"`
	Hours        float64               `json:"hours"` // simulated per replication, warm-up excluded
	Zone         string                `json:"time_zone"`
	WorkHours    string                `json:"work_hours"`
	Hotline      string                `json:"hotline"`
	KPIs         KPIs                  `json:"kpis"` // pooled over the replications, as assessed
	MeanWaitS    float64               `json:"mean_wait_s"`
	Events       int64                 `json:"events"`
	WallS        float64               `json:"wall_s"`
	Visitors     int                   `json:"visitors"`
	Utilisation  float64               `json:"utilisation"`
	CI           Totals                `json:"ci"`
	Thresholds   wb.Thresholds         `json:"thresholds"`
	Verdicts     []wb.Verdict          `json:"verdicts"`
	Pass         bool                  `json:"passed"` // the whole run and every day meet R-KPI-1, and the staffing search found every hour (D-CLI-5)
	Days         []Period              `json:"days"`
	HoursOfWeek  []Period              `json:"hours_of_week"`
	WaitHist     []int                 `json:"wait_hist"` // requests by 10 s of wait; the last bucket is 300 s and more
	Queue        []QueueSample         `json:"queue"`     // of the first replication
	Violations   []invariant.Violation `json:"violations"`
	Staffing     *Staffing             `json:"staffing,omitempty"`
	// Causes say why a threshold is missed and what fixes it: agents,
	// work hours, or the agents' reply speed. Verdict is the last line.
	Causes  []Cause `json:"causes"`
	Verdict string  `json:"verdict"`

	total Stat
	reach Reach
}

// Totals are the whole-run figures with intervals across replications.
type Totals struct {
	PickupRate      Interval `json:"pickup_rate"`
	PickupInHours   Interval `json:"pickup_in_hours"`
	AbandonmentRate Interval `json:"abandonment_rate"`
	FirstResponseS  Interval `json:"first_response_s"`
	Satisfaction    Interval `json:"satisfaction"`
	MeanWaitS       Interval `json:"mean_wait_s"`
}

// KPIs are the pooled R-KPI-1 figures as assessed (D-RT-1: refused
// requests count as not picked up), with the refusals apart.
type KPIs struct {
	wb.KPIs
	InHours          int     `json:"in_hours_requests"`
	AbandonedInQueue int     `json:"abandoned_in_queue"`
	OutsideHours     int     `json:"outside_hours"`
	NobodyOnline     int     `json:"nobody_online"`
	PickupInHours    float64 `json:"pickup_in_hours"`
}

// MarshalJSON writes a figure with nothing to measure as null, and says
// which were measured.
func (k KPIs) MarshalJSON() ([]byte, error) {
	type plain KPIs
	b, err := json.Marshal(plain(k))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	measured := map[string]bool{
		"pickup_rate": k.ServiceRequests > 0, "abandonment_rate": k.ServiceRequests > 0,
		"pickup_in_hours": k.InHours > 0, "first_response_s": k.Responded > 0,
		"satisfaction": k.Ratings > 0, "service_s": k.Ended > 0,
	}
	for name, ok := range measured {
		if !ok {
			m[name] = nil
		}
	}
	m["measured"] = measured
	return json.Marshal(m)
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

// twoSided is the level of the ends of a two-sided 95% interval.
const twoSided = 0.975

// Summarise pools replications of cfg and judges them against th.
func Summarise(cfg Config, rs []*Result, th wb.Thresholds, wall time.Duration) *Summary {
	loc := cfg.Vendor.WorkHours.Location
	if loc == nil {
		loc = shanghai()
	}
	s := &Summary{Seed: rs[0].Seed, Replications: len(rs), Thresholds: th, WallS: wall.Seconds(),
		Hours: rs[0].End.Sub(rs[0].Start).Hours(), WaitHist: make([]int, WaitBuckets), Queue: rs[0].Queue,
		Zone: loc.String(), WorkHours: workHoursText(cfg.Vendor.WorkHours), Hotline: cfg.Vendor.Hotline}
	if cfg.AlwaysOpen {
		s.WorkHours = "always open (--always-open)"
	}
	if cfg.Profile != nil {
		s.reach = ProfileReach(cfg.Profile)
	}
	var perRep Moments
	for _, r := range rs {
		s.total.Add(&r.Total)
		perRep.addBatch(&r.Total)
		s.Events += r.Events
		s.Visitors += r.Visitors
		for b, n := range r.WaitHist {
			s.WaitHist[b] += n
		}
		s.Violations = append(s.Violations, r.Violations...)
	}
	k := s.total.KPI.KPIs()
	s.KPIs = KPIs{KPIs: k, InHours: s.total.InHours(), AbandonedInQueue: s.total.QueueAbandoned(),
		OutsideHours: s.total.OutsideHours, NobodyOnline: s.total.NobodyOnline}
	s.KPIs.PickupInHours, _ = perRep.PickIn.Ratio()
	s.MeanWaitS = s.total.KPI.MeanWaitS()
	s.Utilisation = s.total.Utilisation()
	abandon := perRep.PickAll
	abandon.X, abandon.XX, abandon.XY = abandon.Y-abandon.X, abandon.YY-2*abandon.XY+abandon.XX, abandon.YY-abandon.XY
	s.CI = Totals{
		PickupRate:      perRep.PickAll.bounds(twoSided, true),
		PickupInHours:   perRep.PickIn.bounds(twoSided, true),
		AbandonmentRate: abandon.bounds(twoSided, true),
		FirstResponseS:  perRep.Resp.bounds(twoSided, false),
		Satisfaction:    perRep.Sat.bounds(twoSided, true),
		MeanWaitS:       perRep.Wait.bounds(twoSided, false),
	}
	s.Verdicts = th.Assess(k)
	s.Pass = passes(s.Verdicts)
	s.days(rs, th, loc)
	s.hoursOfWeek(rs, cfg, th)
	s.judge()
	return s
}

// days pools each calendar day over the replications; a replication's day
// is one batch. Days are judged as assessed (D-SIM-3).
func (s *Summary) days(rs []*Result, th wb.Thresholds, loc *time.Location) {
	nDays := 0
	for _, r := range rs {
		nDays = max(nDays, len(r.Days))
	}
	for d := range nDays {
		var sum Stat
		var m Moments
		var date time.Time
		for _, r := range rs {
			if d < len(r.Days) {
				sum.Add(&r.Days[d].Stat)
				m.addBatch(&r.Days[d].Stat)
				date = r.Days[d].Date
			}
		}
		hours := sum.Hours / len(rs)
		label := date.In(loc).Format("2006-01-02") + " " + wb.WeekdayName(date.In(loc).Weekday())
		p := period(label, &sum, &m, th, hours)
		p.Open = sum.OpenS > 0
		p.judge(p.verdicts(th, false))
		s.Pass = s.Pass && p.Pass
		s.Days = append(s.Days, p)
	}
}

// hoursOfWeek pools each hour of the week; one occurrence (a replication,
// a week) is a batch. An hour is judged on its queue: the requests made in
// the work hours. An hour the vendor is closed all of is not judged.
func (s *Summary) hoursOfWeek(rs []*Result, cfg Config, th wb.Thresholds) {
	for h := range HoursPerWeek {
		var sum Stat
		for _, r := range rs {
			sum.Add(&r.Week[h])
		}
		if sum.Hours == 0 {
			continue
		}
		s.HoursOfWeek = append(s.HoursOfWeek, hourPeriod(h, &sum, th))
	}
}

func hourPeriod(h int, sum *Stat, th wb.Thresholds) Period {
	p := period(HourLabel(h), sum, &sum.Batches, th, sum.Hours)
	p.how = h
	p.Open = sum.OpenS > 0
	if p.Open {
		p.judge(p.verdicts(th, true))
	} else {
		p.Status, p.Pass = "closed", true
	}
	return p
}

// replaceHours puts the given figures in place of the hours of the week
// they hold (the staffing search's pooled simulations of its answer).
func (s *Summary) replaceHours(pooled map[int]*Stat) {
	for i := range s.HoursOfWeek {
		if st := pooled[s.HoursOfWeek[i].how]; st != nil {
			s.HoursOfWeek[i] = hourPeriod(s.HoursOfWeek[i].how, st, s.Thresholds)
		}
	}
}

// HourLabel names an hour of the week: "周一 09:00".
func HourLabel(h int) string {
	return wb.WeekdayName(weekdayOf(h)) + " " + time.Date(0, 1, 1, h%24, 0, 0, 0, time.UTC).Format("15:04")
}

func period(label string, sum *Stat, m *Moments, th wb.Thresholds, hours int) Period {
	k := sum.KPI.KPIs()
	return Period{Label: label, Hours: hours, Requests: k.ServiceRequests, InHours: sum.InHours(), PickedUp: k.PickedUp,
		AbandonedInQueue: sum.QueueAbandoned(), OutsideHours: sum.OutsideHours, NobodyOnline: sum.NobodyOnline,
		Utilisation: sum.Utilisation(), AgentsOnDuty: ratioOr0(float64(sum.OnDuty), float64(sum.Hours)),
		PickupRate:     m.PickAll.bounds(twoSided, true),
		PickupInHours:  m.PickIn.bounds(twoSided, true),
		FirstResponseS: m.Resp.bounds(twoSided, false),
		Satisfaction:   m.Sat.bounds(twoSided, true),
		MeanWaitS:      m.Wait.bounds(twoSided, false),
	}
}

func ratioOr0(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// verdicts judges the period's pooled figures: as assessed (pickup over
// every service request, D-RT-1), or on the queue (pickup over the
// requests made in the work hours).
func (p *Period) verdicts(th wb.Thresholds, queue bool) []wb.Verdict {
	pick := p.PickupRate
	if queue {
		pick = p.PickupInHours
	}
	return []wb.Verdict{
		{Name: "pickup_rate", Value: pick.Mean, Threshold: th.MinPickupRate, Op: ">=", Measured: pick.Measured,
			Pass: !pick.Measured || pick.Mean >= th.MinPickupRate},
		{Name: "first_response_s", Value: p.FirstResponseS.Mean, Threshold: th.MaxFirstResponseS, Op: "<", Measured: p.FirstResponseS.Measured,
			Pass: !p.FirstResponseS.Measured || p.FirstResponseS.Mean < th.MaxFirstResponseS},
		{Name: "satisfaction", Value: p.Satisfaction.Mean, Threshold: th.MinSatisfaction, Op: ">=", Measured: p.Satisfaction.Measured,
			Pass: !p.Satisfaction.Measured || p.Satisfaction.Mean >= th.MinSatisfaction},
	}
}

func (p *Period) judge(vs []wb.Verdict) {
	p.Pass, p.Status = true, "pass"
	measured := false
	for _, v := range vs {
		measured = measured || v.Measured
		if !v.Pass {
			p.Pass, p.Status = false, "fail"
			p.Missed = append(p.Missed, v.Name)
		}
	}
	if !measured {
		p.Status = "not measured"
	}
}

func passes(vs []wb.Verdict) bool {
	for _, v := range vs {
		if !v.Pass {
			return false
		}
	}
	return true
}
