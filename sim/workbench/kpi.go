package workbench

import "time"

// Traffic selects live traffic, test traffic (R-RT-1) or both.
type Traffic int

// Traffic selections.
const (
	TrafficLive Traffic = iota // what a vendor is assessed on
	TrafficTest                // route tests
	TrafficAll
)

// KPIFilter picks the requests a KPI computation covers: by department, by
// the time of the transfer request in [From, To) (zero means open), and by
// traffic kind.
type KPIFilter struct {
	Department string
	From, To   time.Time
	Traffic    Traffic
}

func (f KPIFilter) match(e Event) bool {
	if f.Department != "" && e.Group != f.Department {
		return false
	}
	switch f.Traffic {
	case TrafficLive:
		if e.Test {
			return false
		}
	case TrafficTest:
		if !e.Test {
			return false
		}
	}
	return (f.From.IsZero() || !e.At.Before(f.From)) && (f.To.IsZero() || e.At.Before(f.To))
}

// KPIs are the R-KPI-1 figures. Rates are fractions (0.9 = 90%) and are 0
// when their denominator is 0; the counts say whether a rate means anything.
type KPIs struct {
	ServiceRequests int     `json:"service_requests"` // 服务请求量
	PickedUp        int     `json:"picked_up"`        // 接起量
	Abandoned       int     `json:"abandoned"`        // 排队放弃量 (incl. refused: outside hours, nobody online)
	Waiting         int     `json:"waiting"`          // still queued when the log ends
	PickupRate      float64 `json:"pickup_rate"`      // 接起率 = picked_up / service_requests
	AbandonmentRate float64 `json:"abandonment_rate"` // 排队放弃率 = abandoned / service_requests
	Responded       int     `json:"responded"`        // picked-up chats with an agent reply
	FirstResponseS  float64 `json:"first_response_s"` // 首响时长, seconds, welcome excluded
	Ratings         int     `json:"ratings"`          // 参评量
	Satisfied       int     `json:"satisfied"`        // 即时满意量
	Satisfaction    float64 `json:"satisfaction"`     // 即时满意度 = satisfied / ratings
	Ended           int     `json:"ended"`            // picked-up chats that ended
	ServiceS        float64 `json:"service_s"`        // mean service duration, pickup to end, seconds
}

