package browser_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/browser"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// entryLink is a good entry URL of env's vendor, made by its operations.
func entryLink(ctx SpecContext, env *browser.Env) string {
	acc, ok := env.Vendor.AccountWithRole(wb.RoleOperations)
	Expect(ok).To(BeTrue())
	ops := actors.NewOps(env.Base, acc.Login)
	_, err := ops.SignIn(ctx, acc.Password)
	Expect(err).NotTo(HaveOccurred())
	e, err := ops.Entry(ctx, env.Vendor.ID, "", "")
	Expect(err).NotTo(HaveOccurred())
	return e.URL
}

// What the customer sees of the 小蜜 page itself (R-RT-3, R-VEN-2).
var _ = Describe("the bot page as the customer sees it", Label("browser"), func() {
	for _, kind := range []string{browser.EntryTampered, browser.EntryWrongVendor, browser.EntryMissing} {
		It("R-RT-3: a "+kind+" entry link says why in Chinese, the header stops saying 连接中, and nothing can be typed", func(ctx SpecContext) {
			env := startWorkbench(fixtures.Demo().Config)
			bad, err := browser.BadEntryURL(entryLink(ctx, env), kind)
			Expect(err).NotTo(HaveOccurred())
			expectStatus(browser.CheckRefusedEntry(ctx, chromium, bad, kind), reports.StatusPassed)
		}, SpecTimeout(checkTimeout))
	}

	It("R-RT-3: an expired entry link says 已过期 in Chinese, the header stops saying 连接中, and nothing can be typed", func(ctx SpecContext) {
		env := startWorkbenchWith(fixtures.Demo().Config, server.Options{TokenTTL: 50 * time.Millisecond})
		link := entryLink(ctx, env)
		time.Sleep(1100 * time.Millisecond) // expiry is checked to the second
		expectStatus(browser.CheckRefusedEntry(ctx, chromium, link, browser.EntryExpired), reports.StatusPassed)
	}, SpecTimeout(checkTimeout))

	It("R-VEN-2, R-RT-5: the bot's messages carry the vendor's robot_name, the agent's replies sit on the left and the customer's on the right", func(ctx SpecContext) {
		cfg := fixtures.Demo().Config
		cfg.BotPage.RobotName = "回收小助手"
		env := startWorkbench(cfg)
		env.Vendor = cfg
		bc := browser.CheckBotPage(ctx, chromium, env)
		expectStatus(bc, reports.StatusPassed)
		Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("回收小助手")), HaveField("Passed", true))))
		Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("左侧")), HaveField("Passed", true))))
	}, SpecTimeout(checkTimeout))
})
