package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/sim/clock"
	"routecheck/sim/server"
)

// The capture behind docs/protocol.md: a scripted session with the demo
// vendor over real sockets that makes every request and frame the
// document shows. TestProtocolDocExamples checks the document against what
// it records; ROUTECHECK_PROTOCOL_CAPTURE=FILE also writes the transcript
// to FILE, to refresh the examples by hand.

// exchange is one recorded HTTP request and its answer.
type exchange struct {
	method, path, body string // path with the query
	status             int
	header             http.Header
	answer             []byte
}

// wire is one recorded frame: "→" from a client, "←" from the server.
type wire struct {
	dir  string
	data []byte
}

// recorder keeps what a capture saw, in order.
type recorder struct {
	t     *testing.T
	mu    sync.Mutex
	https []exchange
	wires []wire
	log   bytes.Buffer
}

func (r *recorder) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.log, format+"\n", args...)
}

// docServer is one bundled workbench of the capture, on a virtual clock.
type docServer struct {
	*recorder
	name  string
	base  string
	clock *clock.Virtual
}

// startDoc starts the demo vendor's workbench with opts.
func startDoc(rec *recorder, name string, opts server.Options) *docServer {
	t := rec.t
	vc := clock.NewVirtual(time.Date(2026, 11, 27, 1, 25, 0, 0, time.UTC))
	opts.Clock, opts.HashCost = vc, bcrypt.MinCost
	srv := server.New(opts)
	if _, err := srv.AddVendor(fixtures.Demo().Config); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &docServer{recorder: rec, name: name, base: "http://" + srv.ListenAddr(), clock: vc}
}

func (d *docServer) advance(dt time.Duration) {
	d.note("[%s] (%s later)", d.name, dt)
	d.clock.Advance(dt)
}

// waitTimer waits until the server has scheduled a timer beyond the
// pending ones (a grace), so advancing the clock fires it.
func (d *docServer) waitTimer(pending int) {
	d.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); d.clock.Pending() <= pending; {
		if time.Now().After(deadline) {
			d.t.Fatal("the server started no timer within 15 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// user is an HTTP client with its own cookies; name labels the transcript.
type user struct {
	d    *docServer
	name string
	c    *http.Client
}

func (d *docServer) anon() *user {
	jar, _ := cookiejar.New(nil)
	return &user{d: d, name: "anonymous", c: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs login in with the demo vendor's password convention.
func (d *docServer) login(login string) *user {
	u := d.anon()
	u.name = login
	if st, _ := u.call("POST", "/api/login", fmt.Sprintf(`{"login":%q,"password":%q}`, login, login+"-pass")); st != 200 {
		d.t.Fatalf("login %s: %d", login, st)
	}
	return u
}

// call sends body ("" for none) as JSON and records the exchange.
func (u *user) call(method, path, body string) (int, []byte) {
	return u.callWith(method, path, body, nil)
}

func (u *user) callWith(method, path, body string, header http.Header) (int, []byte) {
	t := u.d.t
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u.d.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ans, _ := io.ReadAll(resp.Body)
	ans = bytes.TrimSpace(ans)
	u.d.mu.Lock()
	u.d.https = append(u.d.https, exchange{method, path, body, resp.StatusCode, resp.Header, ans})
	u.d.mu.Unlock()
	shown := string(ans)
	if !json.Valid(ans) {
		shown = fmt.Sprintf("%s (%d bytes)", resp.Header.Get("Content-Type"), len(ans))
	}
	if c := resp.Header.Get("Set-Cookie"); c != "" {
		shown = "Set-Cookie: " + c + "  " + shown
	}
	if l := resp.Header.Get("Location"); l != "" {
		shown = "Location: " + l + "  " + shown
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		shown = "Retry-After: " + ra + "  " + shown
	}
	u.d.note("[%s] %s %s %s (%s) → %d %s", u.d.name, method, path, body, u.name, resp.StatusCode, shown)
	return resp.StatusCode, ans
}

// sock is a raw protocol socket: frames go out exactly as written.
type sock struct {
	d      *docServer
	name   string
	ws     *websocket.Conn
	mu     sync.Mutex
	frames []map[string]any
	closed error
	more   chan struct{}
}

// dial opens path as u (nil: no cookie); a refused handshake is recorded
// as an HTTP exchange and returns nil.
func (d *docServer) dial(u *user, name, path string) *sock {
	h := http.Header{}
	if u != nil {
		base, _ := url.Parse(d.base)
		for _, c := range u.c.Jar.Cookies(base) {
			h.Add("Cookie", c.Name+"="+c.Value)
		}
	}
	ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(d.base, "http")+path, h)
	if err != nil {
		if resp == nil {
			d.t.Fatalf("dial %s: %v", path, err)
		}
		ans, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ans = bytes.TrimSpace(ans)
		d.mu.Lock()
		d.https = append(d.https, exchange{"GET", path, "", resp.StatusCode, resp.Header, ans})
		d.mu.Unlock()
		d.note("[%s] GET %s (%s) → %d %s", d.name, path, name, resp.StatusCode, ans)
		return nil
	}
	s := &sock{d: d, name: name, ws: ws, more: make(chan struct{}, 1)}
	d.note("[%s] %s: GET %s", d.name, name, path)
	go s.read()
	d.t.Cleanup(func() { ws.Close() })
	return s
}

func (s *sock) read() {
	for {
		_, data, err := s.ws.ReadMessage()
		s.mu.Lock()
		if err != nil {
			s.closed = err
		} else {
			var m map[string]any
			if json.Unmarshal(data, &m) == nil {
				s.frames = append(s.frames, m)
			}
			s.d.mu.Lock()
			s.d.wires = append(s.d.wires, wire{"←", data})
			fmt.Fprintf(&s.d.log, "[%s] %s ← %s\n", s.d.name, s.name, data)
			s.d.mu.Unlock()
		}
		s.mu.Unlock()
		select {
		case s.more <- struct{}{}:
		default:
		}
		if err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				s.d.note("[%s] %s ← close %d %s", s.d.name, s.name, ce.Code, ce.Text)
			}
			return
		}
	}
}

// send writes a client frame as it is and records it.
func (s *sock) send(frame string) {
	s.d.mu.Lock()
	s.d.wires = append(s.d.wires, wire{"→", []byte(frame)})
	s.d.mu.Unlock()
	shown := frame
	if len(shown) > 200 {
		shown = fmt.Sprintf("(%d bytes)", len(frame))
	}
	s.d.note("[%s] %s → %s", s.d.name, s.name, shown)
	if err := s.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		s.d.t.Fatalf("%s: send: %v", s.name, err)
	}
}

// sendBytes writes a text frame of any bytes, shown by its length.
func (s *sock) sendBytes(frame []byte) {
	s.d.mu.Lock()
	s.d.wires = append(s.d.wires, wire{"→", frame})
	s.d.mu.Unlock()
	s.d.note("[%s] %s → (%d bytes, not UTF-8)", s.d.name, s.name, len(frame))
	if err := s.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		s.d.t.Fatalf("%s: send: %v", s.name, err)
	}
}

