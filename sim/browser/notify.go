package browser

import (
	"context"
	"fmt"
	"strings"

	"routecheck/reports"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// notificationSpy runs before the workbench's scripts: it records every
// desktop notification the page constructs in window.rcNotifications,
// then constructs it for real. Headless Chromium shows nothing, so the
// record is the evidence.
const notificationSpy = `(() => {
  window.rcNotifications = [];
  const Orig = window.Notification;
  if (typeof Orig !== 'function') return;
  const Spy = function (title, options) {
    window.rcNotifications.push({title: String(title), body: String((options && options.body) || '')});
    return new Orig(title, options);
  };
  Object.defineProperty(Spy, 'permission', {get: () => Orig.permission});
  Spy.requestPermission = (...a) => Orig.requestPermission(...a);
  Spy.prototype = Orig.prototype;
  window.Notification = Spy;
})();
(() => {
  // After the page's own onmessage handler returns for a notification
  // frame, its text goes to rcHandledNotifications: the page has decided
  // on the notification by then (the handler is synchronous), so a check
  // can wait for this instead of sleeping.
  window.rcHandledNotifications = [];
  const record = (ev) => {
    try {
      const f = JSON.parse(ev.data);
      if (f && f.type === 'notification') window.rcHandledNotifications.push(String(f.text || ''));
    } catch (e) { /* not JSON: not ours to judge */ }
  };
  const wrap = (h) => typeof h !== 'function' ? h : function (ev) {
    try { return h.call(this, ev); } finally { record(ev); }
  };
  const P = WebSocket.prototype;
  const d = Object.getOwnPropertyDescriptor(P, 'onmessage');
  if (d && d.set) {
    Object.defineProperty(P, 'onmessage', {
      configurable: true, enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(h) { d.set.call(this, wrap(h)); },
    });
  }
  const wrapped = new WeakMap(); // so removeEventListener still finds them
  const add = P.addEventListener, remove = P.removeEventListener;
  P.addEventListener = function (type, h, ...rest) {
    if (type === 'message' && typeof h === 'function') {
      if (!wrapped.has(h)) wrapped.set(h, wrap(h));
      h = wrapped.get(h);
    }
    return add.call(this, type, h, ...rest);
  };
  P.removeEventListener = function (type, h, ...rest) {
    return remove.call(this, type, (type === 'message' && wrapped.get(h)) || h, ...rest);
  };
})();`

// allowFix is how an agent allows notifications (R-WB-3), as the seed
// tells vendors.
const allowFix = "在 Chrome 中允许 X-Space 显示通知：点击地址栏左侧的站点图标 → 网站设置 → 通知 → 允许（还需允许弹出式窗口和重定向），然后刷新工作台；" +
	"并在 头像 → 个人设置 → 消息提醒 中打开桌面通知 (R-NTF-1)"

// notifyCase is one combination of browser permission and 消息提醒 setting.
type notifyCase struct {
	name    string
	rule    string
	granted bool // Chrome's notifications permission for the workbench
	desktop bool // 个人设置 → 消息提醒 → 桌面通知; sound stays on in all cases
}

var notifyCases = []notifyCase{
	{name: "新消息桌面通知：浏览器允许且桌面通知开启", rule: "R-NTF-1", granted: true, desktop: true},
	{name: "浏览器未允许通知：提示如何开启", rule: "R-WB-3", granted: false, desktop: true},
	{name: "个人设置关闭桌面通知：不弹通知", rule: "R-NTF-1", granted: true, desktop: false},
}

// CheckNotifications runs the three notification cases (R-NTF-1, R-WB-3)
// and returns one BrowserCheck per case: permission granted with 桌面通知
// on shows a 新消息 notification; permission denied shows the banner that
// tells how to allow it and no notification; 桌面通知 off shows none. Sound
// stays on throughout, so every case also proves the alert arrived.
func CheckNotifications(ctx context.Context, b *Browser, env *Env) []reports.BrowserCheck {
	out := make([]reports.BrowserCheck, 0, len(notifyCases))
	for i, c := range notifyCases {
		out = append(out, checkNotifyCase(ctx, b, env, c, i+1))
	}
	return out
}

// CheckNotificationCase runs one case by index (0..2), for a suite that
// gives each case its own spec.
func CheckNotificationCase(ctx context.Context, b *Browser, env *Env, i int) reports.BrowserCheck {
	return checkNotifyCase(ctx, b, env, notifyCases[i], i+1)
}

// NotificationCases names the cases, in CheckNotifications order.
func NotificationCases() []string {
	out := make([]string, len(notifyCases))
	for i, c := range notifyCases {
		out[i] = c.name + " (" + c.rule + ")"
	}
	return out
}

func checkNotifyCase(ctx context.Context, b *Browser, env *Env, c notifyCase, n int) reports.BrowserCheck {
	r := env.newRecord(c.name, c.rule)
	ctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()

	acc, err := env.notifyAgent()
	if err != nil {
		return r.skip("vendor has no agent under " + wb.TenantXianyu + ": " + err.Error())
	}
	org, err := origin(env.Base)
	if !r.must("workbench URL", err, nil) {
		return r.done(nil)
	}
	t, ok := loginAs(ctx, r, b, env, acc, func(t *tab) error {
		if err := t.setNotifications(org, c.granted); err != nil {
			return fmt.Errorf("set Chrome's notifications permission: %w", err)
		}
		return t.addInitScript(notificationSpy)
	})
	defer t.close()
	if !ok {
		return r.done(t.screenshot())
	}
	orig, _ := t.me()
	defer restoreNotify(t, orig)

	err = t.setNotify(env.Base, c.desktop, true)
	if !r.check(fmt.Sprintf("个人设置 → 消息提醒: 桌面通知 %s, 声音 开", onOff(c.desktop)), err == nil,
		"the switches save (PUT /api/notify)", errText(err, "saved"),
		diag("R-NTF-1", "the 消息提醒 switches did not save", "")) {
		return r.done(t.screenshot())
	}
	if !r.must("open 在线工作台", t.open(env.Base, "/workbench"), nil) {
		return r.done(t.screenshot())
	}
	bannerText, ok := judgeBanner(r, t, c)
	if !ok {
		return r.done(t.screenshot())
	}
	ok = goOnline(r, t)
	defer goOffline(t) // leave the agent as found: not taking chats
	if !ok || !r.must("workbench socket", t.waitFor(`document.querySelector(`+jsTid("ws-state")+`).dataset.state === 'open'`, stepTimeout), nil) {
		return r.done(t.screenshot())
	}
	cust, release, ok := takeChat(ctx, r, t, env, acc.Login)
	defer release()
	if ok {
		judgeAlert(r, t, cust, c, fmt.Sprintf("浏览器通知测试 %d：请问回收款什么时候到账？", n))
	}
	if !c.granted && !r.failed() {
		// Passed: keep the how-to in the report, where a tester reads it.
		r.check("如何允许通知 (R-WB-3)", true, allowFix, bannerText, nil)
	}
	return r.done(t.screenshot())
}

// judgeBanner checks the page's view of the permission and the banner:
// hidden when notifications are allowed; shown, telling how to allow them,
// when not (R-WB-3). It returns the banner's text.
func judgeBanner(r *record, t *tab, c notifyCase) (string, bool) {
	var perm string
	_ = t.eval(`'Notification' in window ? Notification.permission : 'unsupported'`, &perm)
	wantPerm := map[bool]string{true: "granted", false: "denied"}[c.granted]
	if !r.check("Notification.permission", perm == wantPerm, wantPerm, perm, nil) {
		return "", false
	}
	var banner struct {
		Shown bool    `json:"shown"`
		Text  *string `json:"text"`
	}
	_ = t.eval(`({shown: `+visible("notify-banner")+`, text: `+textOf("notify-banner")+`})`, &banner)
	text := ""
	if banner.Text != nil {
		text = strings.Join(strings.Fields(*banner.Text), " ")
	}
	if c.granted {
		return text, r.check("no permission banner", !banner.Shown, "banner hidden: notifications are allowed", shown(banner.Shown, text),
			diag("R-WB-3", "the workbench says notifications are not allowed although Chrome allows them", ""))
	}
	fix := diag("R-WB-3", "the browser does not allow notifications and the workbench does not tell the agent how to allow them", allowFix)
	if !r.check("permission banner (notify-banner)", banner.Shown, "a visible banner", shown(banner.Shown, text), fix) {
		return text, false
	}
	howTo := strings.Contains(text, "通知") && strings.Contains(text, "允许") && strings.Contains(text, "R-WB-3")
	return text, r.check("banner tells how to allow (网站设置 → 通知 → 允许, R-WB-3)", howTo,
		"text naming 通知, 允许 and R-WB-3", text, fix)
}

// judgeAlert has the customer write text and judges what the page did
// with the new_message alert: the sound always (it is on in every case),
// a 新消息 desktop notification only when Chrome and 桌面通知 both allow it
// (R-NTF-1, R-WB-3).
func judgeAlert(r *record, t *tab, cust *actors.Customer, c notifyCase, text string) {
	var before int
	_ = t.eval(`window.rcSoundCount || 0`, &before)
	if !r.must("customer writes", cust.Say(text), nil) {
		return
	}
	err := t.waitFor(fmt.Sprintf(`(window.rcSoundCount || 0) > %d`, before), stepTimeout)
	if !r.check("提醒到达：声音 (rcSoundCount)", err == nil, "a sound alert for the new message", errText(err, "played"),
		diag("R-NTF-1", "no new-message alert reached the workbench page although 声音提醒 is on", "")) {
		return
	}
	// Wait until the page's socket handler has finished with the
	// notification frame for this text: whether it built a desktop
	// notification is decided by then.
	handled := fmt.Sprintf(`(window.rcHandledNotifications || []).some(t => t.includes(%s))`, jsString(text))
	if err := t.waitFor(handled, stepTimeout); !r.check("提醒已处理 (notification frame handled)", err == nil,
		"the page handled the new_message notification frame", errText(err, "handled"),
		diag("R-NTF-1", "the workbench page never finished handling the new-message notification", "")) {
		return
	}
	var got []struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	_ = t.eval(`window.rcNotifications || []`, &got)
	var mine []string
	for _, g := range got {
		if strings.Contains(g.Body, text) {
			mine = append(mine, g.Title+": "+g.Body)
		}
	}
	seen := "none"
	if len(mine) > 0 {
		seen = strings.Join(mine, " | ")
	}
	switch {
	case c.granted && c.desktop:
		ok := len(mine) == 1 && strings.HasPrefix(mine[0], "新消息:")
		r.check("桌面通知 新消息", ok, "one notification 新消息 with the customer's text", seen,
			diag("R-NTF-1", "Chrome allows notifications and 桌面通知 is on, but the workbench showed no desktop notification", allowFix))
	case !c.granted:
		r.check("no desktop notification without permission", len(mine) == 0, "none", seen,
			diag("R-WB-3", "the workbench tried to show a notification the browser does not allow", allowFix))
	default:
		r.check("no desktop notification with 桌面通知 off", len(mine) == 0, "none", seen,
			diag("R-NTF-1", "桌面通知 is off in 个人设置 → 消息提醒, yet a desktop notification was shown", ""))
	}
}

// restoreNotify puts the agent's 消息提醒 back as it was before the check.
func restoreNotify(t *tab, orig me) {
	if orig.Login == "" {
		return
	}
	_ = t.fetchJSON("PUT", "/api/notify", map[string]bool{"desktop": orig.Desktop, "sound": orig.Sound}, nil)
}

func onOff(b bool) string {
	if b {
		return "开"
	}
	return "关"
}

func shown(b bool, text string) string {
	if !b {
		return "not shown"
	}
	return "shown: " + text
}

// errText is err's text, or ok when there is none.
func errText(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}
