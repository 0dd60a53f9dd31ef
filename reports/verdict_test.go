package reports

import (
	"strings"
	"testing"

	"routecheck/sim/workbench"
)

// A KPI with nothing to measure is "not measured" in report.json: pass is
// null, never true; a measured failure carries its fix.
func TestJSONNotMeasuredIsNeverAPass(t *testing.T) {
	r := failingRun() // no chat got far: nothing measured
	m, _ := decodeJSON(t, r)
	vs := m["verdicts"].([]any)
	if len(vs) != 3 {
		t.Fatalf("%d verdicts", len(vs))
	}
	for _, v := range vs {
		jv := hasKeys(t, "verdict", v, "name", "pass", "measured")
		if jv["pass"] != nil || jv["measured"] != false {
			t.Errorf("unmeasured verdict %v: want pass null, measured false", jv)
		}
	}
	r.KPIs = workbench.KPIs{ServiceRequests: 2, PickedUp: 2, PickupRate: 1, Responded: 2, FirstResponseS: 45, Ratings: 2, Satisfied: 2, Satisfaction: 1}
	r.Verdicts = workbench.Assessed().Assess(r.KPIs)
	m, _ = decodeJSON(t, r)
	for _, v := range m["verdicts"].([]any) {
		jv := v.(map[string]any)
		want := jv["name"] != "first_response_s"
		if jv["pass"] != want || jv["measured"] != true {
			t.Errorf("measured verdict %v: want pass %v", jv, want)
		}
		if !want && !strings.Contains(jv["fix"].(string), "within 30 s") {
			t.Errorf("failed 首响时长 without a response-time fix: %v", jv)
		}
	}
}

// In junit.xml a skipped step and an unmeasured KPI are <skipped>, never
// failures; a step the harness could not judge is an <error>.
func TestJUnitSkippedErrorAndNotMeasured(t *testing.T) {
	r := failingRun()
	r.Steps[1].Status, r.Steps[1].Diagnosis, r.Steps[1].Error = StatusError, nil, "interrupted (Ctrl-C or SIGTERM) during this step: no verdict"
	r.Steps[1].Checks = append(r.Steps[1].Checks[:1], Check{Name: "harness", Expected: "the harness completes the step", Seen: r.Steps[1].Error})
	r.Interrupted = true
	s := roundTrip(t, r)
	route := s.Suites[0]
	if route.Failures != 0 || route.Errors != 1 || route.Skipped != 3 || s.Errors != 1 {
		t.Fatalf("route suite failures %d errors %d skipped %d; total errors %d", route.Failures, route.Errors, route.Skipped, s.Errors)
	}
	if c := route.Cases[1]; c.Error == nil || c.Failure != nil || !strings.Contains(c.Error.Message, "interrupted") {
		t.Errorf("step 2 = %+v", c)
	}
	for _, c := range route.Cases[2:] {
		if c.Skipped == nil || c.Failure != nil || c.Error != nil {
			t.Errorf("skipped step %s = %+v", c.Name, c)
		}
		// a step that did not run failed no check
		if strings.Contains(c.SystemOut, "✘") || !strings.HasPrefix(c.SystemOut, "– ") {
			t.Errorf("skipped step %s says %q", c.Name, c.SystemOut)
		}
	}
	for _, c := range s.Suites[2].Cases {
		if c.Classname == "routecheck.kpi" && (c.Skipped == nil || c.Failure != nil) {
			t.Errorf("unmeasured KPI %s = %+v", c.Name, c)
		}
		// nothing measured is no figure: never "接起率 pickup rate: 0.0%"
		if c.Classname == "routecheck.kpi" && (strings.Contains(c.SystemOut, "%") || !strings.HasSuffix(c.SystemOut, ": not measured")) {
			t.Errorf("unmeasured KPI %s says %q", c.Name, c.SystemOut)
		}
	}
	found := false
	for _, p := range route.Properties {
		found = found || p == (junitProperty{"interrupted", "true"})
	}
	if !found {
		t.Errorf("no interrupted property: %v", route.Properties)
	}
}

// The console's last lines: an interrupted run and a harness error are not
// FAIL and give no vendor fix; a failed run repeats its whole command; a
// failed KPI names its fix.
func TestConsoleVerdicts(t *testing.T) {
	console := func(r *Run) string {
		var b strings.Builder
		if err := WriteConsole(&b, r); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	r := failingRun()
	r.Rerun = "routecheck run --vendor v.yaml --seed 42 --timeout 5s --token-ttl 24h0m0s"
	if out := console(r); !strings.Contains(out, "repeat with: "+r.Rerun+"\n") {
		t.Errorf("no whole-command rerun hint:\n%s", out)
	}

	r = failingRun()
	r.Interrupted = true
	r.Steps[1].Status, r.Steps[1].Diagnosis, r.Steps[1].Error = StatusError, nil, "interrupted (Ctrl-C or SIGTERM) during this step: no verdict"
	r.Steps[1].Checks = []Check{{Name: "harness", Seen: r.Steps[1].Error}}
	r.Browser = nil
	out := console(r)
	if !strings.Contains(out, "INTERRUPTED") || strings.Contains(out, "\nFAIL") || !strings.Contains(out, "! 2/5") ||
		!strings.Contains(out, "harness:  interrupted") || strings.Contains(out, "fix (R-TEN-1)") {
		t.Errorf("interrupted run:\n%s", out)
	}
	r.Interrupted = false
	if out := console(r); !strings.Contains(out, "HARNESS ERROR") || strings.Contains(out, "\nFAIL") {
		t.Errorf("harness error:\n%s", out)
	}

	r = passingRun()
	r.Passed = false
	r.KPIs.FirstResponseS = 45
	r.Verdicts = workbench.Assessed().Assess(r.KPIs)
	out = console(r)
	if !strings.Contains(out, "on KPI 首响时长") || !strings.Contains(out, "fix (R-KPI-1): agents must send a first reply within 30 s") {
		t.Errorf("KPI failure:\n%s", out)
	}
}

// report.html says an interrupted or harness-broken run is that, not FAIL,
// and shows the whole command that repeats a run.
func TestHTMLVerdicts(t *testing.T) {
	r := failingRun()
	r.Rerun = "routecheck run --vendor v.yaml --seed 42"
	if out := renderHTML(t, r); !strings.Contains(out, "routecheck run --vendor v.yaml --seed 42") {
		t.Error("report.html lacks the rerun command")
	}
	r.Interrupted = true
	if out := renderHTML(t, r); !strings.Contains(out, "<title>INTERRUPTED") {
		t.Error("interrupted run not shown as INTERRUPTED")
	}
	r.Interrupted = false
	r.Steps[1].Status, r.Steps[1].Diagnosis, r.Steps[1].Error = StatusError, nil, "the harness timed out: x"
	if out := renderHTML(t, r); !strings.Contains(out, "<title>HARNESS ERROR") || !strings.Contains(out, "the harness timed out: x") {
		t.Error("harness error not shown as such")
	}
}
