package traffic

import wb "routecheck/sim/workbench"

// An hour of the week judged at one count, as the staffing search judges
// it (D-SIM-5).

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
