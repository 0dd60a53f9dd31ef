package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

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
// work: at most a burst is answered, the rest is dropped unread with one
// limit frame, and a socket far above the rate is closed with 1008.
func TestFloodsRateLimitedBeforeAnyWork(t *testing.T) {
	const burst, flood = 10, 2000
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
			w := newWorldWith(t, func(o *server.Options) {
				o.Limits.FramesPerSecond, o.Limits.FrameBurst, o.Limits.RefusedFrames = 1, burst, 500
			})
			e, err := w.ops.Entry(w.ctx, "A", "", "")
			w.must(e, err)
			r := dialRaw(t, w, customerPath(e.URL), nil)
			r.wait(0, typed("hello"))
			for i := range flood {
				k.send(r, i)
			}
			ce := r.waitClosed()
			fs, _, pongs, _ := r.snapshot()
			// The burst, and what the rate (1/s) refills meanwhile.
			if n := k.answered(fs, pongs); n == 0 || n > burst+5 {
				t.Errorf("%d of %d flooded frames answered, want at most the burst of %d", n, flood, burst)
			}
			if n := count(fs, "error", "limit"); n < 1 || n > 5 {
				t.Errorf("%d limit frames, want one per run of refused frames", n)
			}
			if ce.Code != websocket.ClosePolicyViolation || !strings.Contains(ce.Text, "frames per second") {
				t.Errorf("closed with %d %q, want 1008 naming the frame rate", ce.Code, ce.Text)
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
