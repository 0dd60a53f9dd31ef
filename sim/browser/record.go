package browser

import (
	"time"

	"routecheck/reports"
)

// record builds one reports.BrowserCheck: checks in the order they ran, the
// first failure with its diagnosis, the duration, the final screenshot.
// Like a route-test step, a check stops at its first failed observation;
// later ones would only repeat it.
type record struct {
	bc    reports.BrowserCheck
	start time.Time
}

func newRecord(name, rule string) *record {
	return &record{bc: reports.BrowserCheck{Name: name, Rule: rule, Status: reports.StatusPassed}, start: time.Now()}
}

// check records an observation and reports whether it passed. A failed
// one fails the browser check with d (the first diagnosis wins).
func (r *record) check(name string, ok bool, expected, seen string, d *reports.Diagnosis) bool {
	r.bc.Checks = append(r.bc.Checks, reports.Check{Name: name, Passed: ok, Expected: expected, Seen: seen})
	if !ok {
		r.fail(d)
	}
	return ok
}

// must records a harness step that either worked or broke the check: a
// click that found no button, a page that did not load.
func (r *record) must(name string, err error, d *reports.Diagnosis) bool {
	if err == nil {
		return true
	}
	return r.check(name, false, "works", err.Error(), d)
}

func (r *record) fail(d *reports.Diagnosis) {
	r.bc.Status = reports.StatusFailed
	if r.bc.Diagnosis == nil && d != nil {
		r.bc.Diagnosis = d
	}
}

func (r *record) failed() bool { return r.bc.Status == reports.StatusFailed }

// skip marks a check that could not apply to this vendor (say, no agent
// with a second tenant), with the reason the reports show (D-BR-1).
func (r *record) skip(why string) reports.BrowserCheck {
	r.bc.Status = reports.StatusSkipped
	r.bc.SkipReason = why
	return r.done(nil)
}

func (r *record) done(screenshot []byte) reports.BrowserCheck {
	r.bc.Duration = time.Since(r.start)
	r.bc.Screenshot = screenshot
	return r.bc
}

// diag is a diagnosis in one line.
func diag(rule, message, fix string) *reports.Diagnosis {
	return &reports.Diagnosis{Rule: rule, Message: message, Fix: fix}
}
