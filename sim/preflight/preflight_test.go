package preflight_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/sim/actors"
	"routecheck/sim/clock"
	"routecheck/sim/preflight"
	"routecheck/sim/server"
)

var at = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// demo starts the demo vendor's workbench on a virtual clock.
func demo(t *testing.T) string {
	t.Helper()
	srv := server.New(server.Options{HashCost: bcrypt.MinCost, Clock: clock.NewVirtual(at)})
	if _, err := srv.AddVendor(fixtures.Demo().Config); err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return base
}

// post is an agent's page reporting its browser's checks, all passed but
// those in fail (check id -> reason).
func post(t *testing.T, base, login string, fail map[string]string) {
	t.Helper()
	h := actors.NewHTTP(base, nil, 10*time.Second, 1<<20)
	ctx := context.Background()
	if err := h.SignIn(ctx, login, login+"-pass"); err != nil {
		t.Fatal(err)
	}
	var cs []map[string]string
	for _, id := range []string{"browser", "permission", "notification", "sound", "popup"} {
		c := map[string]string{"id": id, "status": "pass"}
		if r, ok := fail[id]; ok {
			c["status"], c["reason"] = "fail", r
		}
		cs = append(cs, c)
	}
	if err := h.Do(ctx, http.MethodPut, "/api/preflight", map[string]any{"browser": "Google Chrome 131", "checks": cs}, nil); err != nil {
		t.Fatal(err)
	}
}

// The roster as CCO operations read it: ready, not ready with each open
// check, what it found and the fix, and never checked.
func TestRosterForOperations(t *testing.T) {
	base := demo(t)
	post(t, base, "demo-agent1", nil)
	post(t, base, "demo-agent2", map[string]string{"permission": "denied"})
	r, err := preflight.Fetch(context.Background(), base, "demo-ops", "demo-ops-pass", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Agents) != 4 || r.Ready != 1 || r.NotReady != 1 || r.NotChecked != 2 || r.AllReady() {
		t.Fatalf("roster: %d agents, %d/%d/%d", len(r.Agents), r.Ready, r.NotReady, r.NotChecked)
	}
	var b bytes.Buffer
	if err := preflight.WriteText(&b, r, time.UTC); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"演示回收客服部 (demo-recycle)",
		"✔ demo-agent1 客服小王: ready, checked 2026-11-27 02:00 in Google Chrome 131",
		"✘ demo-agent2 客服小李: not ready, checked 2026-11-27 02:00",
		"✘ 通知权限 (R-WB-3): 浏览器禁止了本网站发送通知",
		"fix: 再检查浏览器设置，是否允许xixikf向您发送通知",
		"– demo-agent3 客服小张: not checked: never opened /preflight",
		"4 agents: 1 ready, 1 not ready, 2 not checked",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("roster lacks %q:\n%s", want, out)
		}
	}
}

// A department admin reads their own department; a wrong password is a
// refused sign-in, not a roster.
func TestRosterForDepartmentAdmin(t *testing.T) {
	base := demo(t)
	for _, login := range []string{"demo-agent1", "demo-agent2", "demo-agent3", "demo-admin"} {
		post(t, base, login, nil)
	}
	r, err := preflight.Fetch(context.Background(), base, "demo-admin", "demo-admin-pass", "演示回收客服部")
	if err != nil {
		t.Fatal(err)
	}
	if !r.AllReady() || r.Ready != 4 {
		t.Errorf("all four posted passes: ready %d of %d", r.Ready, len(r.Agents))
	}
	if _, err := preflight.Fetch(context.Background(), base, "demo-admin", "wrong", ""); err == nil || !strings.Contains(err.Error(), "sign-in refused") {
		t.Errorf("a wrong password: %v", err)
	}
}
