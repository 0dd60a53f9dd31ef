package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// Parallel guesses cannot pass the login limits: each attempt takes its
// place in the budget of failures before its password is hashed, so of
// 30 guesses sent at once, for one login or from one address, at most the
// budget is checked (401); the rest are refused (429) unhashed.
func TestParallelGuessesCountedBeforeHashing(t *testing.T) {
	const budget = 5
	guess := func(t *testing.T, w *world, login func(i int) string) (checked int) {
		t.Helper()
		var wg sync.WaitGroup
		codes := make(chan int, 30)
		start := make(chan struct{})
		for i := range 30 {
			wg.Go(func() {
				<-start
				code, _ := signIn(w, login(i), "wrong")
				codes <- code
			})
		}
		close(start)
		wg.Wait()
		close(codes)
		for c := range codes {
			switch c {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("a guess answered %d, want 401 or 429", c)
			}
		}
		return checked
	}
	// A slower hash (cost 8) keeps the first guesses in flight while the
	// others arrive.
	t.Run("one login", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) {
			o.HashCost, o.Limits.LoginFailures, o.Limits.LoginsPerAddress = 8, budget, 1e6
		})
		if n := guess(t, w, func(int) string { return "A-a2" }); n > budget {
			t.Fatalf("%d wrong passwords of one login were checked, want at most %d", n, budget)
		}
		if code, _ := signIn(w, "A-a2", pw); code != http.StatusTooManyRequests {
			t.Fatalf("the right password after the failures: %d, want 429 until the window ends", code)
		}
	})
	t.Run("one address", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) {
			o.HashCost, o.Limits.LoginFailures, o.Limits.LoginsPerAddress = 8, 1e6, budget
		})
		if n := guess(t, w, func(i int) string { return fmt.Sprintf("nobody%d", i) }); n > budget {
			t.Fatalf("%d failed logins from one address were checked, want at most %d", n, budget)
		}
	})
}

