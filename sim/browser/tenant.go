package browser

import (
	"context"
	"fmt"
	"slices"

	"routecheck/reports"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// CheckTenant shows R-TEN-1 in the browser: an agent under a tenant other
// than 闲鱼BU (switched there through the avatar menu if needed) has no
// 在线工作台 in the left menu, and 马上上班 shows "404 page not found"; after
// switching to 闲鱼BU and refreshing, 马上上班 puts the agent 在线 and the
// router sees it. The agent's tenant is put back afterwards.
func CheckTenant(ctx context.Context, b *Browser, env *Env) reports.BrowserCheck {
	r := env.newRecord("租户不是闲鱼BU时无法上班", "R-TEN-1")
	ctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()

	acc, err := env.tenantAgent()
	if err != nil {
		return r.skip("no agent account has a tenant other than " + wb.TenantXianyu)
	}
	other := otherTenant(acc)
	t, ok := loginAs(ctx, r, b, env, acc, nil)
	defer t.close()
	if !ok {
		return r.done(t.screenshot())
	}
	orig, err := t.me()
	if !r.must("GET /api/me", err, nil) {
		return r.done(t.screenshot())
	}
	defer func() { // put the tenant back, offline (leaving 闲鱼BU takes the agent 离线)
		goOffline(t)
		if orig.Tenant != "" {
			_ = t.fetchJSON("POST", "/api/tenant", map[string]string{"tenant": orig.Tenant}, nil)
		}
	}()

	if orig.Tenant == wb.TenantXianyu {
		err := t.switchTenant(other)
		if !r.check("头像 → 租户 → "+other, err == nil, "tenant "+other+" after refresh", errText(err, "switched"), nil) {
			return r.done(t.screenshot())
		}
	}
	var hasMenu bool
	_ = t.eval(present("menu-workbench"), &hasMenu)
	if !r.check("左侧菜单没有 在线工作台 under "+other, !hasMenu, "no menu-workbench", presentText(hasMenu),
		diag("R-TEN-1", "under tenant "+other+" the left menu still offers 在线工作台", "")) {
		return r.done(t.screenshot())
	}
	_, startErr := t.startWork()
	var page struct {
		P404      bool    `json:"p404"`
		Text      *string `json:"text"`
		Workbench bool    `json:"workbench"`
	}
	_ = t.eval(`({p404: `+visible("page-404")+`, text: `+textOf("page-404-text")+`, workbench: `+visible("conv-list")+`})`, &page)
	seen := "no 404 panel (" + errText(startErr, "went online") + ")"
	if page.P404 && page.Text != nil {
		seen = *page.Text
	}
	if !r.check("马上上班 under "+other+" → 404 page not found", page.P404 && seen == string(wb.ErrWrongTenant),
		string(wb.ErrWrongTenant), seen,
		diag("R-TEN-1", "under tenant "+other+" 马上上班 did not answer 404 page not found", "")) {
		return r.done(t.screenshot())
	}
	if !r.check("no workbench under "+other, !page.Workbench, "no conversation list", presentText(page.Workbench),
		diag("R-TEN-1", "the 404 page still shows the workbench", "")) {
		return r.done(t.screenshot())
	}

	fix := fmt.Sprintf("operations: give %s the tenant %s; the agent then picks it under 头像 → 租户 and refreshes (R-TEN-1)", acc.Login, wb.TenantXianyu)
	if !r.check("account has tenant "+wb.TenantXianyu, slices.Contains(orig.Tenants, wb.TenantXianyu),
		wb.TenantXianyu+" among the tenants", fmt.Sprint(orig.Tenants),
		diag("R-TEN-1", acc.Login+" cannot switch to "+wb.TenantXianyu+", so it can never go online", fix)) {
		return r.done(t.screenshot())
	}
	err = t.switchTenant(wb.TenantXianyu)
	if !r.check("头像 → 租户 → "+wb.TenantXianyu+", 刷新", err == nil, "tenant "+wb.TenantXianyu+" after refresh", errText(err, "switched"),
		diag("R-TEN-1", "switching back to "+wb.TenantXianyu+" failed", fix)) {
		return r.done(t.screenshot())
	}
	_ = t.eval(visible("menu-workbench"), &hasMenu)
	if !r.check("左侧菜单有 在线工作台", hasMenu, "menu-workbench shown", presentText(hasMenu),
		diag("R-TEN-1", "under "+wb.TenantXianyu+" the left menu has no 在线工作台", "")) {
		return r.done(t.screenshot())
	}
	status, err := t.startWork()
	if !r.check("马上上班 under "+wb.TenantXianyu+" → 在线", err == nil && status == string(wb.StatusOnline), "status 在线", errText(err, status),
		diag("R-TEN-1", "after switching to "+wb.TenantXianyu+" and refreshing, the agent still cannot go online", fix)) {
		return r.done(t.screenshot())
	}
	view, err := env.routerView(ctx, t)
	var seenAcc *actors.Account
	for i := range view {
		if view[i].Login == acc.Login {
			seenAcc = &view[i]
		}
	}
	routerSeen := errText(err, "not listed")
	if seenAcc != nil {
		routerSeen = fmt.Sprintf("%s, tenant %s", seenAcc.Status, seenAcc.Tenant)
	}
	r.check("router sees "+acc.Login+" 在线 under "+wb.TenantXianyu+" (GET /api/departments/…/agents)",
		seenAcc != nil && seenAcc.Status == string(wb.StatusOnline) && seenAcc.Tenant == wb.TenantXianyu,
		"在线, tenant "+wb.TenantXianyu, routerSeen,
		diag("R-WB-2", "the page says 在线 but the router does not count the agent", ""))
	return r.done(t.screenshot())
}

// routerView is the department's agents as the router sees them: asked by
// operations over HTTP, or by the agent's own session when the vendor has
// no operations account.
func (e *Env) routerView(ctx context.Context, t *tab) ([]actors.Account, error) {
	if o, err := e.ops(ctx); err == nil {
		return o.RouterView(ctx, e.Vendor.Department)
	}
	var out []actors.Account
	err := t.fetchJSON("GET", "/api/departments/"+pathEscape(e.Vendor.Department)+"/agents", nil, &out)
	return out, err
}

func presentText(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}
