package browser_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/browser"
	"routecheck/sim/invariant"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// checkTimeout bounds one browser check; the check has its own step
// timeouts inside, so this only catches a hang.
const checkTimeout = 90 * time.Second

// startWorkbench starts a fresh bundled workbench with vendor cfg and
// returns the browser checks' view of it.
func startWorkbench(cfg wb.VendorConfig) *browser.Env {
	return startWorkbenchWith(cfg, server.Options{})
}

// startWorkbenchWith is startWorkbench with server options (a token TTL).
func startWorkbenchWith(cfg wb.VendorConfig, opts server.Options) *browser.Env {
	opts.HashCost = bcrypt.MinCost
	srv := server.New(opts)
	_, err := srv.AddVendor(cfg)
	Expect(err).NotTo(HaveOccurred())
	base, err := srv.Start("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	// Runs before Close: the browser checks never break a routing rule.
	DeferCleanup(func(ctx SpecContext) {
		acc, ok := cfg.AccountWithRole(wb.RoleOperations)
		Expect(ok).To(BeTrue(), "the vendor needs an operations account to read the event log")
		ops := actors.NewOps(base, acc.Login)
		_, err := ops.SignIn(ctx, acc.Password)
		Expect(err).NotTo(HaveOccurred())
		evs, err := ops.Events(ctx, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(evs).NotTo(BeEmpty())
		Expect(invariant.Check(evs)).To(BeEmpty(), "routing invariants over the spec's event log")
	})
	return browser.NewEnv(base, cfg)
}

// describe is a browser check as a failure message: each check with what
// was expected and seen, then the diagnosis.
func describe(bc reports.BrowserCheck) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s in %s\n", bc.Title(), bc.Status, bc.Duration.Round(time.Millisecond))
	for _, c := range bc.Checks {
		mark := "ok  "
		if !c.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %s\n       expected: %s\n       seen:     %s\n", mark, c.Name, c.Expected, c.Seen)
	}
	if d := bc.Diagnosis; d != nil {
		fmt.Fprintf(&b, "  diagnosis (%s): %s\n  fix: %s\n", d.Rule, d.Message, d.Fix)
	}
	return b.String()
}

// keep logs the check and, when it ended otherwise than expected, writes
// its screenshot to a file the failure names, so a failure comes with its
// evidence.
func keep(bc reports.BrowserCheck, want reports.Status) {
	fmt.Fprint(GinkgoWriter, describe(bc))
	if len(bc.Screenshot) == 0 || bc.Status == want {
		return
	}
	dir := filepath.Join(os.TempDir(), "routecheck-browser-shots")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(CurrentSpecReport().LeafNodeText) + ".png"
		path := filepath.Join(dir, name)
		if os.WriteFile(path, bc.Screenshot, 0o644) == nil {
			AddReportEntry("screenshot", path)
		}
	}
}

func expectStatus(bc reports.BrowserCheck, want reports.Status) {
	keep(bc, want)
	Expect(bc.Status).To(Equal(want), describe(bc))
	Expect(bc.Screenshot).NotTo(BeEmpty(), "a browser check keeps a screenshot of its final state")
}

var _ = Describe("browser checks on the demo vendor", Label("browser"), func() {
	var env *browser.Env
	BeforeEach(func() { env = startWorkbench(fixtures.Demo().Config) })

	for i, name := range browser.NotificationCases() {
		It(name, func(ctx SpecContext) {
			expectStatus(browser.CheckNotificationCase(ctx, chromium, env, i), reports.StatusPassed)
		}, SpecTimeout(checkTimeout))
	}

	It("R-TEN-1: under 淘宝BU 马上上班 shows 404 page not found and no 在线工作台; 闲鱼BU and a refresh fix it", func(ctx SpecContext) {
		bc := browser.CheckTenant(ctx, chromium, env)
		expectStatus(bc, reports.StatusPassed)
		Expect(bc.Checks).To(ContainElement(HaveField("Seen", "404 page not found")))
	}, SpecTimeout(checkTimeout))

	It("R-RT-3, R-RT-4, R-RT-5: on a phone the bot page shows its knowledge, 在线客服 reaches an agent and the reply arrives", func(ctx SpecContext) {
		expectStatus(browser.CheckBotPage(ctx, chromium, env), reports.StatusPassed)
	}, SpecTimeout(checkTimeout))

	It("R-QR-1, R-RT-5: the agent sends an imported 常用语 from the workbench and the customer receives it", func(ctx SpecContext) {
		expectStatus(browser.CheckAgentReply(ctx, chromium, env), reports.StatusPassed)
	}, SpecTimeout(checkTimeout))

	It("D-WS-2: the workbench shows 用户网络中断 while the customer's network is down and clears it on resume", func(ctx SpecContext) {
		bc := browser.CheckCustomerLink(ctx, chromium, env)
		expectStatus(bc, reports.StatusPassed)
		Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("用户网络中断")), HaveField("Passed", true))))
		Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("marker cleared")), HaveField("Passed", true))))
	}, SpecTimeout(checkTimeout))
})

// The checks must be able to fail, with a diagnosis naming the rule.
var _ = Describe("browser checks on a misconfigured vendor", Label("browser"), func() {
	It("R-TEN-1: an agent without the tenant 闲鱼BU fails with the fix for operations", func(ctx SpecContext) {
		cfg := fixtures.Demo().Config
		for i, a := range cfg.Accounts {
			if a.Login == "demo-agent3" {
				cfg.Accounts[i].Tenant, cfg.Accounts[i].Tenants = "淘宝BU", []string{"淘宝BU"}
			}
		}
		env := startWorkbench(cfg)
		env.TenantAgent = "demo-agent3"
		bc := browser.CheckTenant(ctx, chromium, env)
		expectStatus(bc, reports.StatusFailed)
		Expect(bc.Diagnosis).NotTo(BeNil())
		Expect(bc.Diagnosis.Rule).To(Equal("R-TEN-1"))
		Expect(bc.Diagnosis.Fix).To(ContainSubstring("闲鱼BU"))
	}, SpecTimeout(checkTimeout))

	It("R-VEN-2: a bot page that differs from the handed-over configuration fails", func(ctx SpecContext) {
		env := startWorkbench(fixtures.Demo().Config)
		// What the vendor handed over differs from what is deployed. A fresh
		// parse: the workbench may share the slices of the config it got.
		env.Vendor = fixtures.Demo().Config
		env.Vendor.BotPage.FAQ[0].Title = "交易纠纷"
		bc := browser.CheckBotPage(ctx, chromium, env)
		expectStatus(bc, reports.StatusFailed)
		Expect(bc.Diagnosis.Rule).To(Equal("R-VEN-2"))
	}, SpecTimeout(checkTimeout))

	It("R-WB-1, R-TEN-1: the notification check fails when its agent cannot go online", func(ctx SpecContext) {
		cfg := fixtures.Demo().Config
		cfg.Accounts[0].Tenant, cfg.Accounts[0].Tenants = "淘宝BU", []string{"淘宝BU"}
		env := startWorkbench(cfg)
		env.NotifyAgent = cfg.Accounts[0].Login
		bc := browser.CheckNotificationCase(ctx, chromium, env, 0)
		expectStatus(bc, reports.StatusFailed)
		Expect(bc.Diagnosis.Fix).To(ContainSubstring("R-TEN-1"))
	}, SpecTimeout(checkTimeout))
})
