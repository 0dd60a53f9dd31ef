package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// Rules checked over real sockets (docs/protocol.md), each shown to fail
// when its code is broken.

// waitEvent polls the event log until match holds for one event.
func waitEvent(t *testing.T, w *world, what string, match func(wb.Event) bool) wb.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	for {
		evs, err := w.ops.Events(ctx, 0)
		if err == nil {
			for _, e := range evs {
				if match(e) {
					return e
				}
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("no event: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// countEvents counts the events of the log that match, now.
func countEvents(t *testing.T, w *world, match func(wb.Event) bool) int {
	t.Helper()
	evs, err := w.ops.Events(w.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if match(e) {
			n++
		}
	}
	return n
}

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

// waitFor polls cond until it holds.
func waitFor(t *testing.T, w *world, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	for !cond() {
		if ctx.Err() != nil {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
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

// A send frame without text is refused with an error frame naming the
// missing field (and answering its client id); nothing reaches the
// customer or the log.
func TestSendWithoutTextRefused(t *testing.T) {
	w := newWorld(t)
	r := dialAgent(t, w, "A-a1")
	r.send(map[string]any{"type": "status", "seq": 1, "id": "st-1", "status": "在线"})
	r.wait(func(f actors.Frame) bool { return f.Type == "status" })
	c := w.customer("A")
	if err := c.Say(wb.TransferText); err != nil {
		t.Fatal(err)
	}
	r.wait(func(f actors.Frame) bool { return f.Type == "assigned" })
	r.send(map[string]any{"type": "send", "seq": 2, "id": "m-1", "conv": c.Conv})
	r.send(map[string]any{"type": "send", "seq": 3, "id": "m-2", "conv": c.Conv, "text": ""})
	for _, seq := range []int64{2, 3} {
		f := r.wait(func(f actors.Frame) bool { return (f.Type == "error" || f.Type == "ack") && refOf(f) == seq })
		if f.Type != "error" || f.Code != "missing_field" || !strings.Contains(f.Message, "text") || f.ID != fmt.Sprintf("m-%d", seq-1) {
			t.Fatalf("send without text (seq %d): %s; want an error missing_field naming text, with the frame's id", seq, f.Raw)
		}
	}
	r.send(map[string]any{"type": "send", "seq": 4, "id": "m-3", "conv": c.Conv, "text": "您好"})
	if _, _, err := c.WaitMessage(w.ctx, 0, "agent", func(s string) bool { return s == "您好" }); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, w, func(e wb.Event) bool { return e.Type == wb.EvMessage && e.Sender == wb.SenderAgent }); n != 1 {
		t.Fatalf("%d agent messages in the log, want only the one with text", n)
	}
}

// Every client frame type is taken once (protocol v2). A frame sent again
// on the same connection with a sequence number already accepted is
// refused as stale_seq (the only guard of ping and sync). A state-changing
// frame sent again under a new seq with the same client id (a client that
// lost the answer), on the same socket or after a reconnect, gets the first
// answer back marked duplicate and is not applied again: say, button,
// leave, rate, send, close and status.
func TestResentFramesRefusedForEveryType(t *testing.T) {
	w := newWorld(t)
	r := dialAgent(t, w, "A-a1")
	c := w.customer("A")
	// resend is what each frame gets after its first copy: "stale" the
	// same seq again, "dup" also the same id under the next seq.
	type step struct {
		frame map[string]any
		seq   int64 // of the first copy
		dup   bool
	}
	var agentSteps, custSteps []step
	agentSeq, custSeq := int64(0), int64(0)
	agentSend := func(f map[string]any) {
		agentSeq++
		f["seq"] = agentSeq
		r.send(f)
		r.send(f)
		st := step{frame: f, seq: agentSeq}
		if f["id"] != nil {
			agentSeq++
			g := map[string]any{}
			for k, v := range f {
				g[k] = v
			}
			g["seq"] = agentSeq
			r.send(g)
			st.dup = true
		}
		agentSteps = append(agentSteps, st)
		last := agentSeq
		r.wait(func(f actors.Frame) bool { return refOf(f) == last })
	}
	rawSend := func(cust *actors.Customer, seq *int64, steps *[]step, f map[string]any) {
		t.Helper()
		*seq++
		f["seq"] = *seq
		b, _ := json.Marshal(f)
		for range 2 {
			if err := cust.SendRaw(b); err != nil {
				t.Fatal(err)
			}
		}
		st := step{frame: f, seq: *seq}
		if f["id"] != nil {
			*seq++
			f2 := map[string]any{}
			for k, v := range f {
				f2[k] = v
			}
			f2["seq"] = *seq
			b, _ := json.Marshal(f2)
			if err := cust.SendRaw(b); err != nil {
				t.Fatal(err)
			}
			st.dup = true
		}
		*steps = append(*steps, st)
		last := *seq
		if _, _, err := cust.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return (f.Type != "message" && f.Type != "state") && refOf(f) == last }); err != nil {
			t.Fatal(err)
		}
	}
	custSend := func(f map[string]any) { rawSend(c, &custSeq, &custSteps, f) }

	agentSend(map[string]any{"type": "status", "id": "st", "status": "在线"})
	r.wait(func(f actors.Frame) bool { return f.Type == "status" })
	custSend(map[string]any{"type": "say", "id": "q1", "text": "多久到账?"})
	custSend(map[string]any{"type": "button", "id": "b1", "label": "热线"})
	custSend(map[string]any{"type": "say", "id": "q2", "text": wb.TransferText})
	custSend(map[string]any{"type": "ping"})
	r.wait(func(f actors.Frame) bool { return f.Type == "assigned" })
	agentSend(map[string]any{"type": "sync"})
	agentSend(map[string]any{"type": "ping"})
	agentSend(map[string]any{"type": "send", "id": "m1", "conv": c.Conv, "text": "您好"})
	agentSend(map[string]any{"type": "close", "id": "cl", "conv": c.Conv})
	r.wait(func(f actors.Frame) bool { return f.Type == "ended" })
	if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
		t.Fatal(err)
	}
	custSend(map[string]any{"type": "rate", "id": "r1", "rating": "满意"})
	// leave, from a second customer still with the bot
	c2 := w.customer("A")
	var c2Seq int64
	var c2Steps []step
	rawSend(c2, &c2Seq, &c2Steps, map[string]any{"type": "leave", "id": "l1"})

	stale := func(frames []actors.Frame, seq int64) int {
		n := 0
		for _, f := range frames {
			if f.Type == "error" && f.Code == "stale_seq" && refOf(f) == seq {
				n++
			}
		}
		return n
	}
	// checkDup: of the answers to a client id (stale_seq aside), the first
	// is the original ack and every later one a duplicate of it.
	checkDup := func(who string, frames []actors.Frame, st step) {
		t.Helper()
		id := st.frame["id"].(string)
		var got []actors.Frame
		for _, f := range frames {
			if (f.Type == "ack" || f.Type == "error") && f.ID == id && f.Code != "stale_seq" {
				got = append(got, f)
			}
		}
		if len(got) < 2 || got[0].Duplicate || got[0].Type != "ack" {
			t.Errorf("%s %s frame id %s: answers %v; want an ack, then the same ack marked duplicate", who, st.frame["type"], id, raws(got))
			return
		}
		for _, f := range got[1:] {
			if !f.Duplicate || f.Type != got[0].Type {
				t.Errorf("%s %s frame id %s resent: %s; want the first answer marked duplicate (not applied again)", who, st.frame["type"], id, f.Raw)
			}
		}
	}
	for _, p := range []struct {
		who    string
		frames []actors.Frame
		steps  []step
	}{{"agent", r.frames(), agentSteps}, {"customer", c.Frames(), custSteps}, {"second customer", c2.Frames(), c2Steps}} {
		for _, st := range p.steps {
			if n := stale(p.frames, st.seq); n != 1 {
				t.Errorf("%s %s frame resent with seq %d: %d stale_seq errors, want 1", p.who, st.frame["type"], st.seq, n)
			}
			if st.dup {
				checkDup(p.who, p.frames, st)
			}
		}
	}
	if n := r.count(func(fr actors.Frame) bool { return fr.Type == "pong" }); n != 1 {
		t.Errorf("agent got %d pongs, want 1 (the resent ping is refused)", n)
	}
	// after a reconnect the customer sends an unanswered say again: the
	// chat remembers its ids, so it is a duplicate, not a second message
	if err := c.Reconnect(w.ctx); err != nil {
		t.Fatal(err)
	}
	from := c.Mark()
	if err := c.SendRaw([]byte(`{"type":"say","seq":1,"id":"q1","text":"多久到账?"}`)); err != nil {
		t.Fatal(err)
	}
	f, _, err := c.WaitFrame(w.ctx, from, func(f actors.Frame) bool { return f.ID == "q1" })
	if err != nil || f.Type != "ack" || !f.Duplicate {
		t.Errorf("say resent after a reconnect: %s, %v; want its first ack marked duplicate", f.Raw, err)
	}
	count := func(match func(wb.Event) bool) int { return countEvents(t, w, match) }
	for _, k := range []struct {
		what  string
		match func(wb.Event) bool
	}{
		{"transfer requests (resent 转人工)", func(e wb.Event) bool { return e.Type == wb.EvTransferRequest }},
		{"hotline answers (resent button)", func(e wb.Event) bool {
			return e.Type == wb.EvMessage && e.Sender == wb.SenderBot && strings.Contains(e.Text, "400-1")
		}},
		{"customer messages 多久到账? (resent say)", func(e wb.Event) bool { return e.Type == wb.EvMessage && e.Text == "多久到账?" }},
		{"agent messages (resent send)", func(e wb.Event) bool { return e.Type == wb.EvMessage && e.Sender == wb.SenderAgent }},
		{"ratings (resent rate)", func(e wb.Event) bool { return e.Type == wb.EvRated }},
		{"ends of the agent's chat (resent close)", func(e wb.Event) bool { return e.Type == wb.EvEnded && e.Conv == c.Conv }},
	} {
		if n := count(k.match); n != 1 {
			t.Errorf("%d %s in the log, want 1", n, k.what)
		}
	}
}

func raws(fs []actors.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Raw))
	}
	return out
}

