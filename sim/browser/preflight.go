package browser

import (
	"context"
	"fmt"
	"strings"

	"routecheck/reports"
	wb "routecheck/sim/workbench"
)

// The preflight page (/preflight) in each state an agent's browser can be
// in: the page must tell each apart, with the fix in the seed's words, and
// the roster CCO staff read must say the same.

// PreflightState is one state of an agent's browser the page must tell.
type PreflightState string

// The states of the preflight checks.
const (
	PreflightGranted       PreflightState = "granted"        // notifications allowed, pop-ups allowed, the agent confirms: ready
	PreflightDenied        PreflightState = "denied"         // Chrome blocks notifications for the site
	PreflightNotAsked      PreflightState = "not-asked"      // Chrome has not asked yet; the page's button asks
	PreflightPopupsBlocked PreflightState = "popups-blocked" // Chrome's pop-up blocker on (needs a BlockPopups browser)
	PreflightPopupsAllowed PreflightState = "popups-allowed" // pop-ups allowed: the page opens and closes a window
	PreflightNoClick       PreflightState = "no-click"       // no click yet: no sound until the agent clicks
	PreflightWrongTenant   PreflightState = "wrong-tenant"   // the account is under another tenant than 闲鱼BU
	PreflightNotChrome     PreflightState = "not-chrome"     // a browser other than Chrome
	PreflightNotSeen       PreflightState = "not-seen"       // the system hides the notification, the sound is not heard: the agent says so
	PreflightSettingsOff   PreflightState = "settings-off"   // 个人设置 → 消息提醒 → 桌面通知 off
)

// permissionAskSpy counts the page's requests for the notification
// permission (it runs after notificationSpy).
const permissionAskSpy = `(() => {
  window.rcPermissionAsks = 0;
  if (!window.Notification || !Notification.requestPermission) return;
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...a) => { window.rcPermissionAsks++; return ask(...a); };
})();`

// firefoxUA is the browser the not-chrome state pretends to be.
const firefoxUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"

// Phrases of the seed the page's fixes must carry (its 注意, FAQ 1 and 3).
const (
	seedBrowserAllow = "是否允许xixikf向您发送通知"
	seedPopups       = "检查是否允许x-space发送弹出式窗口并使用重定向"
	seedTenant       = "检查所属租户是否是“闲鱼BU”，如不是，调整为闲鱼BU，刷新页面即可上班"
	seedChrome       = "请使用谷歌Chrome浏览器"
)

type preflightCase struct {
	name, rule string
	perm       string // Notification permission: granted, denied, default
	popups     string // "blocked", "allowed" or "" (either)
	ua         string
	tenant     bool // the agent is put under another tenant
	desktopOff bool // 消息提醒 → 桌面通知 off
	judge      func(p *pfRun)
}

var preflightCases = map[PreflightState]preflightCase{
	PreflightGranted: {name: "上班前检查：全部允许，客服确认看到通知、听到提示音", rule: "R-NTF-1",
		perm: "granted", popups: "allowed", judge: judgeGranted},
	PreflightDenied: {name: "上班前检查：浏览器禁止通知", rule: "R-WB-3", perm: "denied", judge: judgeDenied},
	PreflightNotAsked: {name: "上班前检查：通知权限未询问，按钮请求权限", rule: "R-WB-3", perm: "default",
		judge: judgeNotAsked},
	PreflightPopupsBlocked: {name: "上班前检查：弹出式窗口被拦截", rule: "R-NTF-1", perm: "granted", popups: "blocked",
		judge: judgePopupsBlocked},
	PreflightPopupsAllowed: {name: "上班前检查：弹出式窗口允许，测试窗口打开后关闭", rule: "R-NTF-1", perm: "granted", popups: "allowed",
		judge: judgePopupsAllowed},
	PreflightNoClick: {name: "上班前检查：未点击页面时没有提示音", rule: "R-NTF-1", perm: "granted", judge: judgeNoClick},
	PreflightWrongTenant: {name: "上班前检查：租户不是闲鱼BU", rule: "R-TEN-1", perm: "granted", tenant: true,
		judge: judgeWrongTenant},
	PreflightNotChrome: {name: "上班前检查：不是 Chrome 浏览器", rule: "R-WB-3", perm: "granted", ua: firefoxUA,
		judge: judgeNotChrome},
	PreflightNotSeen: {name: "上班前检查：客服没看到通知、没听到提示音", rule: "R-NTF-1", perm: "granted", judge: judgeNotSeen},
	PreflightSettingsOff: {name: "上班前检查：消息提醒的桌面通知关闭", rule: "R-NTF-1", perm: "granted", desktopOff: true,
		judge: judgeSettingsOff},
}