// mark is where the next wait starts.
func (s *sock) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.frames)
}

// wait returns the first frame after from with all of kv ("key", "value"
// pairs compared as text), failing the test after 15 s.
func (s *sock) wait(from int, kv ...string) map[string]any {
	s.d.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		s.mu.Lock()
		for _, f := range s.frames[min(from, len(s.frames)):] {
			if has(f, kv...) {
				s.mu.Unlock()
				return f
			}
		}
		closed := s.closed
		s.mu.Unlock()
		if closed != nil {
			s.d.t.Fatalf("%s closed (%v) before a frame with %v", s.name, closed, kv)
		}
		select {
		case <-s.more:
		case <-deadline:
			s.d.t.Fatalf("%s: no frame with %v within 15 s; the capture for docs/protocol.md expects it: if the protocol changed on purpose, change the capture and the document together", s.name, kv)
		}
	}
}

// lastCSeq is the newest cseq of conv the socket received.
func (s *sock) lastCSeq(conv string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(0)
	for _, f := range s.frames {
		if c, ok := f["conv"].(string); ok && c == conv {
			n = max(n, num(f, "cseq"))
		}
		if c, ok := f["conv"].(map[string]any); ok && c["id"] == conv {
			n = max(n, num(f, "cseq"))
		}
	}
	return n
}

// waitClosed waits until the server closed the socket.
func (s *sock) waitClosed() error {
	s.d.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed != nil {
			return closed
		}
		select {
		case <-s.more:
		case <-deadline:
			s.d.t.Fatalf("%s: not closed within 15 s", s.name)
		}
	}
}

func has(f map[string]any, kv ...string) bool {
	for i := 0; i+1 < len(kv); i += 2 {
		v, ok := f[kv[i]]
		if !ok || fmt.Sprint(v) != kv[i+1] {
			return false
		}
	}
	return true
}

func num(f map[string]any, key string) int64 {
	v, _ := f[key].(float64)
	return int64(v)
}

func str(f map[string]any, key string) string {
	s, _ := f[key].(string)
	return s
}

// entry makes an entry URL's query as demo-ops (customer, order optional).
func (d *docServer) entry(ops *user, body string) string {
	st, ans := ops.call("POST", "/api/entry", body)
	if st != 201 {
		d.t.Fatalf("entry: %d %s", st, ans)
	}
	var e struct{ URL string }
	_ = json.Unmarshal(ans, &e)
	return e.URL[strings.Index(e.URL, "?"):]
}

// capture runs the whole scripted session and returns its record.
func capture(t *testing.T) *recorder {
	rec := &recorder{t: t}
	// The script sends faster than a person; the frame rate limit has its
	// own server below.
	d := startDoc(rec, "main", server.Options{Limits: server.Limits{FramesPerSecond: 1000, FrameBurst: 1000}})
	if path := os.Getenv("ROUTECHECK_PROTOCOL_CAPTURE"); path != "" {
		t.Cleanup(func() {
			if err := os.WriteFile(path, rec.log.Bytes(), 0o644); err != nil {
				t.Error(err)
			}
		})
	}
	captureHTTP(d)
	captureFrames(d)
	capturePreflight(d)
	captureLimits(startDoc(rec, "limits", server.Options{TokenTTL: time.Second, Limits: server.Limits{
		FramesPerSecond: 0.01, FrameBurst: 4, ChatMessages: 4, ChatText: 90, ChatsPerToken: 2,
		SocketsPerAgent: 1, SocketsPerChat: 1, LoginFailures: 2, LoginsPerAddress: 12, Events: 8}}))
	capturePaging(startDoc(rec, "paging", server.Options{Limits: server.Limits{HistoryBytes: 300, FramesPerSecond: 1000, FrameBurst: 1000}}))
	return rec
}
