package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteScriptJUnit writes a script run's junit.xml: one suite per script,
// one case per assert line (named by its line and text, so CI tracks it
// over runs), plus a case for any other line that failed or could not be
// judged. A line after the first failure is skipped (not reached); a line
// the harness could not judge is an error, never a failure (D-RUN-7).
func WriteScriptJUnit(w io.Writer, r *ScriptRun) error {
	var suites []Suite
	for i := range r.Scripts {
		s := &r.Scripts[i]
		su := Suite{Name: "routecheck script " + s.Name, Timestamp: s.StartedAt, Time: s.Duration,
			Properties: [][2]string{{"seed", fmt.Sprint(r.Seed)}, {"rerun", r.Rerun}, {"file", s.File}, {"vendor", s.Vendor},
				{"clock", s.Clock}, {"vendor_start", fmtTime(s)}}}
		for _, l := range s.Lines {
			if !l.IsAssert() && l.Status != StatusFailed && l.Status != StatusError {
				continue
			}
			c := Case{Class: "script." + s.Name, Name: fmt.Sprintf("%s:%d %s", s.File, l.Line, l.Text)}
			if len(l.Rules) > 0 {
				c.Name += " (" + strings.Join(l.Rules, ", ") + ")"
			}
			switch l.Status {
			case StatusFailed:
				c.Failure, c.FailureType = fmt.Sprintf("line %d: expected %s", l.Line, l.Expected), "failure"
				c.FailureText = lineFailureText(l)
			case StatusError:
				c.Error = fmt.Sprintf("line %d: the harness could not judge it: %s", l.Line, l.Seen)
			case StatusSkipped:
				c.Skipped = "not reached: an earlier line failed"
			default:
				c.Output = fmt.Sprintf("✔ at %s", l.At.Format("2006-01-02 15:04:05 MST"))
			}
			su.Cases = append(su.Cases, c)
		}
		if s.Status == StatusError && len(s.Failed()) == 0 {
			su.Cases = append(su.Cases, Case{Class: "script." + s.Name, Name: s.File, Error: s.Error})
		}
		suites = append(suites, su)
	}
	return WriteSuites(w, "routecheck script", suites...)
}

func fmtTime(s *Script) string {
	if s.VendorStart.IsZero() {
		return ""
	}
	return vendorClock(s.VendorStart)
}

// lineFailureText is what a failed line expected and saw, why it failed
// at once, and the last frames of the parties involved.
func lineFailureText(l ScriptLine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d col %d: %s\nexpected: %s\nseen:     %s\n", l.Line, l.Col, l.Text, l.Expected, l.Seen)
	if l.Reason != "" {
		fmt.Fprintf(&b, "why:      %s\n", l.Reason)
	}
	for _, pf := range l.Frames {
		fmt.Fprintf(&b, "last frames %s received:\n", pf.Party)
		for _, f := range pf.Frames {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	return b.String()
}
