package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
)

func wantAPIError(t *testing.T, err error, status int, code, rule string) {
	t.Helper()
	var api *actors.APIError
	if !errors.As(err, &api) {
		t.Fatalf("want HTTP %d %s, got %v", status, code, err)
	}
	if api.Status != status || api.Err != code || (rule != "" && api.Rule != rule) {
		t.Fatalf("want HTTP %d %q %s, got %d %q %s (%s)", status, code, rule, api.Status, api.Err, api.Rule, api.Message)
	}
	if api.Message == "" {
		t.Fatalf("refusal without a reason for people: %+v", api)
	}
}

// A tampered, expired or other-vendor entry token is refused with its
// reason, on the bot page and on the customer socket (R-RT-3).
func TestEntryTokenRefusals(t *testing.T) {
	w := newWorld(t)
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	u, _ := url.Parse(e.URL)
	q := u.Query()
	tok := q.Get("t")
	dot := strings.Index(tok, ".")
	sig := []byte(tok)
	sig[dot+1] = map[bool]byte{true: 'B', false: 'A'}[sig[dot+1] == 'A'] // first signature char: whole bits
	tampered := string(sig)
	payloadSwap := "eyJ2IjoiQiIsImV4cCI6OTk5OTk5OTk5OX0" + tok[dot:] // {"v":"B",...} with A's signature
	link := func(v, t string) string {
		return w.base + "/bot?" + url.Values{"v": {v}, "t": {t}}.Encode()
	}
	cases := []struct {
		name, url, reason string
	}{
		{"tampered signature", link("A", tampered), "tampered"},
		{"payload for another vendor with A's signature", link("B", payloadSwap), "tampered"},
		{"no dot", link("A", "garbage"), "tampered"},
		{"token of A on B's page", link("B", tok), "wrong vendor"},
	}
	for _, tc := range cases {
		t.Run("R-RT-3 "+tc.name, func(t *testing.T) {
			_, err := actors.Enter(w.ctx, tc.url)
			wantAPIError(t, err, http.StatusForbidden, tc.reason, "R-RT-3")
			wsURL := "ws" + strings.TrimPrefix(w.base, "http") + "/ws/customer?" + strings.SplitN(tc.url, "?", 2)[1]
			_, resp, err := websocket.DefaultDialer.Dial(wsURL, nil)
			if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("customer socket with %s: %v %v", tc.name, resp, err)
			}
		})
	}
	t.Run("R-RT-3 expired", func(t *testing.T) {
		if _, err := actors.Enter(w.ctx, e.URL); err != nil {
			t.Fatalf("fresh token refused: %v", err)
		}
		w.clock.Advance(time.Hour)
		_, err := actors.Enter(w.ctx, e.URL)
		wantAPIError(t, err, http.StatusForbidden, "expired", "R-RT-3")
	})
}

