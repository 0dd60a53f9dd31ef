package browser_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/browser"
)

// sabotage puts a proxy in front of the workbench at env.Base that serves
// common.js with old replaced by new: the real workbench with one broken
// UI behaviour, to show the notification checks catch it.
func sabotage(ctx SpecContext, env *browser.Env, old, new string) {
	sabotageFile(ctx, env, "/static/common.js", old, new)
}

// sabotageFile is sabotage for any file the workbench serves.
func sabotageFile(ctx SpecContext, env *browser.Env, path, old, new string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.Base+path, nil)
	Expect(err).NotTo(HaveOccurred())
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	Expect(string(js)).To(ContainSubstring(old), "the UI changed: this sabotage would test nothing")

	u, err := url.Parse(env.Base)
	Expect(err).NotTo(HaveOccurred())
	p := httputil.NewSingleHostReverseProxy(u)
	// The workbench trusts only its own origin (CSRF, socket Origin check);
	// a proxy in front of it speaks for its pages, as a deployment's would.
	direct := p.Director
	p.Director = func(r *http.Request) {
		direct(r)
		if r.Header.Get("Origin") != "" {
			r.Header.Set("Origin", u.Scheme+"://"+u.Host)
		}
	}
	p.ModifyResponse = func(r *http.Response) error {
		if r.Request.URL.Path != path {
			return nil
		}
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return err
		}
		b = bytes.Replace(b, []byte(old), []byte(new), 1)
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	ts := httptest.NewServer(p)
	DeferCleanup(ts.Close)
	env.Base = ts.URL
}

var _ = Describe("notification checks on a broken workbench UI", Label("browser"), func() {
	var env *browser.Env
	BeforeEach(func() { env = startWorkbench(fixtures.Demo().Config) })

	expectFailure := func(bc reports.BrowserCheck, rule string) {
		expectStatus(bc, reports.StatusFailed)
		Expect(bc.Diagnosis).NotTo(BeNil())
		Expect(bc.Diagnosis.Rule).To(Equal(rule))
	}

	It("R-NTF-1: a workbench that never shows a desktop notification fails the granted case", func(ctx SpecContext) {
		sabotage(ctx, env, "new Notification(", "(() => undefined)(")
		expectFailure(browser.CheckNotificationCase(ctx, chromium, env, 0), "R-NTF-1")
	}, SpecTimeout(checkTimeout))

	It("R-WB-3: a workbench that hides the permission banner fails the denied case, telling how to allow", func(ctx SpecContext) {
		sabotage(ctx, env, "b.hidden = !isAgent(me) || granted;", "b.hidden = true;")
		bc := browser.CheckNotificationCase(ctx, chromium, env, 1)
		expectFailure(bc, "R-WB-3")
		Expect(bc.Diagnosis.Fix).To(ContainSubstring("网站设置 → 通知 → 允许"))
	}, SpecTimeout(checkTimeout))

	It("R-NTF-1: a workbench that ignores the 桌面通知 switch fails the desktop-off case", func(ctx SpecContext) {
		sabotage(ctx, env, "if (f.desktop && 'Notification' in window", "if ('Notification' in window")
		expectFailure(browser.CheckNotificationCase(ctx, chromium, env, 2), "R-NTF-1")
	}, SpecTimeout(checkTimeout))

	It("D-WS-2: a workbench that ignores customer_link fails the customer-link check", func(ctx SpecContext) {
		sabotageFile(ctx, env, "/static/workbench.js", "customerLink(f.conv, f.state);", "")
		bc := browser.CheckCustomerLink(ctx, chromium, env)
		expectFailure(bc, "D-WS-2")
		Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("用户网络中断")), HaveField("Passed", false))))
	}, SpecTimeout(checkTimeout))
})
