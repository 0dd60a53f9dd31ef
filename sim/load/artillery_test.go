package load

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	wb "routecheck/sim/workbench"
)

// artScript is the part of an Artillery test script the export writes.
type artScript struct {
	Config struct {
		Target string `yaml:"target"`
		Phases []struct {
			Name        string  `yaml:"name"`
			Duration    float64 `yaml:"duration"`
			ArrivalRate float64 `yaml:"arrivalRate"`
			Pause       float64 `yaml:"pause"`
		} `yaml:"phases"`
		Processor string `yaml:"processor"`
		Payload   struct {
			Path       string   `yaml:"path"`
			Fields     []string `yaml:"fields"`
			Order      string   `yaml:"order"`
			SkipHeader bool     `yaml:"skipHeader"`
		} `yaml:"payload"`
		Variables map[string]any `yaml:"variables"`
	} `yaml:"config"`
	Scenarios []struct {
		Name string           `yaml:"name"`
		Flow []map[string]any `yaml:"flow"`
	} `yaml:"scenarios"`
}

// exportTo starts a bundled workbench for cfg and exports the Artillery
// scenario for it into a temporary directory.
func exportTo(t *testing.T, cfg Config) (dir string, s artScript, rows [][]string, base string) {
	t.Helper()
	srv, base, err := startBundled(cfg.withDefaults(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg.Target = base
	dir = t.TempDir()
	path, err := ExportArtillery(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalWithOptions(raw, &s, yaml.Strict()); err != nil {
		t.Fatalf("the scenario is not the YAML Artillery reads: %v\n%s", err, raw)
	}
	f, err := os.Open(filepath.Join(dir, s.Config.Payload.Path))
	if err != nil {
		t.Fatalf("payload %q: %v", s.Config.Payload.Path, err)
	}
	defer f.Close()
	rows, err = csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return dir, s, rows, base
}

func TestExportArtilleryWritesTheWorkload(t *testing.T) {
	cfg := Config{Customers: 7, Agents: 2, Capacity: 5, Duration: 30 * time.Second, Ramp: 10 * time.Second}
	if _, err := ExportArtillery(cfg, t.TempDir()); !errors.Is(err, ErrInput) {
		t.Fatalf("without --target: %v, want bad input", err)
	}
	dir, s, rows, base := exportTo(t, cfg)
	c := s.Config
	if c.Target != base || c.Processor != "./routecheck-processor.js" {
		t.Errorf("target %q processor %q", c.Target, c.Processor)
	}
	// Agents log in first, then a pause while they go 在线, then the
	// customers arrive over the ramp: rates, which Artillery divides among
	// its workers (an arrivalCount phase would run on one worker only).
	if len(c.Phases) != 3 || c.Phases[0].ArrivalRate*c.Phases[0].Duration != 2 || c.Phases[1].Pause <= 0 ||
		c.Phases[2].Duration != 10 || c.Phases[2].ArrivalRate != 0.7 {
		t.Errorf("phases %+v: want 2 agents, a pause, 7 customers over 10 s", c.Phases)
	}
	if strings.Join(c.Payload.Fields, ",") != "role,login,token" || c.Payload.Order != "sequence" || !c.Payload.SkipHeader {
		t.Errorf("payload %+v", c.Payload)
	}
	for k, want := range map[string]any{"vendor": DefaultVendor, "agentPassword": DefaultLoadPassword, "holdMs": uint64(30000),
		"thinkMs": uint64(2000), "replyMs": uint64(300)} {
		if got := c.Variables[k]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("variable %s = %v, want %v", k, got, want)
		}
	}
	// An agent stays until the last customer's chat is over.
	if ms, _ := c.Variables["agentMs"].(uint64); ms < 3_000+10_000+30_000 {
		t.Errorf("agentMs %d: agents would leave before the customers", ms)
	}
	// One row per actor, the agents first (each worker of a distributed run
	// gets every Nth row, so every worker starts with agents).
	if len(rows) != 1+2+7 || strings.Join(rows[0], ",") != "role,login,token" {
		t.Fatalf("actors: %q", rows)
	}
	for i, r := range rows[1:] {
		agentRow := r[0] == "agent" && r[1] == fmt.Sprintf(DefaultAgentLogin, i+1) && r[2] == ""
		customerRow := r[0] == "customer" && r[1] == "" && strings.Count(r[2], ".") == 1
		if (i < 2 && !agentRow) || (i >= 2 && !customerRow) {
			t.Errorf("row %d: %q", i+1, r)
		}
	}
	if len(s.Scenarios) != 1 || len(s.Scenarios[0].Flow) != 1 {
		t.Fatalf("scenarios %+v", s.Scenarios)
	}
	fn, _ := s.Scenarios[0].Flow[0]["function"].(string)
	js, _ := os.ReadFile(filepath.Join(dir, "routecheck-processor.js"))
	exports := regexp.MustCompile(`module\.exports = \{ ([^}]*) \}`).FindSubmatch(js)
	if exports == nil || !strings.Contains(string(exports[1]), fn) {
		t.Fatalf("the flow calls %q; the processor exports %q", fn, exports)
	}
	for _, role := range []string{"agent", "customer"} {
		if !regexp.MustCompile(`\b` + role + `\b`).Match(exports[1]) {
			t.Errorf("the processor has no %s", role)
		}
	}
}

// node finds a Node.js with a WebSocket client (built in from Node 22,
// behind --experimental-websocket in Node 20.10+).
func node(t *testing.T) []string {
	t.Helper()
	// CI machines have Node.js 20: there a missing one fails the run
	// rather than pass it untested.
	skip := t.Skip
	if os.Getenv("CI") == "true" {
		skip = t.Fatal
	}
	bin, err := exec.LookPath("node")
	if err != nil {
		skip("no node on PATH: the processor cannot be run (install Node.js 20.10 or later)")
	}
	for _, args := range [][]string{{bin}, {bin, "--experimental-websocket"}} {
		probe := append(append([]string{}, args...), "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)")
		if exec.Command(probe[0], probe[1:]...).Run() == nil {
			return args
		}
	}
	skip("this node has no WebSocket client (Node.js 20.10 or later has one)")
	return nil
}

// The exported processor plays the whole workload against the bundled
// workbench: its agents log in, go 在线 and answer; its customers ask for a
// human and chat; the workbench's own event log is the judge.
func TestArtilleryProcessorDrivesTheWorkbench(t *testing.T) {
	nodeArgs := node(t)
	cfg := Config{Customers: 12, Agents: 4, Capacity: 5, Duration: 3 * time.Second, Ramp: 2 * time.Second,
		Think: time.Second, Reply: 200 * time.Millisecond, Drain: time.Second}
	dir, s, rows, base := exportTo(t, cfg)

	// Artillery's schedule: each phase's arrivals evenly over its duration,
	// each virtual user taking the next payload row.
	type user struct {
		AtMS float64           `json:"at_ms"`
		Row  map[string]string `json:"row"`
	}
	var users []user
	at, next := 0.0, 1
	for _, p := range s.Config.Phases {
		if p.Pause > 0 {
			at += p.Pause * 1000
			continue
		}
		n := int(math.Round(p.Duration * p.ArrivalRate))
		for i := range n {
			r := rows[next]
			next++
			users = append(users, user{AtMS: at + float64(i)*1000/p.ArrivalRate, Row: map[string]string{"role": r[0], "login": r[1], "token": r[2]}})
		}
		at += p.Duration * 1000
	}
	vars := map[string]any{"target": s.Config.Target}
	for k, v := range s.Config.Variables {
		vars[k] = v
	}
	plan, _ := json.Marshal(map[string]any{"processor": filepath.Join(dir, s.Config.Processor), "function": s.Scenarios[0].Flow[0]["function"],
		"vars": vars, "users": users})
	planPath := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planPath, plan, 0o644); err != nil {
		t.Fatal(err)
	}
	harness, _ := filepath.Abs("testdata/artillery-harness.js")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeArgs[0], append(nodeArgs[1:], harness, planPath)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var m struct {
		Counters   map[string]int       `json:"counters"`
		Histograms map[string][]float64 `json:"histograms"`
		Completed  int                  `json:"completed"`
		Failed     int                  `json:"failed"`
		Errors     []string             `json:"errors"`
	}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("harness output %q: %v", out, err)
	}
	if m.Completed != 16 || m.Failed != 0 {
		t.Fatalf("virtual users: %d completed, %d failed (%v)", m.Completed, m.Failed, m.Errors)
	}
	for name, n := range m.Counters {
		if strings.Contains(name, "error") || strings.Contains(name, "failed") {
			t.Errorf("%s: %d", name, n)
		}
	}
	if m.Counters["routecheck.agent.online"] != 4 || m.Counters["routecheck.agent.picked_up"] != 12 ||
		len(m.Histograms["routecheck.assign_ms"]) != 12 || len(m.Histograms["routecheck.assign_server_ms"]) != 12 {
		t.Errorf("metrics: %v, %d assignments", m.Counters, len(m.Histograms["routecheck.assign_ms"]))
	}
	if m.Counters["routecheck.sent"] == 0 || m.Counters["routecheck.answered"] != m.Counters["routecheck.sent"] ||
		m.Counters["routecheck.agent.replied"] != m.Counters["routecheck.sent"] {
		t.Errorf("messages: %v", m.Counters)
	}
	checkWorkbenchLog(t, base, 4, 12, m.Counters["routecheck.sent"])
}

