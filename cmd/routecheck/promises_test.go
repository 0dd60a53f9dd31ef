package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/routetest"
	wb "routecheck/sim/workbench"
)

// What fixtures/template.yaml (the file `routecheck init` writes) says of a
// field is what vet, run and the workbench do with it. Every comment of the
// template is a promise; each has a test here, named by the words it
// tests, and a comment no test covers fails TestTemplatePromises.
var promises = []struct {
	claim string
	test  func(t *testing.T)
}{
	{"the file is valid as written", func(t *testing.T) {
		v := parsed(t, tmpl(t))
		if p := routetest.Predict(v, routetest.PlanClock(v, time.Time{}, wed10, time.Minute)); p.Fails {
			t.Errorf("vet predicts the template fails: %+v", p.At)
		}
		passes(t, rehearse(t, v))
	}},
	{"Unknown fields are errors", func(t *testing.T) {
		refused(t, tmpl(t, "  id: my-vendor", "  colour: red\n  id: my-vendor"), "vendor.colour", "")
	}},
	{"Text fields hold at most 2000 characters", func(t *testing.T) {
		long := strings.Repeat("长", 2001)
		refused(t, tmpl(t, "welcome: 您好，请问有什么可以帮您？", "welcome: "+long), "vendor.welcome", "R-WEL-1")
		refused(t, tmpl(t, "answer: 在小程序首页选择商品并提交订单即可。", "answer: "+long), "bot_page.faq[0].questions[0].answer", "R-VEN-2")
		parsed(t, tmpl(t, "welcome: 您好，请问有什么可以帮您？", "welcome: "+long[len("长"):]))
	}},
	{"required; your id", func(t *testing.T) { refused(t, tmpl(t, "  id: my-vendor ", "  # "), "vendor.id", "R-VEN-1") }},
	{"used in report folder names", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "my.yaml")
		os.WriteFile(file, []byte(tmpl(t, "reply_delay: 1s", "reply_delay: 0s")), 0o644)
		t.Chdir(dir)
		code, out, errs := runCLI(t, "run", "--vendor", file, "--seed", "5", "--at", "2026-11-25 10:00")
		matches, _ := filepath.Glob(filepath.Join(dir, "reports", "out", "my-vendor-5-*"))
		if code != exitPass || len(matches) != 1 {
			t.Errorf("exit %d, folders %v\n%s%s", code, matches, out, errs)
		}
	}},
	{"required; the vendor name", func(t *testing.T) { refused(t, tmpl(t, "  name: 示例服务商", "  #"), "vendor.name", "R-VEN-1") }},
	{"required; 所属业务", func(t *testing.T) {
		refused(t, tmpl(t, "  business_line: 闲鱼小程序", "  #"), "vendor.business_line", "R-VEN-1")
	}},
	{"required; 热线电话", func(t *testing.T) {
		refused(t, tmpl(t, "  hotline: 400-000-0000 ", "  # "), "vendor.hotline", "R-VEN-1")
	}},
	{"offered when no agent can take a chat (a hotline button's number wins)", func(t *testing.T) {
		sat := wed10.AddDate(0, 0, 3) // outside the hours: nobody can take a chat
		v := parsed(t, tmpl(t, "{label: 客服热线, kind: hotline, value: 400-000-0000}", "{label: 客服热线, kind: hotline, value: 400-111-2222}"))
		if got := lastFrom(say(t, core(t, v, sat), v, wb.TransferText), wb.SenderBot); !strings.Contains(got, "400-111-2222") {
			t.Errorf("with a hotline button the bot offers %q", got)
		}
		v = parsed(t, tmpl(t, "    - {label: 客服热线, kind: hotline, value: 400-000-0000}     # kind hotline: value is the phone number\n", ""))
		if got := lastFrom(say(t, core(t, v, sat), v, wb.TransferText), wb.SenderBot); !strings.Contains(got, "400-000-0000") {
			t.Errorf("without one the bot offers %q", got)
		}
	}},
	{"required (R-VEN-3); the skill group", func(t *testing.T) {
		refused(t, tmpl(t, "  department: 示例客服部", "  #"), "vendor.department", "R-VEN-3")
	}},
	{"YYYY-MM-DD, when CCO configured", func(t *testing.T) {
		refused(t, tmpl(t, "configured_on: 2026-12-01", "configured_on: 2026/12/01"), "vendor.configured_on", "R-VEN-5")
		if !warned(parsed(t, tmpl(t, "  configured_on: 2026-12-01 ", "  # ")), "vendor", "R-VEN-5") {
			t.Error("without configured_on the lead time is not said to be unchecked")
		}
	}},
	{"at least 7 days after configured_on, else a warning", func(t *testing.T) {
		if !warned(parsed(t, tmpl(t, "go_live: 2026-12-08", "go_live: 2026-12-07")), "vendor.go_live", "R-VEN-5") {
			t.Error("6 days of lead time gives no warning")
		}
		if warned(parsed(t, tmpl(t)), "vendor.go_live", "R-VEN-5") {
			t.Error("7 days of lead time gives a warning")
		}
	}},
	{"the skill group's welcome, wins over each agent's own", func(t *testing.T) {
		rep := rehearse(t, parsed(t, tmpl(t)))
		passes(t, rep)
		welcomes := seen(rep, 4, "welcome")
		if len(welcomes) != 2 || welcomes[0] != "您好，请问有什么可以帮您？" || welcomes[1] != welcomes[0] {
			t.Errorf("the two test chats (one on my-agent2, who has a welcome of its own) got %q", welcomes)
		}
	}},
	{"loses to vendor.welcome when that is set", func(t *testing.T) {
		rep := rehearse(t, parsed(t, tmpl(t, "  welcome: 您好，请问有什么可以帮您？ ", "  # ")))
		passes(t, rep)
		if w := seen(rep, 4, "welcome"); !slices.Contains(w, "您好，我是客服小李。") {
			t.Errorf("without the group's welcome, my-agent2's own is not sent: %q", w)
		}
	}},
	{"the skill group's closing message", func(t *testing.T) {
		v := parsed(t, tmpl(t))
		w := core(t, v, wed10)
		w.SetStatus("my-agent2", wb.StatusOnline)
		c := say(t, w, v, wb.TransferText)
		w.AgentClose(c.Agent, c.ID)
		c, _ = w.Conversation(c.ID)
		if got := lastFrom(c, wb.SenderSystem); got != "感谢您的咨询，再见！" {
			t.Errorf("the closing is %q", got)
		}
	}},
	{"optional (R-WEL-1)", func(t *testing.T) { // the agent's closing, when the group has none
		v := parsed(t, tmpl(t, "  closing: 感谢您的咨询，再见！ ", "  # "))
		w := core(t, v, wed10)
		w.SetStatus("my-agent2", wb.StatusOnline)
		c := say(t, w, v, wb.TransferText)
		w.AgentClose(c.Agent, c.ID)
		c, _ = w.Conversation(c.ID)
		if got := lastFrom(c, wb.SenderSystem); got != "小李祝您生活愉快！" {
			t.Errorf("without the group's closing, my-agent2's closing is %q", got)
		}
	}},
	{"an IANA zone; default Asia/Shanghai", func(t *testing.T) {
		v := parsed(t, tmpl(t, "  time_zone: Asia/Shanghai ", "  # "))
		if loc := v.Config.WorkHours.Location; loc == nil || loc.String() != "Asia/Shanghai" {
			t.Errorf("default zone %v", loc)
		}
		refused(t, tmpl(t, "time_zone: Asia/Shanghai", "time_zone: Mars/Base"), "work_hours.time_zone", "R-VEN-4")
	}},
	{"at least one of mon..sun (or 周一..周日), no repeats; a missing day is a warning", func(t *testing.T) {
		refused(t, tmpl(t, "days: [mon, tue, wed, thu, fri]", "days: []"), "work_hours.days", "R-VEN-4")
		refused(t, tmpl(t, "days: [mon, tue, wed, thu, fri]", "days: [mon, 周一]"), "work_hours.days[1]", "R-VEN-4")
		if d := parsed(t, tmpl(t, "days: [mon, tue, wed, thu, fri]", "days: [周一, 周日]")).Config.WorkHours.Days; !slices.Equal(d, []time.Weekday{0, 1}) {
			t.Errorf("周一, 周日 read as %v", d)
		}
		if !warned(parsed(t, tmpl(t)), "work_hours.days", "R-VEN-4") {
			t.Error("the weekend without agents gives no warning")
		}
	}},
	{"HH:MM, 00:00..23:59", func(t *testing.T) {
		refused(t, tmpl(t, `from: "09:00"`, `from: "24:00"`), "work_hours.from", "R-VEN-4")
		refused(t, tmpl(t, `from: "09:00"`, `from: "9h"`), "work_hours.from", "R-VEN-4")
		parsed(t, tmpl(t, `from: "09:00"`, `from: "23:59"`, `to: "18:00"`, `to: "24:00"`))
	}},
	{"(24:00 only here)", func(t *testing.T) {
		if h := parsed(t, tmpl(t, `to: "18:00"`, `to: "24:00"`)).Config.WorkHours; h.To != 24*time.Hour {
			t.Errorf("to 24:00 read as %v", h.To)
		}
	}},
	{"to before from spans midnight", func(t *testing.T) {
		h := parsed(t, tmpl(t, `from: "09:00"`, `from: "22:00"`, `to: "18:00"`, `to: "02:00"`, "days: [mon, tue, wed, thu, fri]", "days: [fri]")).Config.WorkHours
		sat1 := time.Date(2026, 11, 28, 1, 0, 0, 0, shanghai)
		if !h.InWorkHours(sat1, nil) || h.InWorkHours(sat1.Add(time.Hour), nil) {
			t.Error("a Friday 22:00-02:00 shift does not cover Saturday 01:00 only")
		}
	}},
	{"equal is round the clock", func(t *testing.T) {
		h := parsed(t, tmpl(t, `to: "18:00"`, `to: "09:00"`, "days: [mon, tue, wed, thu, fri]", "days: [mon]")).Config.WorkHours
		tue := time.Date(2026, 11, 24, 8, 59, 0, 0, shanghai)
		if !h.InWorkHours(tue, nil) || h.InWorkHours(tue.Add(time.Minute), nil) {
			t.Error("Monday 09:00-09:00 is not open until Tuesday 09:00")
		}
	}},
	{"required; the name on the robot card", func(t *testing.T) {
		refused(t, tmpl(t, "  robot_name: 小蜜 ", "  # "), "bot_page.robot_name", "R-VEN-2")
	}},
	{"optional; the bot's first message", func(t *testing.T) {
		v := parsed(t, tmpl(t))
		c, _ := core(t, v, wed10).Enter(v.Config.ID, "", "")
		if len(c.Messages) != 1 || c.Messages[0].Text != "您好，我是小蜜，请问有什么可以帮您？" {
			t.Errorf("the bot page opens with %+v", c.Messages)
		}
		v = parsed(t, tmpl(t, "  greeting: 您好，我是小蜜，请问有什么可以帮您？", "  #"))
		if c, _ := core(t, v, wed10).Enter(v.Config.ID, "", ""); len(c.Messages) != 0 {
			t.Errorf("without a greeting the bot says %+v", c.Messages)
		}
	}},
	{"the 小蜜链接 (http or https)", func(t *testing.T) {
		refused(t, tmpl(t, "link_url: https://example.com/xiaomi", "link_url: ftp://example.com/xiaomi"), "bot_page.link_url", "R-VEN-2")
		parsed(t, tmpl(t, "  link_url: https://example.com/xiaomi ", "  # "))
	}},
	{"robot card: 1 to 4 buttons", func(t *testing.T) {
		five := "    - {label: 订单查询, kind: link, value: \"https://example.com/orders\"}"
		refused(t, tmpl(t, five, five+"\n    - {label: 二, kind: link, value: \"https://example.com/2\"}\n    - {label: 三, kind: link, value: \"https://example.com/3\"}"), "bot_page.card_buttons", "R-VEN-2")
		refused(t, tmpl(t, "  card_buttons: ", "  card_buttons: []\n  x_card_buttons: "), "bot_page.card_buttons", "R-VEN-2")
	}},
	{"without a hotline button, a warning", func(t *testing.T) {
		v := parsed(t, tmpl(t, "    - {label: 客服热线, kind: hotline, value: 400-000-0000}     # kind hotline: value is the phone number\n", ""))
		if !warned(v, "bot_page.card_buttons", "R-VEN-2") {
			t.Error("no warning")
		}
	}},
	{"kind hotline: value is the phone number", func(t *testing.T) {
		refused(t, tmpl(t, "kind: hotline, value: 400-000-0000}", "kind: hotline}"), "bot_page.card_buttons[0].value", "R-VEN-2")
		v := parsed(t, tmpl(t))
		w := core(t, v, wed10)
		c, _ := w.Enter(v.Config.ID, "", "")
		w.PressButton(c.ID, "客服热线")
		c, _ = w.Conversation(c.ID)
		if got := lastFrom(c, wb.SenderBot); !strings.Contains(got, "400-000-0000") {
			t.Errorf("the hotline button shows %q", got)
		}
	}},
	{"kind online_agent: no value; puts the customer through", func(t *testing.T) {
		refused(t, tmpl(t, "kind: online_agent}", "kind: online_agent, value: x}"), "bot_page.card_buttons[1].value", "R-VEN-2")
		v := parsed(t, tmpl(t))
		w := core(t, v, wed10)
		w.SetStatus("my-agent1", wb.StatusOnline)
		c, _ := w.Enter(v.Config.ID, "", "")
		w.PressButton(c.ID, "在线客服")
		if c, _ = w.Conversation(c.ID); c.State != wb.StateAssigned || c.Agent != "my-agent1" {
			t.Errorf("在线客服 leaves the chat %s", c.State)
		}
	}},
	{"kind link: value is an http(s) URL", func(t *testing.T) {
		refused(t, tmpl(t, `value: "https://example.com/orders"`, `value: "example.com/orders"`), "bot_page.card_buttons[2].value", "R-VEN-2")
	}},
	{"at most 3 topics", func(t *testing.T) {
		topic := "    - title: 常见问题 "
		more := "    - {title: 二, questions: [{question: q2, answer: a2}]}\n    - {title: 三, questions: [{question: q3, answer: a3}]}\n    - {title: 四, questions: [{question: q4, answer: a4}]}\n"
		refused(t, tmpl(t, topic, strings.TrimSuffix(more, "\n")+"\n"+topic), "bot_page.faq", "R-VEN-2")
	}},
	{"required", func(t *testing.T) { // a topic's title, a question
		refused(t, tmpl(t, "title: 常见问题", `title: ""`), "bot_page.faq[0].title", "R-VEN-2")
		refused(t, tmpl(t, "question: 怎么下单？", `question: ""`), "bot_page.faq[0].questions[0].question", "R-VEN-2")
	}},
	{"1 to 5 per topic", func(t *testing.T) {
		q := "        - question: 怎么下单？"
		six := strings.Repeat("        - {question: 问, answer: 答}\n", 5)
		refused(t, tmpl(t, q, six+q), "bot_page.faq[0].questions", "R-VEN-2")
	}},
	{"required; the bot answers with it", func(t *testing.T) {
		refused(t, tmpl(t, "answer: 在小程序首页选择商品并提交订单即可。", `answer: ""`), "bot_page.faq[0].questions[0].answer", "R-VEN-2")
		v := parsed(t, tmpl(t))
		if got := lastFrom(say(t, core(t, v, wed10), v, "怎么下单？"), wb.SenderBot); got != "在小程序首页选择商品并提交订单即可。" {
			t.Errorf("the bot answers %q", got)
		}
	}},
	{"at most 10, labels unique", func(t *testing.T) {
		p := "    - {text: 售后地址, answer: 请在订单页查看售后地址。}"
		var more strings.Builder
		for i := range 9 {
			more.WriteString("    - {text: 短语" + string(rune('A'+i)) + ", answer: 答}\n")
		}
		refused(t, tmpl(t, p, more.String()+p), "bot_page.quick_phrases", "R-VEN-2")
		refused(t, tmpl(t, p, p+"\n"+p), "bot_page.quick_phrases[1].text", "R-VEN-2")
	}},
	{"text and answer required", func(t *testing.T) {
		refused(t, tmpl(t, "{text: 售后地址, answer: 请在订单页查看售后地址。}", "{text: 售后地址}"), "bot_page.quick_phrases[0].answer", "R-VEN-2")
		refused(t, tmpl(t, "{text: 售后地址, answer: 请在订单页查看售后地址。}", "{answer: 请在订单页查看售后地址。}"), "bot_page.quick_phrases[0].text", "R-VEN-2")
	}},
	{"transfer: true requests a human (R-RT-4); no answer", func(t *testing.T) {
		refused(t, tmpl(t, "{text: 在线客服, transfer: true}", "{text: 在线客服, transfer: true, answer: 好的}"), "bot_page.quick_phrases[1].answer", "R-VEN-2")
		v := parsed(t, tmpl(t))
		w := core(t, v, wed10)
		w.SetStatus("my-agent1", wb.StatusOnline)
		if c := say(t, w, v, "在线客服"); c.State != wb.StateAssigned {
			t.Errorf("the 在线客服 phrase leaves the chat %s", c.State)
		}
	}},
	{"without one, a warning", func(t *testing.T) {
		v := parsed(t, tmpl(t, "    - {text: 在线客服, transfer: true}     # transfer: true requests a human (R-RT-4); no answer; without one, a warning\n", ""))
		if !warned(v, "bot_page.quick_phrases", "R-RT-4") {
			t.Error("no warning")
		}
		if p := routetest.Predict(v, routetest.PlanClock(v, time.Time{}, wed10, time.Minute)); !p.Fails || p.At.Step != 4 {
			t.Errorf("vet does not say the route test fails at step 4: %+v", p)
		}
	}},
	{"one per person, logins unique, passwords 8..72 bytes", func(t *testing.T) {
		refused(t, tmpl(t, "  - login: my-agent2", "  - login: my-agent1"), "accounts[1].login", "R-VEN-3")
		refused(t, tmpl(t, "password: change-me-1", "password: 1234567"), "accounts[0].password", "R-VEN-3")
		refused(t, tmpl(t, "password: change-me-1", "password: "+strings.Repeat("p", 73)), "accounts[0].password", "R-VEN-3")
		parsed(t, tmpl(t, "password: change-me-1", "password: 12345678", "password: change-me-2", "password: "+strings.Repeat("p", 72)))
	}},
	{"role agent takes chats", func(t *testing.T) {
		v := parsed(t, tmpl(t))
		w := core(t, v, wed10)
		w.SetStatus("my-agent1", wb.StatusOnline)
		if c := say(t, w, v, wb.TransferText); c.Agent != "my-agent1" {
			t.Errorf("转人工 goes to %q", c.Agent)
		}
	}},
	{"default 3 (1V3)", func(t *testing.T) {
		v := parsed(t, tmpl(t, "password: change-me-1, role: agent, capacity: 3}", "password: change-me-1, role: agent}"))
		for _, a := range core(t, v, wed10).Agents(v.Config.Department) {
			if a.Login == "my-agent1" && a.Capacity != 3 {
				t.Errorf("the workbench gives my-agent1 capacity %d", a.Capacity)
			}
		}
	}},
	{"allowed 1..20, above 6 (1V6) a warning", func(t *testing.T) {
		for c, want := range map[string]string{"0": "error", "21": "error", "20": "warning", "7": "warning", "6": "none", "1": "none"} {
			src := tmpl(t, "password: change-me-1, role: agent, capacity: 3}", "password: change-me-1, role: agent, capacity: "+c+"}")
			v, err := fixtures.Parse("t.yaml", []byte(src))
			got := "none"
			switch {
			case err != nil:
				got = "error"
			case warned(v, "accounts[0].capacity", "R-CAP-1"):
				got = "warning"
			}
			if got != want {
				t.Errorf("capacity %s: %s, want %s", c, got, want)
			}
		}
	}},
	{"default 闲鱼BU", func(t *testing.T) {
		v := parsed(t, tmpl(t))
		if a := v.Config.Accounts[0]; a.Tenant != wb.TenantXianyu {
			t.Errorf("my-agent1's tenant is %q", a.Tenant)
		}
		if err := core(t, v, wed10).SetStatus("my-agent1", wb.StatusOnline); err != nil {
			t.Errorf("my-agent1 cannot go 在线: %v", err)
		}
	}},
	{"must include tenant", func(t *testing.T) {
		refused(t, tmpl(t, "tenants: [闲鱼BU]", "tenants: [淘宝BU]"), "accounts[1].tenant", "R-TEN-1")
	}},
	{"1 or 2 per vendor (none is a warning, 3 an error)", func(t *testing.T) {
		admin := "  - {login: my-admin, name: 客服主管, password: change-me-3, role: dept_admin, capacity: 3}\n"
		if !warned(parsed(t, tmpl(t, admin, "")), "accounts", "R-KPI-2") {
			t.Error("no department admin gives no warning")
		}
		more := admin + strings.ReplaceAll(admin, "my-admin", "my-admin2") + strings.ReplaceAll(admin, "my-admin", "my-admin3")
		refused(t, tmpl(t, admin, more), "accounts", "R-KPI-2")
		if warned(parsed(t, tmpl(t)), "accounts", "R-KPI-2") {
			t.Error("one admin gives a warning")
		}
	}},
	{"sees Service Insight", func(t *testing.T) {
		v := parsed(t, tmpl(t))
		w := core(t, v, wed10)
		if _, err := w.ServiceInsight("my-admin", v.Config.Department, wed10.Add(-time.Hour), wed10); err != nil {
			t.Errorf("the admin does not see Service Insight: %v", err)
		}
		if _, err := w.ServiceInsight("my-agent1", v.Config.Department, wed10.Add(-time.Hour), wed10); err == nil {
			t.Error("an agent sees Service Insight")
		}
	}},
	{"may also take chats", func(t *testing.T) {
		// A vendor whose only chat-taker is its admin: the route test signs
		// the admin in, and the admin takes the test chats.
		src := tmpl(t, "  - {login: my-agent1, name: 客服小王, password: change-me-1, role: agent, capacity: 3}\n", "",
			"  - login: my-agent2\n    name: 客服小李\n    password: change-me-2\n    role: agent\n    capacity: 3\n    tenant: 闲鱼BU\n    tenants: [闲鱼BU]\n    welcome: 您好，我是客服小李。          # optional (R-WEL-1); loses to vendor.welcome when that is set\n    closing: 小李祝您生活愉快！             # optional (R-WEL-1)\n", "",
			"rehearsal:", "x_rehearsal:")
		src = src[:strings.Index(src, "x_rehearsal:")]
		rep := rehearse(t, parsed(t, src))
		passes(t, rep)
		if got := seen(rep, 4, "transfer by"); len(got) != 2 || got[0] != "assigned to my-admin" {
			t.Errorf("the test chats went to %q", got)
		}
	}},
	{"the route test signs in as one to make the test order (R-RT-1)", func(t *testing.T) {
		v := parsed(t, tmpl(t, "  - {login: my-ops, name: CCO运营, password: change-me-4, role: operations}\n", ""))
		if _, err := routetest.Run(context.Background(), routetest.Options{Target: "http://127.0.0.1:1", Vendor: v}); !errors.Is(err, routetest.ErrInput) || !strings.Contains(err.Error(), "R-RT-1") {
			t.Errorf("run without operations: %v", err)
		}
		if p := routetest.Predict(v, routetest.PlanClock(v, time.Time{}, wed10, time.Minute)); p.At.Stage != routetest.StageStart {
			t.Errorf("vet does not say run refuses the file: %+v", p)
		}
	}},
	{"RFC 3339; the bundled workbench's clock starts there", func(t *testing.T) {
		v := parsed(t, tmpl(t, `  # start_at: "2026-12-09T10:00:00+08:00"`, `  start_at: "2026-12-09T10:00:00+08:00"`))
		if rep := rehearse(t, v); !rep.VendorTime.Equal(time.Date(2026, 12, 9, 10, 0, 0, 0, shanghai)) {
			t.Errorf("the test ran at %s", rep.VendorTime)
		}
		refused(t, tmpl(t, `  # start_at: "2026-12-09T10:00:00+08:00"`, `  start_at: "2026-12-09 10:00"`), "rehearsal.start_at", "")
	}},
	{"without it,", func(t *testing.T) { // in the work hours (D-RUN-8)
		v := parsed(t, tmpl(t))
		sat := wed10.AddDate(0, 0, 3)
		if p := routetest.PlanClock(v, time.Time{}, sat, time.Minute); !v.Config.WorkHours.InWorkHours(p.Start, nil) {
			t.Errorf("planned from Saturday, the clock starts at %s", p.Start)
		}
	}},
	{"outside them the route test fails at step 4", func(t *testing.T) {
		v := parsed(t, tmpl(t, `  # start_at: "2026-12-09T10:00:00+08:00"`, `  start_at: "2026-12-12T10:00:00+08:00"`))
		rep := rehearse(t, v)
		if s := rep.Steps[3]; s.Status != reports.StatusFailed || s.Diagnosis.Rule != "R-VEN-4" {
			t.Errorf("a Saturday start: step 4 %s", s.Status)
		}
	}},
	{"per agent or dept_admin login", func(t *testing.T) {
		refused(t, tmpl(t, "    - login: my-agent1\n      logs_in", "    - login: my-ops\n      logs_in"), "rehearsal.agents[0].login", "R-RT-2")
	}},
	{"every agent account not listed logs in,", func(t *testing.T) {
		rep := rehearse(t, parsed(t, tmpl(t)))
		passes(t, rep)
		if got := seen(rep, 2, "agent online"); len(got) != 1 || !strings.Contains(got[0], "my-agent2") || strings.Contains(got[0], "my-admin") {
			t.Errorf("the rehearsal lists my-agent1 only; 在线: %q", got)
		}
	}},
	{"goes 在线 and replies at once", func(t *testing.T) {
		rep := rehearse(t, parsed(t, tmpl(t)))
		passes(t, rep)
		var byAgent2 bool
		for _, s := range seen(rep, 5, "tester receives reply [chat") {
			byAgent2 = byAgent2 || s != ""
		}
		if !byAgent2 || !strings.Contains(strings.Join(checkNames(rep, 5), " "), "(my-agent2)") {
			t.Errorf("the unlisted my-agent2 did not answer a test chat: %q", checkNames(rep, 5))
		}
	}},
	{"(the admins, when there is no agent account)", func(t *testing.T) {
		hs := parsed(t, tmpl(t)).Habits()
		if slices.ContainsFunc(hs, func(h fixtures.AgentHabit) bool { return h.Login == "my-admin" }) {
			t.Errorf("with agent accounts the admin takes part: %+v", hs)
		}
	}},
	{"default true", func(t *testing.T) { // logs_in, replies
		v := parsed(t, tmpl(t, "      logs_in: true                      # default true\n", "", "      replies: true                      # default true\n", ""))
		if h := v.Rehearsal.Agents[0]; !h.LogsIn || !h.Replies {
			t.Errorf("defaults %+v", h)
		}
		passes(t, rehearse(t, v))
	}},
	{"在线 (default), 小休 or 离线 (or online, break, offline)", func(t *testing.T) {
		for in, want := range map[string]string{"在线": "在线", "online": "在线", "小休": "小休", "break": "小休", "离线": "离线", "offline": "离线"} {
			if h := parsed(t, tmpl(t, "status: 在线 ", "status: "+in+" ")).Rehearsal.Agents[0]; h.Status != want {
				t.Errorf("status %s read as %s", in, h.Status)
			}
		}
		if h := parsed(t, tmpl(t, "      status: 在线 ", "      # ")).Rehearsal.Agents[0]; h.Status != "在线" {
			t.Errorf("default status %s", h.Status)
		}
		refused(t, tmpl(t, "status: 在线 ", "status: busy "), "rehearsal.agents[0].status", "R-WB-2")
	}},
	{"0s..10m after taking the chat, as 首响时长 counts", func(t *testing.T) {
		refused(t, tmpl(t, "reply_delay: 1s", "reply_delay: 11m"), "rehearsal.agents[0].reply_delay", "R-RT-2")
		// Both agents answer 20 s after they take a chat: 首响时长 is 20 s.
		rep := rehearse(t, parsed(t, tmpl(t, "reply_delay: 1s", "reply_delay: 20s", "      open_chats: 0 ", "    - {login: my-agent2, reply_delay: 20s}\n      # ")))
		passes(t, rep)
		if rep.KPIs.FirstResponseS != 20 {
			t.Errorf("首响时长 %.3f s, want 20", rep.KPIs.FirstResponseS)
		}
	}},
	{"chats already held at the start, 0..capacity (R-CAP-1)", func(t *testing.T) {
		refused(t, tmpl(t, "open_chats: 0 ", "open_chats: 4 "), "rehearsal.agents[0].open_chats", "R-CAP-1")
		rep := rehearse(t, parsed(t, tmpl(t, "open_chats: 0 ", "open_chats: 2 ")))
		passes(t, rep)
		if got := seen(rep, 2, "open chats"); len(got) != 1 || got[0] != "2 open" {
			t.Errorf("step 2 saw %q", got)
		}
	}},
}

