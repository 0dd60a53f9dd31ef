package server_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"routecheck/sim/actors"
	"routecheck/sim/server"
)

type pfCheck struct {
	ID, Status, Reason, Detail, Says, Fix string
}

type pfAgent struct {
	Login, Department, State, Browser string
	CheckedAt                         *time.Time `json:"checked_at"`
	Checks                            []pfCheck
}

type pfRoster struct {
	Agents     []pfAgent
	Ready      int
	NotReady   int `json:"not_ready"`
	NotChecked int `json:"not_checked"`
}

// allPass is a post of every browser check passed.
func allPass(browser string) map[string]any {
	var cs []map[string]string
	for _, id := range []string{"browser", "permission", "notification", "sound", "popup"} {
		cs = append(cs, map[string]string{"id": id, "status": "pass", "detail": ""})
	}
	return map[string]any{"user_agent": "Mozilla/5.0 Chrome/131.0.0.0", "browser": browser, "checks": cs}
}

func (w *world) session(login string) *actors.Agent {
	a := actors.NewAgent(w.base, login)
	w.must(a.SignIn(w.ctx, pw))
	return a
}

func roster(t *testing.T, w *world, call func(method, path string, in, out any) error, query string) pfRoster {
	t.Helper()
	var r pfRoster
	if err := call(http.MethodGet, "/api/preflight"+query, nil, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (a pfAgent) check(id string) pfCheck {
	for _, c := range a.Checks {
		if c.ID == id {
			return c
		}
	}
	return pfCheck{}
}

func find(r pfRoster, login string) (pfAgent, bool) {
	for _, a := range r.Agents {
		if a.Login == login {
			return a, true
		}
	}
	return pfAgent{}, false
}

func status(err error) int {
	var api *actors.APIError
	if errors.As(err, &api) {
		return api.Status
	}
	return 0
}

// Every agent of every department is on the operations roster from the
// start, as not checked; the account's own checks are judged at once.
func TestPreflightRosterListsAgentsNeverChecked(t *testing.T) {
	w := newWorld(t)
	r := roster(t, w, func(m, p string, in, out any) error { return w.ops.API(w.ctx, m, p, in, out) }, "")
	if len(r.Agents) != 8 || r.NotChecked != 8 || r.Ready != 0 {
		t.Fatalf("roster: %d agents, %d not checked, %d ready", len(r.Agents), r.NotChecked, r.Ready)
	}
	a, _ := find(r, "A-a1")
	if a.State != server.PreflightNotChecked || a.CheckedAt != nil || a.check("permission").Status != "pending" || a.check("tenant").Status != "pass" {
		t.Errorf("A-a1 before any check: %+v", a)
	}
	tb, _ := find(r, "A-tb")
	if c := tb.check("tenant"); c.Status != "fail" || c.Reason != "wrong" || !strings.Contains(c.Fix, "检查所属租户是否是“闲鱼BU”") {
		t.Errorf("A-tb's tenant: %+v", c)
	}
}

// An agent's post is their latest result, stamped with the workbench's
// clock; ready needs every check passed, the account's included, and the
// account's checks follow the account without a new post.
func TestPreflightPostIsTheAgentsResult(t *testing.T) {
	w := newWorld(t)
	ops := func(m, p string, in, out any) error { return w.ops.API(w.ctx, m, p, in, out) }
	a1, tb := w.session("A-a1"), w.session("A-tb")
	var mine pfAgent
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/preflight", allPass("Google Chrome 131"), &mine))
	if mine.State != server.PreflightReady || mine.CheckedAt == nil || !mine.CheckedAt.Equal(monday10) {
		t.Fatalf("A-a1 after a passing post: %+v", mine)
	}
	w.must(nil, tb.API(w.ctx, http.MethodPut, "/api/preflight", allPass("Google Chrome 131"), nil))
	r := roster(t, w, ops, "")
	if r.Ready != 1 || r.NotReady != 1 || r.NotChecked != 6 {
		t.Fatalf("ready %d, not ready %d, not checked %d", r.Ready, r.NotReady, r.NotChecked)
	}
	if a, _ := find(r, "A-tb"); a.State != server.PreflightNotReady || a.check("tenant").Status != "fail" {
		t.Errorf("A-tb under 淘宝BU: %+v", a)
	}
	// 消息提醒 off: the roster says so at once (R-NTF-1).
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/notify", map[string]bool{"desktop": true, "sound": false}, nil))
	a, _ := find(roster(t, w, ops, ""), "A-a1")
	if c := a.check("settings"); a.State != server.PreflightNotReady || c.Reason != "off" || c.Detail != "桌面通知 开，声音提醒 关" ||
		!strings.Contains(c.Fix, "请先在右上角点击头像-个人设置-消息提醒处，检查是否开启桌面通知提醒和声音提醒") {
		t.Errorf("A-a1 with sound off: %s %+v", a.State, c)
	}
	// A later post replaces the earlier one, and a check it does not report is pending.
	w.clock.Advance(time.Hour)
	post := map[string]any{"browser": "Firefox", "checks": []map[string]string{{"id": "browser", "status": "warn", "reason": "not_chrome", "detail": "Firefox"}}}
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/preflight", post, nil))
	a, _ = find(roster(t, w, ops, ""), "A-a1")
	if a.Browser != "Firefox" || !a.CheckedAt.Equal(monday10.Add(time.Hour)) || a.check("browser").Status != "warn" ||
		a.check("popup").Status != "pending" || !strings.Contains(a.check("browser").Fix, "请使用谷歌Chrome浏览器") {
		t.Errorf("A-a1 after a second post: %+v", a)
	}
}

// The roster follows the server's roles: operations see every department
// (or one, by ?department=), a department admin their own, an agent none;
// only agents post, and only their own result.
func TestPreflightRoles(t *testing.T) {
	w := newWorld(t)
	admin, a1 := w.session("A-admin"), w.session("A-a1")
	var r pfRoster
	w.must(nil, admin.API(w.ctx, http.MethodGet, "/api/preflight", nil, &r))
	for _, a := range r.Agents {
		if a.Department != "部门-A" {
			t.Errorf("A's admin sees %s of %s", a.Login, a.Department)
		}
	}
	if len(r.Agents) != 4 {
		t.Errorf("A's admin sees %d agents, want 4", len(r.Agents))
	}
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"admin, another department", admin.API(w.ctx, http.MethodGet, "/api/preflight?department=部门-B", nil, nil), http.StatusForbidden},
		{"agent, roster", a1.API(w.ctx, http.MethodGet, "/api/preflight", nil, nil), http.StatusForbidden},
		{"operations, post", w.ops.API(w.ctx, http.MethodPut, "/api/preflight", allPass("x"), nil), http.StatusForbidden},
		{"operations, own result", w.ops.API(w.ctx, http.MethodGet, "/api/preflight/me", nil, nil), http.StatusForbidden},
		{"operations, unknown department", w.ops.API(w.ctx, http.MethodGet, "/api/preflight?department=nope", nil, nil), http.StatusNotFound},
		{"no session", actors.NewAgent(w.base, "x").API(w.ctx, http.MethodGet, "/api/preflight", nil, nil), http.StatusUnauthorized},
	} {
		if got := status(tc.err); got != tc.want {
			t.Errorf("%s: %v, want HTTP %d", tc.name, tc.err, tc.want)
		}
	}
	var only pfRoster
	w.must(nil, w.ops.API(w.ctx, http.MethodGet, "/api/preflight?department=部门-B", nil, &only))
	if len(only.Agents) != 4 || only.Agents[0].Department != "部门-B" {
		t.Errorf("operations, department B: %+v", only.Agents)
	}
	var me pfAgent
	w.must(nil, a1.API(w.ctx, http.MethodGet, "/api/preflight/me", nil, &me))
	if me.Login != "A-a1" || me.State != server.PreflightNotChecked {
		t.Errorf("A-a1's own result: %+v", me)
	}
}

