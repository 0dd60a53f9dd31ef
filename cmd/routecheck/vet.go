package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"routecheck/fixtures"
	"routecheck/internal/term"
	"routecheck/reports"
	"routecheck/sim/routetest"
)

const vetExamples = `  routecheck vet my-vendor.yaml
  routecheck vet vendors/*.yaml              # several vendors at once
  routecheck vet demo broken/wrong-tenant    # bundled vendors by name (routecheck fixtures)
  routecheck vet --strict --json my-vendor.yaml | jq .ready
  cat my-vendor.yaml | routecheck vet -      # "-" reads stdin
`

type vetFlags struct {
	json    bool
	strict  bool
	noColor bool
	clocks  harnessClocks
}

func newVetCmd(g *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f vetFlags
	cmd := &cobra.Command{
		Use:   "vet FILE...",
		Short: "check onboarding data (R-VEN-1..5), print a go-live checklist",
		Long: "Validates vendor onboarding data (R-VEN-1..5) and prints a go-live readiness checklist:\n" +
			"errors (exit 2) and warnings (exit 0, or 1 with --strict). FILE may be a bundled vendor's\n" +
			"name, or - for stdin.",
		Example: vetExamples,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("routecheck vet: name at least one vendor file, e.g. routecheck vet my-vendor.yaml (or - for stdin)")
			}
			return nil
		},
		ValidArgsFunction: vendorNames,
		Run: func(cmd *cobra.Command, args []string) {
			f.noColor, f.clocks = g.noColor, g.clocks
			*code = vetFiles(args, f, cmd.InOrStdin(), stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&f.json, "json", false, "one JSON object per file and line (errors, warnings, checklist), for pipelines")
	cmd.Flags().BoolVar(&f.strict, "strict", false, "warnings fail too: exit 1 when a file has warnings")
	return cmd
}

// vetFiles checks onboarding data for CCO staff: errors exit 2, warnings
// are listed in the go-live checklist and fail only with --strict.
func vetFiles(paths []string, f vetFlags, stdin io.Reader, stdout, stderr io.Writer) int {
	out := stdout
	if !f.json {
		out = term.Colorize(stdout, term.ColorWanted(stdout, f.noColor))
	}
	code := exitPass
	for i, path := range paths {
		res := vetOne(path, stdin, f.clocks.wall)
		switch {
		case len(res.Errors) > 0 || res.err != nil:
			res.ExitCode = exitInput
		case f.strict && len(res.Warnings) > 0:
			res.ExitCode = exitFail
		}
		res.Passed = res.ExitCode == exitPass
		if res.ExitCode == exitInput || code == exitPass {
			code = res.ExitCode
		}
		if res.err != nil {
			// not a fixture at all: bad input, on stderr (D-CLI-7)
			fmt.Fprintln(stderr, errorLine("routecheck vet", res.err))
		}
		if f.json {
			if err := writeVetJSON(out, res); err != nil {
				return exitHarness
			}
			continue
		}
		if res.err != nil {
			continue
		}
		if i > 0 {
			fmt.Fprintln(out)
		}
		writeVetText(out, res)
	}
	if cw, ok := out.(*term.ColorWriter); ok {
		cw.Flush()
	}
	return code
}

// vetResult is one file's verdict, as the console and --json show it.
type vetResult struct {
	// command, passed and exit_code are every JSON report's (D-CLI-5):
	// this file's verdict and exit code on its own.
	Command   string              `json:"command"`
	Passed    bool                `json:"passed"`
	ExitCode  int                 `json:"exit_code"`
	File      string              `json:"file"`
	Ready     bool                `json:"ready"`
	Vendor    *vetVendor          `json:"vendor,omitempty"`
	Errors    []vetProblem        `json:"errors"`
	Warnings  []vetProblem        `json:"warnings"`
	Checklist []vetChecklistEntry `json:"checklist"`
	// FailsRun: `routecheck run` would fail this vendor, and FailsAt says
	// where first (routetest.Predict: the route test's script played on
	// the workbench core from the file alone).
	FailsRun bool                 `json:"fails_route_test"`
	FailsAt  *routetest.FailPoint `json:"fails_at,omitempty"`

	err error // the file could not be read at all
	v   *fixtures.Vendor
}

type vetVendor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type vetProblem struct {
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
	Text    string `json:"text"` // the whole line as the console prints it
}

