package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// JUnit suite and class names, stable so CI can track tests over runs.
const (
	junitRouteSuite   = "routecheck route test"
	junitBrowserSuite = "routecheck browser checks"
	junitRunSuite     = "routecheck run checks"
)

// The JUnit XML shapes: the common subset Jenkins, GitLab and GitHub
// reporters read (testsuites > testsuite > testcase with failure/skipped).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	Error     *junitFailure `xml:"error"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// WriteJUnit writes junit.xml for CI: one testcase per step in the suite
// "routecheck route test", the browser checks as a second suite, and the
// invariants and KPI verdicts as a third, so a run that fails on them is
// red in CI too. A failure's type is the rule of its diagnosis and its text
// the expected, seen and fix. Every suite carries the seed as a property.
func WriteJUnit(w io.Writer, r *Run) error {
	props := []junitProperty{
		{"seed", fmt.Sprint(r.Seed)}, {"run_id", r.ID}, {"vendor", r.Vendor},
		{"vendor_file", r.VendorFile}, {"target", r.Target}, {"trace_id", r.TraceID},
	}
	if !r.VendorTime.IsZero() {
		props = append(props, junitProperty{"vendor_time", r.VendorTime.Format(time.RFC3339)}, junitProperty{"vendor_time_how", r.VendorTimeHow})
	}
	if r.Rerun != "" {
		props = append(props, junitProperty{"rerun", r.Rerun})
	}
	if r.Interrupted {
		props = append(props, junitProperty{"interrupted", "true"})
	}
	stamp := ""
	if !r.StartedAt.IsZero() {
		stamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05") // the schema's dateTime, in UTC
	}
	route := junitSuite{Name: junitRouteSuite, Timestamp: stamp, Properties: props, Time: secs(r.Duration)}
	var stepTime time.Duration
	for _, s := range r.Steps {
		stepTime += s.Duration
		route.add(junitCase{Classname: "routecheck.route", Name: s.Title(), Time: secs(s.Duration),
			SystemOut: checkLog(s.Status, s.Checks, s.Timings)}, s.Status, s.Checks, s.Diagnosis)
	}
	if r.Duration == 0 {
		route.Time = secs(stepTime)
	}
	route.SystemOut = strings.Join(r.Notes, "\n")
	out := junitSuites{Name: "routecheck", Suites: []junitSuite{route}}
	if len(r.Browser) > 0 {
		b := junitSuite{Name: junitBrowserSuite, Timestamp: stamp, Properties: props}
		var total time.Duration
		for i, c := range r.Browser {
			total += c.Duration
			cs := junitCase{Classname: "routecheck.browser", Name: c.Title(), Time: secs(c.Duration),
				SystemOut: checkLog(c.Status, c.Checks, nil)}
			if name := screenshotName(i, c); name != "" {
				cs.SystemOut = strings.TrimPrefix(cs.SystemOut+"\nscreenshot: "+name, "\n")
			}
			b.add(cs, c.Status, c.Checks, c.Diagnosis)
			if c.Status == StatusSkipped && c.SkipReason != "" {
				b.Cases[len(b.Cases)-1].Skipped.Message = "does not apply: " + c.SkipReason
			}
		}
		b.Time = secs(total)
		out.Suites = append(out.Suites, b)
	}
	if run := runSuite(r, stamp, props); len(run.Cases) > 0 {
		out.Suites = append(out.Suites, run)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Errors += s.Errors
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	out.Time = route.Time
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// add appends a testcase with its outcome and counts it.
func (s *junitSuite) add(c junitCase, st Status, checks []Check, d *Diagnosis) {
	s.Tests++
	switch st {
	case StatusFailed:
		s.Failures++
		c.Failure = failure(checks, d)
	case StatusError:
		// the harness's trouble, not a failed check (JUnit's error)
		s.Errors++
		c.Error = &junitFailure{Message: "harness error", Type: "harness"}
		for _, ch := range checks {
			if ch.Name == "harness" {
				c.Error.Message, c.Error.Text = ch.Seen, ch.Seen
			}
		}
	case StatusSkipped:
		s.Skipped++
		c.Skipped = &junitSkipped{Message: "not run: an earlier step failed"}
		if fc := failedChecks(checks); len(fc) > 0 {
			c.Skipped.Message = "not run: " + fc[0].Seen
		}
	}
	s.Cases = append(s.Cases, c)
}

func failure(checks []Check, d *Diagnosis) *junitFailure {
	f := &junitFailure{Message: "failed", Type: "failure"}
	var b strings.Builder
	for _, c := range failedChecks(checks) {
		if c.Name != "" {
			fmt.Fprintf(&b, "check: %s\n", c.Name)
		}
		fmt.Fprintf(&b, "expected: %s\nseen: %s\n", c.Expected, c.Seen)
	}
	if d != nil {
		if d.Message != "" {
			f.Message = d.Message
		}
		if d.Rule != "" {
			f.Type = d.Rule
		}
		if b.Len() == 0 && d.Message != "" {
			fmt.Fprintf(&b, "problem: %s\n", d.Message)
		}
	}
	if f.Type == "failure" {
		fmt.Fprintf(&b, "fix: %s", fixText(d))
	} else {
		fmt.Fprintf(&b, "fix (%s): %s", f.Type, fixText(d))
	}
	f.Text = b.String()
	return f
}

// runSuite holds the judgements over the whole run: the invariant checker
// and each KPI verdict (R-KPI-1); a KPI with nothing to measure is skipped.
func runSuite(r *Run, stamp string, props []junitProperty) junitSuite {
	s := junitSuite{Name: junitRunSuite, Timestamp: stamp, Properties: props, Time: secs(0)}
	if r.InvariantsChecked > 0 || len(r.Invariants) > 0 {
		c := junitCase{Classname: "routecheck.invariants", Name: "routing invariants", Time: secs(0),
			SystemOut: Plural(r.InvariantsChecked, "event") + " checked"}
		st := StatusPassed
		var d *Diagnosis
		if len(r.Invariants) > 0 {
			st = StatusFailed
			lines := make([]string, len(r.Invariants))
			for i, v := range r.Invariants {
				lines[i] = v.String()
			}
			d = &Diagnosis{Rule: r.Invariants[0].Rule,
				Message: fmt.Sprintf("%d violated: %s", len(r.Invariants), strings.Join(lines, "; ")),
				Fix:     "a routing bug in the workbench, not a vendor configuration: report it with the seed and the event numbers"}
		}
		s.add(c, st, nil, d)
	}
	for _, v := range r.Verdicts {
		c := junitCase{Classname: "routecheck.kpi", Name: v.Name + " " + kpiThreshold(v) + " (R-KPI-1)", Time: secs(0),
			SystemOut: kpiLabel(v.Name) + ": " + kpiValue(v.Name, v.Value)}
		switch {
		case !v.Measured:
			c.SystemOut = kpiLabel(v.Name) + ": not measured"
			s.Tests++
			s.Skipped++
			c.Skipped = &junitSkipped{Message: "not measured: nothing to measure in this run"}
			s.Cases = append(s.Cases, c)
		case v.Pass:
			s.add(c, StatusPassed, nil, nil)
		default:
			d := &Diagnosis{Rule: "R-KPI-1",
				Message: fmt.Sprintf("%s is %s, must be %s", kpiLabel(v.Name), kpiValue(v.Name, v.Value), kpiThreshold(v)), Fix: kpiFix(v.Name)}
			if st, ok := r.followsFrom(v.Name); ok {
				d.Message += "; " + consequence(st)
				d.Fix = fmt.Sprintf("fix step %d first", st.Number)
			}
			s.add(c, StatusFailed, nil, d)
		}
	}
	return s
}

// checkLog lists every check and timing for the testcase's system-out. A
// skipped case ran no check, so its lines are marked skipped, never ✘.
func checkLog(st Status, cs []Check, timings map[string]time.Duration) string {
	var b strings.Builder
	for _, c := range cs {
		m := mark(statusOf(c.Passed))
		if st == StatusSkipped {
			m = mark(StatusSkipped)
		}
		fmt.Fprintf(&b, "%s %s: expected %s, seen %s\n", m, c.Name, c.Expected, c.Seen)
	}
	keys := make([]string, 0, len(timings))
	for k := range timings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "timing %s: %s\n", k, fmtDuration(timings[k]))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func statusOf(passed bool) Status {
	if passed {
		return StatusPassed
	}
	return StatusFailed
}

// secs is a JUnit time: seconds with three decimals.
func secs(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
