package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// Rules checked over real sockets (docs/protocol.md), each shown to fail
// when its code is broken.

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
