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
	for _, k := range []string{"seed", "kpis", "mean_wait_s", "events", "wall_s", "thresholds", "causes", "verdict", "time_zone", "work_hours"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("--json has no %q", k)
		}
	}
	// Every figure is a number, or null when nothing was measured
	// ("measured" says which).
	var all map[string]any
	if err := json.Unmarshal(raw["kpis"], &all); err != nil {
		t.Fatal(err)
	}
	measured, _ := all["measured"].(map[string]any)
	kpis := map[string]float64{}
	for _, k := range []string{"service_requests", "picked_up", "abandoned", "pickup_rate", "abandonment_rate", "first_response_s", "satisfaction",
		"outside_hours", "abandoned_in_queue", "in_hours_requests", "pickup_in_hours"} {
		v, ok := all[k]
		switch f, num := v.(float64); {
		case !ok:
			t.Errorf("kpis has no %q", k)
		case num:
			kpis[k] = f
		case v == nil && measured[k] == false:
		default:
			t.Errorf("kpis %q is %v (measured %v)", k, v, measured[k])
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
	// Two hours simulated: those are staffed, the rest of the week is not
	// in the run and gets no count.
	if len(s.Staffing.Agents) != 168 || s.Staffing.Erlang[0] != 10 || s.Staffing.Agents[1] < 9 || s.Staffing.Agents[2] != 0 {
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

// lastLine is the last non-empty line of the console.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// The bundled profiles go by name from any folder, like the vendors; a
// mistyped one gets the closest name and exit 2.
func TestSimulateTrafficByName(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errs := runCLI(t, "simulate", "--traffic", "demo", "--hours", "3", "--replications", "2", "--seed", "4")
	if code != exitPass && code != exitFail || !strings.Contains(out, "service requests") {
		t.Fatalf("--traffic demo from an empty folder: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = runCLI(t, "simulate", "--traffic", "demo-shfts")
	if code != exitInput || !strings.Contains(errs, "did you mean demo-shifts?") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("exit %d: %q", code, errs)
	}
	// demo-shifts reads its first replies from a CSV next to it: bundled too.
	code, out, errs = runCLI(t, "simulate", "--traffic", "demo-shifts", "--hours", "2", "--replications", "2", "--seed", "4")
	if code != exitPass && code != exitFail {
		t.Errorf("--traffic demo-shifts: exit %d\n%s%s", code, out, errs)
	}
}

// routecheck init --traffic FILE writes a commented profile that simulate
// takes as written, and never overwrites a file.
func TestInitTrafficProfile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "my-traffic.yaml")
	code, out, errs := runCLI(t, "init", "--traffic", file)
	if code != exitPass || !strings.Contains(out, "routecheck simulate --traffic "+file) {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	body, _ := os.ReadFile(file)
	for _, key := range []string{"arrivals:", "transfer_share:", "bot_time:", "patience:", "first_reply:", "agent_reply:", "customer_reply:", "chat_duration:", "shifts:", "satisfaction:"} {
		if !strings.Contains(string(body), key) {
			t.Errorf("the template has no %s", key)
		}
	}
	if n := strings.Count(string(body), "\n#"); n < 20 {
		t.Errorf("the template has %d comment lines", n)
	}
	code, out, errs = runCLI(t, "simulate", "--traffic", file, "--hours", "2", "--replications", "2", "--seed", "1", "--no-reports")
	if code != exitPass && code != exitFail {
		t.Errorf("simulate on the template: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = runCLI(t, "init", "--traffic", file)
	if code != exitInput || !strings.Contains(errs, "already exists") {
		t.Errorf("second init: exit %d %q", code, errs)
	}
	code, out, _ = runCLI(t, "init", "--traffic")
	if code != exitPass || !strings.HasPrefix(out, "# Traffic profile") {
		t.Errorf("init --traffic to stdout: exit %d %.60q", code, out)
	}
}

// The last line is the verdict and the exit code follows it: PASS and 0,
// or FAIL and 1, also for the staffing search when its budget runs out.
// The old search could print "PASS: every threshold met" and exit 1.
func TestSimulateLastLineIsTheExitCode(t *testing.T) {
	bh := filepath.Join(t.TempDir(), "business-hours.yaml")
	demo, _ := os.ReadFile(fixturesDir + "demo.yaml")
	os.WriteFile(bh, []byte(strings.NewReplacer(`from: "00:00"`, `from: "09:00"`, `to: "24:00"`, `to: "21:00"`).Replace(string(demo))), 0o644)
	cases := [][]string{
		{"--traffic", "pure-queueing", "--always-open", "--agents", "12", "--capacity", "3", "--hours", "3"},
		{"--traffic", "pure-queueing", "--always-open", "--agents", "2", "--capacity", "3", "--hours", "3"},
		{"--traffic", "demo", "--vendor", bh, "--days", "1"},
		{"--traffic", "pure-queueing", "--always-open", "--capacity", "3", "--days", "1", "--find-staffing", "--max-simulations", "1"},
		{"--traffic", "demo", "--vendor", bh, "--days", "1", "--find-staffing", "--capacity", "3", "--replications", "4", "--max-simulations", "2"},
	}
	seen := map[int]bool{}
	for _, c := range cases {
		code, out, errs := runCLI(t, append([]string{"simulate", "--no-reports", "--replications", "2", "--seed", "5"}, c...)...)
		last := lastLine(out)
		seen[code] = true
		if code == exitPass && !strings.HasPrefix(last, "PASS") || code == exitFail && !strings.HasPrefix(last, "FAIL") || code != exitPass && code != exitFail {
			t.Errorf("%v: exit %d, last line %q\n%s", c, code, last, errs)
		}
	}
	if !seen[exitPass] || !seen[exitFail] {
		t.Errorf("the cases gave only exit codes %v", seen)
	}
}

// Requests outside the work hours are their own figure, apart from
// abandonment in the queue, and their advice is the hours or the hotline,
// never agents. The old console counted them as abandonment and listed 84
// closed hours under "add agents in the hours above".
func TestSimulateOutOfHoursAdvice(t *testing.T) {
	bh := filepath.Join(t.TempDir(), "business-hours.yaml")
	demo, _ := os.ReadFile(fixturesDir + "demo.yaml")
	os.WriteFile(bh, []byte(strings.NewReplacer(`from: "00:00"`, `from: "09:00"`, `to: "24:00"`, `to: "21:00"`).Replace(string(demo))), 0o644)
	code, out, errs := runCLI(t, "simulate", "--traffic", "demo", "--vendor", bh, "--agents", "6", "--capacity", "3", "--replications", "2", "--seed", "9", "--json", "--no-reports")
	if code != exitFail {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var s struct {
		KPIs struct {
			Requests         int `json:"service_requests"`
			Abandoned        int `json:"abandoned"`
			AbandonedInQueue int `json:"abandoned_in_queue"`
			OutsideHours     int `json:"outside_hours"`
		} `json:"kpis"`
		Causes  []struct{ Kind, Text, Fix string } `json:"causes"`
		Verdict string                             `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.KPIs.OutsideHours == 0 || s.KPIs.AbandonedInQueue+s.KPIs.OutsideHours != s.KPIs.Abandoned || s.KPIs.AbandonedInQueue > s.KPIs.Requests/20 {
		t.Errorf("kpis: %+v", s.KPIs)
	}
	if len(s.Causes) != 1 || s.Causes[0].Kind != "hours" || !strings.Contains(s.Causes[0].Fix, "work hours") || !strings.Contains(s.Causes[0].Fix, "hotline") {
		t.Errorf("causes: %+v", s.Causes)
	}
	for _, text := range []string{errs, s.Verdict} {
		if strings.Contains(text, "add agents") {
			t.Errorf("advice to add agents for requests outside the hours:\n%s", text)
		}
	}
	if !strings.Contains(errs, "outside the work hours") || !strings.Contains(s.Verdict, "outside the work hours") {
		t.Errorf("the console does not name the requests outside the hours:\n%s", errs)
	}
}
