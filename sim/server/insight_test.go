package server_test

import (
	"net/http"
	"testing"

	"routecheck/sim/actors"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// 服务洞察 figures come from running aggregates updated by every event, not
// from the bounded event history: ordinary traffic that pushes a rated
// chat out of the history (GET /api/events?after=0 is 410) leaves its
// request, pickup and rating in the figures (R-KPI-2, R-KPI-1).
func TestInsightSurvivesEventHistory(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) {
		o.Limits.Events = 30
		o.Limits.FramesPerSecond, o.Limits.FrameBurst = 1e6, 1e6
	})
	w.closed = true // the log is gone on purpose: no invariant check at the end
	t.Cleanup(func() { w.srv.Close() })
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	w.must(nil, a.Reply(conv.ID, "您好"))
	w.must(nil, a.CloseChat(conv.ID))
	if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
		t.Fatal(err)
	}
	w.must(nil, c.Rate("满意"))
	if _, _, err := c.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return f.Type == "rated" }); err != nil {
		t.Fatal(err)
	}
	insight := func() wb.KPIs {
		t.Helper()
		var in wb.Insight
		if err := w.ops.API(w.ctx, http.MethodGet, "/api/insight?department=部门-A", nil, &in); err != nil {
			t.Fatal(err)
		}
		return in.Assessed
	}
	before := insight()
	if before.ServiceRequests != 1 || before.PickedUp != 1 || before.Ratings != 1 || before.Satisfied != 1 {
		t.Fatalf("the rated chat: %+v", before)
	}
	for range 15 { // ordinary traffic, inside every per-chat limit
		cu := w.customer("A")
		for range 3 {
			w.must(nil, cu.Say("多久到账?"))
		}
		if _, _, err := cu.WaitMessage(w.ctx, 0, "bot", func(s string) bool { return s == "24小时内" }); err != nil {
			t.Fatal(err)
		}
	}
	_, err := w.ops.Events(w.ctx, 0)
	wantAPIError(t, err, http.StatusGone, "gone", "")
	if after := insight(); after != before {
		t.Fatalf("R-KPI-2: the figures changed when their events left the history: %+v, were %+v", after, before)
	}
}
