package browser_test

import (
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/browser"
)

// blocking is a second Chromium with its pop-up blocker on, as a fresh
// Chrome profile has it; the suite's own has it off. Chromium has no
// per-site pop-up switch over the DevTools protocol, so the two states
// need two browsers. Started on first use; AfterSuite closes it.
var blocking struct {
	once sync.Once
	b    *browser.Browser
	err  error
}

func browserFor(ctx SpecContext, s browser.PreflightState) *browser.Browser {
	if !browser.PreflightNeedsBlockedPopups(s) {
		return chromium
	}
	blocking.once.Do(func() { blocking.b, blocking.err = browser.Launch(ctx, browser.BlockPopups()) })
	Expect(blocking.err).NotTo(HaveOccurred())
	return blocking.b
}

// sabotages break preflight.js for each state: the page lies or forgets
// one thing, and the state's check must fail. Each replacement is the
// behaviour the state is about.
var sabotages = map[browser.PreflightState]struct{ old, new, what string }{
	browser.PreflightGranted: {"n = new Notification(", "n = ({}) || (", "asks whether a notification was seen without showing one"},
	browser.PreflightDenied: {"else if ('Notification' in window) perm = Notification.permission;", "else perm = 'granted';",
		"says notifications are allowed whatever Chrome says"},
	browser.PreflightNotAsked:      {"ask.hidden = perm !== 'default';", "ask.hidden = true;", "never shows the button that asks"},
	browser.PreflightPopupsBlocked: {"set('popup', 'fail', 'blocked', '');", "set('popup', 'pass', '', '');", "says a blocked pop-up opened"},
	browser.PreflightPopupsAllowed: {"if (popup) popup.close();\n    set('popup', 'pass'", "set('popup', 'pass'", "leaves its test window open"},
	browser.PreflightNoClick:       {"if (!canPlay()) {", "if (false) {", "claims the sound plays before any click"},
	browser.PreflightWrongTenant: {"if (byId[c.id].judge === 'account') show(", "if (c.id === 'settings') show(",
		"never shows the account's tenant"},
	browser.PreflightNotChrome: {"set('browser', 'warn', 'not_chrome', name);", "set('browser', 'pass', '', name, '是 Chrome');",
		"calls every browser Chrome"},
	browser.PreflightNotSeen: {"set('notification', 'fail', 'not_seen', '');", "set('notification', 'pass', '', '');",
		"takes 没看到 for a pass"},
	browser.PreflightSettingsOff: {"if (byId[c.id].judge === 'account') show(", "if (c.id === 'tenant') show(",
		"never shows the account's 消息提醒"},
}

var _ = Describe("the preflight page in each state of an agent's browser", Label("browser"), func() {
	var env *browser.Env
	BeforeEach(func() { env = startWorkbench(fixtures.Demo().Config) })

	for _, s := range browser.PreflightStates() {
		It(string(s)+": the page and the roster tell it, with the fix in the seed's words", func(ctx SpecContext) {
			expectStatus(browser.CheckPreflight(ctx, browserFor(ctx, s), env, s), reports.StatusPassed)
		}, SpecTimeout(checkTimeout))

		sab := sabotages[s]
		It(string(s)+": a page that "+sab.what+" fails", func(ctx SpecContext) {
			sabotageFile(ctx, env, "/static/preflight.js", sab.old, sab.new)
			bc := browser.CheckPreflight(ctx, browserFor(ctx, s), env, s)
			expectStatus(bc, reports.StatusFailed)
			Expect(bc.Diagnosis).NotTo(BeNil())
			Expect(bc.Diagnosis.Rule).To(Equal(bc.Rule), "the failure is the state's own")
		}, SpecTimeout(checkTimeout))
	}
})
