package server_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// raw is a protocol socket driven by hand: frames go out exactly as
// written, and everything that comes back is kept, with its size, the
// pongs to our WebSocket pings and the close code.
type raw struct {
	t      *testing.T
	ws     *websocket.Conn
	wmu    sync.Mutex
	mu     sync.Mutex
	frames []map[string]any
	bytes  int
	pongs  int
	closed error
	more   chan struct{}
}

// dialRaw opens path ("/ws/customer?…") on w with the header.
func dialRaw(t *testing.T, w *world, path string, h http.Header) *raw {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.DialContext(w.ctx, "ws"+strings.TrimPrefix(w.base, "http")+path, h)
	if err != nil {
		t.Fatalf("dial %s: %v %v", path, resp, err)
	}
	r := &raw{t: t, ws: ws, more: make(chan struct{}, 1)}
	ws.SetPongHandler(func(string) error {
		r.mu.Lock()
		r.pongs++
		r.mu.Unlock()
		r.poke()
		return nil
	})
	go r.read()
	t.Cleanup(func() { ws.Close() })
	return r
}

// customerPath is the customer socket of an entry URL.
func customerPath(entryURL string) string {
	return "/ws/customer?" + strings.SplitN(entryURL, "?", 2)[1]
}

func (r *raw) poke() {
	select {
	case r.more <- struct{}{}:
	default:
	}
}

func (r *raw) read() {
	for {
		_, data, err := r.ws.ReadMessage()
		r.mu.Lock()
		if err != nil {
			r.closed = err
			r.mu.Unlock()
			r.poke()
			return
		}
		var f map[string]any
		if json.Unmarshal(data, &f) == nil {
			r.frames = append(r.frames, f)
		}
		r.bytes += len(data)
		r.mu.Unlock()
		r.poke()
	}
}

func (r *raw) write(mt int, data []byte) error {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	r.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return r.ws.WriteMessage(mt, data)
}

// send writes a text frame; a write error after the server closed is not
// the test's failure (the close is what it waits for).
func (r *raw) send(frame string) { _ = r.write(websocket.TextMessage, []byte(frame)) }

func (r *raw) ping() error {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	return r.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second))
}

// snapshot returns copies of what came so far.
func (r *raw) snapshot() ([]map[string]any, int, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.frames...), r.bytes, r.pongs, r.closed
}

// wait returns the first frame from index from on that matches; it fails
// the test after 15 s or when the socket closes first.
func (r *raw) wait(from int, match func(map[string]any) bool) (map[string]any, int) {
	r.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		fs, _, _, closed := r.snapshot()
		for i := from; i < len(fs); i++ {
			if match(fs[i]) {
				return fs[i], i + 1
			}
		}
		if closed != nil {
			r.t.Fatalf("socket closed (%v) before the frame awaited", closed)
		}
		select {
		case <-r.more:
		case <-deadline:
			r.t.Fatal("no such frame within 15 s")
		}
	}
}

// waitClosed returns the close error of the server's close (15 s at most).
func (r *raw) waitClosed() *websocket.CloseError {
	r.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		_, _, _, closed := r.snapshot()
		if closed != nil {
			var ce *websocket.CloseError
			if errors.As(closed, &ce) {
				return ce
			}
			r.t.Fatalf("socket ended without a close frame: %v", closed)
		}
		select {
		case <-r.more:
		case <-deadline:
			r.t.Fatal("the server did not close the socket within 15 s")
		}
	}
}

func typed(typ string) func(map[string]any) bool {
	return func(f map[string]any) bool { return f["type"] == typ }
}

func field(f map[string]any, k string) string {
	s, _ := f[k].(string)
	return s
}