// checkWorkbenchLog reads the workbench's event log and checks that the
// agents went 在线, picked up every chat and answered every customer
// message once, each in its own chat.
func checkWorkbenchLog(t *testing.T, base string, agents, customers, sent int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ops := newHTTPC(base, http.DefaultTransport)
	if err := ops.SignIn(ctx, DefaultOpsLogin, DefaultLoadPassword); err != nil {
		t.Fatal(err)
	}
	var evs []wb.Event
	if err := ops.Do(ctx, http.MethodGet, "/api/events?after=0", nil, &evs); err != nil {
		t.Fatal(err)
	}
	online := map[string]bool{}
	assigned := map[string]string{} // conv -> agent
	asked := map[string]string{}    // conv + reply text -> "" until answered
	answered := map[string]int{}
	for _, e := range evs {
		switch {
		case e.Type == wb.EvAgentStatus && e.Status == wb.StatusOnline:
			online[e.Agent] = true
		case e.Type == wb.EvAssigned:
			assigned[e.Conv] = e.Agent
		case e.Type == wb.EvMessage && e.Sender == wb.SenderCustomer && isLoadText(e.Text):
			asked[e.Conv+" "+strings.Replace(e.Text, " m", " r", 1)] = ""
		case e.Type == wb.EvMessage && e.Sender == wb.SenderAgent && isLoadText(e.Text):
			if e.Agent != assigned[e.Conv] {
				t.Errorf("%s answered %s, assigned to %q", e.Agent, e.Conv, assigned[e.Conv])
			}
			answered[e.Conv+" "+e.Text]++
		}
	}
	if len(online) != agents || len(assigned) != customers {
		t.Errorf("workbench log: %d agents went 在线 (want %d), %d chats assigned (want %d)", len(online), agents, len(assigned), customers)
	}
	for conv, a := range assigned {
		if !online[a] {
			t.Errorf("%s went to %s, who never went 在线", conv, a)
		}
	}
	if len(asked) != sent {
		t.Errorf("workbench log: %d customer messages, the customers counted %d", len(asked), sent)
	}
	for k := range asked {
		if answered[k] != 1 {
			t.Errorf("%q answered %d times", k, answered[k])
		}
	}
	if len(answered) != len(asked) {
		t.Errorf("%d answers to %d messages", len(answered), len(asked))
	}
}

