package checklist

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/routetest"
)

var testedAt = time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC)

// filled is the demo checklist's record with every item ticked except
// those in unticked, through JSON as the page saves it.
func filled(t *testing.T, c *Checklist, unticked map[string]bool, steps ...RecordStep) *Record {
	t.Helper()
	r := c.Blank()
	r.Tester, r.TestedAt, r.TestOrder = "测试同学小陈", testedAt.Format(time.RFC3339), "TEST-42"
	for i := range r.Items {
		r.Items[i].Seen = !unticked[r.Items[i].ID]
	}
	for _, s := range steps {
		r.Steps[s.Step-1] = s
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ParseRecord("record.json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func demoChecklist() *Checklist {
	return Build(fixtures.Demo(), Options{At: testedAt})
}

// A record with every item ticked is a passed route test, written by the
// same report writers as `run`: five steps named as run names them, the
// KPIs not measured (a manual test measures none), exit 0.
func TestRecordAllTickedIsAPassedRun(t *testing.T) {
	run := filled(t, demoChecklist(), nil).Run()
	if !run.Passed || run.ExitCode != 0 || len(run.Steps) != 5 {
		t.Fatalf("passed %v exit %d steps %d", run.Passed, run.ExitCode, len(run.Steps))
	}
	for i, s := range run.Steps {
		name, rule := routetest.StepName(i + 1)
		if s.Name != name || s.Rule != rule || s.Status != reports.StatusPassed {
			t.Errorf("step %d: %s %s %s", i+1, s.Name, s.Rule, s.Status)
		}
	}
	for _, v := range run.Verdicts {
		if v.Measured {
			t.Errorf("KPI %s measured in a manual test", v.Name)
		}
	}
	dir := t.TempDir()
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, reports.JSONFile))
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if js["passed"] != true || js["trace_id"] != "manual-demo-recycle-20261127T0230Z" || len(js["steps"].([]any)) != 5 {
		t.Errorf("report.json: passed %v trace %v", js["passed"], js["trace_id"])
	}
	var ju struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	b, _ = os.ReadFile(filepath.Join(dir, reports.JUnitFile))
	if err := xml.Unmarshal(b, &ju); err != nil {
		t.Fatal(err)
	}
	if len(ju.Suites) == 0 || ju.Suites[0].Name != "routecheck route test" || ju.Suites[0].Tests != 5 || ju.Suites[0].Failures != 0 {
		t.Errorf("junit.xml suites: %+v", ju.Suites)
	}
}

// An item not ticked fails its step with the step's rule and names what was
// not seen; the later steps nobody walked are skipped, as run skips them.
func TestRecordUntickedItemFailsItsStep(t *testing.T) {
	c := demoChecklist()
	un := map[string]bool{"3.card.2": true}
	for _, it := range c.Items() {
		if it.Step > 3 {
			un[it.ID] = true
		}
	}
	run := filled(t, c, un).Run()
	if run.Passed || run.ExitCode != 1 {
		t.Fatal("a step with an unticked item passed")
	}
	s := run.Steps[2]
	if s.Status != reports.StatusFailed || s.Diagnosis == nil || s.Diagnosis.Rule != "R-RT-3" || !strings.Contains(s.Diagnosis.Message, "机器人名片按钮 2") {
		t.Errorf("step 3: %s %+v", s.Status, s.Diagnosis)
	}
	for _, s := range run.Steps[3:] {
		if s.Status != reports.StatusSkipped {
			t.Errorf("step %d after a failure with nothing ticked: %s, want skipped", s.Number, s.Status)
		}
	}
}

// For every bundled vendor that breaks a step, the checklist lists the
// diagnosis `routecheck run` gives at that step (same rule, same fix), and
// a record naming it reports that diagnosis: the real test and the
// rehearsal name a failure alike.
func TestNamedFailureIsRunsDiagnosis(t *testing.T) {
	for _, b := range fixtures.Bundled() {
		if !strings.HasPrefix(b.Name, "broken/") {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			v, err := fixtures.Open(b.Name)
			if err != nil {
				t.Fatal(err)
			}
			bw, err := routetest.Bundled(v, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			defer bw.Close()
			opt := bw.Options(v)
			opt.Seed, opt.Timeout = 1, time.Second
			rep, err := routetest.Run(context.Background(), opt)
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Failed()
			if len(f) == 0 {
				t.Fatalf("%s passed the route test", b.Name)
			}
			d := f[0].Diagnosis
			c := Build(v, Options{At: testedAt})
			var named string
			for _, kf := range c.Steps[f[0].Number-1].Failures {
				if kf.Rule == d.Rule && kf.Fix == d.Fix {
					named = kf.ID
				}
			}
			if named == "" {
				t.Fatalf("step %d of the checklist does not list run's diagnosis (%s) %s", f[0].Number, d.Rule, d.Fix)
			}
			un := map[string]bool{}
			for _, it := range c.Items() {
				un[it.ID] = it.Step >= f[0].Number
			}
			run := filled(t, c, un, RecordStep{Step: f[0].Number, Failure: named, Note: "截图已发"}).Run()
			got := run.Steps[f[0].Number-1].Diagnosis
			if got == nil || got.Rule != d.Rule || got.Fix != d.Fix || !strings.Contains(got.Message, "截图已发") {
				t.Errorf("the record's diagnosis %+v, run's %+v", got, d)
			}
		})
	}
}

func TestParseRecordRefusesBadRecords(t *testing.T) {
	good := demoChecklist().Blank()
	good.TestedAt = testedAt.Format(time.RFC3339)
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"unknown field", func(m map[string]any) { m["colour"] = "red" }, `unknown field "colour"`},
		{"wrong format", func(m map[string]any) { m["format"] = "other/1" }, "format: \"other/1\""},
		{"no tested_at", func(m map[string]any) { m["tested_at"] = "" }, "tested_at: \"\": want RFC 3339"},
		{"no vendor", func(m map[string]any) { m["vendor"] = map[string]any{} }, "vendor.id: missing"},
		{"no items", func(m map[string]any) { m["items"] = []any{} }, "items: none"},
		{"duplicate item", func(m map[string]any) {
			it := m["items"].([]any)
			m["items"] = append(it, it[0])
		}, "appears twice"},
		{"step 6", func(m map[string]any) { m["items"].([]any)[0].(map[string]any)["step"] = 6 }, "items[0].step: 6; want 1..5"},
		{"failure of another step", func(m map[string]any) {
			m["steps"].([]any)[0].(map[string]any)["failure"] = "wrong-tenant"
		}, `steps[0].failure: "wrong-tenant" is not a known failure of step 1; want one of no-test-account, no-test-order`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := json.Marshal(good)
			var m map[string]any
			json.Unmarshal(b, &m)
			tc.edit(m)
			b, _ = json.Marshal(m)
			_, err := ParseRecord("r.json", bytes.NewReader(b))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "r.json: ") {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// A record from another configuration of the vendor is refused by Matches.
func TestRecordMatchesItsChecklist(t *testing.T) {
	rec := filled(t, demoChecklist(), nil)
	if err := rec.Matches(demoChecklist()); err != nil {
		t.Fatalf("the record does not match its own checklist: %v", err)
	}
	v := fixtures.Demo()
	v.Config.BotPage.CardButtons[1].Label = "回收人工客服"
	if err := rec.Matches(Build(v, Options{At: testedAt})); err == nil || !strings.Contains(err.Error(), "3.card.2") {
		t.Errorf("a changed card button: %v", err)
	}
}