// PreflightStates lists the states, in a stable order.
func PreflightStates() []PreflightState {
	return []PreflightState{PreflightGranted, PreflightDenied, PreflightNotAsked, PreflightPopupsBlocked,
		PreflightPopupsAllowed, PreflightNoClick, PreflightWrongTenant, PreflightNotChrome, PreflightNotSeen, PreflightSettingsOff}
}

// PreflightNeedsBlockedPopups says whether a state needs a browser
// launched with BlockPopups (and the others one without).
func PreflightNeedsBlockedPopups(s PreflightState) bool { return preflightCases[s].popups == "blocked" }

// pfRun is one preflight check under way.
type pfRun struct {
	ctx context.Context
	r   *record
	t   *tab
	env *Env
	acc wb.AccountConfig
	c   preflightCase
}

// CheckPreflight opens the preflight page as one of the vendor's agents
// with the browser in state s, walks it as the agent would, and checks
// that the page and the roster operations read (GET /api/preflight) tell
// that state, with the fix in the seed's words.
func CheckPreflight(ctx context.Context, b *Browser, env *Env, s PreflightState) reports.BrowserCheck {
	c, ok := preflightCases[s]
	if !ok {
		panic("browser: no preflight state " + string(s))
	}
	r := env.newRecord(c.name, c.rule)
	if (c.popups == "blocked" && !b.BlocksPopups()) || (c.popups == "allowed" && b.BlocksPopups()) {
		return r.skip(fmt.Sprintf("state %s needs a Chromium whose pop-up blocker is %s", s, map[bool]string{true: "on", false: "off"}[c.popups == "blocked"]))
	}
	ctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()
	pick := env.notifyAgent
	if c.tenant {
		pick = env.tenantAgent
	}
	acc, err := pick()
	if err != nil {
		return r.skip("the vendor has no agent for this state: " + err.Error())
	}
	org, err := origin(env.Base)
	if !r.must("workbench URL", err, nil) {
		return r.done(nil)
	}
	t, ok := loginAs(ctx, r, b, env, acc, func(t *tab) error {
		if err := t.setNotificationSetting(org, permissionSetting(c.perm)); err != nil {
			return fmt.Errorf("set Chrome's notifications permission: %w", err)
		}
		if c.ua != "" {
			if err := t.setUserAgent(c.ua); err != nil {
				return fmt.Errorf("user agent: %w", err)
			}
		}
		if err := t.addInitScript(notificationSpy); err != nil {
			return err
		}
		return t.addInitScript(permissionAskSpy)
	})
	defer t.close()
	if !ok {
		return r.done(t.screenshot())
	}
	orig, err := t.me()
	if !r.must("GET /api/me", err, nil) {
		return r.done(t.screenshot())
	}
	defer restoreNotify(t, orig)
	// 消息提醒 on, as the page's own check wants it, so each state shows
	// only what it is about (桌面通知 off in settings-off).
	if !r.must("消息提醒 (PUT /api/notify)", t.fetchJSON("PUT", "/api/notify", map[string]bool{"desktop": !c.desktopOff, "sound": true}, nil), nil) {
		return r.done(t.screenshot())
	}
	if c.tenant {
		other := otherTenant(acc)
		if orig.Tenant == wb.TenantXianyu {
			err := t.fetchJSON("POST", "/api/tenant", map[string]string{"tenant": other}, nil)
			if !r.must("头像 → 租户 → "+other, err, nil) {
				return r.done(t.screenshot())
			}
			defer t.fetchJSON("POST", "/api/tenant", map[string]string{"tenant": orig.Tenant}, nil)
		}
	}
	if !r.must("open /preflight", t.openPreflight(env.Base), nil) {
		return r.done(t.screenshot())
	}
	p := &pfRun{ctx: ctx, r: r, t: t, env: env, acc: acc, c: c}
	c.judge(p)
	return r.done(t.screenshot())
}

