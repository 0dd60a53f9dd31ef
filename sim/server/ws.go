package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/wire"
)

// upgrader accepts sockets from clients that send no Origin (programs such
// as the actors) and from the server's own pages at its public URL; never
// from an origin matched against Host (DNS rebinding).
func (s *Server) upgrader() *websocket.Upgrader {
	// The read buffer is the HTTP server's (size 0); write buffers come from
	// a pool between writes: an idle socket holds neither.
	return &websocket.Upgrader{WriteBufferPool: s.writePool,
		CheckOrigin: func(r *http.Request) bool {
			o := r.Header.Get("Origin")
			return o == "" || normOrigin(o) == s.origin
		}}
}

// register starts a conn's writer and runs hello under mu; false if the
// server is closing. On true the caller must call s.wg.Done when its
// handler ends.
func (s *Server) register(c *conn, hello func()) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.ws.Close()
		return false
	}
	// One for the writer, one for the handler that registered: both are
	// counted under the lock, before Close can start waiting.
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		c.writePump(s.opts.PingPeriod)
	}()
	s.later(func(d *delivery) { d.conns[c] = true })
	hello()
	s.unlock()
	return true
}

// unregister (under mu) takes the conn out of delivery and closes it.
func (s *Server) unregister(c *conn) { s.later(func(d *delivery) { d.remove(c) }) }

// readLoop reads client frames until the socket closes or goes silent for
// PongWait. A bad frame gets an error frame naming the problem; the
// connection and everyone else go on. Decoding happens outside the locks.
func (s *Server) readLoop(c *conn, allowed func(typ string) bool, party string, handle func(*conn, wire.ClientFrame) error) {
	s.startReading(c)
	for {
		mt, data, err := c.read(s.opts.PongWait)
		if err != nil {
			return
		}
		// The rate comes before any other work: a frame above it is not
		// even decoded (admit).
		if c.refusing() || !s.admit(c) {
			continue
		}
		if mt != websocket.TextMessage {
			s.refused.add("binary frame")
			c.kill(websocket.CloseUnsupportedData, "binary frames are not part of the protocol: send JSON text frames")
			continue
		}
		f, err := wire.Decode(data)
		var ans wire.Answer
		switch {
		case err != nil:
			fe := err.(*wire.FrameError)
			s.refused.add(fe.Code)
			if fe.Code == wire.CodeInvalidUTF8 {
				c.kill(websocket.CloseInvalidFramePayloadData, "frame is not valid UTF-8 text (RFC 6455 section 8.1)")
				continue
			}
			ans = wire.Error(fe.Code, fe.Message, "", f.Seq, f.ID)
		case !allowed(f.Type):
			s.refused.add(wire.CodeUnknown)
			ans = wire.Error(wire.CodeUnknown, fmt.Sprintf("frame type %q is not for this socket", f.Type), "", f.Seq, f.ID)
		case f.Seq <= c.lastSeq:
			s.refused.add(wire.CodeStaleSeq)
			ans = wire.Error(wire.CodeStaleSeq, fmt.Sprintf("seq %d is not above the last accepted %d; frame ignored", f.Seq, c.lastSeq), "", f.Seq, f.ID)
		case f.Type == wire.TypePing:
			c.lastSeq = f.Seq
			ans = wire.Pong(f.Seq)
		default:
			c.lastSeq = f.Seq
			ans = s.apply(c, f, party, handle)
		}
		if ans.Type != "" {
			c.push(encode(ans))
		}
	}
}