// Ending a session closes its workbench sockets with 4401 and applies
// nothing more they send: logout, expiry (SessionMax; an open socket is
// use, so it never idles out under an agent), and a session pushed out by
// the session limits.
func TestEndingSessionClosesSockets(t *testing.T) {
	online := func(t *testing.T, w *world, login string) bool {
		t.Helper()
		agents, err := w.ops.RouterView(w.ctx, "部门-A")
		w.must(agents, err)
		for _, a := range agents {
			if a.Login == login {
				return a.Status == "在线"
			}
		}
		t.Fatalf("no agent %s", login)
		return false
	}
	wantEnded := func(t *testing.T, r *raw) {
		t.Helper()
		if ce := r.waitClosed(); ce.Code != server.CloseSessionEnded {
			t.Fatalf("socket closed with %d %q, want %d (session ended)", ce.Code, ce.Text, server.CloseSessionEnded)
		}
	}
	t.Run("logout", func(t *testing.T) {
		w := newWorld(t)
		h := agentCookie(t, w, "A-a1")
		r := dialRaw(t, w, "/ws/agent", h)
		r.wait(0, typed("hello"))
		// The client does not answer the server's close, so the server
		// reads on (a second at most) and sees the frame below.
		r.ws.SetCloseHandler(func(int, string) error { return nil })
		req, _ := http.NewRequest(http.MethodPost, w.base+"/api/logout", nil)
		req.Header = h.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("logout: %v %v", resp, err)
		}
		resp.Body.Close()
		timers := w.clock.Pending()
		// Sent after the logout answered, written on the connection itself
		// (a masked text frame, mask 0) whatever the client has read.
		p := []byte(`{"type":"status","seq":1,"id":"after-logout","status":"在线"}`)
		if _, err := r.ws.NetConn().Write(append([]byte{0x81, 0x80 | byte(len(p)), 0, 0, 0, 0}, p...)); err != nil {
			t.Fatal(err)
		}
		wantEnded(t, r)
		// The server has read all the socket sent once it has let the
		// socket go: the agent's grace (D-WS-1) has begun.
		for deadline := time.Now().Add(15 * time.Second); w.clock.Pending() <= timers; time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the server did not let the socket go within 15 s")
			}
		}
		if online(t, w, "A-a1") {
			t.Fatal("a socket went 在线 after its session's logout")
		}
	})
	t.Run("expiry", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.SessionIdle, o.SessionMax = time.Hour, 3*time.Hour })
		w.must(w.ops.SignIn(w.ctx, pw))
		h := agentCookie(t, w, "A-a1")
		r := dialRaw(t, w, "/ws/agent", h)
		r.wait(0, typed("hello"))
		w.clock.Advance(2 * time.Hour) // idle by HTTP, but the workbench is open
		r.send(`{"type":"ping","seq":1}`)
		r.wait(0, typed("pong"))
		req, _ := http.NewRequest(http.MethodGet, w.base+"/api/me", nil)
		req.Header = h.Clone()
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("a session with its workbench open idled out: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
		w.clock.Advance(time.Hour) // SessionMax
		wantEnded(t, r)
		w.must(w.ops.SignIn(w.ctx, pw)) // for the cleanup's event log
	})
	t.Run("pushed out by the account's limit", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.SessionsPerAccount = 1 })
		r := dialRaw(t, w, "/ws/agent", agentCookie(t, w, "A-a1"))
		r.wait(0, typed("hello"))
		agentCookie(t, w, "A-a1")
		wantEnded(t, r)
	})
	t.Run("pushed out by the table's limit", func(t *testing.T) {
		w := newWorldWith(t, func(o *server.Options) { o.Limits.Sessions = 3 }) // ops holds one
		r := dialRaw(t, w, "/ws/agent", agentCookie(t, w, "A-a1"))
		r.wait(0, typed("hello"))
		agentCookie(t, w, "A-a1") // A-a1 now holds the most sessions
		agentCookie(t, w, "A-a2")
		wantEnded(t, r)
		var out any
		if err := w.ops.API(w.ctx, http.MethodGet, "/api/me", nil, &out); err != nil {
			t.Fatalf("D-SES-1: another account's session was pushed out: %v", err)
		}
	})
}

// D-SES-1: one password's logins never push out another account's
// session, however many; each account keeps its newest few.
func TestSessionsPerAccount(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) {
		o.Limits.Sessions, o.Limits.SessionsPerAccount, o.Limits.LoginsPerAddress = 6, 3, 1e6
	})
	admin := actors.NewAgent(w.base, "A-admin")
	w.must(admin.SignIn(w.ctx, pw))
	var agents []*actors.Agent
	for range 30 {
		a := actors.NewAgent(w.base, "A-a1")
		w.must(a.SignIn(w.ctx, pw))
		agents = append(agents, a)
	}
	w.must(admin.Me(w.ctx))
	var out any
	if err := w.ops.API(w.ctx, http.MethodGet, "/api/me", nil, &out); err != nil {
		t.Fatalf("operations' session pushed out by another account's logins: %v", err)
	}
	for i, a := range agents {
		_, err := a.Me(w.ctx)
		if kept := i >= len(agents)-3; kept != (err == nil) {
			t.Errorf("A-a1's login %d of %d: kept=%v, err %v", i+1, len(agents), kept, err)
		}
	}
}

