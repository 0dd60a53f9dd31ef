// Package reports owns the one report model of routecheck (a Run of the
// five-step route test with its checks, timings, browser evidence, KPIs and
// invariant verdict) and its writers: console, JSON, JUnit XML and HTML, one
// file each. Writers only format: they judge nothing and print Run.Passed as
// given, so every format tells the same story.
package reports

import (
	"fmt"
	"strings"
	"time"

	"routecheck/sim/invariant"
	"routecheck/sim/workbench"
)

// RouteSteps is the number of steps of the route test (SPEC.md step 5,
// R-RT-1..5); progress lines read "n/5".
const RouteSteps = 5

// Status is the outcome of a step or a browser check.
type Status string

// Statuses. A step after a failed one is skipped: it would only repeat the
// failure.
const (
	StatusPassed  Status = "passed"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
	// StatusError is a step the harness could not judge: the run was
	// interrupted, or the harness's own wait ran out. It is never the
	// vendor's fault and carries no vendor diagnosis (exit 3, or 130).
	StatusError Status = "error"
)

// Run is one route test: who was tested where, with which seed, each step
// with what was expected and seen, and how the run is judged.
type Run struct {
	// Command is the command that made the report: "run" when empty,
	// "checklist" for a manual test's record (D-CLI-5, D-CHK-2).
	Command    string
	ID         string // e.g. "<vendor id>-<seed>"; names the report
	Seed       int64  // repeats the run with --seed
	Vendor     string // vendor name as testers know it
	VendorFile string // the fixture the vendor came from
	Target     string // base URL of the workbench under test
	TraceID    string // carried in the test messages, to find them in logs

	StartedAt time.Time
	Duration  time.Duration
	// VendorTime is the workbench's clock when the steps began, in the
	// vendor's zone: the time of day the test ran at (R-VEN-4). Zero when
	// unknown.
	VendorTime time.Time
	// VendorTimeHow says how that time was chosen (D-RUN-8): the next
	// in-hours instant, rehearsal.start_at, --at, or the harness's clock.
	VendorTimeHow string
	// Passed is the verdict the writers print; the runner decides it
	// (steps, browser checks, invariants, KPI verdicts).
	Passed bool
	// ExitCode is what the CLI exits with (DESIGN.md principle 4): 0 all
	// checks passed, 1 a check failed, 2 bad input, 3 the harness could not run.
	ExitCode int
	// Interrupted is a run stopped by Ctrl-C or SIGTERM (exit 130): what
	// ran is reported, nothing is judged against the vendor.
	Interrupted bool
	// Rerun is the whole command that repeats the run (vendor, seed,
	// timeouts, token TTL, flags); empty when not run from the CLI.
	Rerun string

	Steps   []Step
	Browser []BrowserCheck

	KPIs     workbench.KPIs      // R-KPI-1 over this run's test chats
	Verdicts []workbench.Verdict // KPIs against thresholds
	// FollowsFrom names the failed KPIs that only follow from an earlier
	// step that failed or could not be judged (a request the step left
	// unserved is not picked up), by KPI name: that step's number. They are
	// shown as its consequence, with no cause or fix of their own.
	FollowsFrom map[string]int

	Invariants        []invariant.Violation // none means the log is clean
	InvariantsChecked int                   // events the invariant checker read; 0 means not checked

	Transcripts []Transcript
	Notes       []string

	// OutDir is where the file reports were written (WriteAll); the console
	// summary points the tester there. Not part of the file reports.
	OutDir string
}

// Step is one of the five route-test steps.
type Step struct {
	Number    int    // 1..5
	Name      string // e.g. "测试订单与测试账号 (test order & account)"
	Rule      string // e.g. "R-RT-1"
	Status    Status
	Started   time.Time // zero for a skipped step
	Duration  time.Duration
	Checks    []Check    // in the order they ran; a step stops at its first failure
	Diagnosis *Diagnosis // set when the step failed
	// Error says why the harness could not judge the step (StatusError).
	Error string
	// Timings are named phases, "<phase>" or "<phase> <chat title>", with
	// phase in_bot, in_queue or first_response (the HTML waterfall draws
	// these per chat); any other name is shown as a bar from the step start.
	Timings map[string]time.Duration
}

// Check is one judged observation: what the rules expect and what the
// actors saw.
type Check struct {
	Name     string
	Passed   bool
	Expected string
	Seen     string
}

// Diagnosis says what went wrong and the configuration fix, citing the
// rule the fix restores.
type Diagnosis struct {
	Rule    string // e.g. "R-TEN-1"
	Message string // what went wrong: expected vs seen
	Fix     string // what to change, and where; empty when none is known
}

// BrowserCheck is one check in a real Chromium (R-WB-1, R-WB-3, R-TEN-1),
// with a screenshot as evidence.
type BrowserCheck struct {
	Name      string
	Rule      string
	Status    Status
	Duration  time.Duration
	Checks    []Check // optional, as for a step
	Diagnosis *Diagnosis
	// SkipReason says why a skipped check could not apply to the vendor
	// (D-BR-1), e.g. no agent with a second tenant.
	SkipReason string
	// Screenshot is a PNG. WriteAll writes it next to the reports and the
	// HTML embeds it. ScreenshotFile names a PNG already on disk instead;
	// WriteAll copies it next to the reports.
	Screenshot     []byte
	ScreenshotFile string
}

