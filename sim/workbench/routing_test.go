package workbench_test

import (
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// R-RT-2, R-WB-1: an agent who clicked 马上上班 takes the transfer.
func TestOnlineAgentTakesTransfer(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	id := h.transfer()
	c := h.conv(id)
	if c.State != wb.StateAssigned || c.Agent != "v1-a1" {
		t.Fatalf("state %s agent %q, want assigned to v1-a1", c.State, c.Agent)
	}
	if !c.PickedAt.Equal(monday10) {
		t.Fatalf("pickup at %v", c.PickedAt)
	}
}

// R-TEN-1: under a tenant other than 闲鱼BU, 马上上班 fails and says why.
func TestWrongTenantCannotGoOnline(t *testing.T) {
	h := newHarness(t)
	err := h.wb.SetStatus("v1-a3", wb.StatusOnline)
	wantErr(t, err, wb.ErrWrongTenant, "R-TEN-1")
	if !strings.Contains(err.Error(), "404 page not found") || !strings.Contains(err.Error(), "闲鱼BU") {
		t.Fatalf("error %q should show the 404 and name 闲鱼BU", err)
	}
	if _, err := h.wb.AgentConversations("v1-a3"); err != nil {
		t.Fatal(err)
	}
	h.must(h.wb.SwitchTenant("v1-a3", wb.TenantXianyu))
	h.online("v1-a3")
	id := h.transfer()
	if got := h.conv(id).Agent; got != "v1-a3" {
		t.Fatalf("agent %q, want v1-a3 after the tenant switch", got)
	}
	wantErr(t, h.wb.SwitchTenant("v1-a3", "天猫BU"), wb.ErrForbidden, "R-TEN-1")
}

// R-TEN-1: leaving 闲鱼BU while online takes the agent offline and re-queues.
func TestSwitchingAwayFromXianyuGoesOffline(t *testing.T) {
	h := newHarness(t)
	h.must(h.wb.SwitchTenant("v1-a3", wb.TenantXianyu))
	h.online("v1-a3")
	id := h.transfer()
	h.must(h.wb.SwitchTenant("v1-a3", "淘宝BU"))
	a, _ := h.wb.Account("v1-a3")
	if a.Status != wb.StatusOffline || h.conv(id).State != wb.StateQueued {
		t.Fatalf("status %s, chat %s; want 离线 and queued", a.Status, h.conv(id).State)
	}
}

// R-CAP-1: default 1V3; the fourth chat queues until one ends, then takes
// the freed place at once.
func TestCapacityDefaultThreeAndFreedCapacityTakesHead(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	ids := []string{h.transfer(), h.transfer(), h.transfer(), h.transfer(), h.transfer()}
	for _, id := range ids[:3] {
		if h.conv(id).Agent != "v1-a1" {
			t.Fatalf("%s not assigned", id)
		}
	}
	if h.conv(ids[3]).State != wb.StateQueued || h.wb.QueueLength("d1") != 2 {
		t.Fatalf("4th chat %s, queue %d; want queued, 2", h.conv(ids[3]).State, h.wb.QueueLength("d1"))
	}
	h.clock.Advance(10 * time.Second)
	h.must(h.wb.AgentClose("v1-a1", ids[1]))
	if c := h.conv(ids[3]); c.State != wb.StateAssigned || !c.PickedAt.Equal(monday10.Add(10*time.Second)) {
		t.Fatalf("head of queue: %s picked %v; want assigned when capacity freed", c.State, c.PickedAt)
	}
	if h.conv(ids[4]).State != wb.StateQueued {
		t.Fatal("5th chat should still wait: FIFO")
	}
}

// R-CAP-1: only operations may change capacity; above 6 warns; 0 and 21 fail.
func TestCapacityOnlyOperations(t *testing.T) {
	h := newHarness(t)
	_, err := h.wb.SetCapacity("v1-admin", "v1-a1", 4)
	wantErr(t, err, wb.ErrForbidden, "R-CAP-1")
	_, err = h.wb.SetCapacity("v1-a1", "v1-a1", 4)
	wantErr(t, err, wb.ErrForbidden, "R-CAP-1")
	warn, err := h.wb.SetCapacity("v1-ops", "v1-a1", 6)
	if err != nil || warn != "" {
		t.Fatalf("1V6: %q %v", warn, err)
	}
	warn, err = h.wb.SetCapacity("v1-ops", "v1-a1", 8)
	if err != nil || !strings.Contains(warn, "R-CAP-1") {
		t.Fatalf("1V8 should be accepted with an R-CAP-1 warning: %q %v", warn, err)
	}
	for _, n := range []int{0, 21} {
		_, err = h.wb.SetCapacity("v1-ops", "v1-a1", n)
		wantErr(t, err, wb.ErrInvalid, "R-CAP-1")
	}
	h.online("v1-a1")
	for range 8 {
		h.transfer()
	}
	if a, _ := h.wb.Account("v1-a1"); a.Load != 8 {
		t.Fatalf("load %d, want 8 at 1V8", a.Load)
	}
	if h.wb.QueueLength("d1") != 0 {
		t.Fatal("nothing should queue below capacity")
	}
}

// R-CAP-1: raising capacity takes the head of the queue at once.
func TestRaisingCapacityDrainsQueue(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	for range 4 {
		h.transfer()
	}
	if h.wb.QueueLength("d1") != 1 {
		t.Fatal("want one waiting")
	}
	if _, err := h.wb.SetCapacity("v1-ops", "v1-a1", 4); err != nil {
		t.Fatal(err)
	}
	if h.wb.QueueLength("d1") != 0 {
		t.Fatal("raised capacity should take the head at once")
	}
}

// D-ROUTE-1: least-loaded online agent first, ties to the longest idle.
func TestRouterLeastLoadedThenLongestIdle(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a2")
	h.clock.Advance(time.Second)
	h.online("v1-a1") // a2 has been idle longer
	first := h.transfer()
	if got := h.conv(first).Agent; got != "v1-a2" {
		t.Fatalf("first chat to %s, want the longest idle v1-a2", got)
	}
	h.clock.Advance(time.Second)
	second := h.transfer()
	if got := h.conv(second).Agent; got != "v1-a1" {
		t.Fatalf("second chat to %s, want the least loaded v1-a1", got)
	}
	h.clock.Advance(time.Second)
	third := h.transfer() // both at 1; a2 took its chat first, so it is idle longer
	if got := h.conv(third).Agent; got != "v1-a2" {
		t.Fatalf("third chat to %s, want v1-a2", got)
	}
}

// R-WB-2: 小休 keeps current chats and takes no new ones.
func TestBreakKeepsChatsTakesNone(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	kept := h.transfer()
	h.must(h.wb.SetStatus("v1-a1", wb.StatusBreak))
	h.online("v1-a2")
	next := h.transfer()
	if h.conv(kept).Agent != "v1-a1" {
		t.Fatal("小休 must keep the current chat")
	}
	if h.conv(next).Agent != "v1-a2" {
		t.Fatalf("new chat went to %q, want v1-a2 (v1-a1 is on 小休)", h.conv(next).Agent)
	}
	h.must(h.wb.AgentSend("v1-a1", kept, "稍等，我在查"))
}

// R-WB-2: with the only agent on 小休 a transfer is refused as nobody online.
func TestOnlyAgentOnBreakMeansNobodyOnline(t *testing.T) {
	h := newHarness(t)
	h.must(h.wb.SetStatus("v1-a1", wb.StatusBreak))
	id := h.transfer()
	if h.conv(id).State != wb.StateBot {
		t.Fatal("chat should stay with the bot")
	}
	un := h.events(wb.EvUnserved)
	if len(un) != 1 || un[0].Reason != wb.ReasonNobodyOnline {
		t.Fatalf("unserved events %+v", un)
	}
	if msg := h.lastMessage(id).Text; !strings.Contains(msg, "400-111-2222") {
		t.Fatalf("bot reply %q should offer the hotline (R-VEN-1)", msg)
	}
}

// R-WB-2: going 离线 re-queues open chats at the head, in their order, and
// the next agent gets them with their history.
func TestOfflineRequeuesAtHead(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	a, b, c := h.transfer(), h.transfer(), h.transfer()
	h.must(h.wb.CustomerSend(a, "我的订单呢"))
	waiting := h.transfer()
	h.must(h.wb.SetStatus("v1-a1", wb.StatusOffline))
	if h.wb.QueueLength("d1") != 4 {
		t.Fatalf("queue %d, want 4", h.wb.QueueLength("d1"))
	}
	h.online("v1-a2")
	for _, id := range []string{a, b, c} {
		if h.conv(id).Agent != "v1-a2" {
			t.Fatalf("%s should be re-assigned first", id)
		}
	}
	if h.conv(waiting).State != wb.StateQueued {
		t.Fatal("the chat that waited before stays behind the re-queued ones")
	}
	if !h.conv(a).PickedAt.Equal(monday10) {
		t.Fatal("a re-queue keeps the first pickup time (R-KPI-1)")
	}
	found := false
	for _, m := range h.conv(a).Messages {
		found = found || m.Text == "我的订单呢"
	}
	if !found {
		t.Fatal("history must follow the chat")
	}
}

// R-VEN-4: outside work hours the bot explains, offers the hotline, and the
// request counts as not picked up.
func TestTransferOutsideWorkHours(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	h.clock.RunUntil(time.Date(2026, 11, 23, 18, 0, 0, 0, shanghai)) // the end is exclusive
	id := h.transfer()
	if h.conv(id).State != wb.StateBot {
		t.Fatal("should stay with the bot")
	}
	msg := h.lastMessage(id).Text
	if !strings.Contains(msg, "服务时间") || !strings.Contains(msg, "400-111-2222") {
		t.Fatalf("bot said %q", msg)
	}
	k := wb.ComputeKPIs(h.wb.Events(0), wb.KPIFilter{Traffic: wb.TrafficAll})
	if k.ServiceRequests != 1 || k.Abandoned != 1 || k.PickedUp != 0 {
		t.Fatalf("KPIs %+v: want 1 request, not picked up", k)
	}
}

func TestWorkHoursSpanningMidnight(t *testing.T) {
	// R-VEN-4: a 20:00-02:00 shift on Fridays covers Saturday 01:00, not Saturday 21:00.
	h := wb.WorkHours{Location: shanghai, Days: []time.Weekday{time.Friday}, From: 20 * time.Hour, To: 2 * time.Hour}
	cases := map[time.Time]bool{
		time.Date(2026, 11, 27, 19, 59, 0, 0, shanghai): false,
		time.Date(2026, 11, 27, 20, 0, 0, 0, shanghai):  true,
		time.Date(2026, 11, 28, 1, 59, 0, 0, shanghai):  true,
		time.Date(2026, 11, 28, 2, 0, 0, 0, shanghai):   false,
		time.Date(2026, 11, 28, 21, 0, 0, 0, shanghai):  false,
		time.Date(2026, 11, 27, 12, 30, 0, 0, time.UTC): true, // 20:30 in Shanghai
	}
	for at, want := range cases {
		if got := h.InWorkHours(at, nil); got != want {
			t.Errorf("%v: in hours %v, want %v", at, got, want)
		}
	}
}

// Leaving the queue before pickup is an abandonment (R-KPI-1).
func TestQueueAbandonment(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	for range 3 {
		h.transfer()
	}
	id := h.transfer()
	h.must(h.wb.CustomerLeave(id))
	if h.wb.QueueLength("d1") != 0 || h.conv(id).State != wb.StateEnded {
		t.Fatal("abandoned chat should leave the queue")
	}
	if len(h.events(wb.EvAbandoned)) != 1 {
		t.Fatal("want one abandoned event")
	}
}

// The core is deterministic: the same commands on the same clock give the
// same log.
func TestSameCommandsSameLog(t *testing.T) {
	run := func() []wb.Event {
		h := newHarness(t)
		h.online("v1-a1", "v1-a2")
		for range 7 {
			id := h.transfer()
			h.clock.Advance(3 * time.Second)
			if h.conv(id).State == wb.StateAssigned {
				h.must(h.wb.AgentSend(h.conv(id).Agent, id, "您好"))
			}
		}
		h.clock.Advance(10 * time.Minute)
		return h.wb.Events(0)
	}
	a, b := run(), run()
	if len(a) != len(b) {
		t.Fatalf("logs differ in length: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("event %d differs:\n%+v\n%+v", i, a[i], b[i])
		}
	}
}
