package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/actors"
	"routecheck/sim/server"
)

// logLines collects what the server logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Refused frames and requests are counted by reason and logged as one
// line per interval, never one line per frame: 6,000 refused frames of
// three kinds and 50 refused logins make one line, written when the
// interval ends (here: at Close).
func TestRefusalsLoggedAggregated(t *testing.T) {
	var log logLines
	w := newWorldWith(t, func(o *server.Options) {
		o.Logf, o.RefusalLogEvery = log.logf, 1<<40 // no interval ends during the test
		o.Limits.FramesPerSecond, o.Limits.FrameBurst = 1e6, 1e6
		o.Limits.LoginFailures, o.Limits.LoginsPerAddress = 1e6, 1e6
		o.Limits.SendQueue = 1e5 // the 6,000 answers wait for the reader
	})
	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	r := dialRaw(t, w, customerPath(e.URL), nil)
	r.wait(0, typed("hello"))
	r.send(`{"type":"ping","seq":5000}`)
	for i := range 2000 {
		r.send(`{"type":"ping"`)
		r.send(fmt.Sprintf(`{"type":"ping","seq":%d}`, 1+i%4000)) // stale: 5000 came first
		r.send(fmt.Sprintf(`{"type":"dance","seq":%d}`, 6000+i))
	}
	r.send(`{"type":"ping","seq":9000}`)
	r.wait(0, func(f map[string]any) bool { return f["type"] == "pong" && f["ref"] == float64(9000) })
	for i := range 50 {
		_, err := signIn(w, fmt.Sprintf("nobody%d", i), "wrong")
		if err == nil {
			t.Fatal("a wrong login signed in")
		}
	}
	if got := log.all(); len(got) != 0 {
		t.Fatalf("%d log lines before the interval ended, want none; the first: %s", len(got), got[0])
	}
	w.closed = true
	if err := w.srv.Close(); err != nil {
		t.Fatal(err)
	}
	got := log.all()
	if len(got) != 1 {
		t.Fatalf("%d log lines for the interval, want 1: %q", len(got), got)
	}
	for _, want := range []string{"malformed ×2000", "stale_seq ×2000", "unknown_type ×2000", "POST /api/login 401 wrong login or password ×50"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the line does not count %q: %s", want, got[0])
		}
	}
}

// signIn posts a login and reports its status, an error unless 200.
func signIn(w *world, login, password string) (int, error) {
	resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"`+login+`","password":"`+password+`"}`))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return 200, nil
}

// Whatever one client floods a socket with (valid frames, malformed ones,
// stale ones, WebSocket pings), the frame rate is taken before any other
// work: at most a burst is answered, the next run of frames is dropped
// unread with one limit frame, and then the socket is paced, read no
// faster than the rate, so the rest of the flood waits in the sender's
// TCP buffers and costs the server nothing.
func TestFloodsRateLimitedBeforeAnyWork(t *testing.T) {
	const burst, run, flood = 10, 20, 2000
	kinds := []struct {
		name string
		send func(r *raw, i int)
		// answered counts what the server answered to the flood.
		answered func(frames []map[string]any, pongs int) int
	}{
		{"valid", func(r *raw, i int) { r.send(fmt.Sprintf(`{"type":"ping","seq":%d}`, i+1)) },
			func(fs []map[string]any, _ int) int { return count(fs, "pong", "") }},
		{"malformed", func(r *raw, i int) { r.send(`{"type":`) },
			func(fs []map[string]any, _ int) int { return count(fs, "error", "malformed") }},
		{"stale", func(r *raw, i int) { r.send(`{"type":"ping","seq":1}`) },
			func(fs []map[string]any, _ int) int { return count(fs, "error", "stale_seq") + count(fs, "pong", "") }},
		{"WebSocket ping", func(r *raw, i int) { _ = r.ping() },
			func(_ []map[string]any, pongs int) int { return pongs }},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			var log logLines
			w := newWorldWith(t, func(o *server.Options) {
				// One token per 100 s: what the rate lets through
				// during the test is the burst.
				o.Limits.FramesPerSecond, o.Limits.FrameBurst, o.Limits.RefusedFrames = 0.01, burst, run
				o.Logf, o.RefusalLogEvery = log.logf, 1<<40
			})
			e, err := w.ops.Entry(w.ctx, "A", "", "")
			w.must(e, err)
			r := dialRaw(t, w, customerPath(e.URL), nil)
			r.wait(0, typed("hello"))
			for i := range flood {
				k.send(r, i)
			}
			r.wait(0, func(f map[string]any) bool { return f["type"] == "error" && f["code"] == "limit" })
			// An unlimited server answers the whole flood in a blink;
			// give it the time to show.
			time.Sleep(300 * time.Millisecond)
			fs, _, pongs, closed := r.snapshot()
			if n := k.answered(fs, pongs); n == 0 || n > burst {
				t.Errorf("%d of %d flooded frames answered, want at most the burst of %d", n, flood, burst)
			}
			if n := count(fs, "error", "limit"); n != 1 {
				t.Errorf("%d limit frames, want one for the run of refused frames", n)
			}
			if closed != nil {
				t.Errorf("a flooding socket is paced, not closed: %v", closed)
			}
			w.closed = true
			w.srv.Close()
			// Read and refused: the run that paced the socket, not the flood.
			if got := strings.Join(log.all(), "\n"); !strings.Contains(got, fmt.Sprintf("limit: frames per second per socket ×%d", run)) {
				t.Errorf("refusals logged: %s; want the run of %d", got, run)
			}
		})
	}
}

func count(fs []map[string]any, typ, code string) int {
	n := 0
	for _, f := range fs {
		if f["type"] == typ && (code == "" || f["code"] == code) {
			n++
		}
	}
	return n
}

// The snapshots one party can make the server build are rate-limited: an
// agent's handshakes and syncs (each costs 1 and 1 per open chat), an
// entry token's customer handshakes (a reconnect storm).
func TestHellosLimited(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) {
		o.Limits.Hellos, o.Limits.HelloBurst = 0.01, 5 // no refill during the test
		o.Limits.FramesPerSecond, o.Limits.FrameBurst = 1e6, 1e6
	})
	a := w.agent("A-a1") // the first hello
	w.transferred("A", a)
	h := agentCookie(t, w, "A-a1")
	r := dialRaw(t, w, "/ws/agent", h) // the second: 1 and 1 for the open chat
	r.wait(0, typed("hello"))
	for i := range 5 {
		r.send(fmt.Sprintf(`{"type":"sync","seq":%d}`, i+1))
	}
	r.wait(0, func(f map[string]any) bool {
		return f["type"] == "error" && f["code"] == "limit" && strings.Contains(field(f, "message"), "hellos")
	})
	fs, _, _, _ := r.snapshot()
	// 5 tokens: the first socket's hello (no chat) 1, then 2 each with
	// the open chat: this socket's handshake and one sync.
	if n := count(fs, "hello", ""); n != 2 {
		t.Errorf("%d hellos built on the second socket, want 2", n)
	}
	resp, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(w.base, "http")+"/ws/agent", h)
	if err == nil {
		resp.Close()
		t.Error("a handshake past the agent's hellos was accepted")
	}

	e, err := w.ops.Entry(w.ctx, "A", "", "")
	w.must(e, err)
	for i := range 6 {
		c, err := actors.Enter(w.ctx, e.URL)
		if i < 5 {
			w.must(c, err)
			t.Cleanup(func() { c.Close() })
			continue
		}
		wantStatus(t, err, http.StatusTooManyRequests, "hellos")
	}
}
