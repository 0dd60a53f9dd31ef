package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// socket is a recorded WebSocket: one reader goroutine appends every frame
// to the record; writes are serialised by a lock (gorilla allows one writer).
type socket struct {
	ws   *websocket.Conn
	wmu  sync.Mutex
	seq  int64
	mu   sync.Mutex
	rec  []Frame
	cond chan struct{} // closed and replaced whenever a frame arrives
	err  error         // why the reader stopped
	done chan struct{}
}

// writeWait bounds a write so a stuck peer cannot hang a step.
const writeWait = 5 * time.Second

func dial(ctx context.Context, url string, header http.Header) (*socket, *http.Response, error) {
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx, url, header)
	if err != nil {
		return nil, resp, err
	}
	s := &socket{ws: ws, cond: make(chan struct{}), done: make(chan struct{})}
	go s.read()
	return s, resp, nil
}

func (s *socket) read() {
	defer close(s.done)
	for {
		_, data, err := s.ws.ReadMessage()
		s.mu.Lock()
		if err != nil {
			s.err = err
			close(s.cond)
			s.cond = make(chan struct{})
			s.mu.Unlock()
			return
		}
		var f Frame
		if jerr := json.Unmarshal(data, &f); jerr != nil {
			f = Frame{Type: "undecodable", Message: jerr.Error()}
		}
		f.Raw = append(json.RawMessage(nil), data...)
		f.Received = time.Now()
		s.rec = append(s.rec, f)
		close(s.cond)
		s.cond = make(chan struct{})
		s.mu.Unlock()
	}
}

// send writes one client frame with the next sequence number.
func (s *socket) send(frame map[string]any) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.seq++
	frame["seq"] = s.seq
	s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteJSON(frame)
}

// sendRaw writes bytes as they are (bad-input tests).
func (s *socket) sendRaw(data []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteMessage(websocket.TextMessage, data)
}

// Frames returns a copy of everything received so far.
func (s *socket) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.rec...)
}

// ErrSocketClosed is returned by waits on a socket the server closed.
var ErrSocketClosed = errors.New("socket closed")

// wait returns the first frame from index from on that matches, waiting
// until ctx ends. It returns the index after the match for the next wait.
func (s *socket) wait(ctx context.Context, from int, match func(Frame) bool) (Frame, int, error) {
	for {
		s.mu.Lock()
		for i := from; i < len(s.rec); i++ {
			if match(s.rec[i]) {
				f := s.rec[i]
				s.mu.Unlock()
				return f, i + 1, nil
			}
		}
		from = len(s.rec)
		cond, err := s.cond, s.err
		s.mu.Unlock()
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
	s.wmu.Lock()
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	s.wmu.Unlock()
	err := s.ws.Close()
	<-s.done
	return err
}
