package browser

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/chromedp/chromedp"

	"routecheck/reports"
	wb "routecheck/sim/workbench"
)

// The settings forms of the web UI: each opens showing the values the
// workbench holds, and a save changes what the user changed and nothing
// else. A form that opens empty and saves what it shows erases what the
// vendor configured (a skill group's welcome, and with it step 4 of the
// route test). These checks test the bundled page, not a vendor's
// configuration, so `run --browser` does not run them; the browser suite
// does, each also against a page broken on purpose.

type settingsForm struct {
	name, rule string
	check      func(ctx context.Context, r *record, b *Browser, env *Env) []byte
}

var settingsForms = []settingsForm{
	{"个人设置 → 消息提醒: current switches, one switch saved", "R-NTF-1", checkNotifyForm},
	{"个人设置 → 常用语: current list, one added and one deleted", "R-QR-1", checkQuickReplyForm},
	{"个人设置 → 首问机器人: the agent's own messages, the closing saved alone", "R-WEL-1", checkPersonalWelcomeForm},
	{"配置中心 → 首问机器人: the skill group's messages, the closing saved alone", "R-WEL-1", checkGroupWelcomeForm},
	{"配置中心 → V级管理: every agent's capacity, one agent's saved", "R-CAP-1", checkCapacityForm},
}

// SettingsForms names the settings-form checks, in CheckSettingsForm's order.
func SettingsForms() []string {
	out := make([]string, len(settingsForms))
	for i, f := range settingsForms {
		out[i] = f.name + " (" + f.rule + ")"
	}
	return out
}

// CheckSettingsForm runs the i-th settings-form check.
func CheckSettingsForm(ctx context.Context, b *Browser, env *Env, i int) reports.BrowserCheck {
	f := settingsForms[i]
	r := env.newRecord(f.name, f.rule)
	ctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()
	return r.done(f.check(ctx, r, b, env))
}

func formDiag(rule, what string) *reports.Diagnosis {
	return diag(rule, what, "the web UI must show what the workbench holds and save only what the user changed")
}

// shows records whether the form shows what the workbench holds.
func shows(r *record, rule, form string, want, seen any) bool {
	return r.check(form+" shows the current values", fmt.Sprint(want) == fmt.Sprint(seen), fmt.Sprint(want), fmt.Sprint(seen),
		formDiag(rule, form+" does not show the values the workbench holds: saving it would write what it shows"))
}

// keeps records whether a save kept what the user did not change.
func keeps(r *record, rule, form string, want, seen any) bool {
	return r.check(form+" saves only what was changed", fmt.Sprint(want) == fmt.Sprint(seen), fmt.Sprint(want), fmt.Sprint(seen),
		formDiag(rule, "saving "+form+" changed what the user did not change"))
}

// reopen loads path afresh, after the values were set through the API: a
// page already at that address (operations land on 配置中心 after login)
// would only jump to the #fragment and keep what it showed.
func (t *tab) reopen(base, path string) error {
	if err := t.do(chromedp.Navigate("about:blank")); err != nil {
		return err
	}
	return t.open(base, path)
}

func (t *tab) value(id string) (string, error) {
	var v string
	err := t.eval(`document.querySelector(`+jsTid(id)+`).value`, &v)
	return v, err
}

func (t *tab) checked(id string) (bool, error) {
	var v bool
	err := t.eval(`document.querySelector(`+jsTid(id)+`).checked`, &v)
	return v, err
}

// setValue replaces a field's text as a person typing it would.
func (t *tab) setValue(id, text string) error {
	return t.do(chromedp.SetValue(tid(id), text), chromedp.Evaluate[chromedp.Void](
		`document.querySelector(`+jsTid(id)+`).dispatchEvent(new Event('input', {bubbles: true}))`))
}

// savedAfter clicks a save button and waits for its "saved" mark to move.
func (t *tab) save(button, mark string) error {
	var before string
	_ = t.eval(`document.querySelector(`+jsTid(mark)+`).dataset.at || ''`, &before)
	if err := t.do(chromedp.Click(tid(button))); err != nil {
		return err
	}
	cond := `(document.querySelector(` + jsTid(mark) + `).dataset.at || '') !== ` + jsString(before) + ` || ` + visible("error")
	if err := t.waitFor(cond, stepTimeout); err != nil {
		return fmt.Errorf("no answer to 保存: %w", err)
	}
	var e *string
	if err := t.eval(visible("error")+` ? `+textOf("error")+` : null`, &e); err == nil && e != nil {
		return fmt.Errorf("保存 refused: %s", *e)
	}
	return nil
}

