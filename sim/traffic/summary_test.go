package traffic

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// An hour with nothing picked up has no first response and no
// satisfaction: they are not measured (null in JSON, "not measured" in
// the report, a gap in the charts), never 0 s and 0%. The old summary
// printed 0.0 s and 0.0% and charts dipped to 0.
func TestUnmeasuredIsNotZero(t *testing.T) {
	var roster [HoursPerWeek]int
	for h := range 12 {
		roster[h] = 4 // 12:00-24:00 open with nobody on duty: every request refused
	}
	cfg := Config{Vendor: queueVendor(), Profile: queueProfile(60, 4*time.Minute, 2*time.Minute), Duration: 24 * time.Hour,
		Capacity: 3, AlwaysOpen: true, Staffing: &roster, Seed: 2}
	rs, err := RunReplications(cfg, 3, newTestChecker)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarise(cfg, rs, wb.Assessed(), time.Second)
	h := s.HoursOfWeek[15]
	if h.Requests == 0 || h.NobodyOnline != h.Requests || !h.PickupRate.Measured || h.PickupRate.Mean != 0 {
		t.Fatalf("周一 15:00: %d requests, %d refused, pickup %+v", h.Requests, h.NobodyOnline, h.PickupRate)
	}
	if h.FirstResponseS.Measured || h.Satisfaction.Measured || h.Status != "fail" {
		t.Errorf("周一 15:00: first response %+v, satisfaction %+v, status %s", h.FirstResponseS, h.Satisfaction, h.Status)
	}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"first_response_s":{"mean":null,"low":null,"high":null,"measured":false}`, `"satisfaction":{"mean":null,"low":null,"high":null,"measured":false}`, `"pickup_rate":{"mean":0,`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("JSON has no %s:\n%s", want, b)
		}
	}
	var back Period
	if err := json.Unmarshal(b, &back); err != nil || back.FirstResponseS.Measured || !back.PickupRate.Measured || back.PickupRate.Bounded != h.PickupRate.Bounded {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, s, "排队模型", "test"); err != nil {
		t.Fatal(err)
	}
	row := html.String()[strings.Index(html.String(), "<td class=\"l\">周一 15:00</td>"):]
	row = row[:strings.Index(row, "</tr>")]
	cells := strings.Split(row, "</td><td>")
	if len(cells) < 6 || cells[4] != "not measured" || cells[5] != "not measured" {
		t.Errorf("the hour's row: %s", row)
	}
	k, _ := json.Marshal(KPIs{KPIs: wb.KPIs{ServiceRequests: 3, Abandoned: 3}})
	if !bytes.Contains(k, []byte(`"first_response_s":null`)) || !bytes.Contains(k, []byte(`"first_response_s":false`)) {
		t.Errorf("kpis: %s", k)
	}
}

// Every rate's interval stays within [0, 100%], even from two replications
// of a few requests each (where Student's t is 12.7 wide); the old report
// printed pickup 97.4% - 101.4% and satisfaction up to 110.9%.
func TestIntervalsWithinBounds(t *testing.T) {
	cfg := Config{Vendor: queueVendor(), Profile: queueProfile(6, 4*time.Minute, 2*time.Minute), Duration: 48 * time.Hour,
		Agents: 1, Capacity: 2, AlwaysOpen: true, Seed: 5}
	rs, err := RunReplications(cfg, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarise(cfg, rs, wb.Assessed(), time.Second)
	check := func(where string, ivs ...Interval) {
		for _, iv := range ivs {
			if iv.Measured && (iv.Low < 0 || iv.High > 1 || iv.Low > iv.Mean || iv.High < iv.Mean) {
				t.Errorf("%s: %+v", where, iv)
			}
		}
	}
	check("total", s.CI.PickupRate, s.CI.PickupInHours, s.CI.AbandonmentRate, s.CI.Satisfaction)
	bounded := 0
	for _, p := range append(s.Days, s.HoursOfWeek...) {
		check(p.Label, p.PickupRate, p.PickupInHours, p.Satisfaction)
		if p.PickupRate.Bounded && p.PickupRate.High == 1 {
			bounded++
		}
	}
	if bounded == 0 {
		t.Error("no interval reached 100%: the test shows nothing")
	}
	// A proportion's bound is never narrower than Wilson's.
	var p Pair
	for range 10 {
		p.add(10, 10)
	}
	iv := p.bounds(oneSided, true)
	if lo, _ := wilson(100, 100, oneSided); iv.Low > lo+1e-12 || iv.High != 1 {
		t.Errorf("all 100 of 100 in 10 batches: %+v, Wilson's lower bound %.4f", iv, lo)
	}
}

// The verdict line and Pass agree: PASS exactly when nothing is missed,
// and every failure names who can fix it.
func TestVerdictAndCausesAgree(t *testing.T) {
	for _, agents := range []int{1, 12} {
		cfg := Config{Vendor: queueVendor(), Profile: queueProfile(300, 6*time.Minute, 2*time.Minute), Duration: 6 * time.Hour,
			Agents: agents, Capacity: 3, AlwaysOpen: true, Seed: 3}
		rs, err := RunReplications(cfg, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := Summarise(cfg, rs, wb.Assessed(), time.Second)
		if s.Pass != strings.HasPrefix(s.Verdict, "PASS") || s.Pass != (len(s.Causes) == 0) {
			t.Errorf("%d agents: pass %v, verdict %q, causes %+v", agents, s.Pass, s.Verdict, s.Causes)
		}
		if agents == 1 && (s.Pass || s.Causes[0].Kind != "agents") {
			t.Errorf("1 agent for 30 Erlangs: %q %+v", s.Verdict, s.Causes)
		}
	}
}
