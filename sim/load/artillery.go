package load

import (
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"
)

//go:embed artillery/processor.js
var artilleryProcessor string

var artilleryScenario = template.Must(template.New("a").Parse(`# Artillery scenario written by routecheck load --export artillery.
# The customers of the same workload, speaking protocol v2 of docs/protocol.md;
# the agents run elsewhere (routecheck load --agents-only --target ...).
# Run: npx artillery run {{.Scenario}}   (or with Artillery's distributed runners)
config:
  target: "{{.Target}}"
  phases:
{{- if .Rate}}
    - duration: {{.Seconds}}
      arrivalRate: {{.Rate}}
{{- else}}
    - duration: {{.RampSeconds}}
      arrivalCount: {{.Customers}}
{{- end}}
  processor: "./routecheck-processor.js"
  payload:
    path: "./routecheck-tokens.csv"
    fields: ["token"]
    order: sequence
    skipHeader: true
  variables:
    vendor: "{{.Vendor}}"
    thinkMs: {{.ThinkMs}}
    holdMs: {{.HoldMs}}
scenarios:
  - name: customer asks for a human and chats
    flow:
      - function: "customerChat"
`))

// ExportArtillery writes an Artillery scenario for the customers of cfg's
// workload into dir: the scenario, its processor (the customer's side of
// protocol v2 in JavaScript) and one entry token per customer, made on
// cfg.Target through the operations API.
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
	r := &runner{cfg: cfg, ctx: ctx}
	ops := newHTTPC(cfg.Target, http.DefaultTransport)
	if err := ops.login(ctx, cfg.OpsLogin, cfg.OpsPassword); err != nil {
		return "", fmt.Errorf("%w: operations login %s on %s: %v", ErrHarness, cfg.OpsLogin, cfg.Target, err)
	}
	if err := r.makeCustomers(ctx, ops); err != nil {
		return "", fmt.Errorf("%w: entry links: %v", ErrHarness, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(dir, "routecheck-tokens.csv"))
	if err != nil {
		return "", err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"token"})
	for _, c := range r.customers {
		_ = w.Write([]string{c.token})
	}
	w.Flush()
	if err := f.Close(); err != nil || w.Error() != nil {
		return "", fmt.Errorf("tokens: %v %v", err, w.Error())
	}
	if err := os.WriteFile(filepath.Join(dir, "routecheck-processor.js"), []byte(artilleryProcessor), 0o644); err != nil {
		return "", err
	}
	hold := cfg.Hold
	if hold == 0 {
		hold = cfg.Duration
	}
	path := filepath.Join(dir, "routecheck-artillery.yml")
	var b strings.Builder
	err = artilleryScenario.Execute(&b, map[string]any{
		"Scenario": path, "Target": strings.TrimRight(cfg.Target, "/"), "Rate": cfg.Rate, "Customers": cfg.Customers,
		"Seconds":     max(1, int(float64(cfg.Customers)/max(cfg.Rate, 1e-9)+0.5)),
		"RampSeconds": max(1, int(cfg.Ramp.Seconds()+0.5)), "Vendor": cfg.Vendor,
		"ThinkMs": cfg.Think.Milliseconds(), "HoldMs": hold.Milliseconds(),
	})
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}