// D-LOGIN-1: an office behind one address: logins that work use none of
// the address's budget, and a login that worked from the address lately
// is not locked out when others there fail; its own limit still holds.
func TestLoginLimitsBehindNAT(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) { o.Limits.LoginsPerAddress, o.Limits.LoginFailures = 3, 2 })
	for range 10 { // the morning: everyone signs in, some more than once
		for _, l := range []string{"A-a1", "A-admin"} {
			if _, err := signIn(w, l, pw); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 3 { // someone guesses
		if code, _ := signIn(w, fmt.Sprintf("nobody%d", i), "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code, _ := signIn(w, "A-a2", pw); code != http.StatusTooManyRequests {
		t.Fatalf("a login new to the address after its budget of failures: %d, want 429", code)
	}
	if _, err := signIn(w, "A-a1", pw); err != nil {
		t.Fatalf("D-LOGIN-1: a login that worked from the address is locked out by others' failures: %v", err)
	}
	for range 2 {
		if code, _ := signIn(w, "A-admin", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", code)
		}
	}
	if code, _ := signIn(w, "A-admin", pw); code != http.StatusTooManyRequests {
		t.Fatalf("a known login past its own failure limit: %d, want 429", code)
	}
}

// With an https public URL the session cookie is Secure, and origins are
// compared normalised: scheme and host case, the default port.
func TestPublicURLNormalised(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) { o.PublicURL = "https://WB.Example.com:443/" })
	resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"A-a1","password":"`+pw+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ck := resp.Cookies()[0]
	if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie behind https: %s; want Secure, HttpOnly, SameSite=Strict", ck)
	}
	cookie := ck.String()
	for origin, want := range map[string]int{
		"https://wb.example.com":      http.StatusOK,
		"https://wb.example.com:443":  http.StatusOK,
		"HTTPS://WB.EXAMPLE.COM":      http.StatusOK,
		"http://wb.example.com":       http.StatusForbidden,
		"https://wb.example.com:8443": http.StatusForbidden,
		"https://evil.example":        http.StatusForbidden,
	} {
		if r := post(t, w.base+"/api/status", "application/json", origin, cookie, `{"status":"小休"}`); r.StatusCode != want {
			t.Errorf("POST from %s: %d, want %d", origin, r.StatusCode, want)
		}
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(w.base, "http")+"/ws/agent", http.Header{"Cookie": {cookie}, "Origin": {origin}})
		if (err == nil) != (want == http.StatusOK) {
			t.Errorf("socket from %s: %v, want allowed=%v", origin, err, want == http.StatusOK)
		}
		if ws != nil {
			ws.Close()
		}
	}
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	if !strings.HasPrefix(e.URL, "https://wb.example.com/bot?") {
		t.Errorf("entry URL %s, want it on the normalised public URL", e.URL)
	}
}

