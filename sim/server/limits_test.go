package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// wantLimitFrame waits for an error frame with code limit naming limit.
func wantLimitFrame(t *testing.T, ctx context.Context, wait func(context.Context, func(actors.Frame) bool) error, limit string) {
	t.Helper()
	if err := wait(ctx, func(f actors.Frame) bool {
		return f.Type == "error" && f.Code == "limit" && strings.Contains(f.Message, limit)
	}); err != nil {
		t.Fatalf("no error frame naming the limit %q: %v", limit, err)
	}
}

func custWait(c *actors.Customer) func(context.Context, func(actors.Frame) bool) error {
	return func(ctx context.Context, m func(actors.Frame) bool) error {
		_, _, err := c.WaitFrame(ctx, 0, m)
		return err
	}
}

func wantStatus(t *testing.T, err error, status int, limit string) {
	t.Helper()
	var api *actors.APIError
	if !errors.As(err, &api) || api.Status != status || !strings.Contains(api.Message, limit) {
		t.Fatalf("want HTTP %d naming %q, got %v", status, limit, err)
	}
}

// Each limit of docs/protocol.md "Limits", exceeded, answers with an error
// frame or an HTTP status that names it.
func TestLimits(t *testing.T) {
	t.Run("messages per chat", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.ChatMessages = 3 })
		c := w.customer("A")
		for range 4 {
			if err := c.Say("你好"); err != nil {
				t.Fatal(err)
			}
		}
		wantLimitFrame(t, w.ctx, custWait(c), "messages per chat")
	})
	t.Run("text per chat", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.ChatText = 10 })
		c := w.customer("A")
		if err := c.Say(strings.Repeat("长", 11)); err != nil {
			t.Fatal(err)
		}
		wantLimitFrame(t, w.ctx, custWait(c), "text per chat")
	})
	t.Run("frames per second", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.FramesPerSecond, o.Limits.FrameBurst = 1, 3 })
		c := w.customer("A")
		for range 10 {
			if err := c.Say("多久到账?"); err != nil {
				t.Fatal(err)
			}
		}
		wantLimitFrame(t, w.ctx, custWait(c), "frames per second")
	})
	t.Run("chats per entry token", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.ChatsPerToken = 2 })
		e, err := w.ops.Entry(w.ctx, "A", "", "")
		w.must(e, err)
		for range 2 {
			c, err := actors.Enter(w.ctx, e.URL)
			w.must(c, err)
			t.Cleanup(func() { c.Close() })
		}
		_, err = actors.Enter(w.ctx, e.URL)
		wantStatus(t, err, http.StatusTooManyRequests, "chats per entry token")
	})
	t.Run("sockets per agent", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.SocketsPerAgent = 2 })
		signedInDial(t, w, "A-a1", "")
		signedInDial(t, w, "A-a1", "")
		a := actors.NewAgent(w.base, "A-a1")
		w.must(a.SignIn(w.ctx, pw))
		err := a.Reconnect(w.ctx)
		wantStatus(t, err, http.StatusTooManyRequests, "sockets per agent")
	})
	t.Run("sockets per chat", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.SocketsPerChat = 1 })
		cu, err := w.ops.CreateTestCustomer(w.ctx, "测试买家")
		w.must(cu, err)
		e, err := w.ops.Entry(w.ctx, "A", cu.ID, "")
		w.must(e, err)
		c, err := actors.Enter(w.ctx, e.URL)
		w.must(c, err)
		t.Cleanup(func() { c.Close() })
		u := "ws" + strings.TrimPrefix(w.base, "http") + "/ws/customer?" + strings.SplitN(e.URL, "?", 2)[1] + "&conv=" + c.Conv
		_, resp, err := websocket.DefaultDialer.Dial(u, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("second socket on a chat limited to one: %v %v", resp, err)
		}
	})
	t.Run("login failures per login", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.LoginFailures = 2 })
		a := actors.NewAgent(w.base, "A-a1")
		for range 2 {
			_, err := a.SignIn(w.ctx, "wrong")
			wantAPIError(t, err, 401, "wrong login or password", "")
		}
		_, err := a.SignIn(w.ctx, pw) // even the right password waits
		wantStatus(t, err, http.StatusTooManyRequests, "login failures per login")
		w.clock.Advance(time.Minute)
		w.must(a.SignIn(w.ctx, pw))
	})
	t.Run("logins in progress", func(t *testing.T) {
		// A slower hash (cost 8, milliseconds) keeps the first login
		// in progress while the others arrive; one may wait, the rest are
		// refused at once instead of queueing without bound.
		w := newWorldWith(t, func(o *server.Options) {
			o.HashCost = 8
			o.Limits.HashQueue = 1
		})
		const n = 8
		codes := make(chan int, n)
		for range n {
			go func() {
				resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"A-a1","password":"`+pw+`"}`))
				if err != nil {
					codes <- 0
					return
				}
				defer resp.Body.Close()
				var body strings.Builder
				_, _ = io.Copy(&body, resp.Body)
				if resp.StatusCode == http.StatusTooManyRequests && !strings.Contains(body.String(), "logins in progress") {
					codes <- -1
					return
				}
				codes <- resp.StatusCode
			}()
		}
		var ok, refused int
		for range n {
			switch c := <-codes; c {
			case http.StatusOK:
				ok++
			case http.StatusTooManyRequests:
				refused++
			default:
				t.Fatalf("a login answered %d; want 200, or 429 naming logins in progress", c)
			}
		}
		if ok == 0 || refused == 0 {
			t.Fatalf("%d logins passed, %d refused: want the queue bound to refuse some and let some through", ok, refused)
		}
	})
	t.Run("logins per address", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.LoginsPerAddress = 3 })
		a := actors.NewAgent(w.base, "A-a1")
		for range 5 { // logins that work use none of the address's budget
			w.must(a.SignIn(w.ctx, pw))
		}
		for i := range 3 {
			_, err := actors.NewAgent(w.base, fmt.Sprintf("nobody%d", i)).SignIn(w.ctx, pw)
			wantAPIError(t, err, 401, "wrong login or password", "")
		}
		resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"A-a2","password":"`+pw+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("a login after 3 failures from one address: %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
	t.Run("ended chats released", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.EndedChats = 2 })
		var ids []string
		for range 4 {
			c := w.customer("A")
			ids = append(ids, c.Conv)
			if err := c.Leave(); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
				t.Fatal(err)
			}
		}
		var out any
		wantAPIError(t, w.ops.API(w.ctx, http.MethodGet, "/api/conversations/"+ids[0], nil, &out), 404, "not found", "")
		if err := w.ops.API(w.ctx, http.MethodGet, "/api/conversations/"+ids[3], nil, &out); err != nil {
			t.Fatalf("the newest ended chat is kept: %v", err)
		}
	})
	t.Run("event history", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.Events = 20 })
		w.closed = true // the whole log is gone on purpose
		t.Cleanup(func() { w.srv.Close() })
		for range 5 {
			c := w.customer("A")
			if err := c.Say("多久到账?"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.WaitMessage(w.ctx, 0, "bot", func(s string) bool { return s == "24小时内" }); err != nil {
				t.Fatal(err)
			}
		}
		_, err := w.ops.Events(w.ctx, 0)
		wantAPIError(t, err, http.StatusGone, "gone", "")
	})
	t.Run("sessions", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.Sessions = 2 }) // ops holds one
		a1 := actors.NewAgent(w.base, "A-a1")
		w.must(a1.SignIn(w.ctx, pw))
		a2 := actors.NewAgent(w.base, "A-a2")
		w.must(a2.SignIn(w.ctx, pw)) // the oldest session, ops', ends
		var out any
		wantAPIError(t, w.ops.API(w.ctx, http.MethodGet, "/api/me", nil, &out), 401, "no session", "")
		w.must(a1.Me(w.ctx))
		w.must(w.ops.SignIn(w.ctx, pw)) // now a1's ends
		_, err := a1.Me(w.ctx)
		wantAPIError(t, err, 401, "no session", "")
	})
	t.Run("chat frames kept", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.ChatFrames = 5 })
		a := w.agent("A-a1")
		c, conv := w.transferred("A", a)
		c.Drop()
		for i := range 6 {
			if err := a.Reply(conv.ID, fmt.Sprintf("第%d条", i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.WaitMessage(w.ctx, conv.ID, "agent", func(s string) bool { return s == "第5条" }); err != nil {
			t.Fatal(err)
		}
		if err := c.Reconnect(w.ctx); err != nil {
			t.Fatal(err)
		}
		hello, _, err := c.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return f.Type == "hello" && f.CSeq > 1 })
		w.must(hello, err)
		if hello.Resumed || len(hello.Messages) == 0 || hello.Messages[len(hello.Messages)-1].Text != "第5条" {
			t.Fatalf("a resume from before the kept frames must get the whole chat: %s", hello.Raw)
		}
	})
	t.Run("send queue", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) {
			o.Limits.SendQueue, o.Limits.FramesPerSecond, o.Limits.FrameBurst = 8, 1e6, 1e6
			o.Limits.Hellos, o.Limits.HelloBurst = 1e6, 1e6
		})
		a := w.agent("A-a1")
		c, _ := w.transferred("A", a)
		long := strings.Repeat("长", wb.MaxTextLen)
		for range 40 { // a chat of 40 × 6 kB
			mark := c.Mark()
			if err := c.Say(long); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.WaitMessage(w.ctx, mark, "customer", nil); err != nil {
				t.Fatal(err)
			}
		}
		ws := signedInDial(t, w, "A-a1", "")
		// 100 syncs answer 24 MB, more than the socket buffers and the
		// queue hold. The status frame after them marks, in the event log,
		// that the server has handled every sync without the client reading
		// one: a timing-free sign that the queue overflowed. Reading before
		// that (a sleep on a loaded machine) could keep up with the server.
		for i := range 100 {
			if err := ws.WriteJSON(map[string]any{"type": "sync", "seq": i + 1}); err != nil {
				break
			}
		}
		_ = ws.WriteJSON(map[string]any{"type": "status", "seq": 101, "id": "st-slow", "status": "小休"})
		ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
		defer cancel()
		for ctx.Err() == nil {
			evs, _ := w.ops.Events(ctx, 0)
			if slices.ContainsFunc(evs, func(e wb.Event) bool {
				return e.Type == wb.EvAgentStatus && e.Agent == "A-a1" && e.Status == wb.StatusBreak
			}) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		ws.SetReadDeadline(time.Now().Add(20 * time.Second))
		for {
			_, _, err := ws.ReadMessage()
			if err != nil {
				if !websocket.IsCloseError(err, websocket.CloseTryAgainLater) || !strings.Contains(err.Error(), "send queue") {
					t.Fatalf("slow reader: %v, want close 1013 naming the send queue", err)
				}
				return
			}
		}
	})
}
