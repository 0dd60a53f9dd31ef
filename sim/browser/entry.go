package browser

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/chromedp/chromedp"

	"routecheck/reports"
)

// Bad entry links a tester may hold (R-RT-3, D-TOK-1): one that expired,
// one changed on the way, one for another vendor's page, one without its
// token.
const (
	EntryExpired     = "expired"
	EntryTampered    = "tampered"
	EntryWrongVendor = "wrong vendor"
	EntryMissing     = "missing"
)

// entryReasons is what the bot page must say of each, in the customer's
// language.
var entryReasons = map[string]string{
	EntryExpired:     "已过期",
	EntryTampered:    "无效",
	EntryWrongVendor: "不属于",
	EntryMissing:     "缺少入口凭证",
}

// english is a run of two English words: a sentence the bot page must not
// show a Chinese customer.
var english = regexp.MustCompile(`[A-Za-z]{2,}[ ,.:;]+[A-Za-z]{2,}`)

// BadEntryURL turns a good entry URL into the bad link of kind.
func BadEntryURL(good, kind string) (string, error) {
	u, err := url.Parse(good)
	if err != nil {
		return "", err
	}
	q := u.Query()
	switch kind {
	case EntryExpired:
		// an expired link is made by the workbench, with a short TTL
	case EntryTampered:
		t := q.Get("t")
		if len(t) < 4 {
			return "", fmt.Errorf("entry URL %q has no token", good)
		}
		last := "A"
		if strings.HasSuffix(t, "A") {
			last = "B"
		}
		q.Set("t", t[:len(t)-1]+last)
	case EntryWrongVendor:
		q.Set("v", "another-vendor")
	case EntryMissing:
		q.Del("t")
	default:
		return "", fmt.Errorf("no bad entry link %q", kind)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// CheckRefusedEntry opens a bad entry link (kind, see BadEntryURL) on a
// phone and checks what the customer sees (R-RT-3): the reason in Chinese
// and nothing in English, a header that no longer says 连接中, and an input,
// send button and quick phrases that cannot be used.
func CheckRefusedEntry(ctx context.Context, b *Browser, link, kind string) reports.BrowserCheck {
	r := newRecord("小蜜页面：无效入口链接（"+kind+"）", "R-RT-3")
	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()
	t, err := b.newTab(ctx)
	if !r.must("open a Chromium tab", err, nil) {
		return r.done(nil)
	}
	defer t.close()
	err = t.do(chromedp.Emulate(phone), chromedp.Navigate(link))
	if err == nil {
		err = t.waitFor(visible("bot-error"), stepTimeout)
	}
	if !r.must("the bot page shows an error", err, diag("R-RT-3", "a bad entry link shows no error", "")) {
		return r.done(t.screenshot())
	}
	var seen struct {
		Error, State, Data string
		Input, Send        bool
		Phrases            int
	}
	_ = t.eval(`({error: `+textOf("bot-error")+`, state: `+textOf("bot-state")+`,
		data: document.querySelector('[data-testid="bot-page"]').dataset.state,
		input: document.querySelector('[data-testid="bot-input"]').disabled,
		send: document.querySelector('[data-testid="bot-send"]').disabled,
		phrases: Array.from(document.querySelectorAll('[data-testid="quick-phrase"]')).filter(b => !b.disabled).length})`, &seen)
	want := entryReasons[kind]
	r.check("原因用中文说明", strings.Contains(seen.Error, want) && !english.MatchString(seen.Error),
		"the reason in Chinese ("+want+"…), no English", seen.Error,
		diag("R-RT-3", "the customer is told why the page cannot open in another language", "the bot page must say why in Chinese"))
	r.check("页头不再显示连接中", seen.State != "" && seen.State != "连接中" && seen.Data == "refused",
		"a header that says the page cannot open (state refused)", fmt.Sprintf("%q (state %q)", seen.State, seen.Data),
		diag("R-RT-3", "the header still says it is connecting", ""))
	r.check("输入框与发送按钮不可用", seen.Input && seen.Send && seen.Phrases == 0,
		"input, send and quick phrases disabled", fmt.Sprintf("input disabled %v, send disabled %v, %d quick phrases enabled", seen.Input, seen.Send, seen.Phrases),
		diag("R-RT-3", "a customer can type into a page that cannot send", ""))
	return r.done(t.screenshot())
}
