package load

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/wire"
)

// Retries of a dial or a refused transfer: 20 tries, 200 ms apart.
const (
	maxRetries = 20
	retryWait  = 200 * time.Millisecond
)

// A `limit` that names its frame is sent again, with a new client id, after
// wire.LimitWait, at most limitTries times (D-LOAD-6).
const limitTries = 5

// link is what an agent and a customer share: the party's connection to
// the workbench across its sockets. The outbox numbers, ids and resends
// the frames; the link audits each chat message under the outbox's write
// lock, so the audit's order is the order on the wire, judges every
// answer (D-LOAD-6), and keeps the retry count. Faults act on it: a slow
// reader's dialer and pause, a cut planned after the next frame of a type.
type link struct {
	e       *env
	who     string // "agent load-agent-1", "customer c7": for samples
	ob      *wire.Outbox
	onFrame func(*wsock, *wire.Frame)
	onEnd   func(*wsock, error)

	dialer *websocket.Dialer    // nil: the default; a slow reader's small window
	pause  func() time.Duration // a slow reader's pause per frame
	away   time.Duration        // after a planned cut, before it dials again
	// chat is the party's own chat, for frames that name none (a
	// customer's say); nil: the frame names its chat.
	chat func() string

	lmu     sync.Mutex
	sock    *wsock    // the current socket
	planned bool      // the current socket's end was a planned cut
	done    bool      // the party left: no cut, no reconnect
	retries int       // dials and transfers tried since the last hello
	cutOn   string    // a planned cut follows the next frame of this type
	cutBy   time.Time // and comes no later than this (zero: no bound)
	cutted  func()    // counts the cut (the fault's kind)
}

// setup sets the link up for its party: who it is in samples, its client
// ids' prefix, and the party's handlers of frames and of a socket's end.
func (l *link) setup(e *env, who, idPrefix string, onFrame func(*wsock, *wire.Frame), onEnd func(*wsock, error)) {
	l.e, l.who, l.ob = e, who, wire.NewOutbox(idPrefix)
	l.onFrame, l.onEnd = onFrame, onEnd
	l.ob.OnWrite = func(f wire.ClientFrame) {
		if isLoadText(f.Text) {
			l.e.m.audit.Written(f.Text, time.Now())
		}
	}
}

// dial opens a socket and starts its reader; sends go to it once its
// hello attaches it (attach). opened, if set, runs before the reader
// starts: what it records comes before anything the socket brings.
func (l *link) dial(ctx context.Context, url string, h http.Header, opened func()) (*wsock, error) {
	d := dialer
	if l.dialer != nil {
		d = l.dialer
	}
	s, err := dialWith(ctx, d, url, h)
	if err != nil {
		return nil, err
	}
	l.e.m.socketOpened()
	l.lmu.Lock()
	l.sock = s
	l.lmu.Unlock()
	if opened != nil {
		opened()
	}
	go s.readLoop(l.pause, l.onFrame, l.onEnd)
	return s, nil
}

// attach makes s the socket for sends after its hello, writing again first
// every frame not yet answered, in order: nothing new may overtake them.
func (l *link) attach(s *wsock) {
	l.lmu.Lock()
	l.retries = 0
	l.lmu.Unlock()
	_ = l.ob.Attach(s)
}

// lost takes a socket that ended: sends wait for the next one. It reports
// whether the end was a planned cut.
func (l *link) lost(s *wsock) (planned bool) {
	l.ob.Detach(s)
	l.lmu.Lock()
	planned, l.planned = l.planned, false
	if l.sock == s {
		l.sock = nil
	}
	l.lmu.Unlock()
	_ = s.ws.Close()
	return planned
}

// retry runs f after wait unless the tries are used up; it reports
// whether it will.
func (l *link) retry(wait time.Duration, f func()) bool {
	l.lmu.Lock()
	l.retries++
	again := l.retries <= maxRetries && !l.done
	l.lmu.Unlock()
	if again {
		l.e.sched.after(wait, func(time.Time) { f() })
	}
	return again
}

// send writes a state-changing frame with a client id; at is when its
// latency counts from (zero for frames that are not chat messages).
func (l *link) send(f wire.ClientFrame, at time.Time) { l.write(f, at, 0) }

// again sends a frame once more, with a new id, after a `limit` naming it
// (D-LOAD-6).
func (l *link) again(f wire.ClientFrame, tries int) { l.write(f, time.Now(), tries) }

