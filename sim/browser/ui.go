package browser

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// The steps an agent takes in X-Space, through the UI as a person would.

// pageReady: the shell has loaded /api/me (common.js sets it).
const pageReady = `document.body.dataset.ready === 'true'`

// open navigates to path on base and waits for the page's scripts.
func (t *tab) open(base, path string) error {
	if err := t.do(chromedp.Navigate(base + path)); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := t.waitFor(pageReady, stepTimeout); err != nil {
		return fmt.Errorf("%s did not load: %w", path, err)
	}
	return nil
}

// login signs in through the login page (R-WB-1) and waits for the page
// it leads to.
func (t *tab) login(base, login, password string) error {
	if err := t.open(base, "/login"); err != nil {
		return err
	}
	if err := t.do(
		chromedp.SendKeys(tid("login-user"), login),
		chromedp.SendKeys(tid("login-pass"), password),
		chromedp.Click(tid("login-submit")),
	); err != nil {
		return fmt.Errorf("fill the login form: %w", err)
	}
	// Either the next page loads or the form says why not.
	cond := `(location.pathname !== '/login' && ` + pageReady + `) || ` + visible("login-error")
	if err := t.waitFor(cond, stepTimeout); err != nil {
		return fmt.Errorf("login as %s: %w", login, err)
	}
	var msg *string
	if err := t.eval(`location.pathname === '/login' ? `+textOf("login-error")+` : null`, &msg); err == nil && msg != nil {
		return fmt.Errorf("login as %s refused: %s", login, *msg)
	}
	return nil
}

// me is /api/me as the page's session sees it.
type me struct {
	Login   string   `json:"login"`
	Tenant  string   `json:"tenant"`
	Tenants []string `json:"tenants"`
	Status  string   `json:"status"`
	Desktop bool     `json:"desktop"`
	Sound   bool     `json:"sound"`
}

// fetchJSON calls the API from the page (its session cookie) and decodes
// the answer; a non-2xx answer is an error with the body.
func (t *tab) fetchJSON(method, path string, body any, out any) error {
	js := `fetch(` + strconv.Quote(path) + `, {method: ` + strconv.Quote(method) + `, credentials: 'same-origin'`
	if body != nil {
		b, err := jsonString(body)
		if err != nil {
			return err
		}
		js += `, headers: {'Content-Type': 'application/json'}, body: ` + strconv.Quote(b)
	}
	js += `}).then(async r => ({ok: r.ok, status: r.status, body: await r.text()}))`
	ctx, cancel := t.stepCtx()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		OK     bool   `json:"ok"`
		Status int    `json:"status"`
		Body   string `json:"body"`
	}](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if !res.OK {
		return fmt.Errorf("%s %s: HTTP %d %s", method, path, res.Status, strings.TrimSpace(res.Body))
	}
	if out == nil || res.Body == "" {
		return nil
	}
	return jsonUnmarshal(res.Body, out)
}

func (t *tab) me() (me, error) {
	var m me
	err := t.fetchJSON("GET", "/api/me", nil, &m)
	return m, err
}

// setNotify sets 个人设置 → 消息提醒 through its switches (R-NTF-1) and
// confirms with /api/me that the workbench saved it.
func (t *tab) setNotify(base string, desktop, sound bool) error {
	if err := t.open(base, "/settings"); err != nil {
		return err
	}
	for _, sw := range []struct {
		id   string
		want bool
	}{{"setting-desktop", desktop}, {"setting-sound", sound}} {
		var checked bool
		if err := t.eval(`document.querySelector(`+jsTid(sw.id)+`).checked`, &checked); err != nil {
			return fmt.Errorf("read %s: %w", sw.id, err)
		}
		if checked == sw.want {
			continue
		}
		if err := t.do(chromedp.Click(tid(sw.id))); err != nil {
			return fmt.Errorf("click %s: %w", sw.id, err)
		}
		saved := `document.querySelector(` + jsTid("notify-saved") + `).dataset.state === 'saved'`
		if err := t.waitFor(saved, stepTimeout); err != nil {
			return fmt.Errorf("%s not saved: %w", sw.id, err)
		}
	}
	m, err := t.me()
	if err != nil {
		return err
	}
	if m.Desktop != desktop || m.Sound != sound {
		return fmt.Errorf("workbench has desktop=%v sound=%v, want desktop=%v sound=%v", m.Desktop, m.Sound, desktop, sound)
	}
	return nil
}

// startWork clicks 马上上班 (R-WB-1) and waits for a verdict: the status
// shows 在线, or the 404 panel (R-TEN-1), or an error banner.
func (t *tab) startWork() (status string, err error) {
	if err := t.do(chromedp.Click(tid("start-work"))); err != nil {
		return "", fmt.Errorf("click 马上上班: %w", err)
	}
	return t.waitStatus("在线")
}

// waitStatus waits for the shown status to be want, or for the 404 panel
// or an error banner; it returns what the page shows.
func (t *tab) waitStatus(want string) (string, error) {
	shown := `document.querySelector(` + jsTid("agent-status") + `).dataset.status`
	cond := shown + ` === ` + strconv.Quote(want) + ` || ` + visible("page-404") + ` || ` + visible("error")
	_ = t.waitFor(cond, stepTimeout) // the caller judges what is shown
	var s struct {
		Status string  `json:"status"`
		P404   bool    `json:"p404"`
		Text   *string `json:"text"`
		Err    *string `json:"err"`
	}
	expr := `({status: ` + shown + `, p404: ` + visible("page-404") + `, text: ` + textOf("page-404-text") +
		`, err: ` + visible("error") + ` ? ` + textOf("error") + ` : null})`
	if err := t.eval(expr, &s); err != nil {
		return "", err
	}
	switch {
	case s.P404 && s.Text != nil:
		return "", fmt.Errorf("page shows %q", *s.Text)
	case s.Err != nil:
		return s.Status, fmt.Errorf("page shows error %q", *s.Err)
	}
	return s.Status, nil
}

// switchTenant picks a tenant in the avatar menu and refreshes, as R-TEN-1
// tells the agent to.
func (t *tab) switchTenant(tenant string) error {
	if err := t.do(chromedp.Click(tid("avatar"))); err != nil {
		return fmt.Errorf("open the avatar menu: %w", err)
	}
	if err := t.waitFor(present("tenant-option-"+tenant), 2*time.Second); err != nil {
		return fmt.Errorf("the avatar menu offers no tenant %s", tenant)
	}
	if err := t.do(chromedp.Click(tid("tenant-option-" + tenant))); err != nil {
		return fmt.Errorf("choose tenant %s: %w", tenant, err)
	}
	if err := t.waitFor(visible("tenant-hint")+` || `+visible("error"), stepTimeout); err != nil {
		return fmt.Errorf("tenant switch gave no answer: %w", err)
	}
	var e *string
	if err := t.eval(visible("error")+` ? `+textOf("error")+` : null`, &e); err == nil && e != nil {
		return fmt.Errorf("tenant switch refused: %s", *e)
	}
	if err := t.do(chromedp.Reload()); err != nil {
		return fmt.Errorf("refresh: %w", err)
	}
	return t.waitFor(pageReady, stepTimeout)
}
