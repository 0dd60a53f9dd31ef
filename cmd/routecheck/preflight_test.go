package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/actors"
	"routecheck/sim/routetest"
)

// passAll is an agent's page reporting every browser check passed.
func passAll(t *testing.T, base, login string) {
	t.Helper()
	h := actors.NewHTTP(base, nil, 10*time.Second, 1<<20)
	if err := h.SignIn(context.Background(), login, login+"-pass"); err != nil {
		t.Fatal(err)
	}
	var cs []map[string]string
	for _, id := range []string{"browser", "permission", "notification", "sound", "popup"} {
		cs = append(cs, map[string]string{"id": id, "status": "pass"})
	}
	if err := h.Do(context.Background(), http.MethodPut, "/api/preflight", map[string]any{"checks": cs}, nil); err != nil {
		t.Fatal(err)
	}
}

// preflight exits 1 while an agent is not ready or never checked, 0 once
// all are ready; --json is the roster for a pipeline.
func TestPreflightCommand(t *testing.T) {
	b, err := routetest.Bundled(fixtures.Demo(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	base := b.URL
	passAll(t, base, "demo-agent1")
	code, out, errs := runCLI(t, "preflight", "--target", base)
	if code != exitFail || errs != "" || !strings.Contains(out, "4 agents: 1 ready, 0 not ready, 3 not checked") || !strings.Contains(out, "as demo-ops (operations)") {
		t.Fatalf("one of four checked: exit %d\n%s%s", code, out, errs)
	}
	for _, login := range []string{"demo-agent2", "demo-agent3", "demo-admin"} {
		passAll(t, base, login)
	}
	code, out, _ = runCLI(t, "preflight", "--target", base, "--json", "--login", "demo-admin")
	var r struct {
		Agents []struct{ Login, State string }
		Ready  int
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if code != exitPass || r.Ready != 4 || len(r.Agents) != 4 {
		t.Errorf("all ready: exit %d, %+v", code, r)
	}
}

func TestPreflightCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"preflight"}, exitInput, "--target is required"},
		{[]string{"preflight", "--target", "127.0.0.1:8080"}, exitInput, "did you mean http://127.0.0.1:8080"},
		{[]string{"preflight", "--target", "http://127.0.0.1:1", "--login", "nobody"}, exitInput, "has no account nobody"},
		{[]string{"preflight", "--target", "http://127.0.0.1:1"}, exitHarness, "unreachable"},
	} {
		code, out, errs := runCLI(t, tc.args...)
		if code != tc.code || out != "" || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errs, tc.code, tc.want)
		}
	}
}
