package routetest

import "fmt"

// stateTime puts the vendor-local time the test runs at into the report,
// and warns before step 1 when a workbench the harness does not start
// (--target) is outside the vendor's hours: steps 4 and 5 cannot be judged
// then (D-RUN-8).
func (r *runner) stateTime() {
	loc := zoneOf(r.opt.Vendor)
	now := r.opt.workbenchNow().In(loc)
	r.rep.VendorTime = now
	if p := r.opt.Plan; p != nil {
		r.rep.VendorTimeHow = p.Describe()
		return
	}
	r.rep.VendorTimeHow = VendorTime(now) + ", the harness's clock (a workbench at --target keeps its own)"
	h := r.cfg.WorkHours
	if !h.InWorkHours(now, loc) {
		note := fmt.Sprintf("%s is outside the vendor's work hours %s (R-VEN-4): against this workbench the transfer (step 4) cannot be judged now",
			VendorTime(now), h)
		if next, ok := h.NextInHours(now, loc); ok {
			note += "; the hours open " + VendorTime(next.In(loc))
		}
		r.rep.Notes = append(r.rep.Notes, note)
	}
}

// refusedOutsideHours judges a transfer the bot refused with the work
// hours (R-VEN-4). A time the tester chose (rehearsal.start_at, --at) is
// the verdict: it rehearses a tester who picked the wrong time. Otherwise,
// when the workbench's clock was outside the fixture's hours, the harness
// ran the test at a time nobody serves: not judged (exit 3), never the
// vendor's fault. A refusal inside the confirmed hours is the vendor's: the
// hours configured in X-Space differ from those confirmed.
func (r *runner) refusedOutsideHours(st *stepRec, c *chat, name, expected, text string) {
	loc := zoneOf(r.opt.Vendor)
	h := r.cfg.WorkHours
	at := c.requestedWB.In(loc)
	now := r.opt.workbenchNow().In(loc)
	switch {
	case r.opt.Plan != nil && r.opt.Plan.Rehearsed:
		st.failAs(name, expected, fmt.Sprintf("bot: %s (at %s, %s; work hours %s)", text, VendorTime(at), r.opt.Plan.Source, h), FailOutsideHours)
	case !h.InWorkHours(at, loc) || !h.InWorkHours(now, loc):
		why := fmt.Sprintf("not judged: the transfer reached the workbench at %s, outside the vendor's work hours %s, when nobody is to take it; this says nothing about the vendor", VendorTime(at), h)
		if next, ok := h.NextInHours(now, loc); ok {
			why += "; run within the hours (they open " + VendorTime(next.In(loc)) + "), or against the bundled workbench, whose clock starts in them"
		}
		st.harness("%s", why)
	default:
		st.fail(name, expected, "bot: "+text, "R-VEN-4", fmt.Sprintf(
			"the workbench refused at %s, inside the confirmed work hours %s: the work hours configured in X-Space differ from those confirmed; correct them with CCO",
			VendorTime(at), h))
	}
}
