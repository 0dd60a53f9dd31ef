package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// Rules checked over real sockets (docs/protocol.md), each shown to fail
// when its code is broken.

// R-IDLE-1 over the wire: the customer gets the exact warning at 4:00 of
// silence after the agent's message and the chat ends at 5:00; a customer
// message stops the count and the next agent message starts it again.
func TestIdleTimeoutOverTheWire(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	isWarning := func(e wb.Event) bool { return e.Conv == conv.ID && e.Type == wb.EvIdleWarning }
	isEnd := func(e wb.Event) bool { return e.Conv == conv.ID && e.Type == wb.EvEnded }
	reply := func(text string) {
		t.Helper()
		if err := a.Reply(conv.ID, text); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.WaitMessage(w.ctx, 0, "agent", func(s string) bool { return s == text }); err != nil {
			t.Fatalf("reply %q: %v", text, err)
		}
	}
	reply("您好，请问有什么可以帮您")
	w.clock.Advance(4*time.Minute - time.Millisecond)
	if countEvents(t, w, isWarning) != 0 {
		t.Fatal("R-IDLE-1: warned before 4:00")
	}
	w.clock.Advance(time.Millisecond)
	if _, _, err := c.WaitMessage(w.ctx, 0, "system", func(s string) bool { return s == wb.IdleWarningText }); err != nil {
		t.Fatalf("R-IDLE-1: the customer did not get the exact warning at 4:00: %v", err)
	}
	if err := c.Say("还在"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitMessage(w.ctx, conv.ID, "customer", func(s string) bool { return s == "还在" }); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(10 * time.Minute) // the agent owes a reply: never a timeout
	if countEvents(t, w, isEnd) != 0 {
		t.Fatal("R-IDLE-1: an agent who does not reply must never cause a disconnect")
	}
	reply("好的，请稍等")
	w.clock.Advance(5*time.Minute - time.Millisecond)
	if countEvents(t, w, isEnd) != 0 {
		t.Fatal("R-IDLE-1: ended before 5:00 after the last agent message")
	}
	w.clock.Advance(time.Millisecond)
	if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
		t.Fatalf("R-IDLE-1: no end 5:00 after the re-armed timer: %v", err)
	}
	f, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "ended" && f.ConvID() == conv.ID })
	if err != nil || f.Reason != wb.ReasonIdleTimeout {
		t.Fatalf("R-IDLE-1: agent's ended frame %+v, %v; want reason %s", f, err, wb.ReasonIdleTimeout)
	}
	if n := countEvents(t, w, isWarning); n != 2 {
		t.Fatalf("R-IDLE-1: %d warnings, want one per silence", n)
	}
}

// R-VEN-1, D-RT-1: with nobody 在线 a transfer is refused by the bot, which
// offers the robot card's hotline; the request counts as not picked up.
func TestRefusedTransferOffersHotline(t *testing.T) {
	w := newWorld(t)
	c := w.customer("A")
	if err := c.Say(wb.TransferText); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "bot", func(s string) bool { return strings.Contains(s, "400-1") }); err != nil {
		t.Fatalf("R-VEN-1: the bot did not offer the hotline: %v", err)
	}
	f, _, err := c.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return f.Type == "state" && f.State == "bot" })
	if err != nil || f.Reason != wb.ReasonNobodyOnline {
		t.Fatalf("D-RT-1: state frame %+v, %v; want the chat back with the bot, reason %s", f, err, wb.ReasonNobodyOnline)
	}
	evs, err := w.ops.Events(w.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if k := wb.ComputeKPIs(evs, wb.KPIFilter{Traffic: wb.TrafficAll}); k.ServiceRequests != 1 || k.Abandoned != 1 || k.PickedUp != 0 {
		t.Fatalf("R-KPI-1: %+v; want one request, not picked up", k)
	}
}

