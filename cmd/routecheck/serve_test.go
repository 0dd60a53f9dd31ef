package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mattn/go-runewidth"

	"routecheck/fixtures"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// routecheckBinary builds the command once per test binary: serve checks
// passwords in copies of itself (D-SRV-1), so it runs as a process.
func routecheckBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "routecheck-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "routecheck")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = err
			t.Logf("%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("build: %v", binErr)
	}
	return binPath
}

// served is a running `routecheck serve` and what it printed.
type served struct {
	cmd            *exec.Cmd
	base, bot, out string
}

func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	cmd := exec.Command(routecheckBinary(t), append([]string{"serve"}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	})
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	sc := bufio.NewScanner(stdout)
	var out strings.Builder
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		f := strings.Fields(line)
		if len(f) > 0 {
			switch last := f[len(f)-1]; {
			case strings.HasSuffix(last, "/workbench"):
				s.base = strings.TrimSuffix(last, "/workbench")
			case strings.Contains(last, "/bot?"):
				s.bot = last
			}
		}
		if strings.HasPrefix(line, "Ctrl-C stops it") {
			break
		}
	}
	s.out = out.String()
	if s.base == "" || s.bot == "" {
		t.Fatalf("serve printed no workbench and bot-page URLs:\n%s", s.out)
	}
	go io.Copy(io.Discard, stdout)
	return s
}

// networkAddr is an address of this machine other than 127.0.0.1: its
// network address when it has one, else 127.0.0.2 (another loopback
// address, still not the one serve uses by default).
func networkAddr(t *testing.T) string {
	if ip, err := firstNetworkAddr(); err == nil {
		return ip
	}
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skip("no address besides 127.0.0.1 to listen on")
	}
	ln.Close()
	return "127.0.0.2"
}

// D-SRV-2: `serve --listen ADDR` opens the workbench to another address (a
// tester's phone on the office network) and keeps the security of
// docs/protocol.md as it is: only the public origin may change anything,
// over HTTP and WebSocket; the session cookie is HttpOnly and SameSite;
// entry links are signed, vendor-scoped and checked; /qr is for operations.
func TestServeListenKeepsTheSecurity(t *testing.T) {
	ip := networkAddr(t)
	s := startServe(t, "--listen", net.JoinHostPort(ip, "0"), "--vendor", "demo")
	u, _ := url.Parse(s.base)
	if u.Hostname() != ip {
		t.Fatalf("public URL %s, want the listen address %s", s.base, ip)
	}
	_, port, _ := net.SplitHostPort(u.Host)
	if !strings.Contains(s.out, "listening on "+net.JoinHostPort(ip, port)) {
		t.Errorf("serve does not say it is open to the network:\n%s", s.out)
	}
	for _, a := range fixtures.Demo().Config.Accounts {
		if strings.Contains(s.out, a.Password) {
			t.Errorf("serve printed the password of %s (D-SEC-1)", a.Login)
		}
	}
	if _, err := http.Get("http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"); err == nil && ip != "127.0.0.1" {
		t.Errorf("serve --listen %s also answers on 127.0.0.1", ip)
	}

	login := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, s.base+"/api/login", strings.NewReader(`{"login":"demo-agent1","password":"demo-agent1-pass"}`))
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := login(s.base)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login from the workbench's own pages: %d", res.StatusCode)
	}
	var session *http.Cookie
	for _, c := range res.Cookies() {
		session = c
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/" {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/", session)
	}
	for _, origin := range []string{"http://evil.example", "http://127.0.0.1:" + port, "http://localhost:" + port} {
		if res := login(origin); res.StatusCode != http.StatusForbidden {
			t.Errorf("login from %s: %d, want 403 (only %s may change the workbench)", origin, res.StatusCode, s.base)
		}
	}

	agentWS := "ws://" + u.Host + "/ws/agent"
	hdr := func(origin string) http.Header {
		h := http.Header{"Cookie": {session.Name + "=" + session.Value}}
		if origin != "" {
			h.Set("Origin", origin)
		}
		return h
	}
	if c, _, err := websocket.DefaultDialer.Dial(agentWS, hdr("http://evil.example")); err == nil {
		c.Close()
		t.Error("the agent socket accepted a foreign origin")
	}
	c, _, err := websocket.DefaultDialer.Dial(agentWS, hdr(s.base))
	if err != nil {
		t.Fatalf("agent socket from the workbench's origin: %v", err)
	}
	c.Close()

	wsBot := "ws" + strings.TrimPrefix(strings.Replace(s.bot, "/bot?", "/ws/customer?", 1), "http")
	cust, _, err := websocket.DefaultDialer.Dial(wsBot, nil)
	if err != nil {
		t.Fatalf("the printed entry link over %s: %v", ip, err)
	}
	var hello map[string]any
	if err := cust.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Errorf("hello: %v %v", hello, err)
	}
	cust.Close()
	eu, _ := url.Parse(s.bot)
	q := eu.Query()
	for why, change := range map[string]func(url.Values){
		"tampered":     func(q url.Values) { q.Set("t", q.Get("t")[:len(q.Get("t"))-2]+"xx") },
		"wrong vendor": func(q url.Values) { q.Set("v", "another-vendor") },
	} {
		bad := url.Values{}
		for k, v := range q {
			bad[k] = append([]string(nil), v...)
		}
		change(bad)
		res, err := http.Get(s.base + "/api/bot?" + bad.Encode())
		if err != nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("%s entry link: %v %v, want 403", why, res, err)
		} else {
			res.Body.Close()
		}
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := noFollow.Get(s.base + "/qr"); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Errorf("/qr without a session: %v %v, want 303 to the login page", res, err)
	}
}

// --listen 0.0.0.0 names an address a phone can open, never 0.0.0.0; bad
// --listen values and --listen with --port are bad input.
func TestServeListenAddresses(t *testing.T) {
	if ip, err := firstNetworkAddr(); err == nil {
		s := startServe(t, "--listen", "0.0.0.0:0")
		if u, _ := url.Parse(s.base); u.Hostname() != ip {
			t.Errorf("--listen 0.0.0.0 printed %s, want the network address %s", s.base, ip)
		}
	}
	for _, args := range [][]string{
		{"serve", "--listen", "8080"}, {"serve", "--listen", "0.0.0.0:99999"}, {"serve", "--listen", "no-such-host.invalid:80"},
		{"serve", "--listen", "127.0.0.1:0", "--port", "9000"},
	} {
		code, out, errs := runCLI(t, args...)
		if code != exitInput || out != "" || !strings.Contains(errs, "routecheck serve:") || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

// serve's URL column lines up on a terminal: labels with Chinese
// characters (two columns each) are padded by display width, not bytes.
func TestServeBannerAligned(t *testing.T) {
	var b strings.Builder
	writeServeBanner(&b, fixtures.Demo(), "http://127.0.0.1:8080", "http://127.0.0.1:8080/bot?t=x&v=demo-recycle", "127.0.0.1:8080", time.Hour)
	col := -1
	for _, line := range strings.Split(b.String(), "\n") {
		i := strings.Index(line, "http://")
		if i < 0 || strings.HasPrefix(strings.TrimSpace(line), "(") {
			continue
		}
		w := runewidth.StringWidth(line[:i])
		if col >= 0 && w != col {
			t.Errorf("URL at column %d, want %d:\n%s", w, col, b.String())
		}
		col = w
	}
	if col < 0 {
		t.Fatalf("no URL rows:\n%s", b.String())
	}
}
