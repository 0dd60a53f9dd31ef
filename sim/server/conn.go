package server

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	writeWait  = 10 * time.Second
	pingPeriod = 30 * time.Second
)

// conn is one WebSocket. Frames are queued without bound under the server
// lock and written by the conn's own goroutine, so a slow client never
// blocks the core and nothing is dropped.
type conn struct {
	ws       *websocket.Conn
	login    string // agent socket: the agent
	conv     string // customer socket: the conversation
	lastSeq  int64  // last client seq accepted
	outSeq   int64  // server frames sent, numbered from 1
	sent     map[string]int
	mu       sync.Mutex
	queue    [][]byte
	wake     chan struct{}
	closed   bool
	done     chan struct{}
	closeMsg []byte
}

func newConn(ws *websocket.Conn) *conn {
	return &conn{ws: ws, sent: map[string]int{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// push numbers a server frame and queues it. Callers hold the server lock,
// which also orders the frames of one connection.
func (c *conn) push(frame map[string]any) {
	c.outSeq++
	frame["seq"] = c.outSeq
	data, err := json.Marshal(frame)
	if err != nil {
		return
	}
	c.mu.Lock()
	if !c.closed {
		c.queue = append(c.queue, data)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// shut asks the writer to send a close frame and stop.
func (c *conn) shut(code int, text string) {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.closeMsg = websocket.FormatCloseMessage(code, text)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// writeLoop drains the queue until the conn is shut or a write fails.
func (c *conn) writeLoop() {
	defer close(c.done)
	tick := time.NewTicker(pingPeriod)
	defer tick.Stop()
	for {
		select {
		case <-c.wake:
		case <-tick.C:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if c.ws.WriteMessage(websocket.PingMessage, nil) != nil {
				c.ws.Close()
				return
			}
			continue
		}
		c.mu.Lock()
		q, closed, msg := c.queue, c.closed, c.closeMsg
		c.queue = nil
		c.mu.Unlock()
		for _, data := range q {
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if c.ws.WriteMessage(websocket.TextMessage, data) != nil {
				c.ws.Close()
				return
			}
		}
		if closed {
			_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			c.ws.Close()
			return
		}
	}
}

// errorFrame is the answer to a refused client frame.
func errorFrame(code, message, rule string, ref int64) map[string]any {
	f := map[string]any{"type": "error", "code": code, "message": message}
	if rule != "" {
		f["rule"] = rule
	}
	if ref > 0 {
		f["ref"] = ref
	}
	return f
}