// D-WS-2 (protocol v2): a customer who leaves (the leave frame) ends the
// chat at once, and in the queue that is an abandonment (R-KPI-1). A closed
// bot page, even with a clean close frame, only starts the customer grace:
// browsers send the same close on a reload, so the server cannot tell
// leaving from reloading (docs/decisions.md D-WS-2). When the grace runs out
// the customer has left: queued, an abandonment; with an agent, the chat
// ends and the agent is told.
func TestClosedBotPageEndsChat(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	var out struct{ Capacity int }
	if err := w.ops.API(w.ctx, http.MethodPut, "/api/agents/A-a1/capacity", map[string]int{"capacity": 1}, &out); err != nil {
		t.Fatal(err)
	}
	held, conv := w.transferred("A", a)
	queue := func() *actors.Customer {
		t.Helper()
		c := w.customer("A")
		if err := c.Say(wb.TransferText); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.WaitState(w.ctx, 0, "queued"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	abandoned := func(conv string) func(wb.Event) bool {
		return func(e wb.Event) bool { return e.Conv == conv && e.Type == wb.EvAbandoned }
	}
	// leave: abandoned at once, the clock does not move
	leaver := queue()
	if err := leaver.Leave(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, w, "abandoned at once after the queued customer's leave frame", abandoned(leaver.Conv))
	// a closed page: abandoned when the grace ends, not before
	closer := queue()
	armed := w.clock.Pending()
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, "the grace timer after the page closed", func() bool { return w.clock.Pending() > armed })
	w.clock.Advance(29 * time.Second)
	if n := countEvents(t, w, abandoned(closer.Conv)); n != 0 {
		t.Fatalf("D-WS-2: queued chat abandoned within the customer grace (a closed page may be a reload)")
	}
	w.clock.Advance(2 * time.Second)
	waitEvent(t, w, "abandoned when the grace of the closed page ended", abandoned(closer.Conv))
	// with an agent: the link goes down, the chat ends after the grace
	if err := held.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitFrame(w.ctx, linkFrame(conv.ID, "down")); err != nil {
		t.Fatalf("agent not told the bot page closed: %v", err)
	}
	if n := countEvents(t, w, func(e wb.Event) bool { return e.Conv == conv.ID && e.Type == wb.EvEnded }); n != 0 {
		t.Fatalf("D-WS-2: chat ended at once when the bot page closed; want the customer grace first")
	}
	w.clock.Advance(31 * time.Second)
	f, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "ended" && f.ConvID() == conv.ID })
	if err != nil || f.Reason != wb.ReasonCustomerLeft {
		t.Fatalf("D-WS-2: agent's ended frame %+v, %v; want reason %s", f, err, wb.ReasonCustomerLeft)
	}
	evs, err := w.ops.Events(w.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	k := wb.ComputeKPIs(evs, wb.KPIFilter{Traffic: wb.TrafficAll})
	if k.ServiceRequests != 3 || k.PickedUp != 1 || k.Abandoned != 2 || k.Waiting != 0 {
		t.Fatalf("R-KPI-1: %+v; want 3 requests, 1 picked up, 2 abandoned", k)
	}
}

// D-ROUTE-1 over the wire: with the only agent at capacity, waiting
// customers are served in the order they asked for a human.
func TestFIFOOverTheWire(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	var out struct{ Capacity int }
	if err := w.ops.API(w.ctx, http.MethodPut, "/api/agents/A-a1/capacity", map[string]int{"capacity": 1}, &out); err != nil {
		t.Fatal(err)
	}
	_, held := w.transferred("A", a)
	var waiting []string
	for range 3 {
		c := w.customer("A")
		if err := c.Say(wb.TransferText); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.WaitState(w.ctx, 0, "queued"); err != nil {
			t.Fatal(err)
		}
		waiting = append(waiting, c.Conv)
	}
	cur := held.ID
	for _, want := range waiting {
		if err := a.CloseChat(cur); err != nil {
			t.Fatal(err)
		}
		got, _, err := a.WaitAssigned(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != want {
			t.Fatalf("D-ROUTE-1: after %s ended the agent got %s, want %s (queued first)", cur, got.ID, want)
		}
		cur = got.ID
	}
}
