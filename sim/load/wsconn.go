package load

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/wire"
)

// wsock is one WebSocket of an actor: one reader goroutine hands frames to
// the actor; its writes come from the actor's outbox, one at a time.
type wsock struct {
	ws *websocket.Conn
	// opened and last: when the socket opened and last read a frame; set
	// and read on the reader's goroutine only (onEnd runs on it too).
	opened, last time.Time
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

func dialWith(ctx context.Context, d *websocket.Dialer, url string, h http.Header) (*wsock, error) {
	ws, resp, err := d.DialContext(ctx, url, h)
	if err != nil {
		if resp != nil {
			return nil, &handshakeError{status: resp.StatusCode}
		}
		return nil, err
	}
	return &wsock{ws: ws, opened: time.Now()}, nil
}

type handshakeError struct{ status int }

func (e *handshakeError) Error() string { return "handshake refused: HTTP " + strconv.Itoa(e.status) }

// readLoop decodes frames until the socket ends; the actor's handler runs
// on this goroutine. pause, if set, is a slow reader's pause per frame
// while it returns more than zero.
func (s *wsock) readLoop(pause func() time.Duration, onFrame func(*wsock, *wire.Frame), onEnd func(*wsock, error)) {
	for {
		_, data, err := s.ws.ReadMessage()
		if err != nil {
			onEnd(s, err)
			return
		}
		if pause != nil {
			if d := pause(); d > 0 {
				time.Sleep(d)
			}
		}
		s.last = time.Now()
		f := wire.ParseFrame(data)
		onFrame(s, &f)
	}
}

// lostSince is when what the socket brought may have started to go
// missing: its last frame (or its opening), at most lossWindow before its
// end. A connection the network resets drops the bytes on their way
// first, so the frames just before the end never arrive (D-LOAD-11).
func (s *wsock) lostSince(end time.Time) time.Time {
	from := s.last
	if from.IsZero() {
		from = s.opened
	}
	return later(from, end.Add(-lossWindow))
}

// lossWindow bounds how long before a socket's end its frames may have
// been lost on the way (D-LOAD-11): the unconfirmed window's 2 s.
const lossWindow = 2 * time.Second

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// WriteText writes one frame (wire.Conn: the outbox serialises the calls).
func (s *wsock) WriteText(data []byte) error {
	_ = s.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return s.ws.WriteMessage(websocket.TextMessage, data)
}

// close says goodbye with a close frame (WriteControl may run beside a
// write).
func (s *wsock) close() {
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
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

func isSlowReaderClose(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce) && ce.Code == websocket.CloseTryAgainLater
}

// errKind shortens a dial error to a kind for the error counts.
func errKind(err error) string {
	var he *handshakeError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &he):
		return he.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &oe):
		// A system call's error names its call, which is most often the
		// operation's own: "read: connection reset by peer", not "read read: …".
		msg := oe.Err.Error()
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			msg = se.Err.Error()
		}
		return oe.Op + ": " + msg
	}
	return err.Error()
}
