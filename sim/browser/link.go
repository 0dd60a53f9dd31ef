package browser

import (
	"context"

	"github.com/chromedp/chromedp"

	"routecheck/reports"
	wb "routecheck/sim/workbench"
)

// Texts the workbench page shows for the customer's link (customer_link,
// docs/protocol.md; D-WS-2).
const (
	linkDownText = "用户网络中断"
	linkUpText   = "用户已重新连接"
)

// CheckCustomerLink checks that the workbench page tells the agent when a
// customer's network drops during a chat and when it comes back: the agent
// logs in through the page and takes a chat from a simulated customer,
// whose socket is then cut as a network failure would; the chat shows
// 用户网络中断 (on the chat in the 会话 list, in its header and as a system
// line in the transcript) while the chat stays open. The customer
// reconnects and resumes the chat; the marker clears and the transcript
// says 用户已重新连接. A reload while the link is down still shows it (the
// hello says so). The bundled workbench keeps the chat for the customer's
// grace (30 s), so this runs well inside it.
func CheckCustomerLink(ctx context.Context, b *Browser, env *Env) reports.BrowserCheck {
	r := env.newRecord("在线工作台：用户网络中断与重新连接", "D-WS-2")
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
	cust, release, ok := chatOnWorkbench(ctx, r, t, env, acc.Login)
	defer release()
	if !ok {
		return r.done(t.screenshot())
	}
	item := `document.querySelector('[data-testid="conv-item"][data-conv=` + jsString(cust.Conv) + `]')`
	sel := chromedp.CSS(`[data-testid="conv-item"][data-conv=` + jsString(cust.Conv) + `]`)
	if !r.must("select the chat", t.do(chromedp.Click(sel)), nil) {
		return r.done(t.screenshot())
	}
	marked := `(() => { const i = ` + item + `; return !!i && !!i.querySelector('[data-testid="conv-link-down"]'); })()`
	shown := t.is(marked) || t.is(visible("chat-link"))
	if !r.check("no 用户网络中断 while the customer is connected", !shown,
		"no marker", map[bool]string{true: "marker shown", false: "no marker"}[shown], diag("D-WS-2", "the workbench says the customer's network dropped while it is up", "")) {
		return r.done(t.screenshot())
	}

	cust.Drop()
	err = t.waitFor(marked+` && `+visible("chat-link")+` && `+itemWithText("chat-link-note", linkDownText), stepTimeout)
	if !r.check("customer's network drops → 用户网络中断", err == nil,
		linkDownText+" on the chat, in its header and in the transcript", errText(err, "shown"),
		diag("D-WS-2", "the workbench does not tell the agent that the customer's network dropped (customer_link down)",
			"handle customer_link frames in the workbench page (docs/protocol.md)")) {
		return r.done(t.screenshot())
	}
	open := `(() => { const i = ` + item + `; return !!i && i.dataset.state !== 'ended'; })()`
	stays := t.is(open)
	if !r.check("the chat stays open in the grace", stays, "chat open", map[bool]string{true: "chat open", false: "chat ended"}[stays],
		diag("D-WS-2", "the chat ended at once when the customer's network dropped", "keep the chat for the customer's grace (D-WS-2)")) {
		return r.done(t.screenshot())
	}

	// A reload meanwhile: the page learns the link is down from its hello.
	err = t.open(env.Base, "/workbench")
	if err == nil {
		err = t.waitFor(marked+` && `+visible("chat-link"), stepTimeout)
	}
	if !r.check("after a reload the chat still shows 用户网络中断", err == nil, linkDownText+" on the chat and in its header",
		errText(err, "shown"), diag("D-WS-2", "a reloaded workbench forgets that the customer's network is down",
			"show customer_link \"down\" from the chats of the hello frame (docs/protocol.md)")) {
		return r.done(t.screenshot())
	}

	rctx, rcancel := context.WithTimeout(ctx, stepTimeout)
	err = cust.Reconnect(rctx)
	rcancel()
	if !r.must("the customer reconnects and resumes the chat", err, nil) {
		return r.done(t.screenshot())
	}
	err = t.waitFor(`!`+marked+` && !`+visible("chat-link")+` && `+itemWithText("chat-link-note", linkUpText), stepTimeout)
	r.check("customer back → marker cleared", err == nil, "no "+linkDownText+"; "+linkUpText+" in the transcript", errText(err, "cleared"),
		diag("D-WS-2", "the workbench still shows 用户网络中断 after the customer reconnected (customer_link up)",
			"clear the marker on customer_link up"))
	return r.done(t.screenshot())
}

// is evaluates a JavaScript condition once; an error counts as false.
func (t *tab) is(cond string) bool {
	var ok bool
	return t.eval(`!!(`+cond+`)`, &ok) == nil && ok
}