// notPromises are the template's comments that describe rather than
// promise: how to use the file, and the sections' headings.
var notPromises = []string{"A new vendor's onboarding data", "errors (exit 2) and warnings, with a go-live checklist",
	"the five-step route test against the bundled workbench", "R-VEN-1: the vendor record", "R-VEN-4: when agents are on duty",
	"R-VEN-2: the 小蜜 page, top to bottom", "Optional: how the simulated agents behave"}

// Every comment of the template is covered by a promise with a test, and
// every promise's words are in the template: a comment added without a
// test, or a promise whose words left the template, fails here.
func TestTemplatePromises(t *testing.T) {
	var comments []string
	for _, line := range strings.Split(string(fixtures.Template()), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			comments = append(comments, strings.TrimSpace(line[i+1:]))
		}
	}
	for _, c := range comments {
		covered := slices.ContainsFunc(promises, func(p struct {
			claim string
			test  func(t *testing.T)
		}) bool {
			return strings.Contains(c, p.claim)
		}) || slices.ContainsFunc(notPromises, func(n string) bool { return strings.Contains(c, n) })
		if !covered {
			t.Errorf("the template says %q, and no test holds it to that", c)
		}
	}
	for _, p := range promises {
		if !slices.ContainsFunc(comments, func(c string) bool { return strings.Contains(c, p.claim) }) {
			t.Errorf("no comment of the template says %q any more", p.claim)
		}
		t.Run(p.claim, p.test)
	}
}

