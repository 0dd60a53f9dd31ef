// Package checklist is the real go-live test as a printable checklist: the
// five steps of SPEC.md step 5 (R-RT-1..5) for a tester in the real Xianyu
// app and X-Space, with every text of the vendor's configuration the tester
// must see, who must be 在线 and when (the work hours in the tester's and the
// vendor's time zone), what to write in the test message, and for each step
// the known failures with the same diagnoses `routecheck run` gives
// (sim/routetest). The tester ticks it off on the page, which saves the
// ticks as a JSON record; Record.Run turns that record into the report
// model of a route test (sim/reports), so a rehearsal and the real test
// leave the same kind of report.
package checklist

import (
	"fmt"
	"strconv"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/routetest"
	wb "routecheck/sim/workbench"
)

// Options say when and where the real test happens.
type Options struct {
	// At is when the tester plans the test; it decides the week of work
	// hours shown and whether the test falls inside them.
	At time.Time
	// TesterZone is the tester's time zone; nil means the vendor's.
	TesterZone *time.Location
	// Workbench is the X-Space URL agents log in at; "" is the seed's
	// (wb.WorkbenchURL).
	Workbench string
}

// Checklist is the real test for one vendor at one planned time.
type Checklist struct {
	Vendor     Vendor
	PlannedAt  time.Time
	VendorZone *time.Location
	TesterZone *time.Location
	Workbench  string
	// InHours says whether PlannedAt is inside the work hours (R-VEN-4);
	// when not, NextOpen is the next start of the hours (zero if the
	// vendor has none).
	InHours  bool
	NextOpen time.Time
	Hours    []Day   // the seven days from PlannedAt's date in the vendor's zone
	Agents   []Agent // who may be 在线 for the test
	Trace    string  // carried in the test message
	Steps    []Step  // the five steps
	ReportTo string  // where a failure is reported, in the seed's words
}

// Vendor is the vendor as the checklist names it.
type Vendor struct {
	ID, Name, File, Department, BusinessLine, Hotline string
	WorkHours                                         string // as the bot tells customers: 周一、周二 09:00-18:00
}

// Agent is an account that can take the test chat.
type Agent struct {
	Login, Name string
	Role        wb.Role
	Tenant      string
	// TenantNote says what the agent must do about the tenant before the
	// test (R-TEN-1); empty when the account works under 闲鱼BU.
	TenantNote string
	Capacity   int
}

// Step is one of the five steps: what to do and see, and what can go wrong.
type Step struct {
	Number     int
	Name, Rule string
	Who        string // who acts: 测试同学 (tester) or 服务商客服 (the vendor's agent)
	Items      []Item
	Failures   []routetest.Failure
}

// Item is one thing to do or see, ticked by the tester.
type Item struct {
	ID     string `json:"id"` // e.g. "3.card.2"; stable for one configuration
	Step   int    `json:"step"`
	Text   string `json:"text"`             // what to do or look at
	Expect string `json:"expect,omitempty"` // the exact text to see, if any
}

// ReportTo is the seed's instruction for any problem during the test.
const ReportTo = "上述测试过程中，如有任何问题，反馈CCO同学"

// OrderPlaceholder stands for the test order's id until the tester has it.
const OrderPlaceholder = "〈测试订单号〉"

// Build makes the checklist for vendor v.
func Build(v *fixtures.Vendor, opt Options) *Checklist {
	c := v.Config
	vz := c.WorkHours.Location
	if vz == nil {
		vz = shanghai()
	}
	tz := opt.TesterZone
	if tz == nil {
		tz = vz
	}
	url := opt.Workbench
	if url == "" {
		url = wb.WorkbenchURL
	}
	cl := &Checklist{
		Vendor: Vendor{ID: c.ID, Name: c.Name, File: v.File, Department: c.Department,
			BusinessLine: c.BusinessLine, Hotline: c.Hotline, WorkHours: c.WorkHours.String()},
		PlannedAt: opt.At, VendorZone: vz, TesterZone: tz, Workbench: url,
		Trace:    Trace(c.ID, opt.At),
		ReportTo: ReportTo,
	}
	cl.InHours = c.WorkHours.InWorkHours(opt.At, vz)
	if !cl.InHours {
		cl.NextOpen = nextOpen(c.WorkHours, vz, opt.At)
	}
	cl.Hours = week(c.WorkHours, vz, tz, opt.At)
	for _, a := range c.Accounts {
		if a.Role != wb.RoleAgent && a.Role != wb.RoleDeptAdmin {
			continue
		}
		ag := Agent{Login: a.Login, Name: a.Name, Role: a.Role, Tenant: a.Tenant, Capacity: a.Capacity}
		if ag.Tenant == "" {
			ag.Tenant = wb.TenantXianyu
		}
		if ag.Capacity == 0 {
			ag.Capacity = wb.DefaultCapacity
		}
		ag.TenantNote = tenantNote(a)
		cl.Agents = append(cl.Agents, ag)
	}
	cl.Steps = steps(v, cl)
	return cl
}

