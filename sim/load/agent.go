package load

import (
	"context"
	"encoding/json"
	"fmt"
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
// customer message after Reply, once, in the chats it holds. It resumes
// its chats after a drop.
type agent struct {
	r     *runner
	login string
	http  *actors.HTTP
	pend  pending
	slow  time.Duration // slow-reader fault: pause per frame
	// reloaded: the slow reader was cut off (1013) and reloaded the page:
	// a fresh hello with every open chat, and no more slowness.
	reloaded atomic.Bool
	slowed   atomic.Bool   // the slow reader paused at least once
	dropNext atomic.Bool   // agent-drop: cut the connection after the next reply
	away     time.Duration // agent-drop fault: time away
	dropBy   time.Time     // agent-drop: no cut after this, so the return falls in the load

	smu sync.Mutex // serialises send and resume

	mu       sync.Mutex
	sock     *wsock
	live     *wsock          // the socket sends go to: set by its hello
	held     map[string]hold // chats it holds, or whose end it awaits (D-LOAD-5)
	asked    []string        // chats named in the resume of the current socket
	answered map[string]bool // customer messages it has answered (or will)
	order    *chatOrder      // reader goroutine (one socket at a time)
	ready    chan struct{}
	isReady  bool
	dropped  bool
	retries  int
}

// hold is how far an agent may see a chat (D-LOAD-5).
type hold uint8

const (
	notHeld hold = iota
	holding      // assigned to it: every frame of the chat for agents
	ending       // ended: the user_offline notification that follows
)

func (a *agent) who() string { return "agent " + a.login }

func (a *agent) start(ctx context.Context) error {
	a.held, a.answered, a.order, a.ready = map[string]hold{}, map[string]bool{}, newChatOrder(), make(chan struct{})
	if err := a.http.SignIn(ctx, a.login, a.r.cfg.AgentPassword); err != nil {
		return err
	}
	return a.connect(ctx, "/ws/agent", nil)
}

func (a *agent) connect(ctx context.Context, path string, asked []string) error {
	d := dialer
	if a.slow > 0 {
		d = slowDialer
	}
	s, err := dialWith(ctx, d, a.r.ws(path), a.http.Cookies())
	if err != nil {
		return err
	}
	a.r.netDelayed()
	a.mu.Lock()
	a.sock, a.asked = s, asked
	a.mu.Unlock()
	go s.readLoop(a.pause, func(f *frame) { a.onFrame(s, f) }, func(err error) { a.onEnd(s, err) })
	return nil
}

// pause is the slow reader's delay per frame: until the load ends, then
// it catches up (a slow browser, not a dead one).
func (a *agent) pause() time.Duration {
	if a.slow > 0 && !a.reloaded.Load() && time.Now().Before(a.r.end()) {
		if a.slowed.CompareAndSwap(false, true) {
			a.r.inject(FaultSlowReader)
		}
		return a.slow
	}
	return 0
}

func (a *agent) holds(conv string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.held[conv] == holding
}

func (a *agent) onFrame(s *wsock, f *frame) {
	now := time.Now()
	conv := f.convID()
	if f.Type != "hello" && conv != "" && f.CSeq > 0 && !a.chatFrame(f, conv, now) {
		return
	}
	switch f.Type {
	case "hello":
		a.hello(s, f, now)
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
		a.order.snapshot(conv, 0, msgSeqs(c.Messages))
		for _, m := range c.Messages {
			a.line(m, conv, false, now)
		}
	case "requeued":
		a.mu.Lock()
		delete(a.held, conv)
		a.mu.Unlock()
	case "ended":
		a.mu.Lock()
		a.held[conv] = ending
		a.mu.Unlock()
	case "ack", "error":
		a.r.answer(&a.pend, f, a.who(), a.holds, a.again)
	case "undecodable":
		a.r.fail(errUndecodable)
	}
}

// hello takes the chats the agent holds now (D-LOAD-5): those listed, and
// those it resumed that were taken away meanwhile, until the replay brings
// their requeued or ended frame.
func (a *agent) hello(s *wsock, f *frame, now time.Time) {
	var acc struct {
		Status string `json:"status"`
	}
	_ = json.Unmarshal(f.Agent, &acc)
	a.mu.Lock()
	a.retries = 0
	held := map[string]hold{}
	for _, id := range a.asked {
		if h := a.held[id]; h != notHeld {
			held[id] = h
		}
	}
	for _, c := range f.Conversations {
		held[c.ID] = holding
	}
	a.held, a.asked = held, nil
	a.mu.Unlock()
	for _, c := range f.Conversations {
		if c.Resumed {
			continue // its cseq counts only as its replayed frames arrive
		}
		a.order.snapshot(c.ID, c.CSeq, msgSeqs(c.Messages))
		for _, m := range c.Messages {
			a.line(m, c.ID, false, now)
		}
	}
	a.resume(s)
	if acc.Status != "在线" {
		a.send(map[string]any{"type": "status", "status": "在线"}, time.Time{})
	} else {
		a.markReady()
	}
}

// chatFrame checks a live chat frame (D-LOAD-5, D-LOAD-8): only chats the
// agent holds (an assigned frame starts holding one; after its ended frame,
// the user_offline notification that follows it), in cseq order,
// messages without a hole. It reports whether the frame is for this agent
// and new.
func (a *agent) chatFrame(f *frame, conv string, now time.Time) bool {
	a.mu.Lock()
	if f.Type == "assigned" {
		a.held[conv] = holding
	}
	h := a.held[conv]
	held := h == holding || (h == ending && f.Type == "notification" && f.Kind == "user_offline")
	if h == ending && held {
		delete(a.held, conv) // its last frame
	}
	a.mu.Unlock()
	if !held {
		a.r.frames.add("misdelivered", fmt.Sprintf("%s got %s cseq %d of chat %s, which it does not hold", a.who(), f.Type, f.CSeq, conv))
		if f.Type == "message" && isLoadText(f.Text) {
			a.r.audit.Misdelivered(f.Text, a.who(), conv)
		}
		return false
	}
	fresh := a.r.frames.judge(a.order, a.who(), f, conv)
	if f.Type == "message" {
		a.line(chatLine{Sender: f.Sender, Text: f.Text}, conv, true, now)
		if fresh && f.Sender == "customer" && isLoadText(f.Text) {
			a.reply(conv, f.Text, now)
		}
	}
	return fresh
}

// line takes one message of a chat the agent holds, live or in a history.
func (a *agent) line(m chatLine, conv string, live bool, now time.Time) {
	if !isLoadText(m.Text) {
		return
	}
	switch m.Sender {
	case "customer":
		a.r.delivered(m.Text, a.who(), conv, live, now)
		if live && a.slow > 0 {
			a.r.slowLag(m.Text, now)
		}
	case "agent":
		a.r.audit.Echoed(m.Text, a.who(), conv)
	}
}

// reply answers a customer message once, after Reply, if the agent still
// holds the chat then: a message delivered twice gets one answer, so a
// server duplicate is counted once.
func (a *agent) reply(conv, text string, now time.Time) {
	a.mu.Lock()
	done := a.answered[text]
	a.answered[text] = true
	a.mu.Unlock()
	if done {
		return
	}
	reply := strings.Replace(text, " m", " r", 1)
	a.r.sched.after(a.r.jitter(a.r.cfg.Reply), func(due time.Time) {
		if a.holds(conv) {
			a.send(map[string]any{"type": "send", "conv": conv, "text": reply}, a.r.intended(due))
		}
	})
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
func (a *agent) send(f map[string]any, at time.Time) { a.write(f, at, 0) }

// again sends a frame once more after a limit refusal (D-LOAD-6).
func (a *agent) again(f map[string]any, tries int) {
	delete(f, "id")
	delete(f, "seq")
	a.write(f, time.Now(), tries)
}

func (a *agent) write(f map[string]any, at time.Time, tries int) {
	text, _ := f["text"].(string)
	if !a.r.beginSend() {
		if tries > 0 && isLoadText(text) {
			a.r.audit.Refused(text, codeLimit, true) // the load ended before the advised wait
		}
		return // the load is over: nothing new goes out (D-LOAD-3)
	}
	defer a.r.endSend()
	if beforeWrite != nil {
		beforeWrite(f)
	}
	a.smu.Lock()
	defer a.smu.Unlock()
	a.pend.add("a"+a.login, f, tries)
	a.mu.Lock()
	s := a.live
	a.mu.Unlock()
	load := isLoadText(text)
	if load && tries > 0 {
		a.r.audit.Again(text)
	} else if load {
		conv, _ := f["conv"].(string)
		a.r.audit.Sent(text, conv, a.who(), false, at)
	}
	if s != nil {
		_ = s.write(f, nil)
		if load {
			a.r.audit.Written(text, time.Now())
		}
		if f["type"] == "send" && time.Now().Before(a.dropBy) && a.dropNext.CompareAndSwap(true, false) {
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
		if text, _ := f["text"].(string); isLoadText(text) {
			a.r.audit.Written(text, time.Now())
		}
	}
}

// drop arms the agent-drop fault: with chats open, the connection is cut
// right after the next reply goes out (its ack lost on the way), or at
// dropBy if none went out by then; with none, at once. onEnd comes back
// after a.away and resumes.
func (a *agent) drop(time.Time) {
	a.mu.Lock()
	busy := false
	for _, h := range a.held {
		busy = busy || h == holding
	}
	s := a.sock
	a.mu.Unlock()
	switch {
	case busy:
		a.dropNext.Store(true)
		// No reply by the last moment (D-LOAD-9): cut then, with nothing
		// in flight.
		a.r.sched.at(a.dropBy, func(time.Time) {
			a.mu.Lock()
			s := a.sock
			a.mu.Unlock()
			if s != nil && a.dropNext.CompareAndSwap(true, false) {
				a.cut(s)
			}
		})
	case s != nil:
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
		a.r.inject(FaultAgentDrop)
		s.drop()
	}
}

func (a *agent) onEnd(s *wsock, err error) {
	a.mu.Lock()
	planned := a.dropped
	a.dropped = false
	a.sock, a.live = nil, nil
	var asked []string
	for id := range a.held {
		asked = append(asked, id)
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
		a.r.netReset()
	}
	if !again {
		return
	}
	// Resume the chats it holds from the last cseq seen (at most 64, as the
	// server takes; an agent holds at most its capacity, 20).
	sort.Strings(asked)
	asked = asked[:min(len(asked), 64)]
	if isSlowReaderClose(err) {
		// A reload: a backlog as big as the send queue would not fit in
		// the replay of a resume either (the server queues a replay like
		// live frames), so the page starts again from a snapshot.
		a.reloaded.Store(true)
		asked = nil
	}
	path := "/ws/agent"
	if len(asked) > 0 {
		resume := make([]string, len(asked))
		for i, id := range asked {
			resume[i] = id + ":" + strconv.FormatInt(a.order.last(id), 10)
		}
		path += "?resume=" + url.QueryEscape(strings.Join(resume, ","))
	}
	wait := 200 * time.Millisecond
	if planned && a.away > 0 {
		wait = a.away
	}
	a.r.sched.after(wait, func(time.Time) { a.redial(path, asked) })
}

// redial connects again, retrying a failed dial (20 tries in all).
func (a *agent) redial(path string, asked []string) {
	if a.r.stopping.Load() || a.r.shutdown.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(a.r.ctx, 15*time.Second)
	defer cancel()
	err := a.connect(ctx, path, asked)
	if err == nil {
		return
	}
	a.r.fail("agent dial: " + errKind(err))
	a.r.netReset()
	a.mu.Lock()
	a.retries++
	again := a.retries <= 20
	a.mu.Unlock()
	if again {
		a.r.sched.after(200*time.Millisecond, func(time.Time) { a.redial(path, asked) })
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