// An entry token's chat budget holds under concurrent handshakes, and two
// tokens minted in the same second are different tokens with budgets of
// their own.
func TestTokenBudget(t *testing.T) {
	const budget = 3
	w := newWorldWith(t, func(o *server.Options) { o.Limits.ChatsPerToken = budget })
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	opened := 0
	start := make(chan struct{})
	for range 40 {
		wg.Go(func() {
			<-start
			ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(w.base, "http")+customerPath(e.URL), nil)
			if err != nil {
				return
			}
			defer ws.Close()
			ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, data, err := ws.ReadMessage(); err == nil && strings.Contains(string(data), `"type":"hello"`) {
				mu.Lock()
				opened++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if opened > budget {
		t.Fatalf("one entry token opened %d chats at once, want at most %d", opened, budget)
	}
	// Two tokens of one second (the virtual clock stands still).
	e1, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e1, err)
	e2, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e2, err)
	if e1.Token == e2.Token {
		t.Fatal("two entry tokens minted in the same second are the same token")
	}
	for range budget {
		c, err := actors.Enter(w.ctx, e1.URL)
		w.must(c, err)
		t.Cleanup(func() { c.Close() })
	}
	c, err := actors.Enter(w.ctx, e2.URL)
	if err != nil {
		t.Fatalf("a second token shares the first one's budget: %v", err)
	}
	c.Close()
}

// Text that is not UTF-8 is refused, never decoded lossily: a text frame
// with invalid UTF-8 closes the socket with 1007 (RFC 6455), a binary
// frame with 1003; a lone UTF-16 surrogate escape is refused, so two
// different ids never become one (a message acked as a duplicate and
// never stored); HTTP bodies likewise.
func TestInvalidUTF8Refused(t *testing.T) {
	w := newWorld(t)
	closedWith := func(path string, h http.Header, mt int, frame string) int {
		t.Helper()
		r := dialRaw(t, w, path, h)
		r.wait(0, typed("hello"))
		_ = r.write(mt, []byte(frame))
		return r.waitClosed().Code
	}
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	bad := "{\"type\":\"say\",\"seq\":1,\"id\":\"k\xff\",\"text\":\"x\"}"
	if code := closedWith(customerPath(e.URL), nil, websocket.TextMessage, bad); code != websocket.CloseInvalidFramePayloadData {
		t.Errorf("customer frame with invalid UTF-8: closed %d, want 1007", code)
	}
	if code := closedWith("/ws/agent", agentCookie(t, w, "A-a1"), websocket.TextMessage, "{\"type\":\"ping\",\"seq\":1,\"x\":\"\xc3\"}"); code != websocket.CloseInvalidFramePayloadData {
		t.Errorf("agent frame with invalid UTF-8: closed %d, want 1007", code)
	}
	if code := closedWith(customerPath(e.URL), nil, websocket.BinaryMessage, `{"type":"ping","seq":1}`); code != websocket.CloseUnsupportedData {
		t.Errorf("binary frame: closed %d, want 1003", code)
	}

	c := w.customer("A")
	w.must(nil, c.SendRaw([]byte(`{"type":"say","seq":101,"id":"\ud800","text":"第一条"}`)))
	w.must(nil, c.SendRaw([]byte(`{"type":"say","seq":102,"id":"\udc00","text":"第二条"}`)))
	w.must(nil, c.SendRaw([]byte(`{"type":"say","seq":103,"id":"ok","text":"第三条"}`)))
	if _, _, err := c.WaitFrame(w.ctx, 0, func(f actors.Frame) bool { return f.Type == "ack" && f.ID == "ok" }); err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, f := range c.Frames() {
		switch {
		case f.Type == "ack" && f.Duplicate:
			t.Errorf("a frame was acked as a duplicate of another id: %s", f.Raw)
		case f.Type == "error" && f.Code == "invalid" && (f.Ref == 101 || f.Ref == 102):
			refused++
		case f.Type == "message" && (f.Text == "第一条" || f.Text == "第二条"):
			t.Errorf("a frame with a lone surrogate in its id was applied: %s", f.Raw)
		}
	}
	if refused != 2 {
		t.Errorf("%d of the 2 frames with lone surrogates refused as invalid", refused)
	}

	h := agentCookie(t, w, "A-a1")
	for _, tc := range []struct{ ctype, body string }{
		{"application/json", "{\"text\":\"常用语\xff\"}"},
		{"application/json", `{"text":"常用语\udfff"}`},
		{"text/plain", "常用语一\n常用语\xfe二\n"},
	} {
		path := "/api/quick-replies"
		if tc.ctype == "text/plain" {
			path += "/import"
		}
		req, _ := http.NewRequest(http.MethodPost, w.base+path, strings.NewReader(tc.body))
		req.Header = h.Clone()
		req.Header.Set("Content-Type", tc.ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "invalid request") {
			t.Errorf("POST %s %q: %d %s, want 400 invalid request", path, tc.body, resp.StatusCode, b)
		}
	}
}

// An agent's status and tenant changes are rate-limited, by HTTP and
// socket together: each re-queue and re-assignment stores frames and a
// welcome in the agent's chats.
func TestStatusChangesLimited(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) { o.Limits.StatusChanges, o.Limits.StatusBurst = 1, 3 })
	a := w.agent("A-a1") // one change: 在线
	w.must(a.SetStatus(w.ctx, "小休"))
	w.must(a.SetStatus(w.ctx, "在线"))
	_, err := a.SetStatus(w.ctx, "小休")
	wantStatus(t, err, http.StatusTooManyRequests, "status changes per agent")
	_, err = a.SwitchTenant(w.ctx, "闲鱼BU")
	wantStatus(t, err, http.StatusTooManyRequests, "status changes per agent")
	w.clock.Advance(time.Minute)
	w.must(a.SetStatus(w.ctx, "小休"))
}

