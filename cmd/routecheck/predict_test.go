package main

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
)

// everyFixture is every vendor file in the repository: the bundled ones
// and the test data, valid or not.
func everyFixture(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, root := range []string{"../../fixtures/vendors", "../../fixtures/testdata"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 30 {
		t.Fatalf("found only %d fixtures", len(files))
	}
	return files
}

// virtual runs rehearsed agents on a virtual clock that they jump
// (clock.SleepUntil jumps it), so a rehearsed 45 s costs no real time; with two
// different long delays side by side a jump would carry the shorter past
// its time (D-RUN-6), so it is only for fixtures whose slowest agent is
// alone in being slow.
func (c harnessClocks) virtual() harnessClocks {
	c.bundled = func(start time.Time) (clock.Clock, clock.Clock) {
		vc := clock.NewVirtual(start)
		return vc, vc
	}
	return c
}

type vetVerdict struct {
	Ready    bool                 `json:"ready"`
	Fails    bool                 `json:"fails_route_test"`
	FailsAt  *routetest.FailPoint `json:"fails_at"`
	Warnings []struct {
		Text string `json:"text"`
	} `json:"warnings"`
}

type runVerdict struct {
	ExitCode int `json:"exit_code"`
	Steps    []struct {
		Number    int    `json:"number"`
		Status    string `json:"status"`
		Error     string `json:"error"`
		Diagnosis *struct {
			Rule    string `json:"rule"`
			Message string `json:"message"`
		} `json:"diagnosis"`
		Checks []struct {
			Name string `json:"name"`
		} `json:"checks"`
	} `json:"steps"`
	Verdicts []struct {
		Name string `json:"name"`
		Pass *bool  `json:"pass"`
	} `json:"verdicts"`
}

// outcome is where a run failed first, in vet's terms: "pass", "start",
// "step N RULE" or "kpi NAME"; anything else is harness trouble.
func (r runVerdict) outcome(code int) string {
	switch code {
	case exitPass:
		return "pass"
	case exitInput:
		return "start"
	case exitFail:
	default:
		return "harness (exit " + string(rune('0'+code%10)) + ")"
	}
	for _, s := range r.Steps {
		if s.Status == "failed" && s.Diagnosis != nil {
			return "step " + string(rune('0'+s.Number)) + " " + s.Diagnosis.Rule
		}
	}
	for _, v := range r.Verdicts {
		if v.Pass != nil && !*v.Pass {
			return "kpi " + v.Name
		}
	}
	return "failed, nowhere"
}

func (v vetVerdict) outcome() string {
	switch {
	case !v.Ready:
		return "start"
	case !v.Fails:
		return "pass"
	case v.FailsAt == nil:
		return "fails, nowhere"
	case v.FailsAt.Stage == routetest.StageStep:
		return "step " + string(rune('0'+v.FailsAt.Step)) + " " + v.FailsAt.Rule
	case v.FailsAt.Stage == routetest.StageKPI:
		return "kpi " + v.FailsAt.KPI
	}
	return v.FailsAt.Stage
}

// vet predicts run: over every fixture in the repository, bundled and test
// data, `routecheck vet --json` says whether `routecheck run` fails and at
// which step with which rule (or which KPI, or that run refuses the file),
// and run does exactly that. Run twice, with the harness's clock at 03:00
// on a Wednesday (nightly CI) and at noon on a Saturday.
func TestVetPredictsRun(t *testing.T) {
	files := everyFixture(t)
	for _, wall := range []time.Time{time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)} {
		clk := atWall(wall)
		for _, f := range files {
			name := strings.TrimPrefix(f, "../../fixtures/")
			t.Run(wall.Format("Mon-15h")+"/"+name, func(t *testing.T) {
				clk := clk // this fixture's own: a virtual pair stays with it
				code, out, errs := clk.runCLI(t, "vet", "--json", f)
				var vet vetVerdict
				if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &vet); err != nil {
					t.Fatalf("vet --json: %v\n%s%s", err, out, errs)
				}
				if (code == exitInput) != !vet.Ready {
					t.Fatalf("vet exit %d, ready %v", code, vet.Ready)
				}
				if v, err := fixtures.Load(f); err == nil && slowest(v) > 3*time.Second {
					clk = clk.virtual()
				}
				code, out, errs = clk.runCLI(t, "run", "--vendor", f, "--json", "--no-reports", "--seed", "3", "--timeout", "1s")
				var run runVerdict
				if code != exitInput {
					if err := json.Unmarshal([]byte(out), &run); err != nil {
						t.Fatalf("run --json: exit %d: %v\n%s", code, err, errs)
					}
				}
				if got, want := run.outcome(code), vet.outcome(); got != want {
					t.Fatalf("vet predicts %q, run does %q\nvet: %+v\nrun: %s", want, got, vet, errs)
				}
				// A check made once per chat names its chat and agent.
				for _, s := range run.Steps {
					seen := map[string]bool{}
					for _, c := range s.Checks {
						if seen[c.Name] {
							t.Errorf("step %d has the check %q twice, naming no chat or agent", s.Number, c.Name)
						}
						seen[c.Name] = true
					}
				}
			})
		}
	}
}

func slowest(v *fixtures.Vendor) time.Duration {
	var d time.Duration
	for _, h := range v.Habits() {
		d = max(d, h.ReplyDelay)
	}
	return d
}
