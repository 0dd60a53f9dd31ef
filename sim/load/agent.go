package load

import (
	"context"
	"encoding/json"
	"net/url"
	"routecheck/sim/actors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// agent is one agent at X-Space: it logs in, goes 在线 and answers every
// customer message after Reply. It resumes its chats after a drop.
type agent struct {
	r     *runner
	login string
	http  *actors.HTTP
	pend  pending
	slow  time.Duration // slow-reader fault: pause per frame
	// reloaded: the slow reader was cut off (1013) and reloaded the page:
	// a fresh hello with every open chat, and no more slowness.
	reloaded atomic.Bool
	dropNext atomic.Bool   // agent-drop: cut the connection after the next reply
	away     time.Duration // agent-drop fault: time away

	smu sync.Mutex // serialises send and resume

	mu      sync.Mutex
	sock    *wsock
	live    *wsock           // the socket sends go to: set by its hello
	convs   map[string]int64 // open chats -> last cseq
	seen    map[string]int64 // every chat seen -> last cseq (resume)
	ready   chan struct{}
	isReady bool
	dropped bool
	retries int
}

func (a *agent) start(ctx context.Context) error {
	a.convs, a.seen, a.ready = map[string]int64{}, map[string]int64{}, make(chan struct{})
	if err := a.http.SignIn(ctx, a.login, a.r.cfg.AgentPassword); err != nil {
		return err
	}
	return a.connect(ctx, "/ws/agent")
}

func (a *agent) connect(ctx context.Context, path string) error {
	d := dialer
	if a.slow > 0 {
		d = slowDialer
	}
	s, err := dialWith(ctx, d, a.r.ws(path), a.http.Cookies())
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.sock = s
	a.mu.Unlock()
	go s.readLoop(a.pause, func(f *frame) { a.onFrame(s, f) }, func(err error) { a.onEnd(s, err) })
	return nil
}

// pause is the slow reader's delay per frame: until the load ends, then
// it catches up (a slow browser, not a dead one).
func (a *agent) pause() time.Duration {
	if a.slow > 0 && !a.reloaded.Load() && time.Now().Before(a.r.end()) {
		return a.slow
	}
	return 0
}

func (a *agent) onFrame(s *wsock, f *frame) {
	now := time.Now()
	conv := f.convID()
	if f.CSeq > 0 && conv != "" {
		a.mu.Lock()
		a.seen[conv] = max(a.seen[conv], f.CSeq)
		a.mu.Unlock()
	}
	switch f.Type {
	case "hello":
		a.mu.Lock()
		a.retries = 0
		a.mu.Unlock()
		var acc struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(f.Agent, &acc)
		a.mu.Lock()
		for _, c := range f.Conversations {
			a.convs[c.ID] = c.CSeq
			if !c.Resumed {
				// A snapshot: up to date at its cseq. A resumed chat's
				// cseq counts only as its replayed frames arrive.
				a.seen[c.ID] = max(a.seen[c.ID], c.CSeq)
			}
		}
		a.mu.Unlock()
		for _, c := range f.Conversations {
			a.history(c.Messages, now)
		}
		a.resume(s)
		if acc.Status != "在线" {
			a.send(map[string]any{"type": "status", "status": "在线"}, time.Time{})
		} else {
			a.markReady()
		}
	case "status":
		var acc struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(f.Agent, &acc) == nil && acc.Status == "在线" {
			a.markReady()
		}
	case "assigned":
		var c convView
		_ = json.Unmarshal(f.Conv, &c)
		a.mu.Lock()
		a.convs[c.ID] = f.CSeq
		a.mu.Unlock()
		a.history(c.Messages, now)
	case "message":
		if f.Sender == "customer" && isLoadText(f.Text) {
			a.r.delivered(f.Text, a.login, true, now)
			if a.slow > 0 {
				a.r.slowLag(f.Text, now)
			}
			reply := strings.Replace(f.Text, " m", " r", 1)
			a.r.sched.after(a.r.jitter(a.r.cfg.Reply), func(due time.Time) {
				a.send(map[string]any{"type": "send", "conv": conv, "text": reply}, a.r.intended(due))
			})
		}
	case "requeued", "ended":
		a.mu.Lock()
		delete(a.convs, conv)
		a.mu.Unlock()
	case "ack", "error":
		a.r.answered(&a.pend, f)
	case "undecodable":
		a.r.fail(errUndecodable)
	}
}

// history counts the customer messages of a chat's history as delivered
// (a snapshot: never a duplicate).
func (a *agent) history(msgs []chatLine, now time.Time) {
	for _, m := range msgs {
		if m.Sender == "customer" && isLoadText(m.Text) {
			a.r.delivered(m.Text, a.login, false, now)
		}
	}
}

func (a *agent) markReady() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.isReady {
		a.isReady = true
		close(a.ready)
	}
}

