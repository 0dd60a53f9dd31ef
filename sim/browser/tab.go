package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one browser step (a click, a wait for an element);
// the allocator or a page can hang, and a check must end with a verdict.
const stepTimeout = 10 * time.Second

// tab is one page in its own browser context: its own cookies and
// permissions, so one check's login is not another's.
type tab struct {
	ctx    context.Context // chromedp context of the tab
	cancel context.CancelFunc
	stop   func() bool // detaches the cancel from the caller's ctx
}

// newTab opens a tab in a fresh browser context. Cancelling ctx closes it
// too.
func (b *Browser) newTab(ctx context.Context) (*tab, error) {
	tctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t := &tab{ctx: tctx, cancel: cancel}
	t.stop = context.AfterFunc(ctx, cancel)
	// The first Do creates the target; it runs on the tab context itself
	// so the tab lives until close, bounded from outside by stepTimeout.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(tctx) }()
	timer := time.NewTimer(stepTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.close()
			return nil, fmt.Errorf("open tab: %w", err)
		}
	case <-timer.C:
		t.close()
		return nil, errors.New("open tab: no answer from Chromium within " + stepTimeout.String())
	}
	return t, nil
}

func (t *tab) close() {
	if t == nil {
		return
	}
	t.stop()
	t.cancel()
}

// do runs actions with stepTimeout.
func (t *tab) do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// setNotifications sets the notifications permission of the tab's browser
// context for origin, as a user does in Chrome's site settings (R-WB-3).
// Browser.grantPermissions is gone from the protocol; setPermission is its
// replacement and can also deny.
func (t *tab) setNotifications(origin string, granted bool) error {
	setting := cdpbrowser.PermissionSettingDenied
	if granted {
		setting = cdpbrowser.PermissionSettingGranted
	}
	return t.setNotificationSetting(origin, setting)
}

// setNotificationSetting is setNotifications with "prompt" too: the state
// of a site Chrome has not asked about yet.
func (t *tab) setNotificationSetting(origin string, setting cdpbrowser.PermissionSetting) error {
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission:       &cdpbrowser.PermissionDescriptor{Name: "notifications"},
		Setting:          setting,
		Origin:           origin,
		BrowserContextID: chromedp.FromContext(t.ctx).BrowserContextID,
	})
	return err
}

// addInitScript runs src in every document the tab loads, before the
// page's own scripts.
func (t *tab) addInitScript(src string) error {
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
	return err
}

// eval evaluates a JavaScript expression and decodes its JSON value into out.
func (t *tab) eval(expr string, out any) error {
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`JSON.stringify((() => (`+expr+`))())`))
	if err != nil {
		return err
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("eval %s: %w", expr, err)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(s), out)
}

// waitFor evaluates cond until it is true or timeout passes. Errors while
// a page is navigating (the document is replaced) count as "not yet".
func (t *tab) waitFor(cond string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		var ok bool
		err := t.eval(`!!(`+cond+`)`, &ok)
		if err == nil && ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if t.ctx.Err() != nil {
			return t.ctx.Err()
		}
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("not true within %s: %s (last error: %v)", timeout, cond, last)
			}
			return fmt.Errorf("not true within %s: %s", timeout, cond)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot is the final state of the page, for the report; nil if the
// tab can no longer give one.
func (t *tab) screenshot() []byte {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(t.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return nil
	}
	return png
}

// tid is the CSS selector of a data-testid.
func tid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid=` + strconv.Quote(id) + `]`) }

// jsTid is the same selector as a JavaScript string literal.
func jsTid(id string) string { return jsString(`[data-testid=` + strconv.Quote(id) + `]`) }

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// visible is a JavaScript condition: the element is in the DOM and shown.
func visible(id string) string {
	return `(() => { const e = document.querySelector(` + jsTid(id) + `); return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0; })()`
}

// present is a JavaScript condition: the element is in the DOM.
func present(id string) string { return `!!document.querySelector(` + jsTid(id) + `)` }

// textOf is a JavaScript expression: the element's text, or null.
func textOf(id string) string {
	return `(document.querySelector(` + jsTid(id) + `) || {}).textContent || null`
}

// origin is scheme://host[:port] of base.
func origin(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("base URL %q: want http://host:port", base)
	}
	return u.Scheme + "://" + u.Host, nil
}

func (t *tab) stepCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.ctx, stepTimeout)
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func jsonUnmarshal(s string, out any) error { return json.Unmarshal([]byte(s), out) }

func pathEscape(s string) string { return url.PathEscape(s) }
