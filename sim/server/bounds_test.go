package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// convAsOps reads a chat as operations: one page of its messages.
func convAsOps(t *testing.T, w *world, id, query string) (msgs []actors.ChatMessage, more bool) {
	t.Helper()
	var v struct {
		Messages []actors.ChatMessage `json:"messages"`
		More     bool                 `json:"more"`
		State    string               `json:"state"`
	}
	if err := w.ops.API(w.ctx, http.MethodGet, "/api/conversations/"+id+query, nil, &v); err != nil {
		t.Fatal(err)
	}
	return v.Messages, v.More
}

// Every frame that stores something in a chat goes through the chat's
// limits, which count what the chat holds whoever wrote it: a customer's
// say or card-button tap, an agent's send; the workbench's own welcome on
// each re-assignment cannot grow a chat past twice them.
func TestEveryStoringFrameHasChatLimits(t *testing.T) {
	const limit = 10
	tune := func(o *server.Options) {
		o.Limits.ChatMessages, o.Limits.FramesPerSecond, o.Limits.FrameBurst = limit, 1e6, 1e6
		o.Limits.StatusChanges, o.Limits.StatusBurst = 1e6, 1e6
	}
	// flood sends n frames on the customer's socket and waits for the
	// answer to the last.
	flood := func(t *testing.T, c *actors.Customer, n int, send func() error) {
		t.Helper()
		for range n {
			if err := send(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	limited := func(frames []actors.Frame) int {
		n := 0
		for _, f := range frames {
			if f.Type == "error" && f.Code == "limit" && strings.Contains(f.Message, "messages per chat") {
				n++
			}
		}
		return n
	}
	t.Run("button", func(t *testing.T) {
		w := newWorldWith(t, tune)
		c := w.customer("A")
		flood(t, c, 3*limit, func() error { return c.Button("热线") })
		msgs, _ := convAsOps(t, w, c.Conv, "")
		if len(msgs) > limit || limited(c.Frames()) == 0 {
			t.Fatalf("card-button taps stored %d messages (limit %d), %d refused", len(msgs), limit, limited(c.Frames()))
		}
	})
	t.Run("say", func(t *testing.T) {
		w := newWorldWith(t, tune)
		c := w.customer("A")
		flood(t, c, 3*limit, func() error { return c.Say("多久到账?") })
		// A say adds the customer's message and the bot's answer.
		if msgs, _ := convAsOps(t, w, c.Conv, ""); len(msgs) > limit+1 || limited(c.Frames()) == 0 {
			t.Fatalf("say stored %d messages (limit %d)", len(msgs), limit)
		}
	})
	t.Run("send", func(t *testing.T) {
		w := newWorldWith(t, tune)
		a := w.agent("A-a1")
		c, conv := w.transferred("A", a)
		for i := range 3 * limit {
			if err := a.Reply(conv.ID, fmt.Sprintf("回复%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "error" && f.Code == "limit" }); err != nil {
			t.Fatal(err)
		}
		if msgs, _ := convAsOps(t, w, c.Conv, ""); len(msgs) > limit {
			t.Fatalf("agent replies stored %d messages (limit %d)", len(msgs), limit)
		}
	})
	t.Run("text", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { tune(o); o.Limits.ChatText = 100 })
		c := w.customer("A")
		flood(t, c, 20, func() error { return c.Say(strings.Repeat("长", 30)) })
		n := 0
		msgs, _ := convAsOps(t, w, c.Conv, "")
		for _, m := range msgs {
			n += len([]rune(m.Text))
		}
		// At most one bot answer past the bound: it is not known before.
		if n > 100+len([]rune(wb.BotFallback)) {
			t.Fatalf("the chat stores %d characters (limit 100)", n)
		}
	})
	t.Run("welcome on each re-assignment", func(t *testing.T) {
		w := newWorldWith(t, tune)
		a := w.agent("A-a1")
		c, _ := w.transferred("A", a)
		for range 2 * limit {
			w.must(a.SetStatus(w.ctx, "离线"))
			w.must(a.SetStatus(w.ctx, "在线"))
		}
		if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
			t.Fatalf("a chat the workbench's welcomes took past twice its limit must end: %v", err)
		}
		if msgs, _ := convAsOps(t, w, c.Conv, ""); len(msgs) > 2*limit+1 {
			t.Fatalf("re-assignments stored %d messages (hard bound %d)", len(msgs), 2*limit)
		}
	})
}

// A hello, an assigned frame, a sync and GET /api/conversations carry one
// page of a chat's history, however long the chat; the history frame and
// ?before= give the older pages, each message once and in order.
func TestSnapshotsArePaged(t *testing.T) {
	const pageBytes = 1024
	w := newWorldWith(t, func(o *server.Options) {
		o.Limits.HistoryBytes, o.Limits.FramesPerSecond, o.Limits.FrameBurst = pageBytes, 1e6, 1e6
	})
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	for i := range 20 {
		if err := c.Say(fmt.Sprintf("第%02d条 %s", i, strings.Repeat("长", 100))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.WaitMessage(w.ctx, conv.ID, "customer", func(s string) bool { return strings.HasPrefix(s, "第19条") }); err != nil {
		t.Fatal(err)
	}
	small := func(what string, msgs []any, more any) {
		t.Helper()
		size := 0
		for _, m := range msgs {
			size += len(field(m.(map[string]any), "text"))
		}
		if size > pageBytes || more != true || len(msgs) == 0 {
			t.Fatalf("%s: %d messages, %d bytes of text, more=%v; want one page of at most %d bytes and more", what, len(msgs), size, more, pageBytes)
		}
	}
	seqsOf := func(page []any) []int {
		var out []int
		for _, m := range page {
			out = append(out, int(m.(map[string]any)["seq"].(float64)))
		}
		return out
	}
	// pageBack reads the older pages with history frames on r and returns
	// every msg_seq seen, oldest first.
	ref := 1000
	pageBack := func(r *raw, conv string, first []any) []int {
		seqs := seqsOf(first)
		for {
			ref++
			r.send(fmt.Sprintf(`{"type":"history","seq":%d,"conv":%q,"before":%d}`, ref, conv, seqs[0]))
			f, _ := r.wait(0, func(f map[string]any) bool { return f["type"] == "history" && f["ref"] == float64(ref) })
			page, _ := f["messages"].([]any)
			seqs = append(seqsOf(page), seqs...)
			if f["more"] != true {
				return seqs
			}
		}
	}
	want := messageSeqs(t, w, conv.ID)
	if len(want) < 20 {
		t.Fatalf("the chat's messages: %v", want)
	}

	// The customer's hello on a new socket of the chat.
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	cr := dialRaw(t, w, customerPath(e.URL)+"&conv="+c.Conv+"&key="+customerKey(t, c), nil)
	hello, _ := cr.wait(0, typed("hello"))
	if hello["conv"] != c.Conv {
		t.Fatalf("joined %v, want %s", hello["conv"], c.Conv)
	}
	msgs, _ := hello["messages"].([]any)
	small("customer hello", msgs, hello["more"])
	if got := pageBack(cr, "", msgs); !slices.Equal(got, want) {
		t.Fatalf("customer's pages: %v\nwant %v", got, want)
	}

	// The agent's sync and assigned.
	ar := dialRaw(t, w, "/ws/agent", agentCookie(t, w, "A-a1"))
	hello, n := ar.wait(0, typed("hello"))
	hc := hello["conversations"].([]any)[0].(map[string]any)
	small("agent hello", hc["messages"].([]any), hc["more"])
	if got := pageBack(ar, conv.ID, hc["messages"].([]any)); !slices.Equal(got, want) {
		t.Fatalf("agent's pages: %v\nwant %v", got, want)
	}
	ar.send(`{"type":"status","seq":5001,"id":"p-1","status":"离线"}`)
	ar.send(`{"type":"status","seq":5002,"id":"p-2","status":"在线"}`)
	as, _ := ar.wait(n, typed("assigned"))
	av := as["conv"].(map[string]any)
	small("assigned", av["messages"].([]any), av["more"])

	// HTTP: the agent's open chats, and a chat by pages.
	var open []struct {
		Messages []actors.ChatMessage `json:"messages"`
		More     bool                 `json:"more"`
	}
	if err := a.API(w.ctx, http.MethodGet, "/api/conversations", nil, &open); err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || !open[0].More || len(open[0].Messages) >= len(want) {
		t.Fatalf("GET /api/conversations: %+v", open)
	}
	want = messageSeqs(t, w, conv.ID) // with the welcome of the re-assignment
	var seqs []int
	for before := ""; ; {
		msgs, more := convAsOps(t, w, conv.ID, before)
		for i := len(msgs) - 1; i >= 0; i-- {
			seqs = append([]int{msgs[i].Seq}, seqs...)
		}
		if !more {
			break
		}
		before = fmt.Sprintf("?before=%d", msgs[0].Seq)
	}
	if !slices.Equal(seqs, want) {
		t.Fatalf("GET /api/conversations/{id}?before= pages: %v\nwant %v", seqs, want)
	}
}

// messageSeqs lists the msg_seq of conv's messages from the event log.
func messageSeqs(t *testing.T, w *world, conv string) []int {
	t.Helper()
	evs, err := w.ops.Events(w.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range evs {
		if e.Type == wb.EvMessage && e.Conv == conv {
			out = append(out, e.MsgSeq)
		}
	}
	return out
}

// customerKey is the resume key from the customer's hello.
func customerKey(t *testing.T, c *actors.Customer) string {
	t.Helper()
	for _, f := range c.Frames() {
		if f.Type == "hello" && f.Key != "" {
			return f.Key
		}
	}
	t.Fatal("no key in the customer's hello")
	return ""
}

// agentCookie signs login in and returns its cookie header.
func agentCookie(t *testing.T, w *world, login string) http.Header {
	t.Helper()
	resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"`+login+`","password":"`+pw+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v %v", login, resp, err)
	}
	resp.Body.Close()
	return http.Header{"Cookie": {resp.Cookies()[0].String()}}
}

// A slow reader's send queue is bounded in bytes too: syncs of a long chat
// (one page each) cut the socket with 1013 long before the frame bound.
func TestSendQueueBoundedInBytes(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) {
		o.Limits.SendQueue, o.Limits.SendQueueBytes = 1e6, 256<<10
		o.Limits.FramesPerSecond, o.Limits.FrameBurst = 1e6, 1e6
		o.Limits.Hellos, o.Limits.HelloBurst = 1e6, 1e6
	})
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	long := strings.Repeat("长", wb.MaxTextLen)
	for range 30 { // 30 × 6 kB: a hello holds a 64 KiB page of it
		if err := c.Say(long); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.WaitMessage(w.ctx, conv.ID, "customer", nil); err != nil {
		t.Fatal(err)
	}
	ws := signedInDial(t, w, "A-a1", "")
	for i := range 200 { // 200 pages of 64 KiB: 13 MB, far past socket buffers
		if err := ws.WriteJSON(map[string]any{"type": "sync", "seq": i + 1}); err != nil {
			break
		}
	}
	// The status frame after them marks, in the event log, that the
	// server has read every sync (a slow reader's frames are still
	// applied) without the client reading one.
	_ = ws.WriteJSON(map[string]any{"type": "status", "seq": 201, "id": "st-slow", "status": "小休"})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		evs, _ := w.ops.Events(w.ctx, 0)
		if slices.ContainsFunc(evs, func(e wb.Event) bool {
			return e.Type == wb.EvAgentStatus && e.Agent == "A-a1" && e.Status == wb.StatusBreak
		}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not read the 200 syncs within 60 s")
		}
	}
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
				t.Fatalf("slow reader: %v, want close 1013", err)
			}
			return
		}
	}
}

// A chat keeps at most ChatLogBytes of frames for resume: a resume from
// before them gets a snapshot, not a replay.
func TestChatLogBoundedInBytes(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) { o.Limits.ChatLogBytes = 4096 })
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	c.Drop()
	for i := range 12 { // 12 × 600 bytes of text
		if err := a.Reply(conv.ID, fmt.Sprintf("第%d条%s", i, strings.Repeat("长", 200))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.WaitMessage(w.ctx, conv.ID, "agent", func(s string) bool { return strings.HasPrefix(s, "第11条") }); err != nil {
		t.Fatal(err)
	}
	if err := c.Reconnect(w.ctx); err != nil {
		t.Fatal(err)
	}
	hello, _, err := c.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return f.Type == "hello" && f.CSeq > 1 })
	w.must(hello, err)
	if hello.Resumed {
		t.Fatalf("a resume from before the kept 4 kB of frames was replayed: %s", hello.Raw)
	}
}
