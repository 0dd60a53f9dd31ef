// Package browser runs the checks that need a real Chromium (DESIGN.md
// principle 6): desktop notifications and their banner (R-WB-3, R-NTF-1),
// the tenant 404 (R-TEN-1) and the customer's bot page on a phone
// (R-RT-3..5). It drives Chromium with chromedp over the workbench's web UI
// and reaches the workbench only over the wire; simulated customers and
// agents (sim/actors) play the other side. Each check returns a
// reports.BrowserCheck with a screenshot of its final state.
//
// One Browser serves many checks: each check gets its own browser context
// (cookies, permissions), so checks do not see each other's sessions.
package browser
