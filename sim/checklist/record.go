package checklist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"routecheck/reports"
	"routecheck/sim/routetest"
	wb "routecheck/sim/workbench"
)

// Format names the record's shape; a record of another format is refused.
const Format = "routecheck-checklist/1"

// maxRecord bounds a record file; a real one is a few KB.
const maxRecord = 1 << 20

// Record is a tester's ticks on one checklist, as the page saves them.
type Record struct {
	Format      string       `json:"format"`
	Vendor      RecordVendor `json:"vendor"`
	PlannedAt   time.Time    `json:"planned_at"`
	Trace       string       `json:"trace"`
	Tester      string       `json:"tester"`
	TestedAt    string       `json:"tested_at"` // RFC 3339; checked by ParseRecord
	TestAccount string       `json:"test_account"`
	TestOrder   string       `json:"test_order"`
	Agent       string       `json:"agent"`
	Items       []RecordItem `json:"items"`
	Steps       []RecordStep `json:"steps"`

	testedAt time.Time
}

// RecordVendor names the vendor the checklist was made for.
type RecordVendor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	File string `json:"file"`
}

// RecordItem is an item with the tester's tick.
type RecordItem struct {
	Item
	Seen bool `json:"seen"`
}

// RecordStep is what the tester said went wrong in a step: a known
// failure's ID (routetest.Failure), "other", or "" for nothing; and a note.
type RecordStep struct {
	Step    int    `json:"step"`
	Failure string `json:"failure"`
	Note    string `json:"note"`
}

// Blank is the record of c before anything is ticked.
func (c *Checklist) Blank() Record {
	r := Record{Format: Format, Vendor: RecordVendor{ID: c.Vendor.ID, Name: c.Vendor.Name, File: c.Vendor.File},
		PlannedAt: c.PlannedAt, Trace: c.Trace, Items: []RecordItem{}, Steps: []RecordStep{}}
	for _, it := range c.Items() {
		r.Items = append(r.Items, RecordItem{Item: it})
	}
	for n := 1; n <= 5; n++ {
		r.Steps = append(r.Steps, RecordStep{Step: n})
	}
	return r
}

// ParseRecord reads a record strictly: unknown fields, a wrong format, a
// missing or unreadable tested_at, items outside steps 1..5, duplicate
// items and failures unknown to the step are errors naming the field.
func ParseRecord(name string, r io.Reader) (*Record, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRecord+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxRecord {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a checklist record", name, maxRecord)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rec Record
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("%s: not a checklist record (JSON saved by the checklist page): %v", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: one JSON object expected, found more after it", name)
	}
	bad := func(field, msg string) error { return fmt.Errorf("%s: %s: %s", name, field, msg) }
	if rec.Format != Format {
		return nil, bad("format", fmt.Sprintf("%q; want %q (a record saved by a routecheck checklist page)", rec.Format, Format))
	}
	if rec.Vendor.ID == "" {
		return nil, bad("vendor.id", "missing: the vendor the checklist was made for")
	}
	rec.testedAt, err = time.Parse(time.RFC3339, rec.TestedAt)
	if err != nil {
		return nil, bad("tested_at", fmt.Sprintf("%q: want RFC 3339, e.g. 2026-11-27T10:30:00+08:00 (when the test was done)", rec.TestedAt))
	}
	if len(rec.Items) == 0 {
		return nil, bad("items", "none: the record holds the checklist's items with their ticks")
	}
	seen := map[string]bool{}
	for i, it := range rec.Items {
		field := fmt.Sprintf("items[%d]", i)
		switch {
		case it.ID == "":
			return nil, bad(field+".id", "missing")
		case seen[it.ID]:
			return nil, bad(field+".id", fmt.Sprintf("%q appears twice", it.ID))
		case it.Step < 1 || it.Step > 5:
			return nil, bad(field+".step", fmt.Sprintf("%d; want 1..5", it.Step))
		}
		seen[it.ID] = true
	}
	steps := map[int]bool{}
	for i, s := range rec.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		if s.Step < 1 || s.Step > 5 || steps[s.Step] {
			return nil, bad(field+".step", fmt.Sprintf("%d; want each of 1..5 at most once", s.Step))
		}
		steps[s.Step] = true
		if s.Failure == "" || s.Failure == "other" {
			continue
		}
		f, ok := routetest.FailureByID(s.Failure)
		if !ok || f.Step != s.Step || f.Sign == "" {
			return nil, bad(field+".failure", fmt.Sprintf("%q is not a known failure of step %d; want one of %s, other, or empty",
				s.Failure, s.Step, failureIDs(s.Step)))
		}
	}
	return &rec, nil
}

func failureIDs(step int) string {
	var ids []string
	for _, f := range routetest.Failures(step) {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ", ")
}

// ErrItemsDiffer: the record was made from another configuration than
// the checklist it is compared with.
var ErrItemsDiffer = errors.New("the record's items differ from the vendor's checklist")

