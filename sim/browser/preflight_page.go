package browser

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// How the checks read the preflight page (/preflight) and its roster.

// pfStep is one step of the page as the agent sees it.
type pfStep struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	Says   string `json:"says"`
	Fix    string `json:"fix"`
}

func (s pfStep) String() string {
	out := s.Status
	if s.Reason != "" {
		out += " (" + s.Reason + ")"
	}
	if s.Says != "" {
		out += ": " + s.Says
	}
	return out
}

// step reads one step of the page.
func (t *tab) step(id string) (pfStep, error) {
	var s pfStep
	err := t.eval(`(() => { const li = document.querySelector(`+jsTid("pf-"+id)+`);
	  const fix = document.querySelector(`+jsTid("pf-"+id+"-fix")+`);
	  return {status: li.dataset.status, reason: li.dataset.reason,
	    says: document.querySelector(`+jsTid("pf-"+id+"-says")+`).textContent,
	    fix: fix.hidden ? '' : fix.textContent}; })()`, &s)
	return s, err
}

// waitStep waits until the step leaves the given statuses (the page is
// still working on it), then reads it.
func (t *tab) waitStep(id string, busy ...string) (pfStep, error) {
	cond := `!` + jsString(strings.Join(busy, "|")) + `.split('|').includes(document.querySelector(` + jsTid("pf-"+id) + `).dataset.status)`
	_ = t.waitFor(cond, stepTimeout) // the caller judges what it reads
	return t.step(id)
}

// waitStepIs waits until the step shows status and reason, or the step
// timeout passes, then reads it.
func (t *tab) waitStepIs(id, status, reason string) (pfStep, error) {
	li := `document.querySelector(` + jsTid("pf-"+id) + `)`
	_ = t.waitFor(li+`.dataset.status === `+jsString(status)+` && `+li+`.dataset.reason === `+jsString(reason), stepTimeout)
	return t.step(id)
}

// summary is the page's verdict: ready, not_ready, or checking.
func (t *tab) summary() (state, text string) {
	var s struct{ State, Text string }
	_ = t.eval(`({State: document.querySelector(`+jsTid("pf-summary")+`).dataset.state, Text: `+textOf("pf-summary")+`})`, &s)
	return s.State, s.Text
}

// click clicks a control as a person does: a real input event, so the
// browser counts it as a user gesture.
func (t *tab) click(id string) error {
	if err := t.do(chromedp.Click(tid(id))); err != nil {
		return fmt.Errorf("click %s: %w", id, err)
	}
	return nil
}

// scriptClick clicks a control from a script, which the browser does not
// count as a user gesture (no sound, no pop-up).
func (t *tab) scriptClick(id string) error {
	return t.eval(`(document.querySelector(`+jsTid(id)+`).click(), true)`, nil)
}

// openPreflight opens the page and waits until it has run its automatic
// steps (browser, permission, pop-up).
func (t *tab) openPreflight(base string) error {
	if err := t.open(base, "/preflight"); err != nil {
		return err
	}
	if err := t.waitFor(`document.body.dataset.preflight === 'started'`, stepTimeout); err != nil {
		return fmt.Errorf("the preflight page did not start its checks: %w", err)
	}
	_, err := t.waitStep("popup", "pending")
	return err
}

// setUserAgent makes the tab say it is another browser.
func (t *tab) setUserAgent(ua string) error {
	ctx, cancel := t.stepCtx()
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua})
	return err
}

// popupsOpen counts the page targets showing the preflight's test window.
func (t *tab) popupsOpen() (int, error) {
	ctx, cancel := t.stepCtx()
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ti := range res.TargetInfos {
		if ti.Type == "page" && strings.Contains(ti.URL, "preflight-popup") {
			n++
		}
	}
	return n, nil
}

// popupsLeft waits, up to a second, for the test windows to be gone (a
// closed window leaves the browser's list a moment later) and counts
// those still there.
func (t *tab) popupsLeft() (int, error) {
	deadline := time.Now().Add(time.Second)
	for {
		n, err := t.popupsOpen()
		if err != nil || n == 0 || time.Now().After(deadline) {
			return n, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// permissionSetting is Chrome's site setting for a state of Notification.permission.
func permissionSetting(perm string) cdpbrowser.PermissionSetting {
	switch perm {
	case "granted":
		return cdpbrowser.PermissionSettingGranted
	case "denied":
		return cdpbrowser.PermissionSettingDenied
	}
	return cdpbrowser.PermissionSettingPrompt
}

// rosterRow is one agent on the roster (GET /api/preflight).
type rosterRow struct {
	Login     string     `json:"login"`
	State     string     `json:"state"`
	CheckedAt *time.Time `json:"checked_at"`
	Checks    []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"checks"`
}

func (r rosterRow) check(id string) string {
	for _, c := range r.Checks {
		if c.ID == id {
			if c.Reason != "" {
				return c.Status + " (" + c.Reason + ")"
			}
			return c.Status
		}
	}
	return "absent"
}

// rosterWait reads the department's roster as CCO operations until login's
// row satisfies ok (the page reports a moment after each change) or the
// step timeout; it returns the last row read.
func (e *Env) rosterWait(ctx context.Context, login string, ok func(rosterRow) bool) (rosterRow, error) {
	o, err := e.ops(ctx)
	if err != nil {
		return rosterRow{}, err
	}
	deadline := time.Now().Add(stepTimeout)
	for {
		var r struct {
			Agents []rosterRow `json:"agents"`
		}
		err := o.API(ctx, "GET", "/api/preflight?department="+url.QueryEscape(e.Vendor.Department), nil, &r)
		var row rosterRow
		for _, a := range r.Agents {
			if a.Login == login {
				row = a
			}
		}
		if err == nil && row.Login != "" && ok(row) {
			return row, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			switch {
			case err != nil:
			case row.Login == "":
				err = fmt.Errorf("%s is not on the roster", login)
			default:
				err = fmt.Errorf("not so within %s", stepTimeout)
			}
			return row, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