// Agents cannot read or write another department's or tenant's chats or
// Service Insight (R-KPI-2, R-TEN-1, D-ACL-1); operations-only routes are
// refused to agents.
func TestAccessControl(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	b := w.agent("B-a1")
	_, convA := w.transferred("A", a)
	ctx := w.ctx
	var out any
	wantAPIError(t, b.API(ctx, http.MethodGet, "/api/conversations/"+convA.ID, nil, &out), 403, "forbidden", "R-KPI-2")
	if err := a.API(ctx, http.MethodGet, "/api/conversations/"+convA.ID, nil, &out); err != nil {
		t.Fatalf("the handling agent reads its chat: %v", err)
	}
	adminB := actors.NewAgent(w.base, "B-admin")
	w.must(adminB.SignIn(ctx, pw))
	wantAPIError(t, adminB.API(ctx, http.MethodGet, "/api/conversations/"+convA.ID, nil, &out), 403, "forbidden", "R-KPI-2")
	wantAPIError(t, adminB.API(ctx, http.MethodGet, "/api/insight?department=部门-A", nil, &out), 403, "forbidden", "R-KPI-2")
	if err := adminB.API(ctx, http.MethodGet, "/api/insight?department=部门-B", nil, &out); err != nil {
		t.Fatalf("R-KPI-2: a department admin reads its own Service Insight: %v", err)
	}
	wantAPIError(t, a.API(ctx, http.MethodGet, "/api/insight?department=部门-A", nil, &out), 403, "forbidden", "R-KPI-2")
	wantAPIError(t, b.API(ctx, http.MethodGet, "/api/departments/部门-A/agents", nil, &out), 403, "forbidden", "R-KPI-2")
	wantAPIError(t, a.API(ctx, http.MethodGet, "/api/events", nil, &out), 403, "forbidden", "")
	wantAPIError(t, a.API(ctx, http.MethodPost, "/api/test-customers", map[string]string{"name": "x"}, &out), 403, "forbidden", "R-RT-1")
	wantAPIError(t, a.API(ctx, http.MethodPut, "/api/agents/A-a1/capacity", map[string]int{"capacity": 6}, &out), 403, "forbidden", "R-CAP-1")
	// writing into another department's chat over the socket is refused too
	if err := b.Reply(convA.ID, "我不是你的客服"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitFrame(ctx, func(f actors.Frame) bool { return f.Type == "error" && f.Code == "forbidden" }); err != nil {
		t.Fatalf("agent wrote into another department's chat: %v", err)
	}
	// another tenant: 马上上班 is the 404 of R-TEN-1, and no chats are readable
	tb := actors.NewAgent(w.base, "A-tb")
	w.must(tb.SignIn(ctx, pw))
	_, err := tb.SetStatus(ctx, "在线")
	wantAPIError(t, err, 404, "404 page not found", "R-TEN-1")
	wantAPIError(t, tb.API(ctx, http.MethodGet, "/api/conversations/"+convA.ID, nil, &out), 404, "404 page not found", "R-TEN-1")
	// no session at all
	anon := actors.NewAgent(w.base, "nobody")
	wantAPIError(t, anon.API(ctx, http.MethodGet, "/api/me", nil, &out), 401, "no session", "")
	_, err = anon.SignIn(ctx, "wrong")
	wantAPIError(t, err, 401, "wrong login or password", "")
	// capacity by operations: above 1V6 accepted with a warning (R-CAP-1)
	var capOut struct {
		Capacity int
		Warning  string
	}
	if err := w.ops.API(ctx, http.MethodPut, "/api/agents/A-a1/capacity", map[string]int{"capacity": 7}, &capOut); err != nil || capOut.Warning == "" {
		t.Fatalf("R-CAP-1: capacity 7 by operations: %+v %v", capOut, err)
	}
}

// An agent who reloads the workbench gets every customer message exactly
// once and in order: the hello carries the history, later ones come as
// message frames (DESIGN.md wire protocol).
func TestAgentReconnectExactlyOnce(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"一", "二"} {
		if err := c.Say(s); err != nil {
			t.Fatal(err)
		}
	}
	// the two messages are in the core before the agent comes back
	waitEvents(t, w, func(n int) bool { return n >= 2 }, conv.ID)
	a2 := actors.NewAgent(w.base, "A-a1")
	w.must(a2.SignIn(w.ctx, pw))
	if err := a2.Connect(w.ctx); err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	if err := c.Say("三"); err != nil {
		t.Fatal(err)
	}
	if _, err := a2.WaitMessage(w.ctx, conv.ID, "customer", func(s string) bool { return s == "三" }); err != nil {
		t.Fatal(err)
	}
	seqs := customerSeqs(a2.Frames(), conv.ID)
	if len(seqs) != 4 { // 转人工, 一, 二, 三
		t.Fatalf("customer messages seen after reconnect: %v, want 4 distinct", seqs)
	}
	for s, n := range seqs {
		if n != 1 {
			t.Fatalf("msg_seq %d delivered %d times", s, n)
		}
	}
	me, err := a2.Me(w.ctx)
	if err != nil || me.Status != "在线" || me.Load != 1 {
		t.Fatalf("a reload within the grace keeps status and chats: %+v %v", me, err)
	}
}

// waitEvents waits until conv has n customer messages in the event log.
func waitEvents(t *testing.T, w *world, ok func(int) bool, conv string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		evs, err := w.ops.Events(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Conv == conv && e.Type == "message" && e.Sender == "customer" && e.Text != "转人工" {
				n++
			}
		}
		if ok(n) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("events did not arrive")
}