// Every chat message reaches each socket exactly once, whoever wrote it
// (customer, bot, agent, the system welcome), across a reload of the
// workbench and of the bot page: the history in hello/assigned and the
// message frames never repeat a msg_seq and leave none out.
func TestEveryMessageDeliveredOnce(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	// a known customer, so the bot page can reload into the chat
	cust, err := w.ops.CreateTestCustomer(w.ctx, "测试买家")
	w.must(cust, err)
	e, err := w.ops.Entry(w.ctx, "A", cust.ID, "")
	w.must(e, err)
	c, err := actors.Enter(w.ctx, e.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Say(wb.TransferText); err != nil {
		t.Fatal(err)
	}
	conv, _, err := a.WaitAssigned(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	say := func(from, text string) {
		t.Helper()
		var err error
		if from == "customer" {
			err = c.Say(text)
		} else {
			err = a.Reply(conv.ID, text)
		}
		if err != nil {
			t.Fatal(err)
		}
		waitEvent(t, w, "message "+text, func(e wb.Event) bool { return e.Type == wb.EvMessage && e.Text == text })
	}
	say("customer", "一")
	say("agent", "您好")
	if _, err := a.WaitMessage(w.ctx, conv.ID, "agent", func(s string) bool { return s == "您好" }); err != nil {
		t.Fatal(err)
	}
	first := a
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	say("customer", "二") // while the workbench is closed
	a = actors.NewAgent(w.base, "A-a1")
	w.must(a.SignIn(w.ctx, pw))
	if err := a.Connect(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	say("agent", "请讲")
	// the bot page reloads into the same chat (conv=, D-WS-2)
	entry := w.base + "/bot?" + url.Values{"v": {"A"}, "t": {c.Token}, "conv": {conv.ID}}.Encode()
	c2, err := actors.Enter(w.ctx, entry)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c2.Close() })
	if c2.Conv != conv.ID {
		t.Fatalf("the reloaded bot page opened %s, want %s", c2.Conv, conv.ID)
	}
	old := c
	c = c2
	say("customer", "三")
	say("agent", "好的")
	for _, cust := range []*actors.Customer{c, old} {
		if _, _, err := cust.WaitMessage(w.ctx, 0, "agent", func(s string) bool { return s == "好的" }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.WaitMessage(w.ctx, conv.ID, "agent", func(s string) bool { return s == "好的" }); err != nil {
		t.Fatal(err)
	}
	total := countEvents(t, w, func(e wb.Event) bool { return e.Type == wb.EvMessage && e.Conv == conv.ID })
	for _, sock := range []struct {
		name   string
		frames []actors.Frame
		want   int // messages up to its last
	}{
		{"first workbench", first.Frames(), 5}, // greeting, 转人工, welcome, 一, 您好
		{"reloaded workbench", a.Frames(), total},
		{"bot page", old.Frames(), total},
		{"reloaded bot page", c.Frames(), total},
	} {
		seqs := allSeqs(sock.frames, conv.ID)
		for s := 1; s <= sock.want; s++ {
			if seqs[s] != 1 {
				t.Errorf("%s: msg_seq %d delivered %d times, want once (all: %v)", sock.name, s, seqs[s], seqs)
			}
		}
	}
}

// allSeqs counts, per msg_seq, every message of conv a socket received,
// whoever wrote it: message frames and the history in hello and assigned.
func allSeqs(frames []actors.Frame, conv string) map[int]int {
	n := map[int]int{}
	for _, f := range frames {
		var msgs []actors.ChatMessage
		switch f.Type {
		case "message":
			if f.ConvID() == conv {
				n[f.MsgSeq]++
			}
		case "hello":
			if f.ConvID() == conv { // the bot page
				msgs = f.Messages
			}
			for _, c := range f.Conversations { // the workbench
				if c.ID == conv {
					msgs = append(msgs, c.Messages...)
				}
			}
		case "assigned":
			if c, ok := f.Conversation(); ok && c.ID == conv {
				msgs = c.Messages
			}
		}
		for _, m := range msgs {
			n[m.Seq]++
		}
	}
	return n
}

func refOf(f actors.Frame) int64 {
	var x struct {
		Ref int64 `json:"ref"`
	}
	_ = json.Unmarshal(f.Raw, &x)
	return x.Ref
}

// rawAgent is an agent socket that sends frames exactly as given (its own
// seq numbers), for tests of what the server refuses.
type rawAgent struct {
	t   *testing.T
	ctx context.Context
	ws  *websocket.Conn
	mu  sync.Mutex
	rec []actors.Frame
	got chan struct{}
}

// dialAgent logs in over HTTP and opens the agent socket with the session.
func dialAgent(t *testing.T, w *world, login string) *rawAgent {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	body := strings.NewReader(`{"login":"` + login + `","password":"` + pw + `"}`)
	resp, err := hc.Post(w.base+"/api/login", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: HTTP %d", login, resp.StatusCode)
	}
	u, _ := url.Parse(w.base + "/ws/agent")
	h := http.Header{}
	for _, ck := range jar.Cookies(u) {
		h.Add("Cookie", ck.String())
	}
	ws, _, err := websocket.DefaultDialer.DialContext(w.ctx, "ws"+strings.TrimPrefix(w.base, "http")+"/ws/agent", h)
	if err != nil {
		t.Fatal(err)
	}
	r := &rawAgent{t: t, ctx: w.ctx, ws: ws, got: make(chan struct{}, 1)}
	t.Cleanup(func() { ws.Close() })
	go func() {
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var f actors.Frame
			if json.Unmarshal(data, &f) != nil {
				continue
			}
			f.Raw = data
			r.mu.Lock()
			r.rec = append(r.rec, f)
			r.mu.Unlock()
			select {
			case r.got <- struct{}{}:
			default:
			}
		}
	}()
	r.wait(func(f actors.Frame) bool { return f.Type == "hello" })
	return r
}

func (r *rawAgent) send(f map[string]any) {
	r.t.Helper()
	if err := r.ws.WriteJSON(f); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawAgent) frames() []actors.Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]actors.Frame(nil), r.rec...)
}

func (r *rawAgent) count(match func(actors.Frame) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, f := range r.rec {
		if match(f) {
			n++
		}
	}
	return n
}

// wait returns the first received frame that matches, waiting for it.
func (r *rawAgent) wait(match func(actors.Frame) bool) actors.Frame {
	r.t.Helper()
	for {
		r.mu.Lock()
		for _, f := range r.rec {
			if match(f) {
				r.mu.Unlock()
				return f
			}
		}
		r.mu.Unlock()
		select {
		case <-r.got:
		case <-r.ctx.Done():
			r.t.Fatal("agent socket: the frame did not come")
		}
	}
}