// see checks that step id shows status (with reason) and, when fix is
// given, that its fix says it; it returns false when not. The page
// updates some steps a moment after the event (a permission change, the
// workbench's answer), so it waits for the state up to the step timeout.
func (p *pfRun) see(id, status, reason, fix, problem string) bool {
	s, err := p.t.waitStepIs(id, status, reason)
	want := pfStep{Status: status, Reason: reason}.String()
	ok := err == nil && s.Status == status && s.Reason == reason && strings.Contains(s.Fix, fix)
	seen := errText(err, s.String())
	if fix != "" {
		want += ", fix naming 「" + fix + "」"
		seen += "; fix: " + s.Fix
	}
	return p.r.check("page: "+id, ok, want, seen, diag(p.c.rule, "the preflight page "+problem, ""))
}

// onRoster checks that the roster operations read says check id is want
// ("fail (denied)") for the agent, and the agent's state is state.
func (p *pfRun) onRoster(id, want, state string) bool {
	row, err := p.env.rosterWait(p.ctx, p.acc.Login, func(r rosterRow) bool { return r.check(id) == want && r.State == state })
	seen := fmt.Sprintf("%s %s, %s", id, row.check(id), row.State)
	if err != nil {
		seen += " (" + err.Error() + ")"
	}
	return p.r.check("roster (GET /api/preflight): "+p.acc.Login, err == nil && row.CheckedAt != nil,
		fmt.Sprintf("%s %s, %s", id, want, state), seen,
		diag(p.c.rule, "CCO staff's roster does not show what the agent's page found", ""))
}

// summary checks the page's verdict, which comes with the workbench's
// answer to the page's latest report: it waits for it up to the step
// timeout.
func (p *pfRun) summary(want string) bool {
	_ = p.t.waitFor(`document.querySelector(`+jsTid("pf-summary")+`).dataset.state === `+jsString(want), stepTimeout)
	state, text := p.t.summary()
	return p.r.check("page verdict", state == want, want, state+": "+text,
		diag(p.c.rule, "the preflight page's verdict is wrong", ""))
}

func (p *pfRun) clickOK(id string) bool { return p.r.must("click "+id, p.t.click(id), nil) }

func (p *pfRun) count(expr string) int {
	var n int
	_ = p.t.eval(expr, &n)
	return n
}

// testNotifications counts the page's test notifications the spy saw.
func (p *pfRun) testNotifications() int {
	return p.count(`(window.rcNotifications || []).filter(n => n.title === 'X-Space 测试通知').length`)
}

func judgeGranted(p *pfRun) {
	if !p.see("browser", "pass", "", "", "does not accept Chromium") ||
		!p.see("permission", "pass", "", "", "does not see that notifications are allowed") ||
		!p.see("popup", "pass", "", "", "does not see that pop-ups are allowed") ||
		!p.see("settings", "pass", "", "", "does not show the account's 消息提醒") ||
		!p.see("tenant", "pass", "", "", "does not show the account's tenant") {
		return
	}
	if !p.clickOK("pf-notification-send") {
		return
	}
	n := p.testNotifications()
	if !p.r.check("a real test notification (Notification constructed)", n == 1, "1 notification X-Space 测试通知", fmt.Sprint(n),
		diag("R-NTF-1", "the page asks whether a notification was seen without showing one", "")) {
		return
	}
	if !p.r.must("the page asks 看到了吗", p.t.waitFor(visible("pf-notification-ask"), stepTimeout), nil) ||
		!p.clickOK("pf-notification-seen") || !p.see("notification", "pass", "", "", "does not take the agent's 看到了") {
		return
	}
	before := p.count(`window.rcSoundCount || 0`)
	if !p.clickOK("pf-sound-play") {
		return
	}
	err := p.t.waitFor(visible("pf-sound-ask"), stepTimeout)
	played := p.count(`window.rcSoundCount || 0`) - before
	if !p.r.check("the workbench's alert sound played after a click", err == nil && played == 1, "one beep, then 听到了吗",
		fmt.Sprintf("%d beeps; %s", played, errText(err, "asked")), diag("R-NTF-1", "the page does not play the alert sound after a click", "")) {
		return
	}
	if !p.clickOK("pf-sound-heard") || !p.see("sound", "pass", "", "", "does not take the agent's 听到了") {
		return
	}
	if p.summary("ready") {
		p.onRoster("sound", "pass", "ready")
	}
}

