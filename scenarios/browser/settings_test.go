package browser_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/browser"
)

// Every settings form of the web UI opens with the values the workbench
// holds and saves only what the user changed (R-NTF-1, R-QR-1, R-WEL-1,
// R-CAP-1, D-UI-2). Each check also runs against settings.js broken on
// purpose, and must fail there.
var _ = Describe("the web UI's settings forms", Label("browser"), func() {
	var env *browser.Env
	BeforeEach(func() { env = startWorkbench(fixtures.Demo().Config) })

	// sabotages[i] breaks the i-th form in settings.js: old is replaced by new.
	sabotages := []struct{ old, new, what string }{
		{"d.checked = !!me.desktop;", "d.checked = true;", "shows 桌面通知 on whatever is saved"},
		{"try { await load(); } catch (err) { RC.showError(err); }", "", "opens without the saved 常用语"},
		{"$('welcome-input').value = shown.welcome;", "$('welcome-input').value = '';", "opens with an empty 欢迎语"},
		{"shown = { welcome: g.welcome || '', closing: g.closing || '' };", "shown = { welcome: '', closing: '' };",
			"opens with empty 欢迎语 and 结束语, as before it read them"},
		{"value: String(a.capacity)", "value: '3'", "shows 1V3 whatever the agent's capacity"},
	}
	forms := browser.SettingsForms()
	It("has a check and a sabotage for every settings form", func() {
		Expect(sabotages).To(HaveLen(len(forms)))
	})
	// Showing the current values is not enough: the save must not send
	// what the user left alone. A form that saves both messages, the
	// welcome as empty, fails on what it saved.
	It("配置中心 → 首问机器人 that saves the welcome the user did not touch fails", func(ctx SpecContext) {
		sabotageFile(ctx, env, "/static/settings.js",
			"const body = changes(shown, { welcome: $('group-welcome').value, closing: $('group-closing').value });",
			"const body = { welcome: '', closing: $('group-closing').value };")
		bc := browser.CheckSettingsForm(ctx, chromium, env, 3)
		expectStatus(bc, reports.StatusFailed)
		Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("saves only what was changed")), HaveField("Passed", false))))
	}, SpecTimeout(checkTimeout))

	for i, name := range forms {
		It(name, func(ctx SpecContext) {
			bc := browser.CheckSettingsForm(ctx, chromium, env, i)
			expectStatus(bc, reports.StatusPassed)
			Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("shows the current values")), HaveField("Passed", true))))
			Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("saves only what was changed")), HaveField("Passed", true))))
		}, SpecTimeout(checkTimeout))

		It(name+", on a form that "+sabotages[i].what+", fails", func(ctx SpecContext) {
			sabotageFile(ctx, env, "/static/settings.js", sabotages[i].old, sabotages[i].new)
			bc := browser.CheckSettingsForm(ctx, chromium, env, i)
			expectStatus(bc, reports.StatusFailed)
			Expect(bc.Diagnosis).NotTo(BeNil())
			Expect(bc.Checks).To(ContainElement(And(HaveField("Name", ContainSubstring("shows the current values")), HaveField("Passed", false))))
		}, SpecTimeout(checkTimeout))
	}
})
