package browser

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"routecheck/reports"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// phone is the device the bot page is checked on: 375 px wide, touch, as
// the tester's phone after scanning the QR code (R-RT-3).
var phone chromedp.Device = device.IPhone8

// CheckBotPage opens the QR entry URL on an emulated phone and checks the
// 小蜜 page end to end: the robot card, FAQ and quick phrases match the
// configuration (R-VEN-2, R-RT-3), a FAQ question gets its answer, the 在线
// 客服 quick phrase reaches a human (R-RT-4), and the simulated agent's
// reply shows on the phone (R-RT-5).
func CheckBotPage(ctx context.Context, b *Browser, env *Env) reports.BrowserCheck {
	r := env.newRecord("小蜜页面（手机）：知识展示、转人工、人工回复", "R-RT-3")
	ctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()
	bp := env.Vendor.BotPage

	acc, err := env.replyAgent()
	if err != nil {
		return r.skip("vendor has no agent under " + wb.TenantXianyu + " to take the chat")
	}
	entry, err := env.entryURL(ctx, "浏览器检查手机顾客")
	if !r.check("二维码入口 (R-RT-1, R-RT-3)", err == nil, "a signed entry URL for a test customer and order", errText(err, actors.RedactEntryURL(entry)),
		diag("R-RT-1", "no entry URL for a test customer", "the vendor needs an operations account (CCO) to make test customers, orders and QR codes")) {
		return r.done(nil)
	}

	agent := actors.NewAgent(env.Base, acc.Login)
	_, err = agent.SignIn(ctx, acc.Password)
	if err == nil {
		err = agent.Connect(ctx)
	}
	if err == nil {
		defer agent.Close()
		_, err = agent.SetStatus(ctx, string(wb.StatusOnline))
		defer agent.SetStatus(context.WithoutCancel(ctx), string(wb.StatusOffline))
	}
	if !r.check("simulated agent "+acc.Login+" 在线 (R-RT-2)", err == nil, "online", errText(err, "online"),
		diag("R-RT-2", "the agent who should take the test chat could not go online", "")) {
		return r.done(nil)
	}

	// Another agent online (say, the route test's) would take the phone's
	// chat; chats held open on them make ours the least loaded.
	others, err := env.clearWayTo(ctx, acc.Login)
	defer closeAll(others)
	if err == nil {
		wctx, wcancel := context.WithTimeout(ctx, stepTimeout)
		_, _, err = agent.WaitAssigned(wctx) // the clearing chat, not the phone's
		wcancel()
	}
	if !r.check("router picks "+acc.Login+" next (D-ROUTE-1)", err == nil, acc.Login+" least loaded", errText(err, fmt.Sprintf("yes (%d chats held on other agents)", len(others))),
		diag("R-RT-4", "a test chat could not be routed to "+acc.Login, "check work hours (R-VEN-4) and that the agent is 在线 under "+wb.TenantXianyu)) {
		return r.done(nil)
	}

	t, err := b.newTab(ctx)
	if !r.must("open a Chromium tab", err, nil) {
		return r.done(nil)
	}
	defer t.close()
	err = t.do(chromedp.Emulate(phone), chromedp.Navigate(entry))
	if err == nil {
		err = t.waitFor(present("bot-card-button")+` || `+visible("bot-error"), stepTimeout)
	}
	if !r.must("open the entry URL on a phone", err, nil) {
		return r.done(t.screenshot())
	}
	var botErr *string
	_ = t.eval(visible("bot-error")+` ? `+textOf("bot-error")+` : null`, &botErr)
	if !r.check("小蜜 opens", botErr == nil, "the bot page", derefOr(botErr, "the bot page"),
		diag("R-RT-3", "the entry URL does not open the bot page", "ask CCO for a fresh QR code; it is signed, scoped to the vendor and expires")) {
		return r.done(t.screenshot())
	}

	var wantCard, wantFAQ, wantPhrases []string
	for _, c := range bp.CardButtons {
		wantCard = append(wantCard, c.Label)
	}
	for _, f := range bp.FAQ {
		wantFAQ = append(wantFAQ, f.Title)
	}
	transfer := ""
	for _, q := range bp.QuickPhrases {
		wantPhrases = append(wantPhrases, q.Text)
		if q.Transfer && transfer == "" {
			transfer = q.Text
		}
	}
	for _, k := range []struct {
		name, id string
		want     []string
	}{
		{"机器人名片按钮", "bot-card-button", wantCard},
		{"常见问题", "faq-topic", wantFAQ},
		{"快捷短语", "quick-phrase", wantPhrases},
	} {
		got, _ := t.texts(k.id)
		if !r.check(k.name+" shown as configured (R-VEN-2)", slices.Equal(got, k.want), strings.Join(k.want, " | "), strings.Join(got, " | "),
			diag("R-VEN-2", "the bot page does not show the configured "+k.name, "check the 小蜜页面 configuration the vendor handed over (R-VEN-2)")) {
			return r.done(t.screenshot())
		}
	}
	var fits struct {
		Width  int `json:"width"`
		Scroll int `json:"scroll"`
	}
	_ = t.eval(`({width: window.innerWidth, scroll: document.documentElement.scrollWidth})`, &fits)
	if !r.check("fits the phone screen", fits.Width > 0 && fits.Width <= 414 && fits.Scroll <= fits.Width,
		"no sideways scrolling at ≤414 px", fmt.Sprintf("viewport %d px, content %d px", fits.Width, fits.Scroll),
		diag("R-RT-3", "the bot page does not fit a phone screen", "")) {
		return r.done(t.screenshot())
	}

	if len(bp.FAQ) > 0 && len(bp.FAQ[0].Questions) > 0 {
		q := bp.FAQ[0].Questions[0]
		err := t.do(chromedp.Tap(tid("faq-topic")))
		if err == nil {
			err = t.waitFor(visible("faq-question"), stepTimeout)
		}
		if err == nil {
			err = t.do(chromedp.Tap(tid("faq-question")))
		}
		if err == nil {
			err = t.waitFor(logHas("bot", q.Answer), stepTimeout)
		}
		if !r.check("常见问题 → "+q.Question+" → 小蜜回答 (R-RT-3)", err == nil, q.Answer, errText(err, "answered"),
			diag("R-RT-3", "the bot did not answer a configured FAQ question", "check the FAQ answers in the 小蜜页面 configuration")) {
			return r.done(t.screenshot())
		}
	}

	if !r.check("快捷短语 有 在线客服 (R-VEN-2)", transfer != "", "a quick phrase that requests a human", cmp.Or(transfer, "none"),
		diag("R-VEN-2", "no quick phrase requests a human, so testers cannot reach an agent from the bot page", "add the 在线客服 quick phrase (transfer: true)")) {
		return r.done(t.screenshot())
	}
	sel := `[data-testid="quick-phrase"][data-transfer="true"]`
	if !r.must("tap "+transfer, t.do(chromedp.Tap(chromedp.CSS(sel))), nil) {
		return r.done(t.screenshot())
	}
	actx, acancel := context.WithTimeout(ctx, stepTimeout)
	conv, _, err := agent.WaitAssigned(actx)
	acancel()
	if err != nil {
		var last *string
		_ = t.eval(`(Array.from(document.querySelectorAll('[data-testid="bot-msg"][data-sender="bot"] .text')).pop() || {}).textContent || null`, &last)
		r.check("转人工 → "+acc.Login+" (R-RT-4)", false, "the chat is assigned to "+acc.Login,
			fmt.Sprintf("%v; the bot said: %s", err, derefOr(last, "nothing")),
			diag("R-RT-4", "tapping "+transfer+" did not reach a human", "check work hours (R-VEN-4) and that an agent is 在线 under "+wb.TenantXianyu))
		return r.done(t.screenshot())
	}
	defer agent.CloseChat(conv.ID)
	r.check("转人工 → "+acc.Login+" (R-RT-4)", true, "the chat is assigned to "+acc.Login, "assigned "+conv.ID, nil)

	reply := "您好，我是人工客服，已收到您的咨询（浏览器检查）。"
	err = agent.Reply(conv.ID, reply)
	if err == nil {
		err = t.waitFor(logHas("agent", reply), stepTimeout)
	}
	if !r.check("人工回复显示在手机上 (R-RT-5)", err == nil, reply, errText(err, "shown"),
		diag("R-RT-5", "the agent's reply did not reach the bot page", "")) {
		return r.done(t.screenshot())
	}
	checkBubbles(t, r, bp.RobotName)
	return r.done(t.screenshot())
}

