package server_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// The five steps over real sockets: QR code decoded, bot page, transfer,
// welcome, message, reply (R-RT-1..5, R-WEL-1).
func TestRouteOverTheWire(t *testing.T) {
	w := newWorld(t)
	cust, err := w.ops.CreateTestCustomer(w.ctx, "测试买家")
	w.must(cust, err)
	ord, err := w.ops.CreateTestOrder(w.ctx, cust.ID, "iPhone")
	w.must(ord, err)
	if !cust.Test || !ord.Test {
		t.Fatalf("R-RT-1: test customer and order must be tagged test: %+v %+v", cust, ord)
	}
	a := w.agent("A-a1")
	png, err := w.ops.QRCode(w.ctx, "A", cust.ID, ord.ID)
	w.must(png, err)
	link, err := actors.DecodeQR(png)
	if err != nil || !strings.Contains(link, "/bot?") {
		t.Fatalf("R-RT-3: QR code decodes to %q, %v", link, err)
	}
	c, err := actors.Enter(w.ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Bot.RobotName != "小蜜" || len(c.Bot.FAQ) != 1 || len(c.Bot.QuickPhrases) != 1 {
		t.Fatalf("R-VEN-2: bot page %+v", c.Bot)
	}
	if err := c.Say("多久到账?"); err != nil {
		t.Fatal(err)
	}
	if f, _, err := c.WaitMessage(w.ctx, 0, "bot", func(s string) bool { return s == "24小时内" }); err != nil {
		t.Fatalf("R-RT-3: FAQ answer: %v %+v", err, f)
	}
	if err := c.Say(wb.OnlineAgentLabel); err != nil {
		t.Fatal(err)
	}
	conv, _, err := a.WaitAssigned(w.ctx)
	if err != nil || conv.ID != c.Conv || conv.Order != ord.ID {
		t.Fatalf("R-RT-4: assigned %+v, %v", conv, err)
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "system", func(s string) bool { return s == "欢迎 A" }); err != nil {
		t.Fatalf("R-WEL-1: welcome: %v", err)
	}
	if err := c.Say("测试消息 " + ord.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitMessage(w.ctx, c.Conv, "customer", func(s string) bool { return strings.Contains(s, ord.ID) }); err != nil {
		t.Fatalf("R-RT-5: agent sees the message: %v", err)
	}
	if err := a.Reply(c.Conv, "您好"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "agent", func(s string) bool { return s == "您好" }); err != nil {
		t.Fatalf("R-RT-5: customer gets the reply: %v", err)
	}
	if _, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "notification" && f.Kind == "new_message" }); err != nil {
		t.Fatalf("R-NTF-1: new message notification: %v", err)
	}
}

// Bad frames get an error frame naming the problem; the socket and every
// other client go on.
func TestBadFramesGetErrorFrames(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	other, _ := w.transferred("A", a)
	c := w.customer("A")
	big := `{"type":"say","seq":5,"id":"b5","text":"` + strings.Repeat("x", 70<<10) + `"}`
	cases := []struct {
		raw  string
		ref  int64
		code string
	}{
		{`{"type":"say","seq":1,"id":"b1","text":"hi"}`, 0, ""}, // accepted
		{`{"type":"say","seq":1,"id":"b1x","text":"again"}`, 1, "stale_seq"},
		{`{"type":"dance","seq":2}`, 2, "unknown_type"},
		{`{"type":"say","seq":3,"id":"b3"}`, 3, "missing_field"},
		{`{"type":"send","seq":4,"id":"b4","conv":"c1","text":"x"}`, 4, "unknown_type"}, // an agent frame on a customer socket
		{big, 0, "too_large"},
		{`{"type":"say","seq":6,"id":"b6","text":"ok"}`, 0, ""},
		{`{"type":"say","seq":6,"id":"b6y","text":"ok"}`, 6, "stale_seq"},
	}
	for _, tc := range cases {
		if err := c.SendRaw([]byte(tc.raw)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SendRaw([]byte(`{"type":"say",`)); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"stale_seq": 2, "unknown_type": 2, "missing_field": 1, "too_large": 1, "malformed": 1}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := map[string]int{}
		for _, f := range c.Frames() {
			if f.Type == "error" {
				got[f.Code]++
				if f.Message == "" {
					t.Fatalf("error frame without a message: %s", f.Raw)
				}
			}
		}
		if mapsEqual(got, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("error frames %v, want %v", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// the accepted frames reached the bot, in order
	if _, _, err := c.WaitMessage(w.ctx, 0, "customer", func(s string) bool { return s == "ok" }); err != nil {
		t.Fatal(err)
	}
	// everyone else goes on
	if err := other.Say("还在吗"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WaitMessage(w.ctx, other.Conv, "customer", func(s string) bool { return s == "还在吗" }); err != nil {
		t.Fatalf("another customer's chat stopped: %v", err)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Above 1 MiB the socket is closed with 1009; the server keeps serving.
func TestHugeFrameClosesOnlyThatSocket(t *testing.T) {
	w := newWorld(t)
	c := w.customer("A")
	_ = c.SendRaw([]byte(`{"type":"say","seq":1,"text":"` + strings.Repeat("x", 2<<20) + `"}`))
	_, _, err := c.WaitFrame(w.ctx, 0, func(actors.Frame) bool { return false })
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Fatalf("want close 1009, got %v", err)
	}
	d := w.customer("A")
	if err := d.Say("多久到账?"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.WaitMessage(w.ctx, 0, "bot", func(s string) bool { return s == "24小时内" }); err != nil {
		t.Fatal(err)
	}
}

// Every entry QR code reads back to its URL, whatever the token's length
// (R-RT-3): the tester's phone must never fail on a good code.
func TestQRCodesDecode(t *testing.T) {
	w := newWorld(t)
	for i := range 25 {
		cust, err := w.ops.CreateTestCustomer(w.ctx, strings.Repeat("买", i+1))
		w.must(cust, err)
		ord, err := w.ops.CreateTestOrder(w.ctx, cust.ID, strings.Repeat("x", i*7))
		w.must(ord, err)
		png, err := w.ops.QRCode(w.ctx, "A", cust.ID, ord.ID)
		w.must(png, err)
		link, err := actors.DecodeQR(png)
		if err != nil {
			t.Fatalf("QR code %d: %v", i, err)
		}
		if _, err := actors.Enter(w.ctx, link); err != nil {
			t.Fatalf("QR code %d: %s refused: %v", i, link, err)
		}
	}
}

// Close ends every socket with 1001 and returns; nothing is served after.
func TestCloseEndsSockets(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c := w.customer("A")
	evs, err := w.ops.Events(w.ctx, 0)
	if err != nil || len(invariant.Check(evs)) > 0 {
		t.Fatalf("log before close: %v", err)
	}
	w.closed = true
	if err := w.srv.Close(); err != nil {
		t.Fatal(err)
	}
	for name, wait := range map[string]func() error{
		"customer": func() error { _, _, err := c.WaitFrame(w.ctx, 0, func(actors.Frame) bool { return false }); return err },
		"agent":    func() error { _, err := a.WaitFrame(w.ctx, func(actors.Frame) bool { return false }); return err },
	} {
		var ce *websocket.CloseError
		if err := wait(); !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
			t.Errorf("%s socket: want close 1001, got %v", name, err)
		}
	}
	if _, err := w.ops.Events(w.ctx, 0); err == nil {
		t.Error("still serving after Close")
	}
}