// The README's table of fixtures says what each rehearses and where it
// fails; vet (held to run by TestVetPredictsRun) must say the same, and the
// table must list every bundled vendor.
func TestReadmeFixtureTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+\\.yaml)` \\| [^|]+ \\| ([^|]+) \\|$")
	rows := row.FindAllStringSubmatch(string(readme), -1)
	if len(rows) < 10 {
		t.Fatalf("found %d rows in the README's fixture table", len(rows))
	}
	claim := regexp.MustCompile(`^(passes|step (\d), (R-[A-Z]+-\d)|KPI 首响时长, (R-KPI-1))`)
	listed := map[string]bool{}
	clk := atWall(wed10)
	for _, r := range rows {
		file := r[1]
		if !strings.HasPrefix(file, "fixtures/") {
			file = "fixtures/vendors/" + file
		}
		listed[file] = true
		m := claim.FindStringSubmatch(strings.TrimSpace(r[2]))
		if m == nil {
			t.Errorf("%s: the README says %q, which names no outcome", file, r[2])
			continue
		}
		want := "pass"
		switch {
		case m[2] != "":
			want = "step " + m[2] + " " + m[3]
		case m[4] != "":
			want = "kpi first_response_s"
		}
		_, out, _ := clk.runCLI(t, "vet", "--json", "../../"+file)
		var v vetVerdict
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s: vet --json: %v", file, err)
		}
		if got := v.outcome(); got != want {
			t.Errorf("%s: the README says %q, vet (and so run) %q", file, want, got)
		}
	}
	for _, b := range fixtures.Bundled() {
		if !listed[b.Path] {
			t.Errorf("the README's fixture table does not list the bundled %s", b.Path)
		}
	}
}
