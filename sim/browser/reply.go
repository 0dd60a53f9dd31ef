package browser

import (
	"context"
	"strings"

	"github.com/chromedp/chromedp"

	"routecheck/reports"
	wb "routecheck/sim/workbench"
)

// quickReplyText is the 常用语 the reply check imports and sends.
const quickReplyText = "您好，这里是浏览器检查，请提供您的回收订单号。"

// CheckAgentReply checks the workbench's chat pane end to end: the agent
// imports a 常用语 in 个人设置 (R-QR-1), goes online, opens the chat a
// simulated customer transferred, clicks the 常用语 into the input and
// sends it; the customer receives exactly that text (R-RT-5). The 常用语 is
// removed afterwards.
func CheckAgentReply(ctx context.Context, b *Browser, env *Env) reports.BrowserCheck {
	r := env.newRecord("在线工作台：常用语回复客户", "R-QR-1")
	ctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()

	acc, err := env.notifyAgent()
	if err != nil {
		return r.skip("vendor has no agent under " + wb.TenantXianyu + ": " + err.Error())
	}
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return r.done(t.screenshot())
	}
	defer removeQuickReply(t, quickReplyText)
	err = t.open(env.Base, "/settings")
	if err == nil {
		err = t.do(chromedp.SendKeys(tid("qr-import-text"), quickReplyText), chromedp.Click(tid("qr-import")))
	}
	if err == nil {
		err = t.waitFor(itemWithText("qr-item", quickReplyText), stepTimeout)
	}
	if !r.check("个人设置 → 常用语 批量导入 (R-QR-1)", err == nil, quickReplyText+" in the list", errText(err, "listed"),
		diag("R-QR-1", "the 常用语 import did not add the reply", "")) {
		return r.done(t.screenshot())
	}

	cust, release, ok := chatOnWorkbench(ctx, r, t, env, acc.Login)
	defer release()
	if !ok {
		return r.done(t.screenshot())
	}
	mark := cust.Mark()

	item := chromedp.CSS(`[data-testid="conv-item"][data-conv=` + jsString(cust.Conv) + `]`)
	err = t.do(chromedp.Click(item))
	if err == nil {
		// XPath by text: the agent may have other 常用语 before ours.
		ours := `//li[@data-testid="quick-reply"][normalize-space(.)="` + quickReplyText + `"]`
		err = t.do(chromedp.Click(chromedp.Search(ours)), chromedp.WaitEnabled(tid("chat-send")))
	}
	var input string
	if err == nil {
		err = t.eval(`document.querySelector(`+jsTid("chat-input")+`).value`, &input)
	}
	if !r.check("常用语 → 输入框", err == nil && input == quickReplyText, quickReplyText, errText(err, input),
		diag("R-QR-1", "clicking the 常用语 did not put it into the reply box", "")) {
		return r.done(t.screenshot())
	}
	if !r.must("click 发送", t.do(chromedp.Click(tid("chat-send"))), nil) {
		return r.done(t.screenshot())
	}
	wctx, wcancel := context.WithTimeout(ctx, stepTimeout)
	f, _, err := cust.WaitMessage(wctx, mark, "agent", nil)
	wcancel()
	seen := errText(err, f.Text)
	if !r.check("customer receives the reply (R-RT-5)", err == nil && f.Text == quickReplyText, quickReplyText, seen,
		diag("R-RT-5", "the reply sent from the workbench did not reach the customer as written", "")) {
		return r.done(t.screenshot())
	}
	logged := `Array.from(document.querySelectorAll('[data-testid="chat-msg"][data-sender="agent"]:not([data-pending])'))` +
		`.some(e => e.textContent.includes(` + jsString(quickReplyText) + `))`
	err = t.waitFor(logged, stepTimeout)
	r.check("reply confirmed in the chat log", err == nil, "the reply, echoed by the workbench", errText(err, "shown"),
		diag("R-RT-5", "the workbench did not confirm the sent reply", ""))
	return r.done(t.screenshot())
}

// itemWithText is a JavaScript condition: an element with data-testid id
// contains text.
func itemWithText(id, text string) string {
	return `Array.from(document.querySelectorAll(` + jsTid(id) + `)).some(e => e.textContent.includes(` + jsString(text) + `))`
}

// removeQuickReply deletes the check's 常用语 so a rerun starts clean.
func removeQuickReply(t *tab, text string) {
	var qs []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	if t.fetchJSON("GET", "/api/quick-replies", nil, &qs) != nil {
		return
	}
	for _, q := range qs {
		if strings.TrimSpace(q.Text) == text {
			_ = t.fetchJSON("DELETE", "/api/quick-replies/"+pathEscape(q.ID), nil, nil)
		}
	}
}
