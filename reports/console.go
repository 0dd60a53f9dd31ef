package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
)

// lineWidth is the display column the step durations are aligned to; CJK
// characters take two columns.
const lineWidth = 64

// WriteConsole writes the run as a tester reads it at a glance: the header,
// a line per step and per browser check (with expected, seen and fix under
// a failure), the KPIs against their thresholds, the invariant verdict and
// a final PASS or FAIL line. It is WriteHeader, StepLine for each step and
// WriteSummary, so a live run can print the steps as they finish instead.
func WriteConsole(w io.Writer, r *Run) error {
	if err := WriteHeader(w, r); err != nil {
		return err
	}
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString(StepLine(s))
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return WriteSummary(w, r)
}

// WriteHeader writes who is tested where, with which seed. For a live run
// it needs only the identity fields of r.
func WriteHeader(w io.Writer, r *Run) error {
	var b strings.Builder
	fmt.Fprintf(&b, "routecheck route test  run %s  seed %d\n", orDash(r.ID), r.Seed)
	vendor := orDash(r.Vendor)
	if r.VendorFile != "" {
		vendor += " (" + r.VendorFile + ")"
	}
	fmt.Fprintf(&b, "vendor %s  target %s", vendor, orDash(r.Target))
	if r.TraceID != "" {
		fmt.Fprintf(&b, "  trace %s", r.TraceID)
	}
	if r.VendorTimeHow != "" {
		// the time of day the test ran at, on the vendor's clock (R-VEN-4)
		fmt.Fprintf(&b, "\nvendor time %s", r.VendorTimeHow)
	}
	b.WriteString("\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// StepLine is one step as the console shows it:
//
//	✔ 1/5 测试订单与测试账号 (R-RT-1) ............ 12ms
//
// followed, for a failed step, by indented check, expected, seen and fix
// lines. It has no trailing newline.
func StepLine(s Step) string {
	head := fmt.Sprintf("%s %d/%d %s", mark(s.Status), s.Number, RouteSteps, nameRule(s.Name, s.Rule))
	return resultLine(head, s.Status, s.Duration) + details(s.Status, s.Checks, s.Diagnosis)
}

// BrowserLine is one browser check, formatted as StepLine.
func BrowserLine(c BrowserCheck) string {
	head := fmt.Sprintf("%s %s", mark(c.Status), c.Title())
	line := resultLine(head, c.Status, c.Duration) + details(c.Status, c.Checks, c.Diagnosis)
	if c.Status == StatusSkipped && c.SkipReason != "" {
		line += "\n    reason:   " + oneLine(c.SkipReason)
	}
	return line
}

// WriteSummary writes everything after the steps: browser checks, KPIs,
// invariants, notes and the final PASS or FAIL line with where the reports
// are.
func WriteSummary(w io.Writer, r *Run) error {
	bw := bufio.NewWriter(w)
	if len(r.Browser) > 0 {
		fmt.Fprintln(bw, "\nbrowser checks")
		for _, c := range r.Browser {
			fmt.Fprintln(bw, BrowserLine(c))
		}
	}
	writeKPIs(bw, r)
	writeInvariants(bw, r)
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	bw.WriteString("\n")
	writeVerdict(bw, r)
	return bw.Flush()
}

func writeKPIs(w *bufio.Writer, r *Run) {
	k := r.KPIs
	fmt.Fprintf(w, "\nKPIs (R-KPI-1) over %s: %d picked up, %d abandoned",
		Plural(k.ServiceRequests, "service request"), k.PickedUp, k.Abandoned)
	if k.Waiting > 0 {
		fmt.Fprintf(w, ", %d waiting", k.Waiting)
	}
	w.WriteString("\n")
	if len(r.Verdicts) == 0 {
		w.WriteString("  not assessed\n")
	}
	for _, v := range r.Verdicts {
		m, val := "✔", kpiValue(v.Name, v.Value)
		switch {
		case !v.Measured:
			m, val = "–", "—"
		case !v.Pass:
			m = "✘"
		}
		label := kpiLabel(v.Name)
		fmt.Fprintf(w, "  %s %s%s %9s  %-7s %s\n", m, label, pad(label, 28), val, kpiThreshold(v), verdictResult(v))
		if v.Measured && !v.Pass {
			if s, ok := r.followsFrom(v.Name); ok {
				fmt.Fprintf(w, "      %s\n", consequence(s))
			} else {
				fmt.Fprintf(w, "      fix (R-KPI-1): %s\n", kpiFix(v.Name))
			}
		}
	}
}

func writeInvariants(w *bufio.Writer, r *Run) {
	switch {
	case len(r.Invariants) > 0:
		fmt.Fprintf(w, "\n✘ invariants: %d violated over %s\n", len(r.Invariants), Plural(r.InvariantsChecked, "event"))
		for _, v := range r.Invariants {
			fmt.Fprintf(w, "    %s\n", v)
		}
	case r.InvariantsChecked > 0:
		fmt.Fprintf(w, "\n✔ invariants: clean over %s\n", Plural(r.InvariantsChecked, "event"))
	default:
		w.WriteString("\n– invariants: not checked\n")
	}
}

func writeVerdict(w *bufio.Writer, r *Run) {
	bad, broken := r.errorStep()
	switch {
	case r.Interrupted:
		fmt.Fprintf(w, "INTERRUPTED  run %s  seed %d  after %s: no verdict on the vendor\n", orDash(r.ID), r.Seed, fmtDuration(r.Duration))
	case broken:
		fmt.Fprintf(w, "HARNESS ERROR  run %s  seed %d  in %s  at step %d/%d %s: the harness could not judge it; this says nothing about the vendor\n",
			orDash(r.ID), r.Seed, fmtDuration(r.Duration), bad.Number, RouteSteps, nameRule(bad.Name, bad.Rule))
	case r.Passed:
		fmt.Fprintf(w, "PASS  run %s  seed %d  in %s\n", orDash(r.ID), r.Seed, fmtDuration(r.Duration))
	default:
		fmt.Fprintf(w, "FAIL  run %s  seed %d  in %s", orDash(r.ID), r.Seed, fmtDuration(r.Duration))
		if f := r.Failed(); len(f) > 0 {
			fmt.Fprintf(w, "  at step %d/%d %s", f[0].Number, RouteSteps, nameRule(f[0].Name, f[0].Rule))
		} else if k := failedKPIs(r); len(k) > 0 {
			fmt.Fprintf(w, "  on KPI %s (R-KPI-1)", kpiLabel(k[0].Name))
		}
		w.WriteString("\n")
	}
	if !r.Passed {
		if r.Rerun != "" {
			fmt.Fprintf(w, "      repeat with: %s\n", r.Rerun)
		} else {
			fmt.Fprintf(w, "      repeat with --seed %d\n", r.Seed)
		}
	}
	if r.OutDir != "" {
		fmt.Fprintf(w, "reports: %s/{%s,%s,%s}\n", strings.TrimSuffix(r.OutDir, "/"), HTMLFile, JSONFile, JUnitFile)
	}
}

func mark(s Status) string {
	switch s {
	case StatusPassed:
		return "✔"
	case StatusFailed:
		return "✘"
	case StatusError:
		return "!"
	}
	return "–"
}

// resultLine pads head with dots to lineWidth and ends it with the
// duration, or "skipped".
func resultLine(head string, st Status, d time.Duration) string {
	tail := fmtDuration(d)
	if st == StatusSkipped {
		tail = "skipped"
	}
	dots := max(3, lineWidth-displayWidth(head)-2)
	return head + " " + strings.Repeat(".", dots) + " " + tail
}

// details are the indented lines under a failure: each failed check's
// expected and seen, or the diagnosis message when no check says more,
// then the fix with its rule.
func details(st Status, checks []Check, d *Diagnosis) string {
	if st == StatusError {
		// the harness's own trouble: no vendor fix to give
		for _, c := range checks {
			if c.Name == "harness" {
				return "\n    harness:  " + oneLine(c.Seen)
			}
		}
		return ""
	}
	if st != StatusFailed {
		return ""
	}
	var b strings.Builder
	fc := failedChecks(checks)
	for _, c := range fc {
		if c.Name != "" {
			fmt.Fprintf(&b, "\n    check:    %s", oneLine(c.Name))
		}
		fmt.Fprintf(&b, "\n    expected: %s", oneLine(c.Expected))
		fmt.Fprintf(&b, "\n    seen:     %s", oneLine(c.Seen))
	}
	if len(fc) == 0 && d != nil && d.Message != "" {
		fmt.Fprintf(&b, "\n    problem:  %s", oneLine(d.Message))
	}
	rule := ""
	if d != nil {
		rule = d.Rule
	}
	if rule == "" {
		fmt.Fprintf(&b, "\n    fix: %s", oneLine(fixText(d)))
	} else {
		fmt.Fprintf(&b, "\n    fix (%s): %s", rule, oneLine(fixText(d)))
	}
	return b.String()
}

// oneLine keeps a multi-line value on its line, indented under it.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n              ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// pad is the spaces that bring s to n display columns.
func pad(s string, n int) string {
	return strings.Repeat(" ", max(1, n-displayWidth(s)))
}

// displayWidth counts terminal columns: East Asian wide characters take
// two (a table instead of golang.org/x/text/width, to keep the package on
// the standard library).
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case wide(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	return r >= 0x1100 && r <= 0x115F || r >= 0x2E80 && r <= 0x303E || r >= 0x3041 && r <= 0x33FF ||
		r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF || r >= 0xA000 && r <= 0xA4CF ||
		r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F ||
		r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6 || r >= 0x20000 && r <= 0x3FFFD
}
