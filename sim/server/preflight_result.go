package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"routecheck/sim/server/web"
	wb "routecheck/sim/workbench"
)

// A preflight result as an agent's browser posts it, how a post is
// checked, and how a result is judged for the page and the roster
// (preflight.go serves them).

// Bounds of one preflight post (docs/protocol.md "Limits").
const (
	preflightBodyMax   = 8 << 10 // bytes of a PUT /api/preflight body
	preflightDetailMax = 200     // characters of a check's detail
	preflightUAMax     = 400     // characters of the user agent
	preflightNameMax   = 100     // characters of the browser's name
)

// preflightResult is what an agent's browser last reported. It is never
// changed after it is stored (a new post replaces it), so an answer may
// read it after the lock is released.
type preflightResult struct {
	at        time.Time
	userAgent string
	browser   string
	checks    map[string]preflightIn // browser-judged checks by id
}

type preflightIn struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

type preflightBody struct {
	UserAgent string        `json:"user_agent"`
	Browser   string        `json:"browser"`
	Checks    []preflightIn `json:"checks"`
}

// PreflightCheckView is one check of an agent's result, with what it
// means and the fix, as the page and the roster show it.
type PreflightCheckView struct {
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

// PreflightView is one agent's latest preflight result. State is ready
// (every check passed or only warns), not_ready, or not_checked (the agent
// never opened the page). The account checks are judged live, at the time
// of the answer; the browser checks are as the browser last reported them.
type PreflightView struct {
	Login      string               `json:"login"`
	Name       string               `json:"name"`
	Vendor     string               `json:"vendor"`
	Department string               `json:"department"`
	State      string               `json:"state"`
	CheckedAt  *time.Time           `json:"checked_at"`
	Browser    string               `json:"browser"`
	UserAgent  string               `json:"user_agent"`
	Checks     []PreflightCheckView `json:"checks"`
}

// Preflight states.
const (
	PreflightReady      = "ready"
	PreflightNotReady   = "not_ready"
	PreflightNotChecked = "not_checked"
)

// checkPreflight checks a post: only the browser's own checks, each at
// most once, with a known status and a reason the check defines.
func checkPreflight(in preflightBody) (*preflightResult, error) {
	bad := func(format string, args ...any) error {
		return &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-WB-3", Reason: "preflight: " + fmt.Sprintf(format, args...)}
	}
	if utf8.RuneCountInString(in.UserAgent) > preflightUAMax || utf8.RuneCountInString(in.Browser) > preflightNameMax {
		return nil, bad("user_agent at most %d and browser at most %d characters", preflightUAMax, preflightNameMax)
	}
	res := &preflightResult{userAgent: in.UserAgent, browser: in.Browser, checks: map[string]preflightIn{}}
	for _, c := range in.Checks {
		def, ok := web.PreflightCheckByID(c.ID)
		switch {
		case !ok || def.Judge != web.JudgeBrowser:
			return nil, bad("check %q is not one the browser reports; want %s", c.ID, strings.Join(browserChecks(), ", "))
		case res.checks[c.ID].ID != "":
			return nil, bad("check %q twice", c.ID)
		case utf8.RuneCountInString(c.Detail) > preflightDetailMax:
			return nil, bad("check %q: detail at most %d characters", c.ID, preflightDetailMax)
		}
		if c.Reason == "" {
			if c.Status != web.PreflightPass && c.Status != web.PreflightPending {
				return nil, bad("check %q: status %q needs a reason (%s)", c.ID, c.Status, reasons(def))
			}
		} else if f, ok := def.Fix(c.Reason); !ok || f.Status != c.Status {
			return nil, bad("check %q: reason %q with status %q; want one of %s", c.ID, c.Reason, c.Status, reasons(def))
		}
		res.checks[c.ID] = c
	}
	return res, nil
}

func browserChecks() []string {
	var out []string
	for _, c := range web.PreflightChecks() {
		if c.Judge == web.JudgeBrowser {
			out = append(out, c.ID)
		}
	}
	return out
}

func reasons(def web.PreflightCheck) string {
	var out []string
	for _, f := range def.Fixes {
		out = append(out, f.Reason+" ("+f.Status+")")
	}
	return strings.Join(out, ", ")
}

// preflightAnswer is one agent's result, turned into a PreflightView when
// the answer is encoded.
type preflightAnswer struct {
	acc wb.AccountView
	res *preflightResult
}

func (a preflightAnswer) MarshalJSON() ([]byte, error) { return json.Marshal(a.view()) }

type preflightRoster struct{ rows []preflightAnswer }

func (r preflightRoster) MarshalJSON() ([]byte, error) {
	out := struct {
		Agents     []PreflightView `json:"agents"`
		Ready      int             `json:"ready"`
		NotReady   int             `json:"not_ready"`
		NotChecked int             `json:"not_checked"`
	}{Agents: []PreflightView{}}
	for _, row := range r.rows {
		v := row.view()
		out.Agents = append(out.Agents, v)
		switch v.State {
		case PreflightReady:
			out.Ready++
		case PreflightNotReady:
			out.NotReady++
		default:
			out.NotChecked++
		}
	}
	return json.Marshal(out)
}

// view judges an agent's result: the browser's checks as reported (a check
// never reported is pending), the account's checks from the account now.
func (a preflightAnswer) view() PreflightView {
	v := PreflightView{Login: a.acc.Login, Name: a.acc.Name, Vendor: a.acc.Vendor, Department: a.acc.Department,
		State: PreflightNotChecked, Checks: []PreflightCheckView{}}
	if a.res != nil {
		at := a.res.at.UTC()
		v.CheckedAt, v.Browser, v.UserAgent = &at, a.res.browser, a.res.userAgent
	}
	ready := a.res != nil
	for _, def := range web.PreflightChecks() {
		c := PreflightCheckView{ID: def.ID, Name: def.Name, Rule: def.Rule, Judge: def.Judge, Status: web.PreflightPending, Says: "未检查"}
		if def.Judge == web.JudgeAccount {
			c.Status, c.Reason, c.Detail = accountCheck(def.ID, a.acc)
			if c.Status == web.PreflightPass {
				c.Says = "通过"
			}
		} else if a.res != nil {
			if in, ok := a.res.checks[def.ID]; ok {
				c.Status, c.Reason, c.Detail = in.Status, in.Reason, in.Detail
				c.Says = map[string]string{web.PreflightPass: "通过", web.PreflightPending: "还没有做完"}[in.Status]
			}
		}
		if f, ok := def.Fix(c.Reason); ok {
			c.Says, c.Fix = f.Says, f.Fix
		}
		ready = ready && (c.Status == web.PreflightPass || c.Status == web.PreflightWarn)
		v.Checks = append(v.Checks, c)
	}
	switch {
	case ready:
		v.State = PreflightReady
	case a.res != nil:
		v.State = PreflightNotReady
	}
	return v
}

// accountCheck judges a check the workbench can see itself: the 消息提醒
// switches (R-NTF-1) and the tenant (R-TEN-1).
func accountCheck(id string, acc wb.AccountView) (status, reason, detail string) {
	switch id {
	case "settings":
		detail = fmt.Sprintf("桌面通知 %s，声音提醒 %s", onOff(acc.Desktop), onOff(acc.Sound))
		if acc.Desktop && acc.Sound {
			return web.PreflightPass, "", detail
		}
		return web.PreflightFail, "off", detail
	case "tenant":
		detail = "当前租户 " + acc.Tenant
		switch {
		case acc.Tenant == wb.TenantXianyu:
			return web.PreflightPass, "", detail
		case !slices.Contains(acc.Tenants, wb.TenantXianyu):
			return web.PreflightFail, "missing", detail
		}
		return web.PreflightFail, "wrong", detail
	}
	return web.PreflightPending, "", ""
}

func onOff(b bool) string {
	if b {
		return "开"
	}
	return "关"
}
