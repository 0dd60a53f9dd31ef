package reports

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"time"

	"routecheck/sim/invariant"
	"routecheck/sim/workbench"
)

// The sample runs are fixed: fixed times in a fixed zone, no randomness,
// so the golden HTML only changes when the writers do.

var (
	cst = time.FixedZone("CST", 8*3600)
	t0  = time.Date(2025, 3, 14, 10, 0, 0, 0, cst)
)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func msd(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// samplePNG is a small real PNG, as chromedp's screenshots are.
func samplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for x := range 8 {
		for y := range 4 {
			img.Set(x, y, color.RGBA{R: uint8(30 * x), G: 120, B: uint8(60 * y), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func sampleHeader() Run {
	return Run{
		ID: "demo-42", Seed: 42, Vendor: "闲鱼示例服务商", VendorFile: "fixtures/vendors/demo.yaml",
		Target: "http://127.0.0.1:39001", TraceID: "rt-abcdefghijkl", StartedAt: t0,
		VendorTime:    t0.Add(-time.Hour),
		VendorTimeHow: "周五 2025-03-14 09:00 Asia/Shanghai, the next in-hours instant (the harness's clock read 周五 03:00)",
	}
}

// passingRun is a clean route test with browser checks and transcripts.
func passingRun() *Run {
	r := sampleHeader()
	r.Duration, r.Passed, r.ExitCode = msd(231.5), true, 0
	r.Steps = []Step{
		{Number: 1, Name: "测试订单与测试账号 (test order & account)", Rule: "R-RT-1", Status: StatusPassed,
			Started: at(0), Duration: msd(12.3), Checks: []Check{
				{Name: "test account", Passed: true, Expected: "a test customer account", Seen: "c-7 测试买家 王小明"},
				{Name: "test order", Passed: true, Expected: "a test order for c-7", Seen: "o-3 二手自行车"},
			}},
		{Number: 2, Name: "客服上线 (agent online)", Rule: "R-RT-2", Status: StatusPassed,
			Started: at(13), Duration: msd(41), Checks: []Check{
				{Name: "agents 在线", Passed: true, Expected: "at least one agent 在线 under 闲鱼BU", Seen: "agent-1, agent-2"},
			}},
		{Number: 3, Name: "扫码进入小蜜 (QR entry)", Rule: "R-RT-3", Status: StatusPassed,
			Started: at(55), Duration: msd(38.2), Checks: []Check{
				{Name: "robot card", Passed: true, Expected: "1 to 4 buttons", Seen: "闲鱼示例客服热线, 闲鱼示例在线客服"},
				{Name: "bot answers FAQ", Passed: true, Expected: "售后地址 answered", Seen: "杭州市余杭区文一西路969号"},
			}},
		{Number: 4, Name: "转人工 (transfer to human)", Rule: "R-RT-4", Status: StatusPassed,
			Started: at(94), Duration: msd(61.7), Checks: []Check{
				{Name: "transfer by 转人工", Passed: true, Expected: "a human agent takes the chat", Seen: "assigned to agent-1"},
				{Name: "welcome", Passed: true, Expected: "您好，我是客服小闲 (skill group's welcome wins)", Seen: "您好，我是客服小闲"},
				{Name: "transfer by 在线客服", Passed: true, Expected: "a human agent takes the chat", Seen: "assigned to agent-2"},
			},
			Timings: map[string]time.Duration{
				"in_bot 转人工": msd(30), "in_queue 转人工": msd(4.2),
				"in_bot 在线客服 (quick phrase)": msd(9.5), "in_queue 在线客服 (quick phrase)": msd(3.1),
			}},
		{Number: 5, Name: "客服回复 (agent reply)", Rule: "R-RT-5", Status: StatusPassed,
			Started: at(156), Duration: msd(75.4), Checks: []Check{
				{Name: "agent sees test message", Passed: true, Expected: "路由测试消息 with order o-3", Seen: "agent-1 received it"},
				{Name: "tester receives reply", Passed: true, Expected: "您好，已收到您的测试消息（订单 o-3）", Seen: "received on the bot page"},
				{Name: "closed and rated", Passed: true, Expected: "both test chats closed and rated", Seen: "非常满意 ×2"},
			},
			Timings: map[string]time.Duration{
				"first_response 转人工": msd(88), "first_response 在线客服 (quick phrase)": msd(79),
			}},
	}
	r.Browser = []BrowserCheck{
		{Name: "login and 马上上班", Rule: "R-WB-1", Status: StatusPassed, Duration: msd(812), Screenshot: samplePNG(),
			Checks: []Check{{Name: "在线工作台 in the menu", Passed: true, Expected: "menu item 在线工作台", Seen: "shown"}}},
		{Name: "notifications allowed", Rule: "R-WB-3", Status: StatusPassed, Duration: msd(240)},
	}
	r.KPIs = workbench.KPIs{ServiceRequests: 2, PickedUp: 2, PickupRate: 1, Responded: 2, FirstResponseS: 0.0835,
		Ratings: 2, Satisfied: 2, Satisfaction: 1, Ended: 2, ServiceS: 0.12}
	r.Verdicts = workbench.Assessed().Assess(r.KPIs)
	r.InvariantsChecked = 57
	r.Transcripts = []Transcript{
		{Conv: "conv-1", Title: "转人工", Lines: []Line{
			{At: at(60), Sender: "bot", Text: "您好，我是闲鱼示例的小蜜，请问有什么可以帮您？"},
			{At: at(94), Sender: "customer", Text: "转人工"},
			{At: at(99), Sender: "system", Text: "您好，我是客服小闲"},
			{At: at(160), Sender: "customer", Text: "路由测试消息 订单 o-3 trace rt-abcdefghijkl #1"},
			{At: at(186), Sender: "agent", Text: "您好，已收到您的测试消息（订单 o-3）<b>"},
		}},
		{Conv: "conv-2", Title: "在线客服 (quick phrase)", Lines: []Line{
			{At: at(120), Sender: "customer", Text: "在线客服"},
			{At: at(215), Sender: "agent", Text: "您好，已收到您的测试消息（订单 o-3）"},
		}},
	}
	r.Notes = []string{"all agents were at capacity: the test chat queued until agent-2 ended chat conv-0 (R-CAP-1)"}
	return &r
}

// failingRun fails at step 2 on the tenant (R-TEN-1): steps 3 to 5 are
// skipped, a browser check fails with a screenshot, and an invariant broke.
func failingRun() *Run {
	r := sampleHeader()
	r.Duration, r.Passed, r.ExitCode = msd(70), false, 1
	r.Steps = []Step{
		{Number: 1, Name: "测试订单与测试账号 (test order & account)", Rule: "R-RT-1", Status: StatusPassed,
			Started: at(0), Duration: msd(12), Checks: []Check{
				{Name: "test account", Passed: true, Expected: "a test customer account", Seen: "c-7"},
			}},
		{Number: 2, Name: "客服上线 (agent online)", Rule: "R-RT-2", Status: StatusFailed,
			Started: at(13), Duration: msd(47), Checks: []Check{
				{Name: "login agent-1", Passed: true, Expected: "login accepted", Seen: "session"},
				{Name: "马上上班 agent-1", Passed: false, Expected: "status 在线 under tenant 闲鱼BU", Seen: "404 page not found under tenant 淘宝BU"},
			},
			Diagnosis: &Diagnosis{Rule: "R-TEN-1",
				Message: "马上上班 agent-1: expected status 在线 under tenant 闲鱼BU, saw 404 page not found under tenant 淘宝BU",
				Fix:     "switch the agent's tenant (avatar → tenant) to 闲鱼BU and refresh"}},
	}
	for i, n := range []string{"扫码进入小蜜 (QR entry)", "转人工 (transfer to human)", "客服回复 (agent reply)"} {
		r.Steps = append(r.Steps, Step{Number: i + 3, Name: n, Rule: "R-RT-" + string(rune('3'+i)), Status: StatusSkipped,
			Checks: []Check{{Name: "not run", Expected: "an earlier step to pass", Seen: "an earlier step failed"}}})
	}
	r.Browser = []BrowserCheck{
		{Name: "login and 马上上班", Rule: "R-TEN-1", Status: StatusFailed, Duration: msd(930), Screenshot: samplePNG(),
			Diagnosis: &Diagnosis{Rule: "R-TEN-1", Message: "the left menu has no 在线工作台", Fix: "switch the tenant to 闲鱼BU"}},
		{Name: "租户不是闲鱼BU时无法上班", Rule: "R-TEN-1", Status: StatusSkipped, Duration: msd(1),
			SkipReason: "no agent account has a tenant other than 闲鱼BU"},
	}
	r.Verdicts = workbench.Assessed().Assess(r.KPIs)
	r.InvariantsChecked = 9
	r.Invariants = []invariant.Violation{{Invariant: invariant.Tenant, Rule: "R-TEN-1",
		Message: "conv-1 assigned to agent-1 under tenant \"淘宝BU\"", Events: []int64{7}, At: at(40)}}
	return &r
}
