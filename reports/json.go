package reports

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"routecheck/sim/invariant"
	"routecheck/sim/workbench"
)

// The JSON shapes are apart from the model so the model stays plain Go
// (durations, bytes) and report.json stays stable for whatever reads it:
// snake_case keys, durations in milliseconds, screenshots by file name.

type jsonRun struct {
	Command           string                `json:"command"` // "run" (D-CLI-5)
	RunID             string                `json:"run_id"`
	Seed              int64                 `json:"seed"`
	Passed            bool                  `json:"passed"`
	ExitCode          int                   `json:"exit_code"`
	Interrupted       bool                  `json:"interrupted"`
	Rerun             string                `json:"rerun,omitempty"`
	Vendor            string                `json:"vendor"`
	VendorFile        string                `json:"vendor_file,omitempty"`
	Target            string                `json:"target"`
	TraceID           string                `json:"trace_id"`
	StartedAt         time.Time             `json:"started_at,omitzero"`
	VendorTime        time.Time             `json:"vendor_time,omitzero"`      // the workbench's clock at the start, in the vendor's zone
	VendorTimeHow     string                `json:"vendor_time_how,omitempty"` // how it was chosen (D-RUN-8)
	DurationMS        float64               `json:"duration_ms"`
	Steps             []jsonStep            `json:"steps"`
	Browser           []jsonBrowser         `json:"browser"`
	KPIs              workbench.KPIs        `json:"kpis"`
	Verdicts          []jsonVerdict         `json:"verdicts"`
	InvariantsChecked int                   `json:"invariants_checked"`
	Invariants        []invariant.Violation `json:"invariants"`
	Transcripts       []jsonTranscript      `json:"transcripts"`
	Notes             []string              `json:"notes"`
}

type jsonStep struct {
	Number     int                `json:"number"`
	Name       string             `json:"name"`
	Rule       string             `json:"rule"`
	Status     Status             `json:"status"`
	StartedAt  time.Time          `json:"started_at,omitzero"`
	DurationMS float64            `json:"duration_ms"`
	Checks     []jsonCheck        `json:"checks"`
	Diagnosis  *jsonDiagnosis     `json:"diagnosis"`
	Error      string             `json:"error,omitempty"` // status error: why the harness could not judge it
	TimingsMS  map[string]float64 `json:"timings_ms,omitempty"`
}

// jsonVerdict is a KPI verdict; pass is null when there was nothing to
// measure (measured false): not measured is never a pass.
type jsonVerdict struct {
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Op        string  `json:"op"`
	Pass      *bool   `json:"pass"`
	Measured  bool    `json:"measured"`
	Fix       string  `json:"fix,omitempty"`
	// FollowsFromStep: a failure that only follows from that failed step
	// (its consequence, with no fix of its own).
	FollowsFromStep int `json:"follows_from_step,omitempty"`
}

type jsonCheck struct {
	Name     string `json:"name"`
	Passed   bool   `json:"passed"`
	Expected string `json:"expected"`
	Seen     string `json:"seen"`
}

type jsonDiagnosis struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

type jsonBrowser struct {
	Name       string         `json:"name"`
	Rule       string         `json:"rule,omitempty"`
	Status     Status         `json:"status"`
	DurationMS float64        `json:"duration_ms"`
	Checks     []jsonCheck    `json:"checks,omitempty"`
	Diagnosis  *jsonDiagnosis `json:"diagnosis"`
	SkipReason string         `json:"skip_reason,omitempty"`
	Screenshot string         `json:"screenshot,omitempty"` // file name, next to report.json
}

type jsonTranscript struct {
	Conv  string     `json:"conv"`
	Title string     `json:"title"`
	Lines []jsonLine `json:"lines"`
}

type jsonLine struct {
	At     time.Time `json:"at,omitzero"`
	Sender string    `json:"sender"`
	Text   string    `json:"text"`
}

