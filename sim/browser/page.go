package browser

import (
	"context"
	"time"

	"github.com/chromedp/chromedp"
)

// Page is a tab a spec drives itself, for pages that are no vendor check:
// a report as a person opens it, the /qr page. Its calls are bounded like
// the checks' (stepTimeout).
type Page struct{ t *tab }

// OpenPage opens url in a fresh browser context at width × height CSS px.
func (b *Browser) OpenPage(ctx context.Context, url string, width, height int64) (*Page, error) {
	t, err := b.newTab(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.do(chromedp.EmulateViewport(width, height), chromedp.Navigate(url)); err != nil {
		t.close()
		return nil, err
	}
	return &Page{t}, nil
}

// Navigate loads another URL in the same tab (its cookies kept).
func (p *Page) Navigate(url string) error { return p.t.do(chromedp.Navigate(url)) }

// Eval evaluates a JavaScript expression and decodes its JSON value.
func (p *Page) Eval(expr string, out any) error { return p.t.eval(expr, out) }

// WaitFor waits until the JavaScript condition holds.
func (p *Page) WaitFor(cond string, timeout time.Duration) error { return p.t.waitFor(cond, timeout) }

// Screenshot is the page as shown, or nil.
func (p *Page) Screenshot() []byte { return p.t.screenshot() }

// Close closes the tab.
func (p *Page) Close() { p.t.close() }