// Trace names one planned real test in its test message and record.
func Trace(vendor string, at time.Time) string {
	return "manual-" + vendor + "-" + at.UTC().Format("20060102T1504Z")
}

func tenantNote(a wb.AccountConfig) string {
	hasXianyu := false
	for _, t := range a.Tenants {
		hasXianyu = hasXianyu || t == wb.TenantXianyu
	}
	switch {
	case a.Tenant != "" && a.Tenant != wb.TenantXianyu && !hasXianyu:
		return fmt.Sprintf("当前租户 %s，且账号没有 %s 租户：请 CCO 运营同学为该账号开通 %s (R-TEN-1)", a.Tenant, wb.TenantXianyu, wb.TenantXianyu)
	case a.Tenant != "" && a.Tenant != wb.TenantXianyu:
		return fmt.Sprintf("当前租户 %s：点击右上角头像，检查所属租户是否是“%s”，如不是，调整为%s，刷新页面即可上班 (R-TEN-1)", a.Tenant, wb.TenantXianyu, wb.TenantXianyu)
	}
	return ""
}

// steps are the five steps with their items, in the order a tester walks
// them, and the known failures of each (routetest.Failures).
func steps(v *fixtures.Vendor, cl *Checklist) []Step {
	c := v.Config
	p := c.BotPage
	out := make([]Step, 5)
	who := [5]string{"测试同学 (tester)", "服务商客服 (the vendor's agent)", "测试同学 (tester)", "测试同学 (tester)", "测试同学与服务商客服 (tester and agent)"}
	for i := range out {
		name, rule := routetest.StepName(i + 1)
		out[i] = Step{Number: i + 1, Name: name, Rule: rule, Who: who[i], Failures: routetest.Failures(i + 1)}
	}
	add := func(step int, id, text, expect string) {
		out[step-1].Items = append(out[step-1].Items, Item{ID: id, Step: step, Text: text, Expect: expect})
	}

	add(1, "1.account", "从 CCO 同学拿到测试账号 (test account)，写在上方", "")
	add(1, "1.order", "从 CCO 同学拿到测试订单 (test order)，订单号写在上方", "")

	add(2, "2.login", "客服用 Chrome 打开 "+cl.Workbench+" 并登录 X-Space (R-WB-1, R-WB-3)", "")
	add(2, "2.tenant", "右上角头像 → 租户 是 "+wb.TenantXianyu+" (R-TEN-1)", wb.TenantXianyu)
	add(2, "2.notify", "头像 → 个人设置 → 消息提醒：桌面通知 和 声音提醒 已开启；浏览器允许通知和弹出式窗口 (R-NTF-1)", "")
	add(2, "2.online", "左侧菜单 在线工作台 → 马上上班，状态显示 在线，并保持 在线 到第 5 步结束 (R-RT-2, R-WB-2)", string(wb.StatusOnline))

	add(3, "3.scan", "用闲鱼 APP 扫 CCO 智能渠道同学提供的二维码进入小蜜（二维码保密，不要外部分享）(R-RT-3)", "")
	add(3, "3.greeting", p.RobotName+" 的问候语", p.Greeting)
	for i, b := range p.CardButtons {
		add(3, "3.card."+strconv.Itoa(i+1), "机器人名片按钮 "+strconv.Itoa(i+1)+" (robot card button)", b.Label)
	}
	for i, t := range p.FAQ {
		tid := "3.faq." + strconv.Itoa(i+1)
		add(3, tid, "常见问题 "+strconv.Itoa(i+1)+" (FAQ topic)", t.Title)
		for j, q := range t.Questions {
			add(3, tid+"."+strconv.Itoa(j+1), "常见问题 "+strconv.Itoa(i+1)+" 下的问题 "+strconv.Itoa(j+1), q.Question)
		}
	}
	for i, q := range p.QuickPhrases {
		text := "快捷短语 " + strconv.Itoa(i+1) + " (quick phrase)"
		if q.Transfer {
			text += "，点它转人工"
		}
		add(3, "3.phrase."+strconv.Itoa(i+1), text, q.Text)
	}
	if len(p.FAQ) > 0 && len(p.FAQ[0].Questions) > 0 {
		q := p.FAQ[0].Questions[0]
		add(3, "3.answer", "点常见问题「"+q.Question+"」，小蜜回答", q.Answer)
	}

	welcome := welcomeText(c)
	add(4, "4.text", "发送 "+wb.TransferText+"：客服接起会话，测试同学收到欢迎语 (R-RT-4, R-WEL-1)", welcome)
	phrase := transferPhrase(c)
	if phrase != "" {
		add(4, "4.phrase", "重新扫码进入小蜜，点快捷短语 "+phrase+"：客服接起会话，收到欢迎语 (R-RT-4)", welcome)
	} else {
		add(4, "4.phrase", "快捷短语里有 "+wb.OnlineAgentLabel+" 并能转人工 (R-RT-4)：本服务商的配置里没有，这一项会失败", wb.OnlineAgentLabel)
	}

	add(5, "5.send", "测试同学在人工会话中发送测试消息（订单号换成测试订单号）", routetest.TestMessage(OrderPlaceholder, cl.Trace, 1))
	add(5, "5.seen", "客服在 X-Space 看到这条消息，会话里有测试订单 (R-RT-5, R-RT-1)", "")
	add(5, "5.reply", "客服回复，测试同学在小蜜收到回复 (R-RT-5)", "")
	add(5, "5.closing", "客服结束会话，测试同学收到结束语 (R-WEL-1)", closingText(c))
	add(5, "5.rate", "测试同学评价 "+string(wb.RatingVerySatisfied)+" (R-KPI-1)", string(wb.RatingVerySatisfied))
	return out
}

