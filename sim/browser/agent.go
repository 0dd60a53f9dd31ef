package browser

import (
	"context"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// The steps the checks share, each recorded as a check with its
// diagnosis. A false result means the check already failed: the caller
// returns with a screenshot.

// loginAs opens a tab, lets prepare set it up before any page loads
// (permissions, scripts; may be nil), and logs acc in through the login
// page (R-WB-1). The tab is returned even on failure, for the screenshot;
// the caller closes it.
func loginAs(ctx context.Context, r *record, b *Browser, env *Env, acc wb.AccountConfig, prepare func(*tab) error) (*tab, bool) {
	t, err := b.newTab(ctx)
	if !r.must("open a Chromium tab", err, nil) {
		return nil, false
	}
	if prepare != nil && !r.must("prepare the tab", prepare(t), nil) {
		return t, false
	}
	err = t.login(env.Base, acc.Login, acc.Password)
	ok := r.check("登录 X-Space as "+acc.Login+" (R-WB-1)", err == nil, "the workbench opens", errText(err, "opened"),
		diag("R-WB-1", "the agent could not log in through the login page", "check the agent account "+acc.Login+" and its password (R-VEN-3)"))
	return t, ok
}

// goOnline clicks 马上上班 on the open page and records that the agent is
// 在线 (R-WB-1).
func goOnline(r *record, t *tab) bool {
	status, err := t.startWork()
	return r.check("马上上班 → 在线 (R-WB-1)", err == nil && status == string(wb.StatusOnline), "status 在线", errText(err, status),
		diag("R-WB-1", "the agent could not go online", "if the page shows 404 page not found, switch the tenant to "+wb.TenantXianyu+" (R-TEN-1)"))
}

// goOffline sets the agent 离线 over the page's session (R-WB-2), so the
// next check's routing does not see them. Best effort: it is cleanup.
func goOffline(t *tab) {
	_ = t.fetchJSON("POST", "/api/status", map[string]string{"status": string(wb.StatusOffline)}, nil)
}

// takeChat has a simulated customer transfer (R-RT-4) until the chat lands
// on login, and waits for it in the page's 会话 list. The caller calls
// release, which closes cust and the chats that went to other agents (see
// customerFor).
func takeChat(ctx context.Context, r *record, t *tab, env *Env, login string) (cust *actors.Customer, release func(), ok bool) {
	cust, others, err := env.customerFor(ctx, login)
	release = func() {
		if cust != nil {
			closeAll([]*actors.Customer{cust})
		}
		closeAll(others)
	}
	if !r.check("转人工 reaches "+login+" (R-RT-4)", err == nil, "the chat is assigned to "+login, errText(err, "assigned"),
		diag("R-RT-4", "the simulated customer's transfer did not reach the agent", "")) {
		return nil, release, false
	}
	inList := `!!document.querySelector('[data-testid="conv-item"][data-conv=` + jsString(cust.Conv) + `]')`
	err = t.waitFor(inList, stepTimeout)
	ok = r.check("chat in 会话 list", err == nil, "conv-item "+cust.Conv, errText(err, "listed"),
		diag("R-RT-5", "the assigned chat does not show in the workbench", ""))
	return cust, release, ok
}

// chatOnWorkbench opens 在线工作台, goes 在线 and takes a chat (takeChat);
// release undoes it all, also when ok is false: the customers leave and the
// agent goes back to 离线, as found.
func chatOnWorkbench(ctx context.Context, r *record, t *tab, env *Env, login string) (cust *actors.Customer, release func(), ok bool) {
	release = func() {}
	if !r.must("open 在线工作台", t.open(env.Base, "/workbench"), nil) {
		return nil, release, false
	}
	release = func() { goOffline(t) }
	if !goOnline(r, t) {
		return nil, release, false
	}
	cust, leave, ok := takeChat(ctx, r, t, env, login)
	release = func() { leave(); goOffline(t) }
	return cust, release, ok
}