// A post holds only what the browser can report, in known words, within
// the size bounds of docs/protocol.md "Limits"; anything else is refused
// whole (400) and the earlier result stays.
func TestPreflightRefusesBadPosts(t *testing.T) {
	w := newWorld(t)
	a1 := w.session("A-a1")
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/preflight", allPass("Google Chrome 131"), nil))
	check := func(c map[string]string) map[string]any { return map[string]any{"checks": []map[string]string{c}} }
	for name, body := range map[string]any{
		"an account check":        check(map[string]string{"id": "tenant", "status": "pass"}),
		"an unknown check":        check(map[string]string{"id": "camera", "status": "pass"}),
		"a fail without reason":   check(map[string]string{"id": "popup", "status": "fail"}),
		"a reason of another":     check(map[string]string{"id": "popup", "status": "fail", "reason": "denied"}),
		"a reason's wrong status": check(map[string]string{"id": "browser", "status": "fail", "reason": "not_chrome"}),
		"an unknown status":       check(map[string]string{"id": "popup", "status": "great"}),
		"a long detail":           check(map[string]string{"id": "popup", "status": "pass", "detail": strings.Repeat("长", 201)}),
		"a check twice": map[string]any{"checks": []map[string]string{
			{"id": "popup", "status": "pass"}, {"id": "popup", "status": "fail", "reason": "blocked"}}},
		"a long user agent": map[string]any{"user_agent": strings.Repeat("x", 401)},
		"a body over 8 KiB": map[string]any{"browser": strings.Repeat("x", 9<<10)},
	} {
		if err := a1.API(w.ctx, http.MethodPut, "/api/preflight", body, nil); status(err) != http.StatusBadRequest {
			t.Errorf("%s: %v, want 400", name, err)
		}
	}
	var me pfAgent
	w.must(nil, a1.API(w.ctx, http.MethodGet, "/api/preflight/me", nil, &me))
	if me.State != server.PreflightReady || me.Browser != "Google Chrome 131" {
		t.Errorf("a refused post changed the result: %+v", me)
	}
}

// The store is bounded by the accounts: however often agents post, the
// roster has one row per agent, the latest.
func TestPreflightStoreHoldsOneResultPerAgent(t *testing.T) {
	w := newWorld(t)
	a1 := w.session("A-a1")
	for i := range 300 {
		post := allPass("Chrome " + strings.Repeat("9", i%50))
		w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/preflight", post, nil))
	}
	r := roster(t, w, func(m, p string, in, out any) error { return w.ops.API(w.ctx, m, p, in, out) }, "")
	n := 0
	for _, a := range r.Agents {
		if a.Login == "A-a1" {
			n++
			if a.Browser != "Chrome "+strings.Repeat("9", 299%50) {
				t.Errorf("A-a1's result is %q, not the latest", a.Browser)
			}
		}
	}
	if n != 1 || len(r.Agents) != 8 {
		t.Errorf("A-a1 listed %d times among %d agents", n, len(r.Agents))
	}
}