// An agent whose workbench stays closed past the grace goes 离线; the chat
// goes to the head of the queue and the next agent gets the whole history,
// each customer message exactly once (R-WB-2, D-ROUTE-2).
func TestGraceOverRequeuesToNextAgent(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	if err := c.Say("还在吗"); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, w, func(n int) bool { return n >= 1 }, conv.ID)
	pending := w.clock.Pending()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b := w.agent("A-a2")
	// the server has seen the close once the grace timer is pending
	for deadline := time.Now().Add(10 * time.Second); w.clock.Pending() == pending; {
		if time.Now().After(deadline) {
			t.Fatal("no grace timer after the agent's socket closed")
		}
		time.Sleep(time.Millisecond)
	}
	w.clock.Advance(31 * time.Second)
	got, _, err := b.WaitAssigned(w.ctx)
	if err != nil || got.ID != conv.ID {
		t.Fatalf("D-ROUTE-2: next agent got %+v, %v", got, err)
	}
	if err := c.Say("换人了吗"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitMessage(w.ctx, conv.ID, "customer", func(s string) bool { return s == "换人了吗" }); err != nil {
		t.Fatal(err)
	}
	for s, n := range customerSeqs(b.Frames(), conv.ID) {
		if n != 1 {
			t.Fatalf("msg_seq %d delivered %d times to the next agent", s, n)
		}
	}
	if n := len(customerSeqs(b.Frames(), conv.ID)); n != 3 {
		t.Fatalf("next agent saw %d customer messages, want 3", n)
	}
	view, err := w.ops.RouterView(w.ctx, "部门-A")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range view {
		if v.Login == "A-a1" && v.Status != "离线" {
			t.Fatalf("R-WB-2: A-a1 is %s after the grace, want 离线", v.Status)
		}
	}
}

// Answers are what docs/protocol.md says: empty lists are [], an unknown
// department is 404, JSON is not HTML-escaped, live messages name the
// agent only on the agent's own lines, error frames carry the reason alone.
func TestAnswerShapes(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	var raw []byte
	if err := a.API(w.ctx, http.MethodGet, "/api/quick-replies", nil, &raw); err != nil || strings.TrimSpace(string(raw)) != "[]" {
		t.Fatalf("no quick replies: %q %v", raw, err)
	}
	var out any
	wantAPIError(t, w.ops.API(w.ctx, http.MethodGet, "/api/departments/nope/agents", nil, &out), 404, "not found", "R-VEN-3")
	if err := w.ops.API(w.ctx, http.MethodPost, "/api/entry", map[string]string{"vendor": "A"}, &raw); err != nil || strings.Contains(string(raw), `\u0026`) {
		t.Fatalf("entry answer HTML-escaped: %s %v", raw, err)
	}
	c, conv := w.transferred("A", a)
	if err := c.Say("你好"); err != nil {
		t.Fatal(err)
	}
	if err := a.Reply(conv.ID, "在的"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "agent", nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range c.Frames() {
		if f.Type == "message" && (f.Sender == "agent") != (len(f.Agent) > 0) {
			t.Fatalf("message frame names the agent only on agent lines: %s", f.Raw)
		}
	}
	if err := a.Reply("c999", "x"); err != nil {
		t.Fatal(err)
	}
	f, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "error" })
	if err != nil || f.Code != "not found" || strings.HasPrefix(f.Message, f.Code+":") {
		t.Fatalf("error frame %s %v", f.Raw, err)
	}
	var cv struct {
		State     string   `json:"state"`
		HandledBy []string `json:"handled_by"`
	}
	if err := a.CloseChat(conv.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
		t.Fatal(err)
	}
	if err := w.ops.API(w.ctx, http.MethodGet, "/api/conversations/"+conv.ID, nil, &cv); err != nil || cv.State != "ended" || len(cv.HandledBy) != 1 || cv.HandledBy[0] != "A-a1" {
		t.Fatalf("an ended chat still says who served it: %+v %v", cv, err)
	}
}