// Artillery itself runs the exported workload against the bundled
// workbench. It needs npm's artillery: `make test-artillery` installs it
// and sets ROUTECHECK_ARTILLERY to its command.
func TestArtilleryEndToEnd(t *testing.T) {
	bin := os.Getenv("ROUTECHECK_ARTILLERY")
	if bin == "" {
		t.Skip("ROUTECHECK_ARTILLERY is not set: run make test-artillery (installs npm artillery)")
	}
	cfg := Config{Customers: 30, Agents: 6, Capacity: 5, Duration: 4 * time.Second, Ramp: 3 * time.Second,
		Think: time.Second, Reply: 200 * time.Millisecond, Drain: time.Second}
	dir, _, _, base := exportTo(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	report := filepath.Join(dir, "artillery.json")
	cmd := exec.CommandContext(ctx, bin, "run", "--output", report, filepath.Join(dir, "routecheck-artillery.yml"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("artillery run: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Aggregate struct {
			Counters  map[string]int `json:"counters"`
			Summaries map[string]struct {
				Count int `json:"count"`
			} `json:"summaries"`
		} `json:"aggregate"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Aggregate.Counters
	if c["vusers.completed"] != 36 || c["vusers.failed"] != 0 || c["routecheck.agent.online"] != 6 ||
		c["routecheck.agent.picked_up"] != 30 || rep.Aggregate.Summaries["routecheck.assign_ms"].Count != 30 {
		t.Fatalf("artillery's report: counters %v\n%s", c, out)
	}
	for name, n := range c {
		if (strings.Contains(name, "error") || strings.Contains(name, "failed")) && n > 0 {
			t.Errorf("%s: %d", name, n)
		}
	}
	if c["routecheck.sent"] == 0 || c["routecheck.answered"] != c["routecheck.sent"] {
		t.Errorf("messages: %v", c)
	}
	checkWorkbenchLog(t, base, 6, 30, c["routecheck.sent"])
}
