package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// RunAgents runs only the agents of a workload on cfg.Target for
// cfg.Ramp+cfg.Duration (or until ctx ends), for customers driven by another
// engine. It prints how many replies they sent.
func RunAgents(ctx context.Context, cfg Config, w io.Writer) error {
	cfg = cfg.withDefaults()
	if cfg.Target == "" {
		return fmt.Errorf("%w: --agents-only needs --target", ErrInput)
	}
	if cfg.Agents < 1 || cfg.Agents > 20_000 {
		return fmt.Errorf("%w: --agents must be 1..20000, got %d", ErrInput, cfg.Agents)
	}
	r := newRunner(ctx, cfg)
	r.e.base = strings.TrimRight(cfg.Target, "/")
	r.tr = &http.Transport{MaxIdleConnsPerHost: 64}
	defer r.tr.CloseIdleConnections()
	r.e.sched = newSched(16)
	defer r.e.sched.stop()
	r.e.ph.endNano.Store(time.Now().Add(cfg.Ramp + cfg.Duration).UnixNano())
	if err := r.startAgents(ctx); err != nil {
		return fmt.Errorf("%w: agents: %v", ErrHarness, err)
	}
	fmt.Fprintf(w, "%d agents 在线 on %s for %s\n", cfg.Agents, cfg.Target, cfg.Ramp+cfg.Duration)
	select {
	case <-ctx.Done():
	case <-time.After(cfg.Ramp + cfg.Duration):
	}
	r.e.ph.stopping.Store(true)
	for _, a := range r.agents {
		a.leave()
	}
	m := r.e.m.audit.Result(time.Now(), 0)
	fmt.Fprintf(w, "agents sent %d replies (%d refused)\n", m.Sent, m.Refused+m.RefusedUnexpected)
	return nil
}
