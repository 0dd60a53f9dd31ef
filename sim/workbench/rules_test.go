package workbench_test

import (
	"slices"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// Each test here guards one rule against a specific breakage that the
// broader tests let through: it was run against the broken code and failed.

// capacity sets an agent's V-level through operations (R-CAP-1).
func (h *harness) capacity(login string, n int) {
	h.t.Helper()
	if _, err := h.wb.SetCapacity("v1-ops", login, n); err != nil {
		h.t.Fatal(err)
	}
}

// assignedOrder lists the chats in the order of their assigned events.
func (h *harness) assignedOrder() []string {
	var out []string
	for _, e := range h.events(wb.EvAssigned) {
		out = append(out, e.Conv)
	}
	return out
}

// D-ROUTE-1: the queue of a skill group is first in, first out. Serving the
// newest first (LIFO) fails here.
func TestFIFOWithinSkillGroup(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	h.capacity("v1-a1", 1)
	held := h.transfer()
	var waiting []string
	for range 4 {
		h.clock.Advance(time.Second)
		waiting = append(waiting, h.transfer())
	}
	if n := h.wb.QueueLength("d1"); n != 4 {
		t.Fatalf("queue %d, want 4", n)
	}
	cur := held
	for _, next := range waiting {
		h.must(h.wb.AgentClose("v1-a1", cur))
		if c := h.conv(next); c.State != wb.StateAssigned {
			t.Fatalf("after %s ended, %s is %s: the oldest waiting chat must go first (FIFO)", cur, next, c.State)
		}
		cur = next
	}
	if got, want := h.assignedOrder(), append([]string{held}, waiting...); !slices.Equal(got, want) {
		t.Fatalf("assignment order %v, want %v", got, want)
	}
}

// R-WB-2: an agent on 小休 takes no new chat even when the least-loaded
// rule would pick them (fewer chats and idle longer than the online agent).
func TestBreakAgentNotPickedWhenLeastLoaded(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a2")
	h.must(h.wb.SetStatus("v1-a2", wb.StatusBreak)) // idle since 10:00, no chats
	h.clock.Advance(time.Minute)
	h.online("v1-a1")
	first := h.transfer()
	second := h.transfer() // a1 has 1 chat, a2 on 小休 has 0
	for _, id := range []string{first, second} {
		if got := h.conv(id).Agent; got != "v1-a1" {
			t.Fatalf("%s went to %q; the 小休 agent v1-a2 must take no new chat", id, got)
		}
	}
	h.capacity("v1-a1", 2)
	third := h.transfer() // a1 is full: the chat waits rather than go to 小休
	if c := h.conv(third); c.State != wb.StateQueued {
		t.Fatalf("with the only online agent full the chat is %s to %q, want queued", c.State, c.Agent)
	}
	h.must(h.wb.SetStatus("v1-a2", wb.StatusOffline))
	if c := h.conv(third); c.State != wb.StateQueued {
		t.Fatalf("a 离线 agent took %s", third)
	}
	h.online("v1-a2")
	if got := h.conv(third).Agent; got != "v1-a2" {
		t.Fatalf("back 在线, v1-a2 should take the waiting chat, got %q", got)
	}
}

// R-IDLE-1, D-IDLE-1: the five minutes start again at the first agent
// message after each customer message. Arming the timer only once (on the
// first reply) would leave this chat open forever.
func TestIdleTimerRearmedAfterEachCustomerMessage(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	id := h.transfer()
	h.must(h.wb.AgentSend("v1-a1", id, "您好"))
	for round := range 3 {
		h.clock.Advance(2 * time.Minute)
		h.must(h.wb.CustomerSend(id, "我想问一下"))
		h.clock.Advance(10 * time.Minute) // the customer spoke last: no timeout
		if c := h.conv(id); c.State != wb.StateAssigned {
			t.Fatalf("round %d: ended (%s) while the agent owed a reply", round, c.EndReason)
		}
		h.must(h.wb.AgentSend("v1-a1", id, "好的，请讲"))
	}
	armed := h.wb.Now()
	h.clock.Advance(4*time.Minute - time.Millisecond)
	if n := len(h.events(wb.EvIdleWarning)); n != 0 {
		t.Fatalf("%d warnings before 4:00 after the last agent message", n)
	}
	h.clock.Advance(time.Millisecond)
	if m := h.lastMessage(id); m.Text != wb.IdleWarningText {
		t.Fatalf("no warning 4:00 after the last agent message; last %+v", m)
	}
	h.clock.Advance(time.Minute)
	c := h.conv(id)
	if c.State != wb.StateEnded || c.EndReason != wb.ReasonIdleTimeout || !c.EndedAt.Equal(armed.Add(5*time.Minute)) {
		t.Fatalf("state %s reason %q at %v; want the idle timeout at %v", c.State, c.EndReason, c.EndedAt, armed.Add(5*time.Minute))
	}
	if n := len(h.events(wb.EvIdleWarning)); n != 1 {
		t.Fatalf("%d idle warnings, want 1", n)
	}
}

// R-WEL-1: the skill group's closing message beats the agent's own; without
// one the agent's own is sent; with neither, none.
func TestClosingMessagePrecedence(t *testing.T) {
	h := newHarness(t)
	h.must(h.wb.SetPersonalWelcome("v1-a2", "我是客服二", "客服二祝您生活愉快"))
	h.online("v1-a2")
	closed := func() wb.Message {
		t.Helper()
		id := h.transfer()
		h.must(h.wb.AgentClose("v1-a2", id))
		return h.lastMessage(id)
	}
	if m := closed(); m.Text != "感谢您的咨询，再见" || m.Sender != wb.SenderSystem {
		t.Fatalf("closing %+v, want the skill group's as a system message", m)
	}
	h.must(h.wb.SetGroupWelcome("v1-admin", "d1", "", ""))
	if m := closed(); m.Text != "客服二祝您生活愉快" || m.Sender != wb.SenderSystem {
		t.Fatalf("closing %+v, want the agent's own", m)
	}
	h.must(h.wb.SetPersonalWelcome("v1-a2", "", ""))
	if m := closed(); m.Sender == wb.SenderSystem {
		t.Fatalf("no closing is set, yet %q was sent", m.Text)
	}
}

// R-KPI-1: pickup rate = picked up / service requests, where requests still
// waiting and requests refused are in the denominator; a chat re-assigned
// after a re-queue (D-ROUTE-2) is one pickup, not two.
func TestPickupRateDenominatorAndReassignment(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	h.capacity("v1-a1", 1)
	moved := h.transfer()
	waiting := h.transfer()
	left := h.transfer()
	h.must(h.wb.CustomerLeave(left))
	h.clock.Advance(10 * time.Second)
	h.must(h.wb.SetStatus("v1-a1", wb.StatusOffline)) // moved goes back to the head
	h.capacity("v1-a2", 1)
	h.online("v1-a2")
	if c := h.conv(moved); c.Agent != "v1-a2" || !c.PickedAt.Equal(monday10) {
		t.Fatalf("re-queued chat: agent %q picked %v; want v1-a2, first pickup kept", c.Agent, c.PickedAt)
	}
	if len(h.events(wb.EvAssigned)) != 2 {
		t.Fatal("want two assigned events for one pickup")
	}
	k := wb.ComputeKPIs(h.wb.Events(0), wb.KPIFilter{Traffic: wb.TrafficAll})
	if k.ServiceRequests != 3 || k.PickedUp != 1 || k.Abandoned != 1 || k.Waiting != 1 {
		t.Fatalf("KPIs %+v; want 3 requests, 1 picked up (the re-assignment is not a second), 1 abandoned, 1 waiting", k)
	}
	near(t, "pickup rate", k.PickupRate, 1.0/3)
	near(t, "abandonment rate", k.AbandonmentRate, 1.0/3)
	if c := h.conv(waiting); c.State != wb.StateQueued {
		t.Fatalf("the second request should still wait, is %s", c.State)
	}
}

// R-KPI-1: the first response counts from the pickup, not from the transfer
// request: time spent in the queue is not response time. After a re-queue it
// still counts from the first pickup (D-ROUTE-2).
func TestFirstResponseFromPickupNotTransfer(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	h.capacity("v1-a1", 1)
	busy := h.transfer()
	queued := h.transfer()
	h.clock.Advance(time.Minute)
	h.must(h.wb.AgentClose("v1-a1", busy)) // queued is picked up now
	if c := h.conv(queued); !c.PickedAt.Equal(monday10.Add(time.Minute)) {
		t.Fatalf("pickup at %v", c.PickedAt)
	}
	h.clock.Advance(8 * time.Second)
	h.must(h.wb.SetStatus("v1-a1", wb.StatusOffline))
	h.online("v1-a2")
	h.clock.Advance(4 * time.Second)
	h.must(h.wb.AgentSend("v1-a2", queued, "您好"))
	k := wb.ComputeKPIs(h.wb.Events(0), wb.KPIFilter{Traffic: wb.TrafficAll})
	if k.Responded != 1 {
		t.Fatalf("KPIs %+v: want one chat responded", k)
	}
	near(t, "first response (s)", k.FirstResponseS, 12)
}

// D-ROUTE-2: an agent going 离线 puts their chats back at the head of the
// queue in their original order, ahead of chats that were already waiting.
func TestRequeuedChatsKeepOrderAtHead(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	var held []string
	for range 3 {
		held = append(held, h.transfer())
		h.clock.Advance(time.Second)
	}
	w1, w2 := h.transfer(), h.transfer()
	h.must(h.wb.SetStatus("v1-a1", wb.StatusOffline))
	if n := h.wb.QueueLength("d1"); n != 5 {
		t.Fatalf("queue %d, want 5", n)
	}
	h.capacity("v1-a2", 1)
	h.online("v1-a2")
	want := append(slices.Clone(held), w1, w2)
	var got []string
	for i := range want {
		open, err := h.wb.AgentConversations("v1-a2")
		h.must(err)
		if len(open) != 1 {
			t.Fatalf("step %d: v1-a2 holds %d chats, want 1", i, len(open))
		}
		got = append(got, open[0].ID)
		h.must(h.wb.AgentClose("v1-a2", open[0].ID))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("served after the re-queue in order %v, want %v", got, want)
	}
}
