package load

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// frame is a server frame, decoded only as far as the actors need.
type frame struct {
	Type          string          `json:"type"`
	ID            string          `json:"id"`
	Code          string          `json:"code"`
	Message       string          `json:"message"`
	Conv          json.RawMessage `json:"conv"`
	CSeq          int64           `json:"cseq"`
	MsgSeq        int64           `json:"msg_seq"`
	Sender        string          `json:"sender"`
	Text          string          `json:"text"`
	State         string          `json:"state"`
	Kind          string          `json:"kind"`
	Reason        string          `json:"reason"`
	Resumed       bool            `json:"resumed"`
	Messages      []chatLine      `json:"messages"`
	Conversations []convView      `json:"conversations"`
	Agent         json.RawMessage `json:"agent"`
}

type chatLine struct {
	Seq    int64  `json:"seq"`
	Sender string `json:"sender"`
	Text   string `json:"text"`
}

// msgSeqs are the message numbers of a history.
func msgSeqs(ms []chatLine) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

type convView struct {
	ID       string     `json:"id"`
	State    string     `json:"state"`
	Messages []chatLine `json:"messages"`
	CSeq     int64      `json:"cseq"`
	Resumed  bool       `json:"resumed"`
}

// convID reads conv as a plain id or as a whole conversation (assigned).
func (f *frame) convID() string {
	if len(f.Conv) == 0 {
		return ""
	}
	if f.Conv[0] == '"' {
		var id string
		_ = json.Unmarshal(f.Conv, &id)
		return id
	}
	var c convView
	_ = json.Unmarshal(f.Conv, &c)
	return c.ID
}

// wsock is one WebSocket of an actor: one reader goroutine hands frames to
// the actor; writes are serialised (gorilla allows one writer).
type wsock struct {
	ws  *websocket.Conn
	wmu sync.Mutex
	seq int64
}

const writeWait = 5 * time.Second

// errUndecodable counts server frames that are not JSON (half-written).
const errUndecodable = "undecodable frame from the workbench"

var dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 2048, WriteBufferSize: 2048}

// slowDialer gives a slow reader a small receive buffer, as a browser on a
// busy laptop offers a small window: the server's writes then back up
// into its send queue instead of into the kernel.
var slowDialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024,
	NetDialContext: (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = setRecvBuffer(fd, 4096) })
		if err != nil {
			return err
		}
		return serr
	}}).DialContext}

// dialWS opens a socket; on a refused handshake the error names the status.
func dialWS(ctx context.Context, url string, h http.Header) (*wsock, error) {
	return dialWith(ctx, dialer, url, h)
}

func dialWith(ctx context.Context, d *websocket.Dialer, url string, h http.Header) (*wsock, error) {
	ws, resp, err := d.DialContext(ctx, url, h)
	if err != nil {
		if resp != nil {
			return nil, &handshakeError{status: resp.StatusCode}
		}
		return nil, err
	}
	return &wsock{ws: ws}, nil
}

type handshakeError struct{ status int }

func (e *handshakeError) Error() string { return "handshake refused: HTTP " + strconv.Itoa(e.status) }

// readLoop decodes frames until the socket ends; the actor's handler runs
// on this goroutine. delay, if set, is a slow reader's pause per frame
// while it returns more than zero.
func (s *wsock) readLoop(delay func() time.Duration, onFrame func(*frame), onEnd func(error)) {
	for {
		_, data, err := s.ws.ReadMessage()
		if err != nil {
			onEnd(err)
			return
		}
		if delay != nil {
			if d := delay(); d > 0 {
				time.Sleep(d)
			}
		}
		var f frame
		if json.Unmarshal(data, &f) != nil {
			f = frame{Type: "undecodable"}
		}
		onFrame(&f)
	}
}

// write sends one client frame with the next seq; before runs under the
// write lock, so what it records follows the order on the wire.
func (s *wsock) write(f map[string]any, before func()) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.seq++
	f["seq"] = s.seq
	if before != nil {
		before()
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_ = s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteMessage(websocket.TextMessage, data)
}

// close says goodbye with a close frame.
func (s *wsock) close() {
	s.wmu.Lock()
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	s.wmu.Unlock()
	_ = s.ws.Close()
}

// drop cuts the TCP connection with no close frame, as a network failure.
func (s *wsock) drop() { _ = s.ws.NetConn().Close() }

// closeKind names why a socket ended, for "connection errors by kind".
func closeKind(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case websocket.CloseGoingAway:
			return "closed 1001 (server going away)"
		case websocket.CloseTryAgainLater:
			return "closed 1013 (slow reader)"
		case websocket.CloseNormalClosure:
			return ""
		case websocket.CloseAbnormalClosure:
			return "connection lost"
		}
		return "closed " + strconv.Itoa(ce.Code)
	}
	return "connection lost"
}

// pending keeps the state-changing frames not yet answered, by client id,
// to send again after a reconnect (protocol v2 makes that harmless).
type pending struct {
	mu    sync.Mutex
	n     int
	order []string
	m     map[string]map[string]any
	tries map[string]int // sends after a limit refusal, by id
}

// add gives f a new client id; tries counts the sends after limit
// refusals that came before (D-LOAD-6).
func (p *pending) add(prefix string, f map[string]any, tries int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m, p.tries = map[string]map[string]any{}, map[string]int{}
	}
	p.n++
	id := prefix + "-" + strconv.Itoa(p.n)
	f["id"] = id
	p.m[id] = f
	if tries > 0 {
		p.tries[id] = tries
	}
	p.order = append(p.order, id)
	return id
}

// done drops id and returns its frame and its tries.
func (p *pending) done(id string) (map[string]any, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, n := p.m[id], p.tries[id]
	delete(p.m, id)
	delete(p.tries, id)
	return f, n
}

func (p *pending) unanswered() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	kept := p.order[:0]
	for _, id := range p.order {
		if f, ok := p.m[id]; ok {
			out = append(out, f)
			kept = append(kept, id)
		}
	}
	p.order = kept
	return out
}

func isSlowReaderClose(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce) && ce.Code == websocket.CloseTryAgainLater
}