// checkBubbles checks the chat as the customer reads it: their own
// messages on the right, the agent's and the bot's on the left, and the
// bot's named by the vendor's robot_name (R-VEN-2).
func checkBubbles(t *tab, r *record, robot string) {
	var b struct {
		Log                  struct{ Left, Right float64 }
		Customer, Agent, Bot []struct{ Left, Right float64 }
		BotNames             []string
	}
	_ = t.eval(`(() => {
		const log = document.querySelector('[data-testid="bot-log"]').getBoundingClientRect();
		const side = (s) => Array.from(document.querySelectorAll('[data-testid="bot-msg"][data-sender="' + s + '"] .text'))
			.map(e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right}; });
		return {log: {left: log.left, right: log.right}, customer: side('customer'), agent: side('agent'), bot: side('bot'),
			botnames: Array.from(document.querySelectorAll('[data-testid="bot-msg"][data-sender="bot"] .who')).map(e => e.textContent)};
	})()`, &b)
	mid := (b.Log.Left + b.Log.Right) / 2
	onSide := func(rs []struct{ Left, Right float64 }, left bool) bool {
		for _, x := range rs {
			if left && (x.Left-b.Log.Left > 24 || x.Right > b.Log.Right-24) || !left && (b.Log.Right-x.Right > 24 || x.Left < mid-(b.Log.Right-b.Log.Left)*0.45) {
				return false
			}
		}
		return len(rs) > 0
	}
	r.check("人工回复在左侧，我的消息在右侧", onSide(b.Agent, true) && onSide(b.Customer, false) && onSide(b.Bot, true),
		"agent and bot on the left, the customer on the right", fmt.Sprintf("log %.0f..%.0f; customer %v; agent %v; bot %v", b.Log.Left, b.Log.Right, b.Customer, b.Agent, b.Bot),
		diag("R-RT-5", "the agent's replies are drawn on the customer's own side", ""))
	named := len(b.BotNames) > 0
	for _, n := range b.BotNames {
		named = named && n == robot
	}
	r.check("机器人消息署名 "+robot+" (R-VEN-2)", named, robot, strings.Join(b.BotNames, " | "),
		diag("R-VEN-2", "the bot's messages are not signed with the configured robot_name", "the bot page must sign the bot's messages with robot_name"))
}

// texts are the trimmed texts of the elements with a data-testid, in order.
func (t *tab) texts(id string) ([]string, error) {
	var out []string
	err := t.eval(`Array.from(document.querySelectorAll(`+jsTid(id)+`)).map(e => e.textContent.trim())`, &out)
	return out, err
}

// logHas is a JavaScript condition: bot-log has a message from sender
// containing text.
func logHas(sender, text string) string {
	return `Array.from(document.querySelectorAll('[data-testid="bot-log"] [data-sender=` + jsString(sender) + `] .text'))` +
		`.some(e => e.textContent.includes(` + jsString(text) + `))`
}

func derefOr(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}