func judgeDenied(p *pfRun) {
	if !p.see("permission", "fail", "denied", seedBrowserAllow, "does not tell an agent whose Chrome denies notifications how to allow them") {
		return
	}
	var askShown bool
	_ = p.t.eval(visible("pf-permission-ask"), &askShown)
	if !p.r.check("no 请求通知权限 button once denied", !askShown, "hidden: Chrome does not ask again", shown(askShown, "请求通知权限"),
		diag("R-WB-3", "the page offers a button that cannot work once notifications are denied", "")) {
		return
	}
	if !p.clickOK("pf-notification-send") ||
		!p.see("notification", "skipped", "no_permission", "", "sends a test notification although notifications are denied") {
		return
	}
	if n := p.testNotifications(); !p.r.check("no test notification", n == 0, "0", fmt.Sprint(n),
		diag("R-WB-3", "the page built a notification the browser does not allow", "")) {
		return
	}
	if p.summary("not_ready") {
		p.onRoster("permission", "fail (denied)", "not_ready")
	}
}

func judgeNotAsked(p *pfRun) {
	if !p.see("permission", "fail", "default", "请求通知权限", "does not offer to ask for the notification permission") ||
		!p.see("notification", "skipped", "no_permission", "", "does not wait for the permission") {
		return
	}
	if !p.r.must("the 请求通知权限 button shows", p.t.waitFor(visible("pf-permission-ask"), stepTimeout),
		diag("R-WB-3", "the preflight page has no button that asks for the notification permission", "")) {
		return
	}
	if !p.onRoster("permission", "fail (default)", "not_ready") {
		return
	}
	// The agent clicks the button, Chrome asks, and the agent answers 允许.
	if !p.clickOK("pf-permission-ask") {
		return
	}
	asked := p.t.waitFor(`window.rcPermissionAsks === 1`, stepTimeout)
	if !p.r.check("the button asks Chrome (Notification.requestPermission)", asked == nil, "asked once", errText(asked, "asked"),
		diag("R-WB-3", "the 请求通知权限 button does not ask the browser", "")) {
		return
	}
	org, _ := origin(p.env.Base)
	if !p.r.must("Chrome: 允许", p.t.setNotificationSetting(org, permissionSetting("granted")), nil) {
		return
	}
	if p.see("permission", "pass", "", "", "does not see the permission its button obtained") &&
		p.see("notification", "pending", "", "", "does not offer the test notification once allowed") {
		p.onRoster("permission", "pass", "not_ready")
	}
}

func judgePopupsBlocked(p *pfRun) {
	if !p.see("popup", "fail", "blocked", seedPopups, "does not tell an agent whose Chrome blocks pop-ups how to allow them") {
		return
	}
	n, err := p.t.popupsLeft()
	if !p.r.check("no test window left", err == nil && n == 0, "0 windows", errText(err, fmt.Sprint(n)), diag("R-NTF-1", "a test window stayed open", "")) {
		return
	}
	if p.summary("not_ready") {
		p.onRoster("popup", "fail (blocked)", "not_ready")
	}
}