// welcomeText is the welcome the tester must see (R-WEL-1): the skill
// group's wins; without one, each agent's own.
func welcomeText(c wb.VendorConfig) string {
	if c.Welcome != "" {
		return c.Welcome
	}
	return perAgent(c, func(a wb.AccountConfig) string { return a.Welcome }, "没有欢迎语（未配置首问机器人）")
}

// closingText is the closing the tester must see, chosen as the welcome is.
func closingText(c wb.VendorConfig) string {
	if c.Closing != "" {
		return c.Closing
	}
	return perAgent(c, func(a wb.AccountConfig) string { return a.Closing }, "没有结束语（未配置）")
}

// perAgent lists each agent's own text, "客服小王: …; 客服小李: …", for a
// skill group without one of its own.
func perAgent(c wb.VendorConfig, text func(wb.AccountConfig) string, none string) string {
	var parts []string
	for _, a := range c.Accounts {
		if (a.Role == wb.RoleAgent || a.Role == wb.RoleDeptAdmin) && text(a) != "" {
			parts = append(parts, nameOf(a)+"："+text(a))
		}
	}
	if len(parts) == 0 {
		return none
	}
	out := "按接起的客服 (the agent who takes the chat)："
	for i, p := range parts {
		if i > 0 {
			out += "；"
		}
		out += p
	}
	return out
}

func nameOf(a wb.AccountConfig) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Login
}

func transferPhrase(c wb.VendorConfig) string {
	for _, q := range c.BotPage.QuickPhrases {
		if q.Transfer {
			return q.Text
		}
	}
	return ""
}

// Items are every item of every step, in order.
func (c *Checklist) Items() []Item {
	var out []Item
	for _, s := range c.Steps {
		out = append(out, s.Items...)
	}
	return out
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("Asia/Shanghai", 8*3600)
	}
	return loc
}
