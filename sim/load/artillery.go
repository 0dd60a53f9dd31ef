package load

import (
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"
)

//go:embed artillery/processor.js
var artilleryProcessor string

var artilleryScenario = template.Must(template.New("a").Parse(`# Artillery scenario written by routecheck load --export artillery.
# The whole workload, agents and customers, speaking protocol v2 of
# docs/protocol.md: each virtual user takes the next row of
# routecheck-actors.csv ({{.Agents}} agents first, then {{.Customers}} customers) and plays
# its role (routecheck-processor.js). The agents log in during the first
# phase and go 在线; the customers arrive in the last.
# Run: npx artillery run {{.Scenario}}
# Phases use arrivalRate, which Artillery divides among its workers together
# with the payload's rows (each worker gets every Nth row, agents first).
config:
  target: {{.Target}}
  phases:
    - name: agents log in
      duration: {{.AgentSeconds}}
      arrivalRate: {{.AgentRate}}
    - name: agents go 在线
      pause: {{.PauseSeconds}}
    - name: customers
      duration: {{.Seconds}}
      arrivalRate: {{.Rate}}
  processor: "./routecheck-processor.js"
  payload:
    path: "./routecheck-actors.csv"
    fields: ["role", "login", "token"]
    order: sequence
    skipHeader: true
  variables:
    vendor: {{.Vendor}}
    agentPassword: {{.AgentPassword}}
    thinkMs: {{.ThinkMs}}
    holdMs: {{.HoldMs}}
    replyMs: {{.ReplyMs}}
    agentMs: {{.AgentMs}}
scenarios:
  - name: routecheck agents and customers
    flow:
      - function: "routecheckActor"
`))

// agentLoginRate is how many agents a second the exported scenario logs in.
const agentLoginRate = 50

// ExportArtillery writes an Artillery scenario for cfg's whole workload
// into dir: the scenario, its processor (both sides of protocol v2 in
// JavaScript) and one row per actor, the agents' logins and then one entry
// token per customer, made on cfg.Target through the operations API.
func ExportArtillery(cfg Config, dir string) (string, error) {
	cfg = cfg.withDefaults()
	if cfg.Target == "" {
		return "", fmt.Errorf("%w: --export artillery needs --target: the entry tokens are made on the workbench Artillery will drive (start one with routecheck load --serve-bundled 127.0.0.1:18090)", ErrInput)
	}
	if err := cfg.Validate(); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	r := newRunner(ctx, cfg)
	ops := newHTTPC(cfg.Target, http.DefaultTransport)
	if err := ops.SignIn(ctx, cfg.OpsLogin, cfg.OpsPassword); err != nil {
		return "", fmt.Errorf("%w: operations login %s on %s: %v", ErrHarness, cfg.OpsLogin, cfg.Target, err)
	}
	if err := r.makeCustomers(ctx, ops); err != nil {
		return "", fmt.Errorf("%w: entry links: %v", ErrHarness, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(dir, "routecheck-actors.csv"))
	if err != nil {
		return "", err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"role", "login", "token"})
	for i := range cfg.Agents {
		_ = w.Write([]string{"agent", fmt.Sprintf(cfg.AgentLogin, i+1), ""})
	}
	for _, c := range r.customers {
		_ = w.Write([]string{"customer", "", c.token})
	}
	w.Flush()
	if err := f.Close(); err != nil || w.Error() != nil {
		return "", fmt.Errorf("actors: %v %v", err, w.Error())
	}
	if err := os.WriteFile(filepath.Join(dir, "routecheck-processor.js"), []byte(artilleryProcessor), 0o644); err != nil {
		return "", err
	}
	hold := cfg.Hold
	if hold == 0 {
		hold = cfg.Duration
	}
	agentSeconds := max(1, (cfg.Agents+agentLoginRate-1)/agentLoginRate)
	const pause = 3
	seconds, rate := max(1, int(cfg.Ramp.Seconds()+0.5)), 0.0
	if cfg.Rate > 0 {
		seconds, rate = max(1, int(float64(cfg.Customers)/cfg.Rate+0.5)), cfg.Rate
	} else {
		rate = float64(cfg.Customers) / float64(seconds)
	}
	// An agent stays until the last customer has left: the customers'
	// phase, a chat, the last message's think time and its answer, and
	// the drain.
	agentMs := time.Duration(pause+seconds)*time.Second + hold + cfg.Think*3/2 + cfg.Reply*3/2 + cfg.Drain
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	// A JSON string is a YAML double-quoted scalar.
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	path := filepath.Join(dir, "routecheck-artillery.yml")
	var b strings.Builder
	err = artilleryScenario.Execute(&b, map[string]any{
		"Scenario": path, "Target": quote(strings.TrimRight(cfg.Target, "/")), "Agents": cfg.Agents, "Customers": cfg.Customers,
		"AgentSeconds": agentSeconds, "AgentRate": num(float64(cfg.Agents) / float64(agentSeconds)), "PauseSeconds": pause,
		"Seconds": seconds, "Rate": num(rate), "Vendor": quote(cfg.Vendor), "AgentPassword": quote(cfg.AgentPassword),
		"ThinkMs": cfg.Think.Milliseconds(), "HoldMs": hold.Milliseconds(), "ReplyMs": cfg.Reply.Milliseconds(),
		"AgentMs": agentMs.Milliseconds(),
	})
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}