// Transcript is one test chat as the customer saw it.
type Transcript struct {
	Conv  string
	Title string // the chat's title, as in the Timings names
	Lines []Line
}

// Line is one chat message. Sender is customer, bot, agent or system.
type Line struct {
	At     time.Time
	Sender string
	Text   string
}

// Failed returns the failed steps, in order.
func (r *Run) Failed() []Step {
	var out []Step
	for _, s := range r.Steps {
		if s.Status == StatusFailed {
			out = append(out, s)
		}
	}
	return out
}

// Title is the step as a one-line name: "4 转人工 (R-RT-4)".
func (s Step) Title() string {
	return fmt.Sprintf("%d %s", s.Number, nameRule(s.Name, s.Rule))
}

// Title is the browser check as a one-line name: "通知 (R-WB-3)".
func (b BrowserCheck) Title() string { return nameRule(b.Name, b.Rule) }

func nameRule(name, rule string) string {
	if rule == "" {
		return name
	}
	return name + " (" + rule + ")"
}

// failedChecks are the checks to show for a failure.
func failedChecks(cs []Check) []Check {
	var out []Check
	for _, c := range cs {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// fixText is the diagnosis' fix, or what the seed says to do without one:
// report the failed step to CCO.
func fixText(d *Diagnosis) string {
	if d == nil || strings.TrimSpace(d.Fix) == "" {
		return "no known configuration fix: report this step, with the seed and trace id, to CCO"
	}
	return d.Fix
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// fmtDuration is a duration as a tester reads it: 850µs, 3.4ms, 12ms, 1.25s.
func fmtDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + fmtDuration(-d)
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Round(time.Millisecond).Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

// kpiLabel names a verdict as the vendor assessment does (R-KPI-1).
func kpiLabel(name string) string {
	switch name {
	case "pickup_rate":
		return "接起率 pickup rate"
	case "abandonment_rate":
		return "排队放弃率 abandonment rate"
	case "first_response_s":
		return "首响时长 first response"
	case "satisfaction":
		return "即时满意度 satisfaction"
	}
	return name
}

// kpiValue formats a KPI value: rates as %, response time in s.
func kpiValue(name string, v float64) string {
	switch {
	case strings.HasSuffix(name, "_s"):
		return fmt.Sprintf("%.2f s", v)
	case strings.HasSuffix(name, "rate"), name == "satisfaction":
		return fmt.Sprintf("%.1f%%", v*100)
	}
	return fmt.Sprintf("%g", v)
}

// kpiThreshold is "≥ 90%" or "< 30 s".
func kpiThreshold(v workbench.Verdict) string {
	op := v.Op
	switch op {
	case ">=":
		op = "≥"
	case "<=":
		op = "≤"
	}
	t := kpiValue(v.Name, v.Threshold)
	// thresholds are round: drop the ".0" of 90.0% and ".00" of 30.00 s
	t = strings.Replace(strings.Replace(t, ".0%", "%", 1), ".00 s", " s", 1)
	return op + " " + t
}

// kpiFix is what a vendor changes when a KPI fails (R-KPI-1).
func kpiFix(name string) string {
	switch name {
	case "pickup_rate":
		return "requests must be picked up (接起率 ≥ 90%): keep enough agents 在线 in the work hours, or ask operations to raise their capacity (V级管理, at most 1V6 advised)"
	case "first_response_s":
		return "agents must send a first reply within 30 s of taking a chat (首响时长): keep X-Space open with notifications allowed (R-WB-3, R-NTF-1), answer with a 常用语 first (R-QR-1), and lower the capacity (V级管理) if agents cannot keep up"
	case "satisfaction":
		return "即时满意度 must be at least 70%: review the rated chats with the agents"
	}
	return ""
}

// followsFrom is the step a failed KPI is a consequence of, if any.
func (r *Run) followsFrom(kpi string) (Step, bool) {
	n, ok := r.FollowsFrom[kpi]
	if !ok {
		return Step{}, false
	}
	for _, s := range r.Steps {
		if s.Number == n {
			return s, true
		}
	}
	return Step{}, false
}

// consequence says what a follow-on KPI failure follows from.
func consequence(s Step) string {
	how := "failed"
	if s.Status == StatusError {
		how = "could not be judged"
	}
	return fmt.Sprintf("follows from step %d/%d %s, which %s: the requests it left unserved count against the KPI; no fix of its own",
		s.Number, RouteSteps, nameRule(s.Name, s.Rule), how)
}

// failedKPIs are the measured KPIs below their thresholds.
func failedKPIs(r *Run) []workbench.Verdict {
	var out []workbench.Verdict
	for _, v := range r.Verdicts {
		if v.Measured && !v.Pass {
			out = append(out, v)
		}
	}
	return out
}

// errorStep is the first step the harness could not judge, if any.
func (r *Run) errorStep() (Step, bool) {
	for _, s := range r.Steps {
		if s.Status == StatusError {
			return s, true
		}
	}
	return Step{}, false
}

// verdictResult is pass, FAIL or not measured.
func verdictResult(v workbench.Verdict) string {
	switch {
	case !v.Measured:
		return "not measured"
	case v.Pass:
		return "pass"
	}
	return "FAIL"
}

// KPILabel names a KPI as the vendor assessment does: "首响时长 first response".
func KPILabel(name string) string { return kpiLabel(name) }

// KPIValue formats a KPI's value as the reports do: rates in %, times in s.
func KPIValue(name string, v float64) string { return kpiValue(name, v) }
