package workbench_test

import (
	"math"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// R-KPI-1: a scripted day whose figures are known by hand: 10 requests, 8
// picked up, 1 left the queue, 1 refused outside hours; first replies after
// 10 s, 20 s ... ; ratings 3 satisfied of 4.
func TestKPIFormulas(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1", "v1-a2")
	var served []string
	for i := range 8 {
		id := h.transfer()
		served = append(served, id)
		h.clock.Advance(time.Duration(i+1) * 10 * time.Second)
		c := h.conv(id)
		if i < 6 { // two chats never get a reply
			h.must(h.wb.AgentSend(c.Agent, id, "您好"))
		}
		h.must(h.wb.AgentClose(c.Agent, id))
	}
	for range 6 {
		h.transfer() // fill both agents: 3 + 3
	}
	left := h.transfer()
	h.must(h.wb.CustomerLeave(left))
	for _, r := range []wb.Rating{wb.RatingVerySatisfied, wb.RatingSatisfied, wb.RatingNeutral, wb.RatingSatisfied} {
		h.must(h.wb.Rate(served[0], r))
		served = served[1:]
	}
	h.clock.RunUntil(time.Date(2026, 11, 23, 19, 0, 0, 0, shanghai))
	h.transfer() // outside hours: counted, not picked up

	k := wb.ComputeKPIs(h.wb.Events(0), wb.KPIFilter{Department: "d1", Traffic: wb.TrafficAll})
	want := wb.KPIs{ServiceRequests: 16, PickedUp: 14, Abandoned: 2, Responded: 6, Ratings: 4, Satisfied: 3, Ended: 8}
	if k.ServiceRequests != want.ServiceRequests || k.PickedUp != want.PickedUp || k.Abandoned != want.Abandoned ||
		k.Responded != want.Responded || k.Ratings != want.Ratings || k.Satisfied != want.Satisfied || k.Ended != want.Ended {
		t.Fatalf("counts %+v\nwant   %+v", k, want)
	}
	near(t, "pickup rate", k.PickupRate, 14.0/16)
	near(t, "abandonment rate", k.AbandonmentRate, 2.0/16)
	near(t, "pickup + abandonment", k.PickupRate+k.AbandonmentRate, 1)
	near(t, "first response", k.FirstResponseS, (10+20+30+40+50+60)/6.0)
	near(t, "satisfaction", k.Satisfaction, 0.75)
	v := wb.Assessed().Assess(k)
	if v[0].Pass || v[1].Pass || !v[2].Pass {
		t.Fatalf("verdicts %+v: pickup 87.5%% fails, 35 s fails, 75%% passes", v)
	}
}

// R-KPI-1: the window is the time of the request.
func TestKPIWindow(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	h.transfer()
	h.clock.Advance(time.Hour)
	h.transfer()
	all := h.wb.Events(0)
	f := wb.KPIFilter{Traffic: wb.TrafficAll, From: monday10.Add(time.Minute)}
	if k := wb.ComputeKPIs(all, f); k.ServiceRequests != 1 {
		t.Fatalf("window from +1m: %d requests, want 1", k.ServiceRequests)
	}
	f = wb.KPIFilter{Traffic: wb.TrafficAll, To: monday10.Add(time.Minute)}
	if k := wb.ComputeKPIs(all, f); k.ServiceRequests != 1 {
		t.Fatalf("window to +1m: %d requests, want 1", k.ServiceRequests)
	}
	if k := wb.ComputeKPIs(all, wb.KPIFilter{Department: "other", Traffic: wb.TrafficAll}); k.ServiceRequests != 0 {
		t.Fatal("department filter")
	}
}

// R-KPI-2: Service Insight is for the department's admins and operations;
// route-test traffic shows under Test, never under Assessed.
func TestServiceInsight(t *testing.T) {
	h := newHarness(t)
	if _, err := h.wb.AddVendor(testVendor("v2", "d2")); err != nil {
		t.Fatal(err)
	}
	h.online("v1-a1")
	h.transfer() // live
	cust, _ := h.wb.CreateTestCustomer("v1-ops", "测试")
	c, _ := h.wb.Enter("v1", cust.ID, "")
	h.must(h.wb.CustomerSend(c.ID, wb.TransferText))

	in, err := h.wb.ServiceInsight("v1-admin", "d1", time.Time{}, time.Time{})
	h.must(err)
	if in.Assessed.ServiceRequests != 1 || in.Test.ServiceRequests != 1 {
		t.Fatalf("assessed %d test %d, want 1 and 1", in.Assessed.ServiceRequests, in.Test.ServiceRequests)
	}
	if _, err := h.wb.ServiceInsight("v2-ops", "d2", time.Time{}, time.Time{}); err != nil {
		t.Fatalf("operations: %v", err)
	}
	for _, who := range []string{"v1-a1", "v2-admin", "v2-ops"} { // D-ACL-2: operations of another vendor too
		_, err := h.wb.ServiceInsight(who, "d1", time.Time{}, time.Time{})
		wantErr(t, err, wb.ErrForbidden, "R-KPI-2")
	}
	_, err = h.wb.ServiceInsight("nobody", "d1", time.Time{}, time.Time{})
	wantErr(t, err, wb.ErrForbidden, "")
	// Conversations: another department's agent or admin cannot read them.
	_, err = h.wb.ConversationFor("v2-admin", c.ID)
	wantErr(t, err, wb.ErrForbidden, "R-KPI-2")
	_, err = h.wb.ConversationFor("v1-a2", c.ID)
	wantErr(t, err, wb.ErrForbidden, "")
	if _, err := h.wb.ConversationFor("v1-admin", c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = h.wb.ConversationFor("v1-a3", c.ID) // wrong tenant
	wantErr(t, err, wb.ErrWrongTenant, "R-TEN-1")
}

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}
