package web

import (
	"encoding/json"
	"slices"

	"routecheck/sim/workbench"
)

// The preflight page (/preflight): an agent opens it in their own browser,
// logged in with their own account, and learns step by step whether this
// computer will show X-Space's notifications (R-WB-3, R-NTF-1) and whether
// the account can work (R-TEN-1). The checks and their fixes are defined
// here once: the page shows them, and the server (sim/server/preflight.go)
// validates what the page reports and gives the same fixes in the roster
// that operations and department admins read.

// Who judges a preflight check.
const (
	JudgeBrowser = "browser" // the agent's browser reports it (it cannot be seen from the server)
	JudgeAccount = "account" // the workbench judges it from the account, live
)

// Statuses of a preflight check.
const (
	PreflightPass    = "pass"
	PreflightFail    = "fail"
	PreflightWarn    = "warn"    // not ready-blocking, but said (a browser other than Chrome)
	PreflightPending = "pending" // not done yet (the agent has not clicked, or never opened the page)
	PreflightSkipped = "skipped" // cannot be done until an earlier step passes
)

// PreflightCheck is one step of the page.
type PreflightCheck struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Rule  string `json:"rule"`
	Judge string `json:"judge"`
	What  string `json:"what"` // what the step checks, as the page says it
	// Fixes are the ways the step does not pass, by reason.
	Fixes []PreflightFix `json:"fixes"`
}

// PreflightFix is one way a check does not pass: its status, what the
// agent sees, and the fix in the seed's words and menu paths.
type PreflightFix struct {
	Reason string `json:"reason"`
	Status string `json:"status"`
	Says   string `json:"says"`
	Fix    string `json:"fix"`
}

// Seed quotes the fixes use, word for word (the seed's 注意 and FAQ 1, 3).
const (
	seedChrome       = "请使用谷歌Chrome浏览器"
	seedAllowNotify  = "请在浏览器内设置允许X-space发送弹窗通知"
	seedSettings     = "请先在右上角点击头像-个人设置-消息提醒处，检查是否开启桌面通知提醒和声音提醒"
	seedBrowserAllow = "再检查浏览器设置，是否允许xixikf向您发送通知"
	seedPopups       = "进入浏览器设置-安全和隐私设置，检查是否允许x-space发送弹出式窗口并使用重定向"
	seedTenant       = "点击右上角头像，检查所属租户是否是“闲鱼BU”，如不是，调整为闲鱼BU，刷新页面即可上班"
)

// preflightChecks are the page's steps, in order.
// PreflightChecks are the checks the page runs, in order (a new slice each call).
func PreflightChecks() []PreflightCheck { return slices.Clone(preflightChecks) }

