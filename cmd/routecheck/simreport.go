package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"routecheck/reports"
	"routecheck/sim/traffic"
)

// simReport is simulate's report.json and --json: the names every report
// starts with (D-CLI-5), then the simulation's figures (seed and passed
// among them).
type simReport struct {
	runHeader
	*traffic.Summary
}

// writeSimJSON writes r indented, as report.json holds it.
func writeSimJSON(w io.Writer, r simReport) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// writeSimReports writes report.json, report.html and junit.xml into dir.
func writeSimReports(dir string, r simReport, vendor, profile string) error {
	var js, page, ju bytes.Buffer
	if err := writeSimJSON(&js, r); err != nil {
		return err
	}
	if err := traffic.WriteHTML(&page, r.Summary, vendor, profile); err != nil {
		return err
	}
	if err := reports.WriteSuites(&ju, "routecheck simulate", simSuite(r, vendor, profile)); err != nil {
		return err
	}
	for name, b := range map[string][]byte{
		reports.JSONFile: js.Bytes(), reports.HTMLFile: reports.LinkRules(page.Bytes()), reports.JUnitFile: ju.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	return nil
}

// simSuite is simulate's junit.xml: each R-KPI-1 verdict over the whole
// run, each simulated day (D-SIM-3), the invariant check when it ran, and
// the staffing search's hours still short.
func simSuite(r simReport, vendor, profile string) reports.Suite {
	s := r.Summary
	suite := reports.Suite{Name: "routecheck simulate", Timestamp: r.StartedAt, Time: time.Duration(s.WallS * float64(time.Second)),
		Properties: [][2]string{{"seed", fmt.Sprint(s.Seed)}, {"rerun", r.Rerun}, {"vendor", vendor}, {"traffic", profile},
			{"replications", fmt.Sprint(s.Replications)}, {"hours", fmt.Sprint(s.Hours)}}}
	// Each missed figure's fix is its cause's (agents, work hours or the
	// hotline), as the console says it.
	fixOf := func(kpis ...string) string {
		var out []string
		for _, c := range s.Causes {
			if c.KPI == "" || slices.Contains(kpis, c.KPI) {
				out = append(out, c.Text+"; fix: "+c.Fix)
			}
		}
		if r.Rerun != "" {
			out = append(out, "repeat with: "+r.Rerun)
		}
		return strings.Join(out, "\n")
	}
	for _, v := range s.Verdicts {
		c := reports.Case{Class: "routecheck.simulate.kpi", Name: fmt.Sprintf("%s %s %g (R-KPI-1)", v.Name, v.Op, v.Threshold),
			Output: fmt.Sprintf("%s = %g over %d service requests", v.Name, v.Value, s.KPIs.ServiceRequests)}
		switch {
		case !v.Measured:
			c.Skipped = "not measured: nothing to measure in this run"
		case !v.Pass:
			c.Failure, c.FailureType = fmt.Sprintf("%s is %g, must be %s %g", v.Name, v.Value, v.Op, v.Threshold), "R-KPI-1"
			c.FailureText = c.Failure + "\n" + fixOf(v.Name)
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, d := range s.Days {
		c := reports.Case{Class: "routecheck.simulate.day", Name: "day " + d.Label + " (R-KPI-1, D-SIM-3)",
			Output: fmt.Sprintf("%d requests, pickup %s, first response %s, satisfaction %s", d.Requests, d.PickupRate.PercentText(), d.FirstResponseS.SecondsText(), d.Satisfaction.PercentText())}
		if !d.Pass {
			c.Failure, c.FailureType = "missed "+strings.Join(d.Missed, ", "), "R-KPI-1"
			c.FailureText = c.Output + "\n" + fixOf(d.Missed...)
		}
		suite.Cases = append(suite.Cases, c)
	}
	if len(s.Violations) > 0 {
		c := reports.Case{Class: "routecheck.simulate.invariants", Name: "routing invariants",
			Failure: fmt.Sprintf("%d violated: %s", len(s.Violations), s.Violations[0]), FailureType: s.Violations[0].Rule}
		c.FailureText = c.Failure
		suite.Cases = append(suite.Cases, c)
	}
	if st := s.Staffing; st != nil {
		var short []string
		for i, sh := range st.Short {
			if sh {
				short = append(short, fmt.Sprint(i))
			}
		}
		c := reports.Case{Class: "routecheck.simulate.staffing", Name: fmt.Sprintf("staffing at 1V%d (D-SIM-5)", st.Capacity),
			Output: fmt.Sprintf("%d simulations; confidence: %s", st.Runs, st.Confidence)}
		if len(short) > 0 {
			c.Failure, c.FailureType = fmt.Sprintf("%d hours of the week still short of agents", len(short)), "D-SIM-5"
			c.FailureText = "hours of the week (0 = Monday 00:00) still short: " + strings.Join(short, ", ") + "; raise --max-simulations"
		}
		suite.Cases = append(suite.Cases, c)
	}
	return suite
}