// send writes a state-changing frame with a client id; as the customer's,
// sends and resumes are serialised so the audit follows the wire.
func (a *agent) send(f map[string]any, at time.Time) {
	if !a.r.beginSend() {
		return // the load is over: nothing new goes out (D-LOAD-3)
	}
	defer a.r.endSend()
	if beforeWrite != nil {
		beforeWrite(f)
	}
	a.smu.Lock()
	defer a.smu.Unlock()
	a.pend.add("a"+a.login, f)
	a.mu.Lock()
	s := a.live
	a.mu.Unlock()
	if text, _ := f["text"].(string); isLoadText(text) {
		conv, _ := f["conv"].(string)
		a.r.audit.Sent(text, conv+">customer", at)
	}
	if s != nil {
		_ = s.write(f, nil)
		if f["type"] == "send" && a.dropNext.CompareAndSwap(true, false) {
			a.cut(s)
		}
	}
}

// resume makes s the socket for sends, after writing again what was not
// answered.
func (a *agent) resume(s *wsock) {
	a.smu.Lock()
	defer a.smu.Unlock()
	a.mu.Lock()
	a.live = s
	a.mu.Unlock()
	for _, f := range a.pend.unanswered() {
		_ = s.write(f, nil)
	}
}

// drop arms the agent-drop fault: with chats open, the connection is cut
// right after the next reply goes out (its ack lost on the way); with
// none, at once. onEnd comes back after a.away and resumes.
func (a *agent) drop(time.Time) {
	a.mu.Lock()
	busy := len(a.convs) > 0
	s := a.sock
	a.mu.Unlock()
	if busy {
		a.dropNext.Store(true)
	} else if s != nil {
		a.cut(s)
	}
}

func (a *agent) cut(s *wsock) {
	a.mu.Lock()
	ok := a.sock == s
	if ok {
		a.dropped = true
	}
	a.mu.Unlock()
	if ok {
		a.r.faultsDone.Add(1)
		s.drop()
	}
}

func (a *agent) onEnd(s *wsock, err error) {
	a.mu.Lock()
	planned := a.dropped
	a.dropped = false
	a.sock, a.live = nil, nil
	var resume []string
	for id, n := range a.seen {
		resume = append(resume, id+":"+strconv.FormatInt(n, 10))
	}
	a.retries++
	again := a.retries <= 20
	a.mu.Unlock()
	_ = s.ws.Close()
	if a.r.stopping.Load() {
		return
	}
	if a.r.shutdown.Load() {
		a.r.shutdownEnd(err)
		return
	}
	if !planned {
		a.r.fail("agent socket: " + closeKind(err))
	}
	if !again {
		return
	}
	sort.Strings(resume)
	if len(resume) > 64 {
		resume = resume[len(resume)-64:] // the server takes at most 64
	}
	path := "/ws/agent"
	if isSlowReaderClose(err) {
		// A reload: a backlog as big as the send queue would not fit in
		// the replay of a resume either (the server queues a replay like
		// live frames), so the page starts again from a snapshot.
		a.reloaded.Store(true)
		resume = nil
	}
	if len(resume) > 0 {
		path += "?resume=" + url.QueryEscape(strings.Join(resume, ","))
	}
	wait := 200 * time.Millisecond
	if planned && a.away > 0 {
		wait = a.away
	}
	a.r.sched.after(wait, func(time.Time) { a.redial(path) })
}

// redial connects again, retrying a failed dial (20 tries in all).
func (a *agent) redial(path string) {
	if a.r.stopping.Load() || a.r.shutdown.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(a.r.ctx, 15*time.Second)
	defer cancel()
	err := a.connect(ctx, path)
	if err == nil {
		return
	}
	a.r.fail("agent dial: " + errKind(err))
	a.mu.Lock()
	a.retries++
	again := a.retries <= 20
	a.mu.Unlock()
	if again {
		a.r.sched.after(200*time.Millisecond, func(time.Time) { a.redial(path) })
	}
}

func (a *agent) close() {
	a.mu.Lock()
	s := a.sock
	a.mu.Unlock()
	if s != nil {
		s.close()
	}
}