var preflightChecks = []PreflightCheck{
	{ID: "browser", Name: "浏览器", Rule: "R-WB-3", Judge: JudgeBrowser,
		What: "X-Space 只支持谷歌 Chrome。",
		Fixes: []PreflightFix{
			{Reason: "not_chrome", Status: PreflightWarn, Says: "这不是谷歌 Chrome 浏览器",
				Fix: seedChrome + "：用 Chrome 打开 " + workbench.WorkbenchURL + " 登录 X-Space，并在 Chrome 里重新打开本页检查 (R-WB-3)。"},
		}},
	{ID: "permission", Name: "通知权限", Rule: "R-WB-3", Judge: JudgeBrowser,
		What: "浏览器要允许本网站发送通知，否则收不到新消息提醒。",
		Fixes: []PreflightFix{
			{Reason: "default", Status: PreflightFail, Says: "还没有允许通知（浏览器还没有问过）",
				Fix: seedAllowNotify + "：点击下面的“请求通知权限”，在浏览器的询问中选择“允许” (R-WB-3)。"},
			{Reason: "denied", Status: PreflightFail, Says: "浏览器禁止了本网站发送通知",
				Fix: seedBrowserAllow + "：点击地址栏左侧的站点图标 → 网站设置 → 通知 → 选择“允许”，然后刷新本页 (R-WB-3)。"},
			{Reason: "insecure", Status: PreflightFail, Says: "本页不是 https 网址，浏览器不让它发送通知",
				Fix: "请运营同学用 https 网址提供本页（routecheck serve --public-url https://…），或在运行 routecheck serve 的电脑上用 http://127.0.0.1 打开本页。真实的 X-Space（" + workbench.WorkbenchURL + "）是 https 网址，不受影响。"},
			{Reason: "unsupported", Status: PreflightFail, Says: "这个浏览器不支持桌面通知",
				Fix: seedChrome + " (R-WB-3)。"},
		}},
	{ID: "notification", Name: "测试通知", Rule: "R-NTF-1", Judge: JudgeBrowser,
		What: "本页发一条真的桌面通知，你确认在屏幕上看到了它（电脑系统也可能挡住通知）。",
		Fixes: []PreflightFix{
			{Reason: "no_permission", Status: PreflightSkipped, Says: "通知权限还没有允许，发不出测试通知",
				Fix: "先完成第 2 步：" + seedAllowNotify + "。"},
			{Reason: "error", Status: PreflightFail, Says: "浏览器拒绝显示测试通知",
				Fix: seedBrowserAllow + "：点击地址栏左侧的站点图标 → 网站设置 → 通知 → 选择“允许”，然后刷新本页 (R-WB-3)。"},
			{Reason: "not_seen", Status: PreflightFail, Says: "测试通知已发出，但你没有看到",
				Fix: "浏览器允许了，是电脑的系统设置挡住了通知。Windows：设置 → 系统 → 通知，打开通知并允许 Google Chrome；关闭“专注助手”（Windows 11 叫“请勿打扰”）。" +
					"macOS：系统设置 → 通知 → Google Chrome → 允许通知，提醒样式选“提醒”；关闭“勿扰模式”/“专注模式”。改好后再点一次“发送测试通知” (R-NTF-1)。"},
		}},
	{ID: "sound", Name: "提示音", Rule: "R-NTF-1", Judge: JudgeBrowser,
		What: "新消息的提示音要在页面被点击过之后才能播放；本页播放一次，你确认听到了。",
		Fixes: []PreflightFix{
			{Reason: "no_click", Status: PreflightFail, Says: "页面还没有被点击过，浏览器不播放声音",
				Fix: "Chrome 只在页面被点击过之后才播放提示音：每次打开或刷新 X-Space 后，先在页面上点击一下（例如点击“马上上班”），否则新消息没有声音。现在请点击“播放提示音”按钮 (R-NTF-1)。"},
			{Reason: "not_heard", Status: PreflightFail, Says: "提示音已播放，但你没有听到",
				Fix: seedSettings + "；再检查电脑的音量和静音、耳机或音箱，以及 Chrome 标签页没有被静音（右键点击标签页 → 取消网站静音）。改好后再点一次“播放提示音” (R-NTF-1)。"},
		}},
	{ID: "popup", Name: "弹出式窗口和重定向", Rule: "R-NTF-1", Judge: JudgeBrowser,
		What: "本页自己打开一个小窗口再关掉它：浏览器要允许本网站的弹出式窗口和重定向（Chrome 里这是同一个设置）。",
		Fixes: []PreflightFix{
			{Reason: "blocked", Status: PreflightFail, Says: "浏览器拦截了弹出式窗口",
				Fix: seedPopups + "：点击地址栏右侧的“已拦截弹出式窗口”图标 → 选择“始终允许显示弹出式窗口和进行重定向” → 完成；" +
					"或 Chrome 设置 → 隐私和安全 → 网站设置 → 弹出式窗口和重定向 → 在“允许发送弹出式窗口并使用重定向”中添加本网站。然后点击“重新检查” (R-NTF-1)。"},
			{Reason: "no_answer", Status: PreflightFail, Says: "小窗口打开了，但没有回应（可能被扩展关掉了）",
				Fix: "广告拦截之类的浏览器扩展可能关掉了窗口：在本网站停用这些扩展，然后点击“重新检查”。"},
		}},
	{ID: "settings", Name: "消息提醒设置", Rule: "R-NTF-1", Judge: JudgeAccount,
		What: "账号的 个人设置 → 消息提醒：桌面通知 和 声音提醒 都要开启。",
		Fixes: []PreflightFix{
			{Reason: "off", Status: PreflightFail, Says: "桌面通知或声音提醒没有开启",
				Fix: seedSettings + " (R-NTF-1)。"},
		}},
	{ID: "tenant", Name: "租户", Rule: "R-TEN-1", Judge: JudgeAccount,
		What: "账号的租户要是 " + workbench.TenantXianyu + "，否则点击上班显示 404 page not found。",
		Fixes: []PreflightFix{
			{Reason: "wrong", Status: PreflightFail, Says: "当前租户不是 " + workbench.TenantXianyu,
				Fix: seedTenant + " (R-TEN-1)。"},
			{Reason: "missing", Status: PreflightFail, Says: "账号没有 " + workbench.TenantXianyu + " 租户",
				Fix: "账号没有“" + workbench.TenantXianyu + "”租户，无法上班：请联系CCO运营同学为账号开通 " + workbench.TenantXianyu + " (R-TEN-1)。"},
		}},
}

