package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

func roundTrip(t *testing.T, r *Run) junitSuites {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), xml.Header) {
		t.Error("junit.xml has no XML header")
	}
	var s junitSuites
	if err := xml.Unmarshal(b.Bytes(), &s); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, b.String())
	}
	return s
}

func TestJUnitFailing(t *testing.T) {
	s := roundTrip(t, failingRun())
	if len(s.Suites) != 3 {
		t.Fatalf("%d suites, want route, browser, run", len(s.Suites))
	}
	route := s.Suites[0]
	if route.Name != "routecheck route test" || route.Tests != 5 || route.Failures != 1 || route.Skipped != 3 {
		t.Errorf("route suite %q tests %d failures %d skipped %d", route.Name, route.Tests, route.Failures, route.Skipped)
	}
	if route.Timestamp != "2025-03-14T02:00:00" || route.Time != "0.070" {
		t.Errorf("timestamp %q time %q", route.Timestamp, route.Time)
	}
	if len(route.Properties) == 0 || route.Properties[0] != (junitProperty{"seed", "42"}) {
		t.Errorf("properties = %v", route.Properties)
	}
	c1, c2 := route.Cases[0], route.Cases[1]
	if c1.Classname != "routecheck.route" || c1.Name != "1 测试订单与测试账号 (test order & account) (R-RT-1)" || c1.Time != "0.012" || c1.Failure != nil {
		t.Errorf("case 1 = %+v", c1)
	}
	if c2.Failure == nil || c2.Failure.Type != "R-TEN-1" || !strings.Contains(c2.Failure.Message, "淘宝BU") {
		t.Fatalf("case 2 failure = %+v", c2.Failure)
	}
	for _, want := range []string{"expected: status 在线 under tenant 闲鱼BU", "seen: 404 page not found", "fix (R-TEN-1): switch the agent's tenant"} {
		if !strings.Contains(c2.Failure.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, c2.Failure.Text)
		}
	}
	if route.Cases[2].Skipped == nil {
		t.Error("step 3 not skipped")
	}
	browser := s.Suites[1]
	if browser.Name != "routecheck browser checks" || browser.Tests != 2 || browser.Failures != 1 || browser.Skipped != 1 ||
		browser.Cases[0].Failure.Type != "R-TEN-1" || !strings.Contains(browser.Cases[0].SystemOut, "browser-01-login-and.png") {
		t.Errorf("browser suite = %+v", browser)
	}
	// A check that does not apply is skipped with its reason, not "an earlier step failed".
	if sk := browser.Cases[1].Skipped; sk == nil || sk.Message != "does not apply: no agent account has a tenant other than 闲鱼BU" {
		t.Errorf("skipped browser check = %+v", sk)
	}
	run := s.Suites[2]
	if run.Failures != 1 || run.Cases[0].Failure == nil || run.Cases[0].Failure.Type != "R-TEN-1" {
		t.Errorf("run suite = %+v", run)
	}
	if s.Tests != 5+2+4 || s.Failures != 3 {
		t.Errorf("testsuites tests %d failures %d", s.Tests, s.Failures)
	}
}

func TestJUnitPassing(t *testing.T) {
	s := roundTrip(t, passingRun())
	if s.Failures != 0 || s.Suites[0].Tests != 5 || s.Suites[1].Tests != 2 {
		t.Errorf("passing run: %+v", s)
	}
	if !strings.Contains(s.Suites[0].Cases[3].SystemOut, "timing in_queue 转人工: 4.2ms") {
		t.Errorf("step 4 system-out = %q", s.Suites[0].Cases[3].SystemOut)
	}
	kpi := s.Suites[2].Cases[1]
	if kpi.Name != "pickup_rate ≥ 90% (R-KPI-1)" || kpi.Failure != nil {
		t.Errorf("kpi case = %+v", kpi)
	}
}

func TestJUnitNoBrowser(t *testing.T) {
	r := failingRun()
	r.Browser = nil
	r.Invariants, r.InvariantsChecked, r.Verdicts = nil, 0, nil
	s := roundTrip(t, r)
	if len(s.Suites) != 1 {
		t.Errorf("%d suites, want only the route test", len(s.Suites))
	}
}