func judgePopupsAllowed(p *pfRun) {
	if !p.see("popup", "pass", "", "", "does not see that pop-ups are allowed") {
		return
	}
	n, err := p.t.popupsLeft()
	if p.r.check("the test window opened and closed", err == nil && n == 0, "no preflight-popup window left", errText(err, fmt.Sprintf("%d open", n)),
		diag("R-NTF-1", "the preflight page leaves its test window open", "")) {
		p.onRoster("popup", "pass", "not_ready")
	}
}

func judgeNoClick(p *pfRun) {
	if !p.see("sound", "pending", "", "", "judges the sound before the agent did anything") {
		return
	}
	if !p.r.must("the page says no sound before a click", p.t.waitFor(visible("pf-sound-note"), stepTimeout),
		diag("R-NTF-1", "the page does not say that nothing plays before the agent clicks", "")) {
		return
	}
	before := p.count(`window.rcSoundCount || 0`)
	if !p.r.must("播放提示音 from a script (no click)", p.t.scriptClick("pf-sound-play"), nil) ||
		!p.see("sound", "fail", "no_click", "先在页面上点击一下", "claims sound plays before the agent has clicked the page") {
		return
	}
	if n := p.count(`window.rcSoundCount || 0`) - before; !p.r.check("no beep without a click", n == 0, "0", fmt.Sprint(n),
		diag("R-NTF-1", "the page counted a sound the browser did not play", "")) {
		return
	}
	if !p.onRoster("sound", "fail (no_click)", "not_ready") || !p.clickOK("pf-sound-play") {
		return
	}
	if !p.r.must("after a click the page asks 听到了吗", p.t.waitFor(visible("pf-sound-ask"), stepTimeout),
		diag("R-NTF-1", "the page does not play the sound after a click", "")) || !p.clickOK("pf-sound-heard") {
		return
	}
	if p.see("sound", "pass", "", "", "does not take the agent's 听到了") {
		p.onRoster("sound", "pass", "not_ready")
	}
}

func judgeWrongTenant(p *pfRun) {
	if p.see("tenant", "fail", "wrong", seedTenant, "does not tell an agent under another tenant to switch to 闲鱼BU") && p.summary("not_ready") {
		p.onRoster("tenant", "fail (wrong)", "not_ready")
	}
}

func judgeNotChrome(p *pfRun) {
	if !p.see("browser", "warn", "not_chrome", seedChrome, "does not warn an agent who is not using Chrome") {
		return
	}
	s, _ := p.t.step("browser")
	if p.r.check("names the browser", strings.Contains(s.Says, "Firefox"), "Firefox", s.Says,
		diag("R-WB-3", "the page does not say which browser it is", "")) {
		p.onRoster("browser", "warn (not_chrome)", "not_ready")
	}
}

func judgeNotSeen(p *pfRun) {
	if !p.clickOK("pf-notification-send") || !p.r.must("the page asks 看到了吗", p.t.waitFor(visible("pf-notification-ask"), stepTimeout), nil) ||
		!p.clickOK("pf-notification-unseen") ||
		!p.see("notification", "fail", "not_seen", "专注助手", "does not tell an agent who saw no notification to check the system's settings") {
		return
	}
	if !p.clickOK("pf-sound-play") || !p.r.must("the page asks 听到了吗", p.t.waitFor(visible("pf-sound-ask"), stepTimeout), nil) ||
		!p.clickOK("pf-sound-unheard") ||
		!p.see("sound", "fail", "not_heard", "检查是否开启桌面通知提醒和声音提醒", "does not tell an agent who heard nothing what to check") {
		return
	}
	if p.summary("not_ready") {
		p.onRoster("notification", "fail (not_seen)", "not_ready")
	}
}

func judgeSettingsOff(p *pfRun) {
	if p.see("settings", "fail", "off", "请先在右上角点击头像-个人设置-消息提醒处", "does not tell an agent whose 桌面通知 is off where to turn it on") &&
		p.summary("not_ready") {
		p.onRoster("settings", "fail (off)", "not_ready")
	}
}
