// Package preflight reads, for CCO staff and pipelines, what the agents'
// own browsers found on the workbench's preflight page (/preflight): the
// roster of GET /api/preflight, each agent's latest result, and prints it
// as who is ready, who is not and why, and who never checked. The page
// and the store are the workbench's (sim/server); this package speaks only
// the protocol (docs/protocol.md "Preflight").
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"routecheck/sim/actors"
)

// Roster is every agent's latest preflight result, as the signed-in
// account may see it: operations every department, a department admin
// their own.
type Roster struct {
	Agents     []Agent `json:"agents"`
	Ready      int     `json:"ready"`
	NotReady   int     `json:"not_ready"`
	NotChecked int     `json:"not_checked"`
}

// Agent is one agent's latest result.
type Agent struct {
	Login      string     `json:"login"`
	Name       string     `json:"name"`
	Vendor     string     `json:"vendor"`
	Department string     `json:"department"`
	State      string     `json:"state"` // ready, not_ready, not_checked
	CheckedAt  *time.Time `json:"checked_at"`
	Browser    string     `json:"browser"`
	UserAgent  string     `json:"user_agent"`
	Checks     []Check    `json:"checks"`
}

// Check is one check of an agent's result.
type Check struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Rule   string `json:"rule"`
	Judge  string `json:"judge"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
	Says   string `json:"says"`
	Fix    string `json:"fix"`
}

// The states of an agent.
const (
	StateReady      = "ready"
	StateNotReady   = "not_ready"
	StateNotChecked = "not_checked"
)

// ErrSignIn is the workbench refusing the account: the harness cannot read
// the roster, which says nothing about the agents.
var ErrSignIn = errors.New("sign-in refused")

// Fetch signs in at base and reads the roster, of one department or of
// every one the account may see.
func Fetch(ctx context.Context, base, login, password, department string) (*Roster, error) {
	h := actors.NewHTTP(base, nil, 15*time.Second, 8<<20)
	if err := h.SignIn(ctx, login, password); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSignIn, login, err)
	}
	path := "/api/preflight"
	if department != "" {
		path += "?department=" + url.QueryEscape(department)
	}
	var r Roster
	if err := h.Do(ctx, http.MethodGet, path, nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AllReady says whether every agent listed is ready (and there is one).
func (r *Roster) AllReady() bool { return len(r.Agents) > 0 && r.Ready == len(r.Agents) }

// Open are an agent's checks that are not passed: failed, warned, not done
// or waiting. A ready agent's are only warnings.
func (a Agent) Open() []Check {
	var out []Check
	for _, c := range a.Checks {
		if c.Status != "pass" {
			out = append(out, c)
		}
	}
	return out
}

// WriteText writes the roster for a person or a pipeline log: a line per
// agent with its verdict, then for an agent not ready each open check with
// what it found and the fix; times in zone.
func WriteText(w io.Writer, r *Roster, zone *time.Location) error {
	var b strings.Builder
	dept := ""
	for _, a := range r.Agents {
		if a.Department != dept {
			dept = a.Department
			fmt.Fprintf(&b, "%s (%s)\n", dept, a.Vendor)
		}
		who := a.Login
		if a.Name != "" {
			who += " " + a.Name
		}
		switch a.State {
		case StateReady:
			fmt.Fprintf(&b, "  ✔ %s: ready, checked %s%s\n", who, a.CheckedAt.In(zone).Format("2006-01-02 15:04"), browser(a))
		case StateNotChecked:
			fmt.Fprintf(&b, "  – %s: not checked: never opened /preflight; log in as %s and open it in Chrome\n", who, a.Login)
		default:
			fmt.Fprintf(&b, "  ✘ %s: not ready, checked %s%s\n", who, a.CheckedAt.In(zone).Format("2006-01-02 15:04"), browser(a))
		}
		if a.State == StateNotChecked {
			continue
		}
		for _, c := range a.Open() {
			mark := map[string]string{"fail": "✘", "warn": "⚠", "pending": "…", "skipped": "–"}[c.Status]
			line := fmt.Sprintf("      %s %s (%s): %s", mark, c.Name, c.Rule, orText(c.Says, c.Status))
			if c.Detail != "" {
				line += " (" + c.Detail + ")"
			}
			fmt.Fprintln(&b, line)
			if c.Fix != "" {
				fmt.Fprintf(&b, "        fix: %s\n", c.Fix)
			} else if c.Status == "pending" {
				fmt.Fprintf(&b, "        fix: finish this step on /preflight\n")
			}
		}
	}
	fmt.Fprintf(&b, "%d agents: %d ready, %d not ready, %d not checked\n", len(r.Agents), r.Ready, r.NotReady, r.NotChecked)
	_, err := io.WriteString(w, b.String())
	return err
}

func browser(a Agent) string {
	if a.Browser == "" {
		return ""
	}
	return " in " + a.Browser
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