// vetChecklistEntry is a row of the go-live checklist (fixtures.Checklist).
type vetChecklistEntry = fixtures.ChecklistRow

func vetOne(path string, stdin io.Reader, now func() time.Time) *vetResult {
	res := &vetResult{Command: "vet", File: path, Errors: []vetProblem{}, Warnings: []vetProblem{}}
	var v *fixtures.Vendor
	var err error
	if path == "-" {
		res.File = "stdin"
		v, err = fixtures.Read("stdin", stdin)
	} else {
		v, err = fixtures.Open(path)
	}
	var ps, errs, warns fixtures.Problems
	switch {
	case errors.As(err, &ps):
		errs = ps
	case err != nil:
		res.err = err
		res.Errors = append(res.Errors, vetProblem{Message: err.Error(), Text: err.Error()})
		errs = fixtures.Problems{{Message: err.Error()}} // about the whole file: no row checked
	default:
		res.v = v
		res.Vendor = &vetVendor{ID: v.Config.ID, Name: v.Config.Name}
		pred := predict(v, now)
		warns = pred.Annotate(v, v.Warnings())
		if pred.Fails {
			res.FailsRun, res.FailsAt = true, &pred.At
		}
	}
	for _, p := range ps {
		res.Errors = append(res.Errors, problem(p))
	}
	for _, p := range warns {
		res.Warnings = append(res.Warnings, problem(p))
	}
	res.Ready = len(res.Errors) == 0
	res.Checklist = fixtures.Checklist(v, errs, warns)
	return res
}

// predict is what `routecheck run --vendor FILE` will find, planned from
// the harness's clock as run plans it (D-RUN-8).
func predict(v *fixtures.Vendor, now func() time.Time) routetest.Prediction {
	plan := routetest.PlanClock(v, time.Time{}, now(), routetest.Margin(v, 5*time.Second, false))
	return routetest.Predict(v, plan)
}

func problem(p fixtures.Problem) vetProblem {
	return vetProblem{Line: p.Line, Path: p.Path, Rule: p.Rule, Message: p.Message, Text: p.Error()}
}

func writeVetText(w io.Writer, res *vetResult) {
	if res.v == nil {
		if res.err != nil {
			fmt.Fprintf(w, "%s: %v\n", res.File, res.err)
			return
		}
		if p := res.Errors[0]; len(res.Errors) == 1 && p.Path == "" && p.Line == 0 {
			// about the whole file (not YAML, too big): one line
			fmt.Fprintf(w, "%s\n", p.Text)
			return
		}
		fmt.Fprintf(w, "%s: NOT READY, %s\n", res.File, reports.Plural(len(res.Errors), "error"))
		for _, p := range res.Errors {
			fmt.Fprintf(w, "  ✘ %s\n", p.Text)
		}
		return
	}
	c := res.v.Config
	verdict := "READY"
	if n := len(res.Warnings); n > 0 {
		verdict = "READY with " + reports.Plural(n, "warning")
	}
	if res.FailsRun {
		if res.FailsAt.Stage == routetest.StageStart {
			verdict += "; routecheck run would refuse it (exit 2)"
		} else {
			verdict += fmt.Sprintf("; the route test would fail at %s (%s)", res.FailsAt.Where(), res.FailsAt.Rule)
		}
	}
	fmt.Fprintf(w, "%s: %s — %s (%s)\n", res.v.File, verdict, c.Name, c.ID)
	for _, row := range res.Checklist {
		m := "✔"
		if row.Status != "ok" {
			m = "⚠"
		}
		fmt.Fprintf(w, "  %s %s %s\n", m, row.Rule, row.Text)
	}
	if r := res.v.Rehearsal; len(r.Agents) > 0 || !r.StartAt.IsZero() {
		start := "now"
		if !r.StartAt.IsZero() {
			start = r.StartAt.Format(time.RFC3339)
		}
		m := "✔"
		for _, p := range res.Warnings {
			if fixtures.ChecklistRule(p.Rule, p.Path) == "rehearsal" {
				m = "⚠"
			}
		}
		fmt.Fprintf(w, "  %s rehearsal %s rehearsed, start %s\n", m, reports.Plural(len(r.Agents), "agent"), start)
	}
	for _, p := range res.Warnings {
		fmt.Fprintf(w, "  ⚠ %s\n", p.Text)
	}
}
