package browser

import (
	"context"

	"routecheck/fixtures"
	"routecheck/reports"
)

// RunAll runs every browser check against the workbench at base for vendor
// v, in one Chromium it starts and closes: the three notification cases
// (R-NTF-1, R-WB-3), the tenant check (R-TEN-1), the bot page on a phone
// (R-RT-3..5) and a 常用语 reply from the workbench (R-QR-1, R-RT-5). The error is about the harness, not the workbench: it
// wraps ErrNoBrowser when no Chromium is found; a check that fails is a
// BrowserCheck with Status failed.
func RunAll(ctx context.Context, base string, v *fixtures.Vendor) ([]reports.BrowserCheck, error) {
	return RunAllWith(ctx, NewEnv(base, v.Config))
}

// RunAllWith is RunAll for an Env the caller set up (e.g. with OnCheck).
func RunAllWith(ctx context.Context, env *Env) ([]reports.BrowserCheck, error) {
	b, err := Launch(ctx)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return Run(ctx, b, env), nil
}

// Run runs every browser check in b against env, one after another: they
// share the vendor's agents, so they must not overlap.
func Run(ctx context.Context, b *Browser, env *Env) []reports.BrowserCheck {
	out := CheckNotifications(ctx, b, env)
	out = append(out, CheckTenant(ctx, b, env))
	out = append(out, CheckBotPage(ctx, b, env))
	return append(out, CheckAgentReply(ctx, b, env))
}
