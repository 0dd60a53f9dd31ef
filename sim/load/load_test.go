package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// small is a quick bundled run: every message audited, fast pauses.
func small(faults string) Config {
	f, err := ParseFaults(faults)
	if err != nil {
		panic(err)
	}
	return Config{Customers: 40, Agents: 10, Capacity: 5, Duration: 2 * time.Second, Ramp: 500 * time.Millisecond,
		Think: 200 * time.Millisecond, Reply: 50 * time.Millisecond, Drain: 5 * time.Second, Seed: 1, Faults: f}
}

func TestRunAuditsEveryMessage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, small(""))
	if err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		_ = rep.WriteJSON(os.Stdout)
	}
	m := rep.Messages
	if !rep.Pass {
		t.Fatalf("run failed: %v", rep.Failures)
	}
	if m.Sent < 100 || m.Delivered != m.Sent-m.Refused {
		t.Fatalf("audit %+v: want every accepted message delivered", m)
	}
	if rep.Conversations != 40 || rep.LatencyMS.Assign.Count != 40 {
		t.Fatalf("conversations %d, assign count %d; want 40", rep.Conversations, rep.LatencyMS.Assign.Count)
	}
	if rep.Invariants.Events == 0 || rep.KPIs.PickedUp != 40 {
		t.Fatalf("invariants over %d events, KPIs %+v", rep.Invariants.Events, rep.KPIs)
	}
}

func TestExportArtilleryWritesTheWorkload(t *testing.T) {
	cfg := Config{Customers: 7, Agents: 2, Capacity: 5, Duration: 30 * time.Second, Ramp: 10 * time.Second}
	if _, err := ExportArtillery(cfg, t.TempDir()); !errors.Is(err, ErrInput) {
		t.Fatalf("without --target: %v, want bad input", err)
	}
	srv, base, err := startBundled(cfg.withDefaults(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg.Target = base
	dir := t.TempDir()
	path, err := ExportArtillery(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	yml, _ := os.ReadFile(path)
	for _, want := range []string{"target: \"" + base + "\"", "arrivalCount: 7", "duration: 10", "function: \"customerChat\"", "holdMs: 30000"} {
		if !strings.Contains(string(yml), want) {
			t.Errorf("scenario lacks %q:\n%s", want, yml)
		}
	}
	toks, _ := os.ReadFile(filepath.Join(dir, "routecheck-tokens.csv"))
	if lines := strings.Split(strings.TrimSpace(string(toks)), "\n"); len(lines) != 8 || lines[0] != "token" {
		t.Errorf("tokens.csv has %d lines, want a header and 7 tokens", len(lines))
	}
	js, _ := os.ReadFile(filepath.Join(dir, "routecheck-processor.js"))
	for _, want := range []string{"转人工", "'/ws/customer?t='", "routecheck.assign_ms", "module.exports = { customerChat }"} {
		if !strings.Contains(string(js), want) {
			t.Errorf("processor lacks %q", want)
		}
	}
}

func TestRunAtAFixedRate(t *testing.T) {
	cfg := small("")
	cfg.Customers, cfg.Rate, cfg.Hold = 20, 40, time.Second
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || !rep.CorrectedForCO || rep.RatePerS != 40 || rep.LatencyMS.Assign.Count != 20 {
		t.Fatalf("pass %v corrected %v rate %v assigned %d: %v", rep.Pass, rep.CorrectedForCO, rep.RatePerS, rep.LatencyMS.Assign.Count, rep.Failures)
	}
	// Arrivals 25 ms apart over 0.5 s, each chatting 1 s: the run is about
	// 1.5 s of load, not the 2 s duration, since --hold ends each chat.
	if rep.DurationS > 10 {
		t.Fatalf("run took %.1f s", rep.DurationS)
	}
}