func checkNotifyForm(ctx context.Context, r *record, b *Browser, env *Env) []byte {
	const rule, form = "R-NTF-1", "消息提醒"
	acc, err := env.notifyAgent()
	if err != nil {
		r.skip("vendor has no agent under " + wb.TenantXianyu + ": " + err.Error())
		return nil
	}
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return t.screenshot()
	}
	orig, err := t.me()
	defer restoreNotify(t, orig)
	// Not the defaults, so a form that shows its defaults is caught.
	if err == nil {
		err = t.fetchJSON("PUT", "/api/notify", map[string]bool{"desktop": false, "sound": true}, nil)
	}
	if err == nil {
		err = t.reopen(env.Base, "/settings")
	}
	if !r.must("open 个人设置 with 桌面通知 off and 声音提醒 on", err, nil) {
		return t.screenshot()
	}
	d, err1 := t.checked("setting-desktop")
	s, err2 := t.checked("setting-sound")
	if !shows(r, rule, form, "桌面通知 关, 声音提醒 开", fmt.Sprintf("桌面通知 %s, 声音提醒 %s%s", onOff(d), onOff(s), errs(err1, err2))) {
		return t.screenshot()
	}
	err = t.do(chromedp.Click(tid("setting-sound")))
	if err == nil {
		err = t.waitFor(`document.querySelector(`+jsTid("notify-saved")+`).dataset.state === 'saved'`, stepTimeout)
	}
	if !r.must("switch 声音提醒 off", err, formDiag(rule, "the 声音提醒 switch did not save")) {
		return t.screenshot()
	}
	m, err := t.me()
	keeps(r, rule, form, "桌面通知 关, 声音提醒 关", fmt.Sprintf("桌面通知 %s, 声音提醒 %s%s", onOff(m.Desktop), onOff(m.Sound), errs(err)))
	return t.screenshot()
}

func checkQuickReplyForm(ctx context.Context, r *record, b *Browser, env *Env) []byte {
	const rule, form = "R-QR-1", "常用语"
	const held, added = "浏览器检查：已有的常用语", "浏览器检查：新加的常用语"
	acc, err := env.replyAgent()
	if err != nil {
		r.skip("vendor has no agent under " + wb.TenantXianyu + ": " + err.Error())
		return nil
	}
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return t.screenshot()
	}
	defer removeQuickReply(t, held)
	defer removeQuickReply(t, added)
	err = t.fetchJSON("POST", "/api/quick-replies", map[string]string{"text": held}, nil)
	if err == nil {
		err = t.reopen(env.Base, "/settings")
	}
	if !r.must("open 个人设置 with a 常用语 saved", err, nil) {
		return t.screenshot()
	}
	err = t.waitFor(itemWithText("qr-item", held), stepTimeout/2)
	if !shows(r, rule, form, held+" listed", errText(err, held+" listed")) {
		return t.screenshot()
	}
	err = t.do(chromedp.SendKeys(tid("qr-input"), added), chromedp.Click(tid("qr-add")))
	if err == nil {
		err = t.waitFor(itemWithText("qr-item", added), stepTimeout)
	}
	if err == nil {
		del := `//li[@data-testid="qr-item"][span[normalize-space(.)="` + added + `"]]/button[@data-testid="qr-delete"]`
		err = t.do(chromedp.Click(chromedp.Search(del)))
	}
	if err == nil {
		err = t.waitFor(`!(`+itemWithText("qr-item", added)+`)`, stepTimeout)
	}
	if !r.must("add a 常用语, then delete it", err, formDiag(rule, "adding or deleting a 常用语 in 个人设置 did not work")) {
		return t.screenshot()
	}
	var qs []struct {
		Text string `json:"text"`
	}
	err = t.fetchJSON("GET", "/api/quick-replies", nil, &qs)
	var texts []string
	for _, q := range qs {
		texts = append(texts, q.Text)
	}
	keeps(r, rule, form, fmt.Sprint([]string{held}), fmt.Sprint(texts)+errs(err))
	return t.screenshot()
}

