package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const trafficDir = "../../fixtures/traffic/"

// The --json output has at least the fields the issue lists, with these
// names, and the exit code follows the verdict.
func TestSimulateJSON(t *testing.T) {
	code, out, errs := runCLI(t, "simulate", "--traffic", trafficDir+"pure-queueing.yaml", "--always-open",
		"--agents", "12", "--capacity", "3", "--hours", "3", "--replications", "2", "--seed", "7", "--json", "--no-reports")
	if code != exitPass && code != exitFail {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, k := range []string{"seed", "kpis", "mean_wait_s", "events", "wall_s"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("--json has no %q", k)
		}
	}
	var kpis map[string]float64
	if err := json.Unmarshal(raw["kpis"], &kpis); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"service_requests", "picked_up", "abandoned", "pickup_rate", "abandonment_rate", "first_response_s", "satisfaction"} {
		if _, ok := kpis[k]; !ok {
			t.Errorf("kpis has no %q", k)
		}
	}
	var s struct {
		Seed      uint64  `json:"seed"`
		Events    int64   `json:"events"`
		WallS     float64 `json:"wall_s"`
		MeanWaitS float64 `json:"mean_wait_s"`
		Pass      bool    `json:"passed"`
		Days      []any   `json:"days"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Seed != 7 || s.Events <= 0 || s.WallS <= 0 || kpis["service_requests"] < 1000 {
		t.Errorf("seed %d, events %d, wall %g, %v requests", s.Seed, s.Events, s.WallS, kpis["service_requests"])
	}
	if kpis["picked_up"]+kpis["abandoned"] != kpis["service_requests"] {
		t.Errorf("pickup + abandonment != requests: %v", kpis)
	}
	if (code == exitPass) != s.Pass {
		t.Errorf("exit %d with pass=%v", code, s.Pass)
	}
}

// One agent for 30 Erlangs misses the pickup threshold: exit 1 with the
// missed KPI named.
func TestSimulateFailsBelowThreshold(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "simulate", "--traffic", trafficDir+"pure-queueing.yaml", "--always-open",
		"--agents", "1", "--capacity", "3", "--hours", "2", "--replications", "2", "--seed", "3", "--out", dir)
	if code != exitFail {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "✘ pickup") || !strings.Contains(out, "FAIL") {
		t.Errorf("the missed threshold is not named:\n%s", out)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), "<svg"); n < 6 {
		t.Errorf("report.html has %d charts, want 6", n)
	}
	if strings.Contains(string(html), "<script") || strings.Contains(string(html), "src=\"http") {
		t.Error("report.html must be self-contained")
	}
	if _, err := os.Stat(filepath.Join(dir, "report.json")); err != nil {
		t.Error(err)
	}
}

func TestSimulateFindStaffing(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "simulate", "--traffic", trafficDir+"pure-queueing.yaml", "--find-staffing", "--always-open",
		"--capacity", "3", "--hours", "2", "--replications", "2", "--seed", "3", "--max-simulations", "4", "--out", dir, "--json")
	if code != exitPass && code != exitFail {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s struct {
		Staffing struct {
			Agents    []int  `json:"agents"`
			Erlang    []int  `json:"erlang"`
			Confirmed []bool `json:"confirmed"`
		} `json:"staffing"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Staffing.Agents) != 168 || s.Staffing.Erlang[0] != 10 || s.Staffing.Agents[1] < 9 {
		t.Errorf("staffing: %v (Erlang %v)", s.Staffing.Agents[:4], s.Staffing.Erlang[:4])
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(html), `class="heat"`) {
		t.Error("report.html has no staffing heat map")
	}
	if !strings.Contains(errs, "staffing: fewest agents") {
		t.Errorf("no staffing table:\n%s", errs)
	}
}

func TestSimulateBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("arrivals: {per_hour: 300}\npatience: {dist: exponential, mean: 2m, shape: 2}\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate"}, "--traffic is required"},
		{[]string{"simulate", "--traffic", bad}, "bad.yaml:2: patience.shape: unknown field"},
		{[]string{"simulate", "--traffic", trafficDir + "demo.yaml", "--capacity", "21"}, "R-CAP-1"},
		{[]string{"simulate", "--traffic", trafficDir + "demo.yaml", "--days", "2", "--hours", "3"}, "not both"},
		{[]string{"simulate", "--traffic", trafficDir + "demo.yaml", "--find-staffing", "--replications", "1"}, "at least 2"},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != exitInput || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, want 2 with one line containing %q, got %q", c.args, code, c.want, errs)
		}
	}
}

// --check runs the routing invariant checker over every event of every
// replication; a clean run reports no violation.
func TestSimulateCheck(t *testing.T) {
	code, out, errs := runCLI(t, "simulate", "--traffic", trafficDir+"demo-shifts.yaml", "--vendor", fixturesDir+"demo.yaml",
		"--hours", "6", "--replications", "2", "--seed", "5", "--check", "--json", "--no-reports")
	if code != exitPass && code != exitFail {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s struct {
		Violations []any `json:"violations"`
		Events     int64 `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Violations) != 0 || s.Events == 0 {
		t.Errorf("%d violations over %d events", len(s.Violations), s.Events)
	}
}
