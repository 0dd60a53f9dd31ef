package reports

import (
	"time"

	"routecheck/sim/invariant"
	"routecheck/sim/workbench"
)

// ScriptRun is one `routecheck script` command: conversation scripts, each
// run over the wire (docs/scripts.md). It has its own writers (script_*.go)
// in the same formats as a route test's: console, report.json, junit.xml
// with one case per assert line, and report.html whose transcript marks
// every assert next to the messages around it.
type ScriptRun struct {
	Seed        int64
	Passed      bool
	ExitCode    int
	Interrupted bool
	Rerun       string
	StartedAt   time.Time
	Duration    time.Duration
	Scripts     []Script
	Notes       []string
	OutDir      string // where the file reports went; not in them
}

// Script is one script's run.
type Script struct {
	Name       string // e.g. "idle-close"
	File       string
	Summary    string // the comment the file starts with
	Vendor     string // the vendor's name as testers know it
	VendorFile string
	Target     string
	// Clock is "virtual" when the script moved the bundled workbench's
	// clock, "real" against --target (waits take their time).
	Clock string
	// Status: passed, failed (an assert failed or the workbench refused an
	// action: the vendor's), error (the harness could not run it: never
	// the vendor's) or skipped (not run: the command was interrupted).
	Status Status
	Error  string // why it could not be judged (StatusError)
	// StartedAt is the harness's clock; VendorStart and VendorEnd the
	// workbench's, in the vendor's zone.
	StartedAt   time.Time
	VendorStart time.Time
	VendorEnd   time.Time
	Duration    time.Duration
	// Lines are the script's actions, waits and asserts in the order they
	// ran, each judged; the lines after a failure are skipped.
	Lines      []ScriptLine
	Transcript []ScriptEntry
	Notes      []string
	// Source is the script's text, line by line, for report.html.
	Source []string

	KPIs              workbench.KPIs // R-KPI-1 over the script's chats
	Verdicts          []workbench.Verdict
	Invariants        []invariant.Violation
	InvariantsChecked int
	// Rules are the rule IDs the script's lines cite, in order of first
	// citation.
	Rules []string
}

// ScriptLine is one line of a script as it ran.
type ScriptLine struct {
	Line, Col int
	Text      string
	Kind      string // action, expect, wait, at
	Rules     []string
	Status    Status
	// At is the workbench's time when the line was done (vendor zone);
	// Took how much of it the line waited for.
	At       time.Time
	Took     time.Duration
	Expected string
	Seen     string
	// Reason says why an assert failed at once instead of waiting out its
	// time: what it waits on can no longer happen.
	Reason string
	// Frames are the last frames each party the line involves received
	// (for a failure).
	Frames []PartyFrames
}

// IsAssert says whether the line is an assert (a JUnit case of its own).
func (l ScriptLine) IsAssert() bool { return l.Kind == "expect" }

// PartyFrames are a party's last frames, one line each.
type PartyFrames struct {
	Party  string
	Frames []string
}

// ScriptEntry is one line of a script's transcript: what a party did, a
// message someone received, the clock moving, or an assert's result.
type ScriptEntry struct {
	At     time.Time // the workbench's clock
	Kind   string    // action, wait, message, assert, note
	Line   int       // the script line, 0 for messages
	Who    string    // the party, or bot / system
	Sender string    // customer, bot, agent, system (messages)
	Chat   string    // the customer party a message belongs to
	Text   string
	Status Status // asserts
}

// Failed are the lines that failed or could not be judged.
func (s *Script) Failed() []ScriptLine {
	var out []ScriptLine
	for _, l := range s.Lines {
		if l.Status == StatusFailed || l.Status == StatusError {
			out = append(out, l)
		}
	}
	return out
}

// Asserts counts the script's assert lines and those that passed.
func (s *Script) Asserts() (passed, total int) {
	for _, l := range s.Lines {
		if l.IsAssert() {
			total++
			if l.Status == StatusPassed {
				passed++
			}
		}
	}
	return passed, total
}