func checkPersonalWelcomeForm(ctx context.Context, r *record, b *Browser, env *Env) []byte {
	const rule, form = "R-WEL-1", "个人设置 → 首问机器人"
	acc, err := env.replyAgent()
	if err != nil {
		r.skip("vendor has no agent under " + wb.TenantXianyu + ": " + err.Error())
		return nil
	}
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return t.screenshot()
	}
	var orig wb.AccountView
	if !r.must("read the agent's messages", t.fetchJSON("GET", "/api/me", nil, &orig), nil) {
		return t.screenshot()
	}
	defer t.fetchJSON("PUT", "/api/welcome", map[string]string{"welcome": orig.Welcome, "closing": orig.Closing}, nil)
	welcome, closing := orig.Welcome, orig.Closing
	if welcome == "" || closing == "" {
		welcome, closing = "您好，我是浏览器检查的客服。", "浏览器检查祝您愉快。"
		err = t.fetchJSON("PUT", "/api/welcome", map[string]string{"welcome": welcome, "closing": closing}, nil)
	}
	if err == nil {
		err = t.reopen(env.Base, "/settings")
	}
	if !r.must("open 个人设置", err, nil) {
		return t.screenshot()
	}
	w, err1 := t.value("welcome-input")
	c, err2 := t.value("closing-input")
	if !shows(r, rule, form, welcome+" | "+closing, w+" | "+c+errs(err1, err2)) {
		return t.screenshot()
	}
	const newClosing = "浏览器检查：新的结束语"
	err = t.setValue("closing-input", newClosing)
	if err == nil {
		err = t.save("welcome-save", "welcome-saved")
	}
	if !r.must("change 结束语 and 保存", err, formDiag(rule, "the personal 首问机器人 did not save")) {
		return t.screenshot()
	}
	var now wb.AccountView
	err = t.fetchJSON("GET", "/api/me", nil, &now)
	keeps(r, rule, form, welcome+" | "+newClosing, now.Welcome+" | "+now.Closing+errs(err))
	return t.screenshot()
}

// groupAdmin is who may use 配置中心 → 首问机器人: the department's admin
// (who can also take a chat to see the welcome), else operations.
func (e *Env) groupAdmin() (wb.AccountConfig, bool) {
	if a, ok := e.Vendor.AccountWithRole(wb.RoleDeptAdmin); ok && tenantOf(a) == wb.TenantXianyu {
		return a, true
	}
	return e.Vendor.AccountWithRole(wb.RoleOperations)
}

func checkGroupWelcomeForm(ctx context.Context, r *record, b *Browser, env *Env) []byte {
	const rule, form = "R-WEL-1", "配置中心 → 首问机器人"
	acc, ok := env.groupAdmin()
	if !ok {
		r.skip("vendor has no department admin or operations account for 配置中心")
		return nil
	}
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return t.screenshot()
	}
	path := "/api/departments/" + url.PathEscape(env.Vendor.Department) + "/welcome"
	var orig wb.GroupWelcomeView
	if !r.must("read the skill group's messages", t.fetchJSON("GET", path, nil, &orig), nil) {
		return t.screenshot()
	}
	defer t.fetchJSON("PUT", path, map[string]string{"welcome": orig.Welcome, "closing": orig.Closing}, nil)
	welcome, closing := orig.Welcome, orig.Closing
	var err error
	if welcome == "" || closing == "" {
		welcome, closing = "您好，欢迎咨询（浏览器检查）。", "感谢咨询（浏览器检查）。"
		err = t.fetchJSON("PUT", path, map[string]string{"welcome": welcome, "closing": closing}, nil)
	}
	if err == nil {
		err = t.reopen(env.Base, "/settings#config")
	}
	if err == nil {
		err = t.do(chromedp.SetValue(tid("config-dept"), env.Vendor.Department), chromedp.Evaluate[chromedp.Void](
			`document.querySelector(`+jsTid("config-dept")+`).dispatchEvent(new Event('change'))`))
	}
	if !r.must("open 配置中心 at the skill group "+env.Vendor.Department, err, nil) {
		return t.screenshot()
	}
	_ = t.waitFor(`document.querySelector(`+jsTid("config-group-welcome")+`).dataset.loaded === `+jsString(env.Vendor.Department), stepTimeout/2)
	w, err1 := t.value("group-welcome")
	c, err2 := t.value("group-closing")
	if !shows(r, rule, form, welcome+" | "+closing, w+" | "+c+errs(err1, err2)) {
		return t.screenshot()
	}
	const newClosing = "浏览器检查：技能组的新结束语"
	err = t.setValue("group-closing", newClosing)
	if err == nil {
		err = t.save("group-welcome-save", "group-welcome-saved")
	}
	if !r.must("change 结束语 and 保存", err, formDiag(rule, "the skill group's 首问机器人 did not save")) {
		return t.screenshot()
	}
	var now wb.GroupWelcomeView
	err = t.fetchJSON("GET", path, nil, &now)
	if !keeps(r, rule, form, welcome+" | "+newClosing, now.Welcome+" | "+now.Closing+errs(err)) || acc.Role == wb.RoleOperations {
		return t.screenshot()
	}
	// The next customer gets the skill group's welcome (step 4 of the route test).
	cust, release, ok := chatOnWorkbench(ctx, r, t, env, acc.Login)
	defer release()
	if !ok {
		return t.screenshot()
	}
	wctx, cancel := context.WithTimeout(ctx, stepTimeout)
	f, _, err := cust.WaitMessage(wctx, 0, "system", nil)
	cancel()
	r.check("the next customer gets the skill group's welcome", err == nil && f.Text == welcome, welcome, errText(err, f.Text),
		diag(rule, "after a save of 配置中心 → 首问机器人 the customer does not get the skill group's welcome", "set the welcome again in 配置中心 → 系统设置 → 首问机器人"))
	return t.screenshot()
}

