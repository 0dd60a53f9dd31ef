package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/actors"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

const clockSecret = "0123456789abcdef0123456789abcdef"

// newClockWorld is newWorld on a workbench started for a script run: the
// clock-control routes with this run's secret.
func newClockWorld(t *testing.T) *world {
	return newWorldWith(t, func(o *server.Options) {
		o.ClockControl = &server.ClockControl{Clock: o.Clock.(*clock.Virtual), Secret: clockSecret}
	})
}

func clockRequest(t *testing.T, base, method, secret, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+"/api/clock", strings.NewReader(body))
	if secret != "" {
		req.Header.Set(server.ClockSecretHeader, secret)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// A workbench has the clock-control routes only when started for a script
// run (D-SCR-2): newWorld's server, like serve's and run's, answers them
// with a plain 404, as for a route that does not exist.
func TestClockControlOnlyWhenStartedForScripts(t *testing.T) {
	w := newWorld(t)
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		code, body := clockRequest(t, w.base, m, clockSecret, `{"advance":"5m"}`)
		if code != http.StatusNotFound || !strings.Contains(body, "404 page not found") {
			t.Errorf("%s /api/clock without ClockControl = %d %q, want 404", m, code, body)
		}
	}
	before := w.clock.Now()
	if !w.clock.Now().Equal(before) {
		t.Fatal("the clock moved")
	}
	// run's bundled workbench (real-speed clock) has none either
	b, err := routetest.Bundled(fixtures.Demo(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if code, _ := clockRequest(t, b.URL, http.MethodPost, clockSecret, `{"advance":"5m"}`); code != http.StatusNotFound {
		t.Errorf("run's bundled workbench: POST /api/clock = %d, want 404", code)
	}
}

// Only this run's secret moves the clock; a browser page of another
// origin may not either.
func TestClockControlNeedsTheRunsSecret(t *testing.T) {
	w := newClockWorld(t)
	start := w.clock.Now()
	for _, secret := range []string{"", "wrong", clockSecret[:31], clockSecret + "x"} {
		code, body := clockRequest(t, w.base, http.MethodPost, secret, `{"advance":"5m"}`)
		if code != http.StatusForbidden || !strings.Contains(body, "D-SCR-2") {
			t.Errorf("secret %q: %d %q, want 403 naming D-SCR-2", secret, code, body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, w.base+"/api/clock", strings.NewReader(`{"advance":"5m"}`))
	req.Header.Set(server.ClockSecretHeader, clockSecret)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /api/clock = %d, want 403", resp.StatusCode)
	}
	if !w.clock.Now().Equal(start) {
		t.Fatalf("a refused request moved the clock to %s", w.clock.Now())
	}
	code, body := clockRequest(t, w.base, http.MethodPost, clockSecret, `{"advance":"5m"}`)
	var st server.ClockState
	if code != http.StatusOK || json.Unmarshal([]byte(body), &st) != nil || !st.Now.Equal(start.Add(5*time.Minute)) {
		t.Fatalf("with the secret: %d %q, want the clock at %s", code, body, start.Add(5*time.Minute))
	}
	if code, _ := clockRequest(t, w.base, http.MethodPost, clockSecret, `{"advance":"-1m"}`); code != http.StatusBadRequest {
		t.Errorf("a negative advance = %d, want 400", code)
	}
}

// Moving the clock fires the core's timers as real ones fire, under the
// server's lock: R-IDLE-1's warning at 4 minutes and the end at 5 reach
// the customer, while the customer's socket is busy (go test -race). With
// next, a move stops at the first instant that had timers due.
func TestClockControlFiresTheIdleTimers(t *testing.T) {
	w := newClockWorld(t)
	k := actors.NewClockControl(w.base, clockSecret)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	if err := a.Reply(conv.ID, "请问订单号？"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "agent", nil); err != nil {
		t.Fatal(err)
	}
	start := w.clock.Now()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // the customer's page pings meanwhile
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(w.ctx, time.Second)
			c.Ping(ctx)
			cancel()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	st, err := k.RunUntil(w.ctx, start.Add(10*time.Minute), true)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Now.Equal(start.Add(wb.IdleWarnAfter)) || st.Fired != 1 {
		t.Errorf("next: clock at %s after %d instants, want the warning's instant %s", st.Now, st.Fired, start.Add(wb.IdleWarnAfter))
	}
	if _, _, err := c.WaitMessage(w.ctx, 0, "system", func(s string) bool { return s == wb.IdleWarningText }); err != nil {
		t.Fatalf("idle warning: %v", err)
	}
	if _, err := k.RunUntil(w.ctx, start.Add(10*time.Minute), false); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if _, _, err := c.WaitState(w.ctx, 0, "ended"); err != nil {
		t.Fatalf("idle close: %v", err)
	}
	f, err := a.WaitFrame(w.ctx, func(f actors.Frame) bool { return f.Type == "ended" })
	if err != nil || f.Reason != wb.ReasonIdleTimeout {
		t.Fatalf("agent: %v %+v, want ended idle_timeout", err, f)
	}
	if now := w.clock.Now(); !now.Equal(start.Add(10 * time.Minute)) {
		t.Errorf("clock at %s, want %s", now, start.Add(10*time.Minute))
	}
}

// The clock's state counts open sockets: a script waits until the
// workbench has seen a page drop before it lets the grace run.
func TestClockControlCountsSockets(t *testing.T) {
	w := newClockWorld(t)
	k := actors.NewClockControl(w.base, clockSecret)
	w.agent("A-a1")
	c := w.customer("A")
	st, err := k.State(w.ctx)
	if err != nil || st.Sockets != 2 {
		t.Fatalf("sockets %d (%v), want 2", st.Sockets, err)
	}
	c.Drop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err = k.State(w.ctx)
		if err == nil && st.Sockets == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sockets %d (%v) after a drop, want 1", st.Sockets, err)
		}
		time.Sleep(time.Millisecond)
	}
	if st.Next == nil {
		t.Fatal("no timer pending after the drop: the customer's grace (D-WS-2) is not on the clock")
	}
}

// The header the actors send is the server's.
func TestClockSecretHeaderName(t *testing.T) {
	if server.ClockSecretHeader != "X-Routecheck-Clock" {
		t.Fatalf("ClockSecretHeader = %q; sim/actors sends X-Routecheck-Clock", server.ClockSecretHeader)
	}
}
