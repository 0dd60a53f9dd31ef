package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteScriptConsole writes a script run as the console shows it: for
// each script its head, a line per assert (and per failed line, with
// expected, seen, why it failed at once and the last frames of the
// parties involved), its verdict; then the verdict of the whole run. It
// is ScriptHead, ScriptLineText and ScriptTail per script and
// WriteScriptSummary, so a live run can print lines as they are judged.
func WriteScriptConsole(w io.Writer, r *ScriptRun) error {
	var b strings.Builder
	for i := range r.Scripts {
		s := &r.Scripts[i]
		b.WriteString(ScriptHead(s))
		for _, l := range s.Lines {
			if l.IsAssert() && l.Status != StatusSkipped || l.Status == StatusFailed || l.Status == StatusError {
				b.WriteString(ScriptLineText(l))
				b.WriteByte('\n')
			}
		}
		b.WriteString(ScriptTail(s))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return WriteScriptSummary(w, r)
}

// ScriptHead is a script's name, vendor, workbench and clock, with the
// notes the tester must read before it runs (real waits against --target).
func ScriptHead(s *Script) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", s.Name, s.File)
	if s.Summary != "" {
		fmt.Fprintf(&b, "  %s\n", s.Summary)
	}
	vendor := orDash(s.Vendor)
	if s.VendorFile != "" {
		vendor += " (" + s.VendorFile + ")"
	}
	clock := "the script moves its clock"
	if s.Clock == "real" {
		clock = "its own clock: waits are real"
	}
	fmt.Fprintf(&b, "  vendor %s  workbench %s, %s\n", vendor, orDash(s.Target), clock)
	if !s.VendorStart.IsZero() {
		fmt.Fprintf(&b, "  vendor time %s\n", vendorClock(s.VendorStart))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "  note: %s\n", oneLine(n))
	}
	return b.String()
}

// ScriptLineText is one judged line:
//
//	✔ 17 expect 买家 gets idle warning ............... 10:04:00 +4m0s
//
// with, under a failure, what was expected and seen, why it failed at once,
// and each involved party's last frames. No trailing newline.
func ScriptLineText(l ScriptLine) string {
	head := fmt.Sprintf("  %s %d %s", mark(l.Status), l.Line, l.Text)
	tail := "skipped"
	if l.Status != StatusSkipped {
		tail = l.At.Format("15:04:05")
		if l.Took > 0 {
			tail += " +" + fmtVirtual(l.Took)
		}
	}
	dots := max(3, lineWidth-displayWidth(head)-2)
	out := head + " " + strings.Repeat(".", dots) + " " + tail
	if l.Status == StatusError {
		return out + "\n      harness:  " + oneLine(l.Seen)
	}
	if l.Status != StatusFailed {
		return out
	}
	var b strings.Builder
	b.WriteString(out)
	fmt.Fprintf(&b, "\n      expected: %s", oneLine(l.Expected))
	fmt.Fprintf(&b, "\n      seen:     %s", oneLine(l.Seen))
	if l.Reason != "" {
		fmt.Fprintf(&b, "\n      why:      %s", oneLine(l.Reason))
	}
	for _, pf := range l.Frames {
		fmt.Fprintf(&b, "\n      last frames %s received:", pf.Party)
		for _, f := range pf.Frames {
			fmt.Fprintf(&b, "\n        %s", f)
		}
	}
	return b.String()
}

// ScriptTail is a script's verdict line.
func ScriptTail(s *Script) string {
	passed, total := s.Asserts()
	var took string
	if !s.VendorStart.IsZero() && !s.VendorEnd.IsZero() {
		took = fmt.Sprintf(" (%s of the workbench's time)", fmtVirtual(s.VendorEnd.Sub(s.VendorStart)))
	}
	verdict := map[Status]string{StatusPassed: "PASS", StatusFailed: "FAIL", StatusError: "ERROR", StatusSkipped: "NOT RUN"}[s.Status]
	line := fmt.Sprintf("  %s %s  %d/%d asserts  in %s%s\n", verdict, s.Name, passed, total, fmtDuration(s.Duration), took)
	if s.Error != "" {
		line += "  " + oneLine(s.Error) + "\n"
	}
	return line + "\n"
}

// WriteScriptSummary writes the run's verdict, where the reports are and,
// after a failure, the command that repeats it.
func WriteScriptSummary(w io.Writer, r *ScriptRun) error {
	bw := bufio.NewWriter(w)
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	var passed, failed, broken, asserts int
	for i := range r.Scripts {
		_, n := r.Scripts[i].Asserts()
		asserts += n
		switch r.Scripts[i].Status {
		case StatusPassed:
			passed++
		case StatusFailed:
			failed++
		default:
			broken++
		}
	}
	verdict := "FAIL"
	switch {
	case r.Interrupted:
		verdict = "INTERRUPTED"
	case broken > 0 && r.ExitCode != 1:
		verdict = "HARNESS ERROR"
		if r.ExitCode == 2 {
			verdict = "SCRIPT ERROR"
		}
	case r.Passed:
		verdict = "PASS"
	}
	fmt.Fprintf(bw, "%s  %s: %d passed, %d failed", verdict, Plural(len(r.Scripts), "script"), passed, failed)
	if broken > 0 {
		fmt.Fprintf(bw, ", %d not judged", broken)
	}
	fmt.Fprintf(bw, "; %s  seed %d  in %s\n", Plural(asserts, "assert"), r.Seed, fmtDuration(r.Duration))
	if r.OutDir != "" {
		fmt.Fprintf(bw, "reports: %s/{%s,%s,%s}\n", r.OutDir, HTMLFile, JSONFile, JUnitFile)
	}
	if !r.Passed && r.Rerun != "" {
		fmt.Fprintf(bw, "repeat with: %s\n", r.Rerun)
	}
	return bw.Flush()
}

// vendorClock is a time on the vendor's wall clock with its weekday.
func vendorClock(t time.Time) string {
	wd := []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[t.Weekday()]
	return fmt.Sprintf("%s %s %s", wd, t.Format("2006-01-02 15:04:05"), t.Location())
}

// fmtVirtual is a span of the workbench's time: 4m0s, 12s, 1h2m0s.
func fmtVirtual(d time.Duration) string {
	if d < time.Second {
		return fmtDuration(d)
	}
	return d.Round(time.Second).String()
}