// What operations store for the route test is bounded: a test customer's
// name and an order's item (R-RT-1), a skill group's welcome (R-WEL-1).
func TestStoredTextBounded(t *testing.T) {
	w := newWorld(t)
	huge := strings.Repeat("x", 500_000) // within the 1 MiB body
	_, err := w.ops.CreateTestCustomer(w.ctx, huge)
	wantAPIError(t, err, http.StatusBadRequest, "invalid request", "R-RT-1")
	cu, err := w.ops.CreateTestCustomer(w.ctx, "测试买家")
	w.must(cu, err)
	_, err = w.ops.CreateTestOrder(w.ctx, cu.ID, huge)
	wantAPIError(t, err, http.StatusBadRequest, "invalid request", "R-RT-1")
	var out any
	wantAPIError(t, w.ops.API(w.ctx, http.MethodPut, "/api/departments/部门-A/welcome", map[string]string{"welcome": strings.Repeat("长", 2001), "closing": ""}, &out),
		http.StatusBadRequest, "invalid request", "R-WEL-1")
}

// D-ACL-2 over the wire: a third vendor's operations account, on the same
// workbench, acts for its own vendor only.
func TestOperationsScopedToTheirVendor(t *testing.T) {
	w := newWorld(t)
	cfg := vendor("C", false)
	cfg.Accounts = append(cfg.Accounts, wb.AccountConfig{Login: "ops-C", Password: pw, Role: wb.RoleOperations})
	if _, err := w.srv.AddVendor(cfg); err != nil {
		t.Fatal(err)
	}
	a := w.agent("A-a1")
	_, conv := w.transferred("A", a)
	opsC := actors.NewOps(w.base, "ops-C")
	w.must(opsC.SignIn(w.ctx, pw))
	_, err := opsC.Entry(w.ctx, "A", "", "")
	wantAPIError(t, err, http.StatusForbidden, "forbidden", "R-RT-3")
	var out any
	wantAPIError(t, opsC.API(w.ctx, http.MethodGet, "/api/conversations/"+conv.ID, nil, &out), http.StatusForbidden, "forbidden", "R-KPI-2")
	wantAPIError(t, opsC.API(w.ctx, http.MethodGet, "/api/insight?department=部门-A", nil, &out), http.StatusForbidden, "forbidden", "R-KPI-2")
	wantAPIError(t, opsC.API(w.ctx, http.MethodGet, "/api/departments/部门-A/agents", nil, &out), http.StatusForbidden, "forbidden", "R-KPI-2")
	wantAPIError(t, opsC.API(w.ctx, http.MethodPut, "/api/agents/A-a1/capacity", map[string]int{"capacity": 4}, &out), http.StatusForbidden, "forbidden", "R-CAP-1")
	var vendors []struct{ ID string }
	w.must(nil, opsC.API(w.ctx, http.MethodGet, "/api/vendors", nil, &vendors))
	if len(vendors) != 1 || vendors[0].ID != "C" {
		t.Fatalf("vendors operations of C see: %+v, want C alone", vendors)
	}
	evs, err := opsC.Events(w.ctx, 0)
	w.must(evs, err)
	for _, e := range evs {
		if e.Group != "部门-C" && e.Group != "" {
			t.Fatalf("operations of C read an event of %s: %+v", e.Group, e)
		}
	}
	// Its own vendor, as before.
	e, err := opsC.Entry(w.ctx, "C", "", "")
	w.must(e, err)
}