// apply runs a frame under mu, once per client id: a resent id gets the
// first answer again, marked duplicate, and changes nothing. A zero Answer
// is none (a history page answers by itself; a frame without id and
// without error gets none).
func (s *Server) apply(c *conn, f wire.ClientFrame, party string, handle func(*conn, wire.ClientFrame) error) wire.Answer {
	if ans, ok := plantApply(c, f); plantOn && ok {
		return ans
	}
	s.mu.Lock()
	defer s.unlock()
	if c.sessionEnded {
		// Ended between the read and the lock: the socket is closing.
		return wire.Error("no session", "the session has ended: log in again", "", f.Seq, f.ID)
	}
	if f.ID != "" {
		if prev, ok := s.ids.answer(party, f.ID); ok {
			prev.Ref, prev.Duplicate = f.Seq, true
			return prev
		}
	}
	var ans wire.Answer
	if err := handle(c, f); err != nil {
		s.refused.add("frame " + f.Type + ": " + errCode(err))
		ans = wire.Error(errCode(err), reasonOf(err), ruleOf(err), f.Seq, f.ID)
	} else if f.Type == wire.TypeHistory {
		return wire.Answer{} // answered by its page
	} else if f.ID != "" {
		ans = wire.Ack(f.ID, f.Seq)
	}
	if f.ID != "" {
		s.ids.remember(party, f.ID, ans)
	}
	return ans
}

func (s *Server) newConn(ws *websocket.Conn) *conn {
	return &conn{ws: ws, limit: s.limits.SendQueue, limitBytes: s.limits.SendQueueBytes, wake: make(chan struct{}, 1), sent: map[string]int64{},
		quit: make(chan struct{}), done: make(chan struct{}), readDone: make(chan struct{}),
		rate: newBucket(s.limits.FramesPerSecond, s.limits.FrameBurst)}
}

// startReading sets the read limit and the control-frame handlers: a
// WebSocket ping or pong is admitted by the frame rate like any frame, and
// a ping above it gets no pong.
func (s *Server) startReading(c *conn) {
	pongWait := s.opts.PongWait
	// Above wire.MaxFrame a frame is refused with an error frame; above
	// wire.HardFrame the socket is closed (no legitimate frame is that big).
	c.ws.SetReadLimit(wire.HardFrame)
	c.ws.SetPongHandler(func(string) error {
		if !s.admit(c) {
			return nil
		}
		return c.ws.SetReadDeadline(time.Now().Add(pongWait))
	})
	c.ws.SetPingHandler(func(msg string) error {
		if !s.admit(c) || c.refusing() {
			return nil
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		// As gorilla's own handler: a socket already closing or a peer
		// too slow to take the pong is not an error of the reader.
		err := c.ws.WriteControl(websocket.PongMessage, []byte(msg), time.Now().Add(writeWait))
		var ne net.Error
		if errors.Is(err, websocket.ErrCloseSent) || (errors.As(err, &ne) && ne.Timeout()) {
			return nil
		}
		return err
	})
}

// admit takes a token of the socket's frame rate for whatever the client
// sent, before any other work (reader goroutine). Above the rate the frame
// is dropped unread and the first of a run is answered with an error
// frame. After a run of Limits.RefusedFrames the socket is paced: the
// reader waits for each token before it reads on, so a flood waits in the
// sender's TCP buffers, not in the server, and costs it one read per
// token; it is paced until it keeps within the rate for a whole burst.
func (s *Server) admit(c *conn) bool {
	now := time.Now()
	if c.paced {
		if c.rate.level(now) >= c.rate.burst {
			c.paced = false // it slowed down
		}
		for !c.rate.take(now) {
			select {
			case <-time.After(c.rate.due(now)):
			case <-c.quit:
				return false
			}
			now = time.Now()
		}
		return true
	}
	if c.rate.take(now) {
		c.refusedRun = 0
		return true
	}
	c.refusedRun++
	s.refused.add("limit: frames per second per socket")
	if c.refusedRun == 1 {
		c.push(s.rateFrame)
	}
	if c.refusedRun >= s.limits.RefusedFrames {
		c.paced, c.refusedRun = true, 0
	}
	return false
}

// openSockets counts the open agent and customer sockets (clock control
// reports it): a socket that has closed is no longer counted.
func (s *Server) openSockets() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.agentSocks {
		n += k
	}
	for _, k := range s.chatSocks {
		n += k
	}
	return n
}
