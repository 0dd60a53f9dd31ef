package server

import (
	"sync"

	"github.com/gorilla/websocket"

	"routecheck/sim/wire"
)

// delivery is the server's second lock and all it guards: each chat's
// numbered frames (what a resume replays), the sockets of each chat and
// of each agent, and every open socket. It never takes the first lock
// (Server.mu): a section of the first lock collects its frames as intents
// and hands them over (Server.unlock takes delivery.mu before it lets mu
// go), so frames go out in the order the core made them while the core is
// already free. Sockets never block it: push only queues.
type delivery struct {
	mu      sync.Mutex
	limits  Limits
	logs    map[string]*chatLog
	custReg map[string]map[*conn]bool
	agReg   map[string]map[*conn]bool
	conns   map[*conn]bool
}

func newDelivery(l Limits) *delivery {
	return &delivery{limits: l, logs: map[string]*chatLog{}, custReg: map[string]map[*conn]bool{},
		agReg: map[string]map[*conn]bool{}, conns: map[*conn]bool{}}
}

// intent is one thing to deliver, decided under the first lock and done
// under delivery's.
type intent struct {
	conv     string         // a chat frame: numbered in that chat and kept for resume
	customer bool           // for the chat's customer sockets
	agent    string         // for this agent's sockets
	chat     wire.ChatFrame // a chat frame
	frame    any            // a frame for the agent's sockets that no chat numbers
	do       func(*delivery)
}

// chatLog is a chat's numbered frames: cseq counts every frame of the
// chat; frames holds the newest Limits.ChatFrames for resume.
type chatLog struct {
	cseq   int64
	frames []logged
	bytes  int // of frames' data (Limits.ChatLogBytes)
}

type logged struct {
	cseq     int64
	customer bool
	agent    string
	data     []byte
}

func (l *chatLog) oldest() int64 {
	if len(l.frames) == 0 {
		return l.cseq + 1
	}
	return l.frames[0].cseq
}

// handOver takes delivery's lock, lets the first lock go, and delivers out
// in order: the lock order is always first, then delivery.
func (d *delivery) handOver(first *sync.Mutex, out []intent) {
	d.mu.Lock()
	first.Unlock()
	d.deliver(out)
	d.mu.Unlock()
}

// deliver runs under d.mu, in the order the intents were collected.
func (d *delivery) deliver(out []intent) {
	for _, in := range out {
		switch {
		case in.do != nil:
			in.do(d)
		case plantOn && plantChat(d, in): // the audit's mutation test only (plant_on.go)
		case in.chat != nil:
			l := d.log(in.conv)
			l.cseq++
			data := encode(in.chat.Numbered(l.cseq))
			d.logFrame(l, logged{l.cseq, in.customer, in.agent, data})
			if in.customer {
				for c := range d.custReg[in.conv] {
					c.sendChat(in.conv, l.cseq, data)
				}
			}
			if in.agent != "" {
				for c := range d.agReg[in.agent] {
					c.sendChat(in.conv, l.cseq, data)
				}
			}
		default:
			data := encode(in.frame)
			for c := range d.agReg[in.agent] {
				c.push(data)
			}
		}
	}
}

func (d *delivery) log(conv string) *chatLog {
	l := d.logs[conv]
	if l == nil {
		l = &chatLog{}
		d.logs[conv] = l
	}
	return l
}

// logFrame logs a chat frame, bounded in frames and in bytes: a resume from
// before the oldest kept frame gets a snapshot.
func (d *delivery) logFrame(l *chatLog, f logged) {
	drop := 0
	for drop < len(l.frames) && (len(l.frames)-drop >= d.limits.ChatFrames || l.bytes+len(f.data) > d.limits.ChatLogBytes) {
		l.bytes -= len(l.frames[drop].data)
		drop++
	}
	if drop > 0 {
		n := copy(l.frames, l.frames[drop:])
		clear(l.frames[n:])
		l.frames = l.frames[:n]
	}
	l.frames = append(l.frames, f)
	l.bytes += len(f.data)
}

// replay queues the frames of conv after cseq that are for this party. It
// reports false when frames after cseq were already dropped (the caller
// then sends a snapshot instead).
func (d *delivery) replay(c *conn, conv string, after int64, customer bool, agent string) bool {
	l := d.logs[conv]
	if l == nil {
		return after == 0
	}
	if after+1 < l.oldest() {
		return false
	}
	for _, f := range l.frames {
		if f.cseq > after && ((customer && f.customer) || (agent != "" && f.agent == agent)) {
			if plantOn && plantReplay(f, customer) { // the audit's mutation test only
				continue
			}
			c.sendChat(conv, f.cseq, f.data)
		}
	}
	c.seen(conv, l.cseq)
	return true
}

// resumable: the log still holds every frame of conv after cseq after.
func (d *delivery) resumable(conv string, after int64) bool {
	l := d.logs[conv]
	return l != nil && after <= l.cseq && after+1 >= l.oldest()
}

func (d *delivery) cseq(conv string) int64 {
	if l := d.logs[conv]; l != nil {
		return l.cseq
	}
	return 0
}

// addAgent and addCustomer register a socket for delivery.
func (d *delivery) addAgent(c *conn)    { d.agReg[c.login] = addConn(d.agReg[c.login], c) }
func (d *delivery) addCustomer(c *conn) { d.custReg[c.conv] = addConn(d.custReg[c.conv], c) }

func addConn(m map[*conn]bool, c *conn) map[*conn]bool {
	if m == nil {
		m = map[*conn]bool{}
	}
	m[c] = true
	return m
}

// remove takes the conn out of delivery and closes it.
func (d *delivery) remove(c *conn) {
	delete(d.conns, c)
	if c.login != "" {
		delete(d.agReg[c.login], c)
		if len(d.agReg[c.login]) == 0 {
			delete(d.agReg, c.login)
		}
	}
	if c.conv != "" {
		delete(d.custReg[c.conv], c)
		if len(d.custReg[c.conv]) == 0 {
			delete(d.custReg, c.conv)
		}
	}
	c.kill(websocket.CloseNormalClosure, "")
}

// release forgets an ended chat's log and closes its customer sockets.
func (d *delivery) release(conv string) {
	delete(d.logs, conv)
	for c := range d.custReg[conv] {
		c.kill(websocket.CloseNormalClosure, "chat ended and released")
	}
	delete(d.custReg, conv)
}

// closeAll tells every socket the server is going away.
func (d *delivery) closeAll(code int, text string) {
	for c := range d.conns {
		c.kill(code, text)
	}
}
