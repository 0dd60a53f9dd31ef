package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// fastPings: a silent socket is found after 1 s instead of 25 s (long
// enough for a healthy client on a loaded machine to answer in time).
func fastPings(o *server.Options) {
	o.PingPeriod, o.PongWait = 200*time.Millisecond, time.Second
}

// signedInDial opens a raw agent socket with login's session, for clients
// that misbehave on purpose.
func signedInDial(t *testing.T, w *world, login, query string) *websocket.Conn {
	t.Helper()
	resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"`+login+`","password":"`+pw+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v %v", login, resp, err)
	}
	resp.Body.Close()
	h := http.Header{"Cookie": {resp.Cookies()[0].String()}}
	ws, _, err := websocket.DefaultDialer.DialContext(w.ctx, "ws"+strings.TrimPrefix(w.base, "http")+"/ws/agent"+query, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// A workbench that stops answering pings (a laptop asleep) is closed after
// PongWait; the agent keeps 在线 for the grace of D-WS-1, then goes 离线
// and the chat goes back to the queue (D-ROUTE-2).
func TestSilentAgentGoesOffline(t *testing.T) {
	w := newWorldWith(t, fastPings)
	ws := signedInDial(t, w, "A-a1", "")
	ws.SetPingHandler(func(string) error { return nil }) // asleep: no pongs
	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				closed <- err
				return
			}
		}
	}()
	probe := actors.NewAgent(w.base, "A-a1")
	w.must(probe.SignIn(w.ctx, pw))
	w.must(probe.SetStatus(w.ctx, "在线"))
	c := w.customer("A")
	if err := c.Say(wb.TransferText); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitState(w.ctx, 0, "assigned"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-w.ctx.Done():
		t.Fatal("the server kept a socket that answers no pings")
	}
	if acc, _ := probe.Me(w.ctx); acc.Status != "在线" {
		t.Fatalf("D-WS-1: status %s right after the socket went silent, want 在线 during the grace", acc.Status)
	}
	w.clock.Advance(31 * time.Second)
	if _, _, err := c.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return f.Type == "state" && f.Reason == wb.ReasonAgentOffline }); err != nil {
		t.Fatalf("D-ROUTE-2: the chat of a silent agent was not re-queued: %v", err)
	}
	if acc, _ := probe.Me(w.ctx); acc.Status != "离线" {
		t.Fatalf("R-WB-2: silent agent is %s after the grace, want 离线", acc.Status)
	}
}

// A client that answers pings but sends nothing is never dropped.
func TestQuietHealthyClientStays(t *testing.T) {
	w := newWorldWith(t, fastPings)
	a := w.agent("A-a1")
	c := w.customer("A")
	time.Sleep(5 * time.Second) // five PongWaits of silence
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx); err != nil {
		t.Fatalf("a quiet customer was dropped: %v", err)
	}
	if err := c.Say(wb.TransferText); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.WaitAssigned(ctx); err != nil {
		t.Fatalf("a quiet agent was dropped: %v", err)
	}
}
