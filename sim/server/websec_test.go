package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	"routecheck/sim/server"
)

func post(t *testing.T, u, ctype, origin, cookie, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Cookie-authenticated changes need JSON and, from a browser, the
// workbench's own origin (CSRF); every answer says nosniff.
func TestCrossSiteRequestsRefused(t *testing.T) {
	w := newWorld(t)
	resp := post(t, w.base+"/api/login", "application/json", "", "", `{"login":"A-a1","password":"`+pw+`"}`)
	cookie := resp.Cookies()[0].String()
	cases := []struct {
		name, ctype, origin string
		status              int
	}{
		{"page on another port", "application/json", "http://127.0.0.1:1", http.StatusForbidden},
		{"form post", "application/x-www-form-urlencoded", "", http.StatusBadRequest},
		{"text/plain", "text/plain", "", http.StatusBadRequest},
		{"own page", "application/json", w.base, http.StatusOK},
		{"program without Origin", "application/json", "", http.StatusOK},
	}
	for _, tc := range cases {
		r := post(t, w.base+"/api/status", tc.ctype, tc.origin, cookie, `{"status":"小休"}`)
		if r.StatusCode != tc.status {
			t.Errorf("%s: HTTP %d, want %d", tc.name, r.StatusCode, tc.status)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tc.name)
		}
	}
	if r := post(t, w.base+"/api/login", "application/json", "http://evil.example", "", `{"login":"A-a1","password":"`+pw+`"}`); r.StatusCode != http.StatusForbidden {
		t.Errorf("login from another site: HTTP %d, want 403", r.StatusCode)
	}
	for _, path := range []string{"/healthz", "/login", "/static/app.css"} {
		r, err := http.Get(w.base + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
	// Sockets: only the public origin (or none), never one matched to Host.
	wsURL := "ws" + strings.TrimPrefix(w.base, "http") + "/ws/agent"
	for origin, ok := range map[string]bool{"http://rebound.example:80": false, w.base: true} {
		h := http.Header{"Cookie": {cookie}, "Origin": {origin}}
		ws, _, err := websocket.DefaultDialer.Dial(wsURL, h)
		if (err == nil) != ok {
			t.Errorf("agent socket from %s: %v, want allowed=%v", origin, err, ok)
		}
		if ws != nil {
			ws.Close()
		}
	}
}

// Entry URLs come from the configured public URL, never from Host.
func TestEntryURLFromPublicURL(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) { o.PublicURL = "https://wb.example.com/" })
	// Reached at its listen address with a forged Host, the server still
	// names its public URL.
	req, _ := http.NewRequest(http.MethodPost, "http://"+w.srv.ListenAddr()+"/api/entry", strings.NewReader(`{"vendor":"A"}`))
	req.Host = "attacker.example"
	req.Header.Set("Content-Type", "application/json")
	resp := post(t, "http://"+w.srv.ListenAddr()+"/api/login", "application/json", "", "", `{"login":"ops","password":"`+pw+`"}`)
	req.Header.Set("Cookie", resp.Cookies()[0].String())
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(r.Body)
	if r.StatusCode != http.StatusCreated || !strings.Contains(b.String(), `"url":"https://wb.example.com/bot?`) {
		t.Fatalf("entry with Host attacker.example: %d %s", r.StatusCode, b.String())
	}
}

// A token is accepted in its canonical spelling only (D-TOK-1).
func TestNonCanonicalTokenRefused(t *testing.T) {
	w := newWorld(t)
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	u, _ := url.Parse(e.URL)
	tok := u.Query().Get("t")
	payload, sig, _ := strings.Cut(tok, ".")
	// 32-byte signature: 43 characters, the last carries 4 unused bits.
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alpha, sig[len(sig)-1])
	other := sig[:len(sig)-1] + string(alpha[last^1])
	_, err = actors.Enter(w.ctx, w.base+"/bot?"+url.Values{"v": {"A"}, "t": {payload + "." + other}}.Encode())
	wantAPIError(t, err, http.StatusForbidden, "tampered", "R-RT-3")
}

// A reply with no visible text is refused and is no first response
// (R-KPI-1); socket JSON keeps <, > and & as they are.
func TestInvisibleReplyRefused(t *testing.T) {
	w := newWorld(t)
	a := w.agent("A-a1")
	c, conv := w.transferred("A", a)
	for _, text := range []string{"\u200b", " \t\u3000", "\u200d\ufeff"} {
		if err := a.Reply(conv.ID, text); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Reply(conv.ID, "<b>好&</b>"); err != nil {
		t.Fatal(err)
	}
	f, _, err := c.WaitMessage(w.ctx, 0, "agent", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Text != "<b>好&</b>" || !strings.Contains(string(f.Raw), "<b>好&</b>") {
		t.Fatalf("first agent message a customer got: %s, want the visible one, unescaped", f.Raw)
	}
	// The agent's own copy comes after the answers to the invisible ones.
	if _, err := a.WaitMessage(w.ctx, conv.ID, "agent", nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range a.Frames() {
		if g.Type == "error" && g.Rule == "R-KPI-1" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("R-KPI-1: %d invisible replies refused, want 3", n)
	}
}

// Sessions end after SessionIdle unused and SessionMax after login.
func TestSessionExpiry(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) { o.SessionIdle, o.SessionMax = time.Hour, 3*time.Hour })
	a := actors.NewAgent(w.base, "A-a1")
	w.must(a.SignIn(w.ctx, pw))
	for range 5 { // used every 50 min: idle never reached, the 3 h are
		w.clock.Advance(50 * time.Minute)
		if _, err := a.Me(w.ctx); err != nil {
			if w.clock.Now().Sub(monday10) < 3*time.Hour {
				t.Fatalf("session ended before 3 h: %v", err)
			}
			wantAPIError(t, err, 401, "no session", "")
			break
		}
		if w.clock.Now().Sub(monday10) >= 3*time.Hour {
			t.Fatal("session outlived SessionMax")
		}
	}
	w.must(a.SignIn(w.ctx, pw))
	w.clock.Advance(61 * time.Minute)
	_, err := a.Me(w.ctx)
	wantAPIError(t, err, 401, "no session", "")
	w.must(w.ops.SignIn(w.ctx, pw)) // for the cleanup's event log
}
