package server

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Timing of a socket, after gorilla's chat example.
const (
	// writeWait bounds one write: a peer that takes longer is gone.
	writeWait = 10 * time.Second
	// defaultPongWait: a socket that has sent nothing, not even a pong, for
	// this long is dead (a laptop asleep, a phone out of coverage). Under
	// 30 s so a silent agent is noticed within 30 s and goes 离线 after the
	// grace of D-WS-1, about a minute in all.
	defaultPongWait = 25 * time.Second
	// defaultPingPeriod: pings go out well within PongWait, so a healthy
	// client's pong always renews the deadline in time, even if one is late.
	defaultPingPeriod = 10 * time.Second
)

// conn is one WebSocket: a reader (the handler's goroutine) and a writer
// (writePump) with a bounded queue between the server and the writer. The
// queue is a slice that grows only while frames wait, so an idle socket
// holds none of it.
type conn struct {
	ws         *websocket.Conn
	login      string // agent socket: the agent
	conv       string // customer socket: the conversation
	limit      int    // Limits.SendQueue
	limitBytes int    // Limits.SendQueueBytes
	// sessionEnded: an agent socket whose session has ended; nothing it
	// sends is applied any more (under mu).
	sessionEnded bool

	qmu    sync.Mutex
	queue  [][]byte
	qbytes int
	wake   chan struct{} // one pending wake-up for the writer

	sent map[string]int64 // per chat, the last cseq queued (under delivery's lock)

	once     sync.Once
	quit     chan struct{}
	closeMsg []byte
	drain    bool // on quit, write what is queued first
	refuse   bool // on quit, apply nothing more the client sends
	done     chan struct{}
	readDone chan struct{} // closed when the handler stops reading

	// reader goroutine only
	lastSeq    int64
	rate       bucket
	refusedRun int  // frames refused by the rate in a row
	paced      bool // a flood: read no faster than the rate (admit)
}

// push queues a frame without ever blocking: a socket whose queue is full,
// in frames or in bytes, reads too slowly and is closed with 1013 (it may
// reconnect and resume).
func (c *conn) push(data []byte) {
	select {
	case <-c.quit:
		return
	default:
	}
	c.qmu.Lock()
	full := len(c.queue) >= c.limit || c.qbytes+len(data) > c.limitBytes
	if !full {
		c.queue = append(c.queue, data)
		c.qbytes += len(data)
	}
	c.qmu.Unlock()
	if full {
		c.kill(websocket.CloseTryAgainLater, "slow reader: send queue full (limit: send queue)")
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// take empties the queue for the writer.
func (c *conn) take() [][]byte {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	q := c.queue
	c.queue, c.qbytes = nil, 0
	return q
}

// sendChat queues a chat frame unless this socket already has it.
func (c *conn) sendChat(conv string, cseq int64, data []byte) {
	if cseq <= c.sent[conv] {
		return
	}
	c.sent[conv] = cseq
	c.push(data)
}

// seen records that the socket is up to date with conv at cseq.
func (c *conn) seen(conv string, cseq int64) {
	if cseq > c.sent[conv] {
		c.sent[conv] = cseq
	}
}

// kill asks the writer to send a close frame and stop; the first reason wins.
func (c *conn) kill(code int, text string) {
	c.once.Do(func() {
		c.closeMsg = websocket.FormatCloseMessage(code, text)
		c.drain = code != websocket.CloseTryAgainLater
		// A slow reader or a server going down may still have its last
		// frames applied (their answers are lost; resent ids are not
		// applied twice); a socket closed for what it sent, or whose
		// session ended, has nothing more applied.
		switch code {
		case websocket.CloseTryAgainLater, websocket.CloseGoingAway, websocket.CloseNormalClosure:
		default:
			c.refuse = true
		}
		close(c.quit)
	})
}

// writePump writes queued frames and pings until the socket is killed or
// a write fails. Only it writes to the socket.
func (c *conn) writePump(pingPeriod time.Duration) {
	defer close(c.done)
	defer c.ws.Close()
	tick := time.NewTicker(pingPeriod)
	defer tick.Stop()
	write := func(data []byte) bool {
		c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		return c.ws.WriteMessage(websocket.TextMessage, data) == nil
	}
	cork, _ := c.ws.NetConn().(*corkConn)
	for {
		select {
		case <-c.wake:
			batch := c.take()
			if cork != nil && len(batch) > 1 {
				cork.cork()
			}
			for _, data := range batch {
				if !write(data) {
					if cork != nil {
						_ = cork.uncork()
					}
					return
				}
			}
			if cork != nil && len(batch) > 1 && cork.uncork() != nil {
				return
			}
		case <-tick.C:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if c.ws.WriteMessage(websocket.PingMessage, nil) != nil {
				return
			}
		case <-c.quit:
			if c.drain {
				for _, data := range c.take() {
					if !write(data) {
						return
					}
				}
			}
			_ = c.ws.WriteControl(websocket.CloseMessage, c.closeMsg, time.Now().Add(time.Second))
			// Let the reader take what the peer still sends, up to its
			// close: closing with unread input would reset the connection
			// and lose the close frame on the way.
			select {
			case <-c.readDone:
			case <-time.After(time.Second):
			}
			return
		}
	}
}

// read returns the next client message and its type. The read deadline is
// renewed by every message and every admitted ping or pong, so only a
// silent peer times out.
func (c *conn) read(pongWait time.Duration) (int, []byte, error) {
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	mt, data, err := c.ws.ReadMessage()
	if errors.Is(err, websocket.ErrReadLimit) {
		c.kill(websocket.CloseMessageTooBig, "frame above 1 MiB")
	}
	return mt, data, err
}

// refusing reports whether the socket is closing for what it sent or
// because its session ended: what it still sends is read (so the close
// handshake completes) and never applied.
func (c *conn) refusing() bool {
	select {
	case <-c.quit:
		return c.refuse
	default:
		return false
	}
}
