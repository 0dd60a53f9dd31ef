package reports

import (
	"encoding/json"
	"io"
	"time"

	"routecheck/sim/invariant"
	"routecheck/sim/workbench"
)

// report.json of `routecheck script`: the head every command shares
// (D-CLI-5), then each script with its lines, transcript, KPIs and
// invariant check. Durations are milliseconds; times of the workbench are
// on the vendor's wall clock with its offset.

type jsonScriptRun struct {
	Command     string       `json:"command"` // "script"
	Seed        int64        `json:"seed"`
	Passed      bool         `json:"passed"`
	ExitCode    int          `json:"exit_code"`
	Interrupted bool         `json:"interrupted"`
	Rerun       string       `json:"rerun,omitempty"`
	StartedAt   time.Time    `json:"started_at,omitzero"`
	DurationMS  float64      `json:"duration_ms"`
	Scripts     []jsonScript `json:"scripts"`
	Notes       []string     `json:"notes"`
}

type jsonScript struct {
	Name              string                `json:"name"`
	File              string                `json:"file"`
	Summary           string                `json:"summary,omitempty"`
	Vendor            string                `json:"vendor"`
	VendorFile        string                `json:"vendor_file,omitempty"`
	Target            string                `json:"target"`
	Clock             string                `json:"clock"` // virtual or real
	Status            Status                `json:"status"`
	Pass              bool                  `json:"pass"`
	Error             string                `json:"error,omitempty"`
	StartedAt         time.Time             `json:"started_at,omitzero"`
	VendorStart       time.Time             `json:"vendor_start,omitzero"`
	VendorEnd         time.Time             `json:"vendor_end,omitzero"`
	DurationMS        float64               `json:"duration_ms"`
	VendorMS          float64               `json:"vendor_ms"` // workbench time the script spanned
	AssertsPassed     int                   `json:"asserts_passed"`
	Asserts           int                   `json:"asserts"`
	Rules             []string              `json:"rules"`
	Lines             []jsonScriptLine      `json:"lines"`
	Transcript        []jsonScriptEntry     `json:"transcript"`
	KPIs              workbench.KPIs        `json:"kpis"`
	Verdicts          []jsonVerdict         `json:"verdicts"`
	InvariantsChecked int                   `json:"invariants_checked"`
	Invariants        []invariant.Violation `json:"invariants"`
	Notes             []string              `json:"notes"`
}

type jsonScriptLine struct {
	Line     int           `json:"line"`
	Col      int           `json:"col"`
	Text     string        `json:"text"`
	Kind     string        `json:"kind"`
	Rules    []string      `json:"rules"`
	Status   Status        `json:"status"`
	At       time.Time     `json:"at,omitzero"`
	TookMS   float64       `json:"took_ms"`
	Expected string        `json:"expected,omitempty"`
	Seen     string        `json:"seen,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	Frames   []PartyFrames `json:"frames,omitempty"`
}

type jsonScriptEntry struct {
	At     time.Time `json:"at,omitzero"`
	Kind   string    `json:"kind"`
	Line   int       `json:"line,omitempty"`
	Who    string    `json:"who,omitempty"`
	Sender string    `json:"sender,omitempty"`
	Chat   string    `json:"chat,omitempty"`
	Text   string    `json:"text"`
	Status Status    `json:"status,omitempty"`
}

// MarshalJSON keeps a party's frames as {"party", "frames"}.
func (p PartyFrames) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Party  string   `json:"party"`
		Frames []string `json:"frames"`
	}{p.Party, nonNil(p.Frames)})
}

// WriteScriptJSON writes a script run's report.json.
func WriteScriptJSON(w io.Writer, r *ScriptRun) error {
	out := jsonScriptRun{Command: "script", Seed: r.Seed, Passed: r.Passed, ExitCode: r.ExitCode, Interrupted: r.Interrupted,
		Rerun: r.Rerun, StartedAt: r.StartedAt, DurationMS: ms(r.Duration), Scripts: []jsonScript{}, Notes: nonNil(r.Notes)}
	for i := range r.Scripts {
		s := &r.Scripts[i]
		passed, total := s.Asserts()
		js := jsonScript{Name: s.Name, File: s.File, Summary: s.Summary, Vendor: s.Vendor, VendorFile: s.VendorFile, Target: s.Target,
			Clock: s.Clock, Status: s.Status, Pass: s.Status == StatusPassed, Error: s.Error, StartedAt: s.StartedAt,
			VendorStart: s.VendorStart, VendorEnd: s.VendorEnd, DurationMS: ms(s.Duration), AssertsPassed: passed, Asserts: total,
			Rules: nonNil(s.Rules), Lines: []jsonScriptLine{}, Transcript: []jsonScriptEntry{}, KPIs: s.KPIs, Verdicts: []jsonVerdict{},
			InvariantsChecked: s.InvariantsChecked, Invariants: nonNil(s.Invariants), Notes: nonNil(s.Notes)}
		if !s.VendorStart.IsZero() && !s.VendorEnd.IsZero() {
			js.VendorMS = ms(s.VendorEnd.Sub(s.VendorStart))
		}
		for _, l := range s.Lines {
			js.Lines = append(js.Lines, jsonScriptLine{Line: l.Line, Col: l.Col, Text: l.Text, Kind: l.Kind, Rules: nonNil(l.Rules),
				Status: l.Status, At: l.At, TookMS: ms(l.Took), Expected: l.Expected, Seen: l.Seen, Reason: l.Reason, Frames: l.Frames})
		}
		for _, e := range s.Transcript {
			js.Transcript = append(js.Transcript, jsonScriptEntry(e))
		}
		for _, v := range s.Verdicts {
			jv := jsonVerdict{Name: v.Name, Value: v.Value, Threshold: v.Threshold, Op: v.Op, Measured: v.Measured}
			if v.Measured {
				pass := v.Pass
				jv.Pass = &pass
			}
			js.Verdicts = append(js.Verdicts, jv)
		}
		out.Scripts = append(out.Scripts, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
