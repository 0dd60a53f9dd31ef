package script

import (
	"encoding/json"
	"fmt"
	"math"

	"routecheck/reports"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// expectKPI judges the script's own chats by the R-KPI-1 formulas over the
// event log (D-KPI-1), against a value or the assessed thresholds.
func (r *runner) expectKPI(e *Expect) error {
	k := r.kpis()
	verdicts := wb.Assessed().Assess(k)
	if e.Kind == ExpKPIsPass {
		var bad []string
		for _, v := range verdicts {
			if v.Measured && !v.Pass {
				bad = append(bad, fmt.Sprintf("%s %s (%s)", reports.KPILabel(v.Name), reports.KPIValue(v.Name, v.Value), thresholdText(v)))
			}
		}
		if len(bad) > 0 {
			return &failure{expected: "every measured KPI meets R-KPI-1", seen: joinNonEmpty("; ", bad...)}
		}
		return nil
	}
	val := kpiField(k, e.KPI)
	shown := showKPI(e.KPI, val)
	if e.Passes != nil {
		for _, v := range verdicts {
			if v.Name != e.KPI {
				continue
			}
			want := "passes"
			if !*e.Passes {
				want = "fails"
			}
			exp := fmt.Sprintf("%s %s R-KPI-1 (%s)", reports.KPILabel(v.Name), want, thresholdText(v))
			if !v.Measured {
				return &failure{expected: exp, seen: "not measured: " + unmeasured(v.Name)}
			}
			if v.Pass != *e.Passes {
				return &failure{expected: exp, seen: shown}
			}
			return nil
		}
	}
	// A rate or time with nothing to measure is not 0: it is not measured
	// (D-KPI-1), and no comparison holds for it.
	for _, v := range verdicts {
		if v.Name == e.KPI && !v.Measured {
			return &failure{expected: fmt.Sprintf("%s %s %s", reports.KPILabel(e.KPI), e.Op, showKPI(e.KPI, e.Value)),
				seen: "not measured: " + unmeasured(e.KPI)}
		}
	}
	if e.KPI == "abandonment_rate" && k.ServiceRequests == 0 {
		return &failure{expected: fmt.Sprintf("%s %s %s", reports.KPILabel(e.KPI), e.Op, showKPI(e.KPI, e.Value)), seen: "not measured: no service request"}
	}
	ok := false
	const eps = 1e-9
	switch e.Op {
	case ">=":
		ok = val >= e.Value-eps
	case ">":
		ok = val > e.Value+eps
	case "<=":
		ok = val <= e.Value+eps
	case "<":
		ok = val < e.Value-eps
	case "=":
		ok = math.Abs(val-e.Value) <= 1e-6
	}
	if !ok {
		return &failure{expected: fmt.Sprintf("%s %s %s", reports.KPILabel(e.KPI), e.Op, showKPI(e.KPI, e.Value)),
			seen: fmt.Sprintf("%s over %d service requests of the script's chats", shown, k.ServiceRequests)}
	}
	return nil
}

func thresholdText(v wb.Verdict) string {
	return v.Op + " " + reports.KPIValue(v.Name, v.Threshold)
}

func unmeasured(name string) string {
	switch name {
	case "first_response_s":
		return "no picked-up chat got an agent's reply"
	case "satisfaction":
		return "no chat was rated"
	}
	return "no service request"
}

// kpiField reads a KPI by its JSON name.
func kpiField(k wb.KPIs, name string) float64 {
	b, _ := json.Marshal(k)
	var m map[string]float64
	_ = json.Unmarshal(b, &m)
	return m[name]
}

func showKPI(name string, v float64) string {
	switch name {
	case "pickup_rate", "abandonment_rate", "satisfaction", "first_response_s":
		return reports.KPIValue(name, v)
	}
	return fmt.Sprintf("%g", v)
}

// checkInvariants runs the routing invariants over the whole log.
func (r *runner) checkInvariants() []string {
	var out []string
	for _, v := range invariant.Check(r.log.events) {
		out = append(out, v.String())
	}
	return out
}