func checkCapacityForm(ctx context.Context, r *record, b *Browser, env *Env) []byte {
	const rule, form = "R-CAP-1", "V级管理"
	acc, ok := env.Vendor.AccountWithRole(wb.RoleOperations)
	if !ok {
		r.skip("vendor has no operations account; only operations change capacity (R-CAP-1)")
		return nil
	}
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return t.screenshot()
	}
	agentsPath := "/api/departments/" + url.PathEscape(env.Vendor.Department) + "/agents"
	var orig []wb.AccountView
	if !r.must("read the skill group's agents", t.fetchJSON("GET", agentsPath, nil, &orig), nil) || len(orig) < 2 {
		if !r.failed() {
			r.skip("the skill group has fewer than two agents: one save cannot be told from all")
		}
		return t.screenshot()
	}
	defer func() {
		for _, a := range orig {
			_ = t.fetchJSON("PUT", "/api/agents/"+url.PathEscape(a.Login)+"/capacity", map[string]int{"capacity": a.Capacity}, nil)
		}
	}()
	// Capacities that are not the default, so a form that shows 3 is caught.
	want := map[string]int{}
	var err error
	for i, a := range orig {
		want[a.Login] = 4 + i%2
		if err == nil {
			err = t.fetchJSON("PUT", "/api/agents/"+url.PathEscape(a.Login)+"/capacity", map[string]int{"capacity": want[a.Login]}, nil)
		}
	}
	if err == nil {
		err = t.reopen(env.Base, "/settings#config")
	}
	if err == nil {
		err = t.waitFor(fmt.Sprintf(`document.querySelectorAll(%s).length === %d`, jsTid("vlevel-row"), len(orig)), stepTimeout)
	}
	if !r.must("open 配置中心 → V级管理", err, nil) {
		return t.screenshot()
	}
	var rows map[string]string
	err = t.eval(`Object.fromEntries(Array.from(document.querySelectorAll(`+jsTid("vlevel-row")+`)).map(tr => [tr.dataset.login, tr.querySelector(`+jsTid("vlevel-input")+`).value]))`, &rows)
	seen := map[string]int{}
	for l, v := range rows {
		seen[l], _ = strconv.Atoi(v)
	}
	if !shows(r, rule, form, want, fmt.Sprint(seen)+errs(err)) {
		return t.screenshot()
	}
	first := orig[0].Login
	row := `[data-testid="vlevel-row"][data-login=` + strconv.Quote(first) + `]`
	err = t.do(chromedp.SetValue(chromedp.CSS(row+` [data-testid="vlevel-input"]`), "6"),
		chromedp.Click(chromedp.CSS(row+` [data-testid="vlevel-save"]`)))
	if err == nil {
		err = t.waitFor(`(document.querySelector(`+jsTid("vlevel-saved")+`).textContent || '').includes(`+jsString(first+"：1V6")+`)`, stepTimeout)
	}
	if !r.must("set "+first+" to 1V6 and 保存", err, formDiag(rule, "saving a capacity in V级管理 did not work")) {
		return t.screenshot()
	}
	want[first] = 6
	var now []wb.AccountView
	err = t.fetchJSON("GET", agentsPath, nil, &now)
	got := map[string]int{}
	for _, a := range now {
		got[a.Login] = a.Capacity
	}
	keeps(r, rule, form, want, fmt.Sprint(got)+errs(err))
	return t.screenshot()
}

// errs is the text of the errors that are not nil, as a suffix.
func errs(es ...error) string {
	s := ""
	for _, e := range es {
		if e != nil {
			s += " (" + e.Error() + ")"
		}
	}
	return s
}