// ComputeKPIs computes R-KPI-1 from an event log and nothing else:
//
//	pickup rate      = picked-up requests / service requests
//	abandonment rate = requests ended before pickup / service requests
//	first response   = Σ(first agent reply − pickup) / picked-up chats replied to
//	satisfaction     = (满意 + 非常满意) / ratings
//
// A request is attributed to the window of its transfer_requested event; its
// pickup, reply and rating follow it whenever they happen. A chat picked up
// but never replied to is left out of the response-time mean and counted in
// PickedUp − Responded. Pickup + abandonment = 100% once nothing is waiting.
func ComputeKPIs(events []Event, f KPIFilter) KPIs {
	type req struct {
		picked, resolved, replied bool
		pickedAt                  time.Time
	}
	var k KPIs
	open := map[string]*req{}    // conv -> its current request
	counted := map[string]bool{} // conv -> request in the filter
	var respSum, servSum time.Duration
	for _, e := range events {
		switch e.Type {
		case EvTransferRequest:
			if !f.match(e) {
				delete(counted, e.Conv)
				delete(open, e.Conv)
				continue
			}
			k.ServiceRequests++
			open[e.Conv] = &req{}
			counted[e.Conv] = true
		case EvUnserved, EvAbandoned:
			if r := open[e.Conv]; r != nil && !r.resolved {
				r.resolved = true
				k.Abandoned++
			}
		case EvAssigned:
			if r := open[e.Conv]; r != nil && !r.picked {
				r.picked, r.resolved, r.pickedAt = true, true, e.At
				k.PickedUp++
			}
		case EvFirstResponse:
			if r := open[e.Conv]; r != nil && r.picked && !r.replied {
				r.replied = true
				k.Responded++
				respSum += e.At.Sub(r.pickedAt)
			}
		case EvEnded:
			if r := open[e.Conv]; r != nil && r.picked {
				k.Ended++
				servSum += e.At.Sub(r.pickedAt)
			}
		case EvRated:
			if counted[e.Conv] {
				k.Ratings++
				if e.Rating.Satisfied() {
					k.Satisfied++
				}
			}
		}
	}
	for _, r := range open {
		if !r.resolved {
			k.Waiting++
		}
	}
	k.PickupRate = ratio(k.PickedUp, k.ServiceRequests)
	k.AbandonmentRate = ratio(k.Abandoned, k.ServiceRequests)
	k.Satisfaction = ratio(k.Satisfied, k.Ratings)
	if k.Responded > 0 {
		k.FirstResponseS = respSum.Seconds() / float64(k.Responded)
	}
	if k.Ended > 0 {
		k.ServiceS = servSum.Seconds() / float64(k.Ended)
	}
	return k
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Thresholds are what a vendor is assessed against (R-KPI-1).
type Thresholds struct {
	MinPickupRate     float64 `json:"min_pickup_rate"`
	MaxFirstResponseS float64 `json:"max_first_response_s"` // strictly below
	MinSatisfaction   float64 `json:"min_satisfaction"`
}

// Assessed are the R-KPI-1 thresholds: pickup >= 90%, first response < 30 s,
// satisfaction >= 70%.
func Assessed() Thresholds {
	return Thresholds{MinPickupRate: 0.90, MaxFirstResponseS: 30, MinSatisfaction: 0.70}
}

// Verdict is one KPI against its threshold.
type Verdict struct {
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Op        string  `json:"op"`
	Pass      bool    `json:"pass"`
	Measured  bool    `json:"measured"` // false when there was nothing to measure
}

// Assess compares KPIs with thresholds. A KPI with nothing to measure is
// reported as not measured and does not fail.
func (t Thresholds) Assess(k KPIs) []Verdict {
	return []Verdict{
		{Name: "pickup_rate", Value: k.PickupRate, Threshold: t.MinPickupRate, Op: ">=",
			Measured: k.ServiceRequests > 0, Pass: k.ServiceRequests == 0 || k.PickupRate >= t.MinPickupRate},
		{Name: "first_response_s", Value: k.FirstResponseS, Threshold: t.MaxFirstResponseS, Op: "<",
			Measured: k.Responded > 0, Pass: k.Responded == 0 || k.FirstResponseS < t.MaxFirstResponseS},
		{Name: "satisfaction", Value: k.Satisfaction, Threshold: t.MinSatisfaction, Op: ">=",
			Measured: k.Ratings > 0, Pass: k.Ratings == 0 || k.Satisfaction >= t.MinSatisfaction},
	}
}

// Insight is the Service Insight (服务洞察) page of one department (R-KPI-2).
// Assessed covers live traffic only; route-test traffic is shown apart so a
// test never moves a vendor's assessed figures.
type Insight struct {
	Department string    `json:"department"`
	From       time.Time `json:"from,omitzero"`
	To         time.Time `json:"to,omitzero"`
	Assessed   KPIs      `json:"assessed"`
	Test       KPIs      `json:"test"`
	Verdicts   []Verdict `json:"verdicts"`
}

// ServiceInsight returns a department's figures for [from, to). Only that
// department's admins and operations may read them (R-KPI-2). The figures
// come from the running aggregates of the KPI stream, updated by every
// event, by quarter hours of the transfer requests: those that start in
// [from, to), so a local day is whole bins in any zone (D-KPI-3). The
// event log, which a server bounds, is for replay only.
func (w *Workbench) ServiceInsight(viewer, department string, from, to time.Time) (Insight, error) {
	a, ok := w.accounts.Lookup(viewer)
	if !ok {
		return Insight{}, ErrForbidden
	}
	g, ok := w.groups[department]
	if !ok {
		return Insight{}, ErrNotFound
	}
	switch {
	case a.role == RoleOperations && a.group == g: // D-ACL-2
	case a.role == RoleDeptAdmin && a.group == g:
	default:
		return Insight{}, ruleErr(ErrForbidden, "R-KPI-2", "Service Insight of %s is for its department admins and operations only", department)
	}
	f := KPIFilter{Department: department, From: from, To: to, Traffic: TrafficLive}
	in := Insight{Department: department, From: from, To: to, Assessed: w.stream.KPIs(f)}
	f.Traffic = TrafficTest
	in.Test = w.stream.KPIs(f)
	in.Verdicts = Assessed().Assess(in.Assessed)
	return in, nil
}