// PreflightCannot is what the page says plainly it cannot check.
// PreflightCannot is what the page says it cannot check (a new slice each call).
func PreflightCannot() []string { return slices.Clone(preflightCannot) }

var preflightCannot = []string{
	"通知和弹出式窗口的权限是按网址分别设置的：在本页允许了，只对本页的网址有效。真实的 X-Space（" + workbench.WorkbenchURL +
		"）要在它自己的网址上再允许一次：用 Chrome 打开 X-Space → 点击地址栏左侧的站点图标 → 网站设置 → 通知：允许；弹出式窗口和重定向：允许。",
	"本页只检查打开它的这台电脑和这个浏览器；换电脑、换浏览器或换 Chrome 用户，要重新检查。",
	"Windows 的“专注助手/请勿打扰”和 macOS 的“勿扰模式/专注模式”可以按时间自动打开：上班时间里也要关着。",
	"提示音：每次打开或刷新 X-Space 后要先点击一下页面；上班时电脑音量和耳机也要开着。",
	"本页看不出套着 Chrome 内核的其他浏览器（一些国产浏览器把自己报成 Chrome）：请确认你用的是谷歌 Chrome。",
	"本页不需要连接互联网；检查结果保存在本工作台上，运营同学和部门管理员在名单里能看到。",
}

// PreflightCheckByID finds a check by its ID.
func PreflightCheckByID(id string) (PreflightCheck, bool) {
	for _, c := range preflightChecks {
		if c.ID == id {
			return c, true
		}
	}
	return PreflightCheck{}, false
}

// Fix finds a check's fix by its reason.
func (c PreflightCheck) Fix(reason string) (PreflightFix, bool) {
	for _, f := range c.Fixes {
		if f.Reason == reason {
			return f, true
		}
	}
	return PreflightFix{}, false
}

// preflightView is what preflight.html sees (page.Data).
type preflightView struct {
	Checks       []PreflightCheck
	ChecksJSON   string // the same, for preflight.js
	Cannot       []string
	WorkbenchURL string
}

func newPreflightView() preflightView {
	b, err := json.Marshal(preflightChecks)
	if err != nil {
		panic("web: preflight checks: " + err.Error()) // plain structs of strings always marshal
	}
	return preflightView{Checks: preflightChecks, ChecksJSON: string(b), Cannot: preflightCannot, WorkbenchURL: workbench.WorkbenchURL}
}
