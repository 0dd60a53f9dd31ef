package actors

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// record is what one party received, over all its sockets in turn: one
// reader goroutine per socket appends every frame to it.
type record struct {
	mu      sync.Mutex
	frames  []Frame
	cond    chan struct{} // closed and replaced whenever something changes
	cseq    map[string]int64
	pending map[string]map[string]any // frames sent and not yet answered, by id
	order   []string                  // ids of pending, oldest first
	err     error                     // why the current socket's reader stopped
	prefix  string                    // client ids: prefix-n, unique per party
	nextID  int
}

func newRecord() *record {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &record{cond: make(chan struct{}), cseq: map[string]int64{}, pending: map[string]map[string]any{},
		prefix: hex.EncodeToString(b)}
}

func (r *record) wake() {
	close(r.cond)
	r.cond = make(chan struct{})
}

// LastCSeq is the last chat sequence number received for conv (protocol v2).
func (r *record) lastCSeq(conv string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cseq[conv]
}

// socket is one WebSocket of a party; writes are serialised by a lock
// (gorilla allows one writer).
type socket struct {
	ws   *websocket.Conn
	rec  *record
	wmu  sync.Mutex
	seq  int64
	done chan struct{}
}

// writeWait bounds a write so a stuck peer cannot hang a step.
const writeWait = 5 * time.Second

// changes lists the client frames that change state: they carry an id and
// are sent again after a reconnect until answered (protocol v2).
var changes = map[string]bool{"say": true, "button": true, "leave": true, "rate": true,
	"send": true, "close": true, "status": true}

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

func (s *socket) read() {
	defer close(s.done)
	r := s.rec
	for {
		_, data, err := s.ws.ReadMessage()
		r.mu.Lock()
		if err != nil {
			r.err = err
			r.wake()
			r.mu.Unlock()
			return
		}
		var f Frame
		if jerr := json.Unmarshal(data, &f); jerr != nil {
			f = Frame{Type: "undecodable", Message: jerr.Error()}
		}
		f.Raw = append(json.RawMessage(nil), data...)
		f.Received = time.Now()
		// A resumed hello's cseq is where the replay that follows will
		// end: the frames up to it are not here yet, so it must not count
		// as seen (a drop during the replay would skip them).
		if f.CSeq > 0 && !(f.Type == "hello" && f.Resumed) {
			if id := f.ConvID(); f.CSeq > r.cseq[id] {
				r.cseq[id] = f.CSeq
			}
		}
		if f.Type == "hello" {
			for _, c := range f.Conversations {
				if c.CSeq > r.cseq[c.ID] && !c.Resumed {
					r.cseq[c.ID] = c.CSeq
				}
			}
		}
		if (f.Type == "ack" || f.Type == "error") && f.ID != "" {
			delete(r.pending, f.ID)
		}
		r.frames = append(r.frames, f)
		r.wake()
		r.mu.Unlock()
	}
}

// send writes one client frame with the next sequence number; a frame
// that changes state gets a fresh client id and is kept until answered.
func (s *socket) send(frame map[string]any) error {
	_, err := s.sendID(frame)
	return err
}

// sendID is send that also returns the client id it gave the frame ("" for
// a frame that takes none).
func (s *socket) sendID(frame map[string]any) (string, error) {
	var id string
	if changes[frame["type"].(string)] {
		r := s.rec
		r.mu.Lock()
		r.nextID++
		id = r.prefix + "-" + strconv.Itoa(r.nextID)
		frame["id"] = id
		r.pending[id] = frame
		r.order = append(r.order, id)
		r.mu.Unlock()
	}
	return id, s.write(frame)
}

func (s *socket) write(frame map[string]any) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.seq++
	out := make(map[string]any, len(frame)+1)
	for k, v := range frame {
		out[k] = v
	}
	out["seq"] = s.seq
	s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteJSON(out)
}

// resend writes again, with their ids, the frames the server has not
// answered: after a reconnect it may or may not have applied them, and the
// ids make a second copy harmless.
func (s *socket) resend() error {
	r := s.rec
	r.mu.Lock()
	var todo []map[string]any
	kept := r.order[:0]
	for _, id := range r.order {
		if f, ok := r.pending[id]; ok {
			todo = append(todo, f)
			kept = append(kept, id)
		}
	}
	r.order = kept
	r.mu.Unlock()
	for _, f := range todo {
		if err := s.write(f); err != nil {
			return err
		}
	}
	return nil
}

// ping sends a ping frame and waits for the pong that answers it.
func (s *socket) ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	from := s.count()
	s.wmu.Lock()
	s.seq++
	seq := s.seq
	s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	err := s.ws.WriteJSON(map[string]any{"type": "ping", "seq": seq})
	s.wmu.Unlock()
	if err != nil {
		return 0, err
	}
	f, _, err := s.wait(ctx, from, func(f Frame) bool { return (f.Type == "pong" || f.Type == "error") && f.Ref == seq })
	if err == nil && f.Type == "error" {
		err = fmt.Errorf("ping refused: %s: %s", f.Code, f.Message)
	}
	return time.Since(start), err
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
	s.wmu.Lock()
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	s.wmu.Unlock()
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