// Matches says whether the record's items are exactly the checklist's (by
// id, step and expected text), so its ticks are about this configuration.
func (r *Record) Matches(c *Checklist) error {
	want := c.Items()
	if r.Vendor.ID != c.Vendor.ID {
		return fmt.Errorf("%w: record for vendor %s, checklist for %s", ErrItemsDiffer, r.Vendor.ID, c.Vendor.ID)
	}
	got := map[string]Item{}
	for _, it := range r.Items {
		got[it.ID] = it.Item
	}
	for _, w := range want {
		g, ok := got[w.ID]
		switch {
		case !ok:
			return fmt.Errorf("%w: item %s (%s) is missing", ErrItemsDiffer, w.ID, w.Text)
		case g.Step != w.Step || g.Expect != w.Expect:
			return fmt.Errorf("%w: item %s expects %q, the checklist %q", ErrItemsDiffer, w.ID, g.Expect, w.Expect)
		}
		delete(got, w.ID)
	}
	for id := range got {
		return fmt.Errorf("%w: item %s is not in the checklist", ErrItemsDiffer, id)
	}
	return nil
}

// Run turns the record into the report of a route test, so a real test
// and a rehearsal leave the same report.json and junit.xml. A step passes
// when every item of it is ticked and no failure is named. A step after a
// failed one with nothing ticked and nothing named is skipped, as `run`
// skips it; one the tester still walked is judged on its ticks. A failed
// step's diagnosis is the named failure's (the same as `run` gives), else
// the step's rule with the items not seen. KPIs and routing invariants
// are not measured in a manual test: every KPI is "not measured" and the
// verdict is the five steps (D-CHK-2).
func (r *Record) Run() *reports.Run {
	run := &reports.Run{
		ID:     r.Vendor.ID + "-manual-" + r.testedAt.UTC().Format("20060102T150405Z"),
		Vendor: r.Vendor.Name, VendorFile: r.Vendor.File, Target: "manual: 闲鱼 APP + X-Space",
		TraceID: r.Trace, StartedAt: r.testedAt,
		Verdicts: wb.Assessed().Assess(wb.KPIs{}),
	}
	who := r.Tester
	if who == "" {
		who = "an unnamed tester"
	}
	run.Notes = append(run.Notes,
		fmt.Sprintf("manual go-live test in the real Xianyu app and X-Space, recorded by %s from a routecheck checklist (test account %s, test order %s, agent %s)",
			who, orNone(r.TestAccount), orNone(r.TestOrder), orNone(r.Agent)),
		"KPIs and routing invariants are not measured in a manual test; the verdict is the five steps (D-CHK-2)")
	notes := map[int]RecordStep{}
	for _, s := range r.Steps {
		notes[s.Step] = s
	}
	failed := false
	passed := true
	for n := 1; n <= 5; n++ {
		st := r.step(n, notes[n], failed)
		failed = failed || st.Status == reports.StatusFailed
		passed = passed && st.Status == reports.StatusPassed
		run.Steps = append(run.Steps, st)
	}
	run.Passed = passed
	run.ExitCode = 0
	if !passed {
		run.ExitCode = 1
	}
	return run
}

func (r *Record) step(n int, s RecordStep, afterFailure bool) reports.Step {
	name, rule := routetest.StepName(n)
	st := reports.Step{Number: n, Name: name, Rule: rule, Started: r.testedAt}
	var missed []string
	ticked := 0
	for _, it := range r.Items {
		if it.Step != n {
			continue
		}
		expected := it.Text
		if it.Expect != "" {
			expected = it.Text + "：「" + it.Expect + "」"
		}
		seen := "not ticked"
		if it.Seen {
			seen, ticked = "ticked by the tester", ticked+1
		} else {
			missed = append(missed, it.Text)
		}
		st.Checks = append(st.Checks, reports.Check{Name: it.ID, Passed: it.Seen, Expected: expected, Seen: seen})
	}
	if afterFailure && ticked == 0 && s.Failure == "" && s.Note == "" {
		return reports.Step{Number: n, Name: name, Rule: rule, Status: reports.StatusSkipped,
			Checks: []reports.Check{{Name: "not run", Expected: "an earlier step to pass", Seen: "an earlier step failed"}}}
	}
	if len(missed) == 0 && s.Failure == "" {
		st.Status = reports.StatusPassed
		return st
	}
	st.Status = reports.StatusFailed
	note := ""
	if s.Note != "" {
		note = "; tester's note: " + s.Note
	}
	if f, ok := routetest.FailureByID(s.Failure); ok {
		st.Checks = append(st.Checks, reports.Check{Name: "tester saw", Passed: false, Expected: "nothing wrong", Seen: f.Sign + note})
		st.Diagnosis = &reports.Diagnosis{Rule: f.Rule, Message: "the tester saw: " + f.Sign + note, Fix: f.Fix}
		return st
	}
	msg := "not seen: " + strings.Join(missed, "; ")
	if len(missed) == 0 {
		msg = "the tester marked the step as failed"
	}
	st.Diagnosis = &reports.Diagnosis{Rule: rule, Message: msg + note}
	return st
}

func orNone(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}