// WriteJSON writes report.json: the whole run, indented. Durations are
// milliseconds (duration_ms, timings_ms); a passed step has diagnosis null;
// a screenshot is the name of the PNG WriteAll puts next to it.
func WriteJSON(w io.Writer, r *Run) error {
	out := jsonRun{
		Command: cmp.Or(r.Command, "run"), RunID: r.ID, Seed: r.Seed, Passed: r.Passed, ExitCode: r.ExitCode, Interrupted: r.Interrupted, Rerun: r.Rerun,
		Vendor: r.Vendor, VendorFile: r.VendorFile, Target: r.Target, TraceID: r.TraceID,
		StartedAt: r.StartedAt, VendorTime: r.VendorTime, VendorTimeHow: r.VendorTimeHow, DurationMS: ms(r.Duration),
		Steps: []jsonStep{}, Browser: []jsonBrowser{}, KPIs: r.KPIs,
		Verdicts: jsonVerdicts(r), InvariantsChecked: r.InvariantsChecked,
		Invariants: nonNil(r.Invariants), Transcripts: []jsonTranscript{}, Notes: nonNil(r.Notes),
	}
	for _, s := range r.Steps {
		js := jsonStep{Number: s.Number, Name: s.Name, Rule: s.Rule, Status: s.Status,
			StartedAt: s.Started, DurationMS: ms(s.Duration), Checks: jsonChecks(s.Checks),
			Diagnosis: jsonDiag(s.Diagnosis), Error: s.Error}
		if len(s.Timings) > 0 {
			js.TimingsMS = map[string]float64{}
			for k, d := range s.Timings {
				js.TimingsMS[k] = ms(d)
			}
		}
		out.Steps = append(out.Steps, js)
	}
	for i, b := range r.Browser {
		out.Browser = append(out.Browser, jsonBrowser{Name: b.Name, Rule: b.Rule, Status: b.Status,
			DurationMS: ms(b.Duration), Checks: jsonChecks(b.Checks), Diagnosis: jsonDiag(b.Diagnosis),
			SkipReason: b.SkipReason, Screenshot: screenshotName(i, b)})
	}
	for _, t := range r.Transcripts {
		jt := jsonTranscript{Conv: t.Conv, Title: t.Title, Lines: []jsonLine{}}
		for _, l := range t.Lines {
			jt.Lines = append(jt.Lines, jsonLine(l))
		}
		out.Transcripts = append(out.Transcripts, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "expected: <a reply>" stays readable
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: json: %w", err)
	}
	return nil
}

func jsonVerdicts(r *Run) []jsonVerdict {
	out := []jsonVerdict{}
	for _, v := range r.Verdicts {
		jv := jsonVerdict{Name: v.Name, Value: v.Value, Threshold: v.Threshold, Op: v.Op, Measured: v.Measured}
		if v.Measured {
			pass := v.Pass
			jv.Pass = &pass
			if s, ok := r.followsFrom(v.Name); ok && !pass {
				jv.FollowsFromStep = s.Number
			} else if !pass {
				jv.Fix = kpiFix(v.Name)
			}
		}
		out = append(out, jv)
	}
	return out
}

func jsonChecks(cs []Check) []jsonCheck {
	out := make([]jsonCheck, len(cs))
	for i, c := range cs {
		out[i] = jsonCheck(c)
	}
	return out
}

func jsonDiag(d *Diagnosis) *jsonDiagnosis {
	if d == nil {
		return nil
	}
	return &jsonDiagnosis{Rule: d.Rule, Message: d.Message, Fix: d.Fix}
}

// nonNil makes an empty list [] rather than null, so readers need not
// tell the two apart.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// screenshotName is the file WriteAll gives a browser check's screenshot
// next to the reports, whether it came as bytes or as a file to copy:
// browser-01-<ascii letters of the name>.png; empty without a screenshot.
func screenshotName(i int, b BrowserCheck) string {
	if len(b.Screenshot) == 0 && b.ScreenshotFile == "" {
		return ""
	}
	var slug strings.Builder
	dash := false
	for _, c := range strings.ToLower(b.Name) {
		if c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			if dash && slug.Len() > 0 {
				slug.WriteByte('-')
			}
			slug.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
		if slug.Len() >= 40 {
			break
		}
	}
	if slug.Len() == 0 {
		return fmt.Sprintf("browser-%02d.png", i+1)
	}
	return fmt.Sprintf("browser-%02d-%s.png", i+1, slug.String())
}
