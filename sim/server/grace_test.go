package server_test

import (
	"strings"
	"testing"
	"time"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

func linkFrame(conv, state string) func(actors.Frame) bool {
	return func(f actors.Frame) bool { return f.Type == "customer_link" && f.ConvID() == conv && f.State == state }
}

// A customer whose page drops keeps the chat for the grace: the agent is
// told the link is down and back, sees 用户下线 only when the grace ends,
// and what the agent wrote meanwhile reaches the customer on resume
// (D-WS-2, protocol v2). An anonymous customer resumes with the chat's key.
func TestCustomerGrace(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	c.Drop()
	if _, err := a.WaitFrame(w.ctx, linkFrame(conv.ID, "down")); err != nil {
		t.Fatalf("agent not told the customer's link dropped: %v", err)
	}
	if err := a.Reply(conv.ID, "还在吗"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "ack" }); err != nil {
		t.Fatalf("a reply to a customer in grace was refused: %v", err)
	}
	w.clock.Advance(29 * time.Second)
	if err := c.Reconnect(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "agent", func(s string) bool { return s == "还在吗" }); err != nil {
		t.Fatalf("the reply sent during the grace was not delivered on resume: %v", err)
	}
	if _, err := a.WaitFrame(w.ctx, linkFrame(conv.ID, "up")); err != nil {
		t.Fatalf("agent not told the customer is back: %v", err)
	}
	for _, f := range a.Frames() {
		if f.Type == "ended" || (f.Type == "notification" && f.Kind == wb.NotifyUserOffline) {
			t.Fatalf("用户下线 within the grace: %s", f.Raw)
		}
	}
	up, err := a.WaitFrame(w.ctx, linkFrame(conv.ID, "up"))
	w.must(up, err)
	c.Drop()
	if _, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool {
		return linkFrame(conv.ID, "down")(f) && f.CSeq > up.CSeq
	}); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(31 * time.Second)
	if _, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool {
		return f.Type == "notification" && f.Kind == wb.NotifyUserOffline && f.ConvID() == conv.ID
	}); err != nil {
		t.Fatalf("R-NTF-1: no 用户下线 after the grace: %v", err)
	}
	if _, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "ended" && f.Reason == wb.ReasonCustomerLeft }); err != nil {
		t.Fatal(err)
	}
}

// A resume that names another customer's chat without its key opens a new
// chat instead (an anonymous entry token proves nothing by itself).
func TestResumeNeedsTheChatsKey(t *testing.T) {
	w := newWorld(t)
	c := w.customer("A")
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	other, err := actors.Enter(w.ctx, e.URL+"&conv="+c.Conv+"&after=0")
	w.must(other, err)
	t.Cleanup(func() { other.Close() })
	if other.Conv == c.Conv {
		t.Fatalf("joined chat %s without its key", c.Conv)
	}
}

// An agent page that connects while the customer is in the grace learns
// the link is down from its hello (customer_link), not only from a frame
// it was not there to receive; once the customer is back, hello says
// nothing of it.
func TestHelloTellsCustomerLinkDown(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	c.Drop()
	if _, err := a.WaitFrame(w.ctx, linkFrame(conv.ID, "down")); err != nil {
		t.Fatal(err)
	}
	hello := func() actors.Frame {
		t.Helper()
		b := actors.NewAgent(w.base, "A-a1")
		w.must(b.SignIn(w.ctx, pw))
		if err := b.Connect(w.ctx); err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		f, err := b.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "hello" })
		w.must(f, err)
		return f
	}
	if h := hello(); !strings.Contains(string(h.Raw), `"customer_link":"down"`) {
		t.Fatalf("hello during the customer's grace does not say the link is down: %s", h.Raw)
	}
	if err := c.Reconnect(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitFrame(w.ctx, linkFrame(conv.ID, "up")); err != nil {
		t.Fatal(err)
	}
	if h := hello(); strings.Contains(string(h.Raw), `customer_link`) {
		t.Fatalf("hello after the customer is back still names the link: %s", h.Raw)
	}
}
