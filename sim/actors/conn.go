package actors

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/wire"
)

// record is what one party received, over all its sockets in turn: one
// reader goroutine per socket appends every frame to it. Its outbox numbers
// and ids what the party sends, keeps what is unanswered for the next
// socket, and the last cseq per chat.
type record struct {
	mu     sync.Mutex
	frames []Frame
	cond   chan struct{} // closed and replaced whenever something changes
	err    error         // why the current socket's reader stopped
	ob     *wire.Outbox
}

func newRecord() *record {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &record{cond: make(chan struct{}), ob: wire.NewOutbox(hex.EncodeToString(b))}
}

func (r *record) wake() {
	close(r.cond)
	r.cond = make(chan struct{})
}

// socket is one WebSocket of a party; its writes come from the party's
// outbox, one at a time.
type socket struct {
	ws   *websocket.Conn
	rec  *record
	done chan struct{}
}

// writeWait bounds a write so a stuck peer cannot hang a step.
const writeWait = 5 * time.Second

func dial(ctx context.Context, url string, header http.Header, rec *record) (*socket, *http.Response, error) {
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, url, header)
	if err != nil {
		return nil, resp, err
	}
	s := &socket{ws: ws, rec: rec, done: make(chan struct{})}
	rec.mu.Lock()
	rec.err = nil
	rec.mu.Unlock()
	go s.read()
	return s, resp, nil
}

// WriteText writes one frame (wire.Conn).
func (s *socket) WriteText(data []byte) error {
	s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteMessage(websocket.TextMessage, data)
}

// attach makes s the socket the party's frames go to: what was not
// answered goes first, with its ids (protocol v2).
func (s *socket) attach() error { return s.rec.ob.Attach(s) }

func (s *socket) read() {
	defer close(s.done)
	r := s.rec
	for {
		_, data, err := s.ws.ReadMessage()
		if err != nil {
			r.ob.Detach(s)
			r.mu.Lock()
			r.err = err
			r.wake()
			r.mu.Unlock()
			return
		}
		f := wire.ParseFrame(data)
		f.Raw = append([]byte(nil), data...)
		f.Received = time.Now()
		r.ob.Take(f)
		switch {
		case f.Answers():
			r.ob.Answer(f.ID)
		case f.Unread():
			// Frames were dropped unread: send again what is unanswered
			// once the rate refills.
			if hold, ok := r.ob.Limited(); ok {
				time.AfterFunc(wire.LimitWait, func() { _ = r.ob.Release(hold, nil) })
			}
		}
		r.mu.Lock()
		r.frames = append(r.frames, f)
		r.wake()
		r.mu.Unlock()
	}
}

// send writes one client frame; a frame that changes state gets a fresh
// client id and is kept until answered.
func (s *socket) send(f wire.ClientFrame) error {
	_, err := s.rec.ob.Send(f, 0, nil)
	return err
}

// ping sends a ping frame and waits for the pong that answers it.
func (s *socket) ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	from := s.count()
	f, err := s.rec.ob.Send(wire.ClientFrame{Type: wire.TypePing}, 0, nil)
	if err != nil {
		return 0, err
	}
	ans, _, err := s.wait(ctx, from, func(a Frame) bool {
		return (a.Type == wire.TypePong || a.Type == wire.TypeError) && a.Ref == f.Seq
	})
	if err == nil && ans.Type == wire.TypeError {
		err = fmt.Errorf("ping refused: %s: %s", ans.Code, ans.Message)
	}
	return time.Since(start), err
}

// sendRaw writes bytes as they are (bad-input tests).
func (s *socket) sendRaw(data []byte) error { return s.rec.ob.WriteRaw(data) }

// Frames returns a copy of everything received so far.
func (s *socket) Frames() []Frame {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Frame(nil), s.rec.frames...)
}

// count is the number of frames received so far, without copying them: a
// ping marks its start this way, and copying a long history per ping made
// the pinging client itself slow (and its garbage timed the pings).
func (s *socket) count() int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return len(s.rec.frames)
}

// ErrSocketClosed is returned by waits on a socket the server closed.
var ErrSocketClosed = errors.New("socket closed")

// wait returns the first frame from index from on that matches, waiting
// until ctx ends. It returns the index after the match for the next wait.
func (s *socket) wait(ctx context.Context, from int, match func(Frame) bool) (Frame, int, error) {
	r := s.rec
	for {
		r.mu.Lock()
		for i := from; i < len(r.frames); i++ {
			if match(r.frames[i]) {
				f := r.frames[i]
				r.mu.Unlock()
				return f, i + 1, nil
			}
		}
		from = len(r.frames)
		cond, err := r.cond, r.err
		r.mu.Unlock()
		if err != nil {
			return Frame{}, from, fmt.Errorf("%w: %w", ErrSocketClosed, err)
		}
		select {
		case <-ctx.Done():
			return Frame{}, from, ctx.Err()
		case <-cond:
		}
	}
}

func (s *socket) close() error {
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	err := s.ws.Close()
	<-s.done
	return err
}

// drop cuts the connection without a close frame, as a network failure
// does.
func (s *socket) drop() {
	_ = s.ws.NetConn().Close()
	<-s.done
}