func (l *link) write(f wire.ClientFrame, at time.Time, tries int) {
	load := isLoadText(f.Text)
	if !l.e.ph.beginSend() {
		if tries > 0 && load {
			l.e.m.audit.Refused(f.Text, wire.CodeLimit, true) // the load ended before the advised wait
		}
		return // the load is over: nothing new goes out (D-LOAD-3)
	}
	defer l.e.ph.endSend()
	if l.e.beforeWrite != nil {
		l.e.beforeWrite(f)
	}
	_, _ = l.ob.Send(f, tries, func(f wire.ClientFrame) {
		switch {
		case load && tries > 0:
			l.e.m.audit.Again(f.Text, true)
		case load:
			conv := f.Conv
			if l.chat != nil {
				conv = l.chat()
			}
			l.e.m.audit.Sent(f.Text, conv, l.who, f.Type == wire.TypeSay, at)
		}
	})
	if l.disarm(f.Type, time.Now()) {
		l.cut()
	}
}

// answer matches an ack or error to the pending frame by client id and
// judges it (D-LOAD-6): an ack confirms; `limit` naming the frame sends it
// again after wire.LimitWait with a new id; `not allowed in the current
// state` is expected only once the party no longer holds the chat (held
// says, when the error arrives: the ended or requeued frame comes first);
// any other error is unexpected and fails the run. A `limit` that names no
// frame (the frame rate dropped some unread) holds the outbox, and after
// the wait every frame not yet answered goes again under its own id.
func (l *link) answer(f *wire.Frame, held func(conv string) bool) {
	if f.Unread() {
		l.limited()
		return
	}
	if f.ID == "" {
		if f.Type == wire.TypeError {
			l.e.m.refusal(l.who, "frame without id", f.Code)
		}
		return
	}
	sent, tries, ok := l.ob.Answer(f.ID)
	if !ok {
		return // the answer to a resend of a frame already answered
	}
	load := isLoadText(sent.Text)
	if f.Type == wire.TypeAck {
		if load {
			l.e.m.audit.Acked(sent.Text)
		}
		return
	}
	if f.Code == wire.CodeLimit && tries < limitTries {
		l.e.sched.after(wire.LimitWait, func(time.Time) { l.again(sent, tries+1) })
		return
	}
	expected := f.Code == wire.CodeNotAllowed && !held(sent.Conv)
	switch {
	case load:
		l.e.m.audit.Refused(sent.Text, f.Code, expected)
	case !expected:
		l.e.m.refusal(l.who, sent.Type, f.Code)
	}
}

// limited holds the outbox after a `limit` that names no frame and, after
// the wait, sends again what is unanswered: a chat message resent is a new
// send for the order check, and so is one that waited behind it (each
// takes its place in the order it goes on the wire).
func (l *link) limited() {
	n, ok := l.ob.Limited()
	if !ok {
		return
	}
	l.e.sched.after(wire.LimitWait, func(time.Time) {
		if l.e.ph.stopping.Load() {
			return
		}
		_ = l.ob.Release(n, func(f wire.ClientFrame, written bool) {
			if isLoadText(f.Text) {
				l.e.m.audit.Again(f.Text, written)
			}
		})
	})
}

// armCut plans a cut right after the next frame of type typ goes out
// (before by, if set); counted tells the fault it struck.
func (l *link) armCut(typ string, by time.Time, counted func()) {
	l.lmu.Lock()
	l.cutOn, l.cutBy, l.cutted = typ, by, counted
	l.lmu.Unlock()
}

// disarm reports whether a cut was armed for a frame of typ at now (""
// any type), and disarms it.
func (l *link) disarm(typ string, now time.Time) bool {
	l.lmu.Lock()
	defer l.lmu.Unlock()
	if l.cutOn == "" || (typ != "" && typ != l.cutOn) || (!l.cutBy.IsZero() && !now.Before(l.cutBy)) {
		return false
	}
	l.cutOn = ""
	return true
}

// armed reports whether a planned cut waits for its frame.
func (l *link) armed() bool {
	l.lmu.Lock()
	defer l.lmu.Unlock()
	return l.cutOn != ""
}

// cut drops the current socket as a network failure would; onEnd then
// reconnects after away, with no error counted.
func (l *link) cut() {
	l.lmu.Lock()
	s, counted := l.sock, l.cutted
	ok := s != nil && !l.done
	if ok {
		l.planned = true
	}
	l.lmu.Unlock()
	if ok {
		if counted != nil {
			counted()
		}
		s.drop()
	}
}

// leave marks the party gone and closes its socket.
func (l *link) leave() bool {
	l.lmu.Lock()
	if l.done {
		l.lmu.Unlock()
		return false
	}
	l.done = true
	s := l.sock
	l.lmu.Unlock()
	if s != nil {
		s.close()
	}
	return true
}

// current is the socket now open, if any.
func (l *link) current() *wsock {
	l.lmu.Lock()
	defer l.lmu.Unlock()
	return l.sock
}

// isLoadText tells the run's own chat messages from bot and system lines.
func isLoadText(t string) bool { return strings.HasPrefix(t, "load ") }
