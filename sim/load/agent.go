package load

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"routecheck/sim/actors"
	"routecheck/sim/wire"
)

// agent is one agent at X-Space: it logs in, goes 在线 and answers every
// customer message after Reply, once, in the chats it holds. It resumes
// its chats after a drop.
type agent struct {
	link
	login string
	http  *actors.HTTP
	// reloaded: the socket was closed as a slow reader (1013) and the page
	// reloaded: a fresh hello with every open chat.
	reloaded atomic.Bool
	// onLine, if set (slow-reader), sees each customer message live.
	onLine func(key string, now time.Time)

	mu       sync.Mutex
	held     map[string]claim // chats it holds, or whose end it awaits (D-LOAD-5)
	asked    []string         // chats named in the resume of the current socket
	answered map[string]bool  // customer messages it has answered (or will)
	order    *chatOrder       // reader goroutine (one socket at a time)
	ready    chan struct{}
	isReady  bool
}

// claim is how far an agent may see a chat (D-LOAD-5).
type claim uint8

const (
	notHeld claim = iota
	holding       // assigned to it: every frame of the chat for agents
	ending        // ended: the user_offline notification that follows
)

func newAgent(e *env, login string, h *actors.HTTP) *agent {
	a := &agent{login: login, http: h, held: map[string]claim{}, answered: map[string]bool{}, order: newChatOrder(),
		ready: make(chan struct{})}
	a.setup(e, "agent "+login, "a"+login, a.onFrame, a.onEnd)
	return a
}

func (a *agent) start(ctx context.Context) error {
	if err := a.http.SignIn(ctx, a.login, a.e.agentPassword); err != nil {
		return err
	}
	return a.connect(ctx, "/ws/agent", nil)
}

func (a *agent) connect(ctx context.Context, path string, asked []string) error {
	a.mu.Lock()
	a.asked = asked
	a.mu.Unlock()
	_, err := a.dial(ctx, a.e.ws(path), a.http.Cookies(), nil)
	return err
}

func (a *agent) holds(conv string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.held[conv] == holding
}

// busy reports whether it holds a chat.
func (a *agent) busy() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, h := range a.held {
		if h == holding {
			return true
		}
	}
	return false
}

func (a *agent) onFrame(s *wsock, f *wire.Frame) {
	now := time.Now()
	conv := f.ConvID()
	if f.Type != wire.TypeHello && conv != "" && f.CSeq > 0 && !a.chatFrame(f, conv, now) {
		return
	}
	switch f.Type {
	case wire.TypeHello:
		a.hello(s, f, now)
	case wire.TypeStatus:
		if acc, ok := f.Account(); ok && acc.Status == wire.StatusOnline {
			a.markReady()
		}
	case wire.TypeAssigned:
		c, _ := f.Conversation()
		a.order.snapshot(conv, 0, msgSeqs(c.Messages))
		for _, m := range c.Messages {
			a.line(m, conv, false, now)
		}
	case wire.TypeRequeued:
		a.mu.Lock()
		delete(a.held, conv)
		a.mu.Unlock()
	case wire.TypeEnded:
		a.mu.Lock()
		a.held[conv] = ending
		a.mu.Unlock()
	case wire.TypeAck, wire.TypeError:
		a.answer(f, a.holds)
	case wire.TypeUndecodable:
		a.e.m.fail(errUndecodable)
	}
}

// hello takes the chats the agent holds now (D-LOAD-5): those listed, and
// those it resumed that were taken away meanwhile, until the replay brings
// their requeued or ended frame.
func (a *agent) hello(s *wsock, f *wire.Frame, now time.Time) {
	acc, _ := f.Account()
	a.mu.Lock()
	held := map[string]claim{}
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
		a.e.m.audit.AgentKnows(c.ID)
	}
	for _, c := range f.Conversations {
		if c.Resumed {
			continue // its cseq counts only as its replayed frames arrive
		}
		a.snapshot(c.ID, c.CSeq, c.Messages)
		for _, m := range c.Messages {
			a.line(m, c.ID, false, now)
		}
	}
	a.attach(s)
	if acc.Status != wire.StatusOnline {
		a.send(wire.ClientFrame{Type: wire.TypeStatus, Status: wire.StatusOnline}, time.Time{})
	} else {
		a.markReady()
	}
}

// snapshot takes a chat's history as the point it stands at.
func (a *agent) snapshot(conv string, cseq int64, msgs []wire.ChatMessage) {
	a.order.snapshot(conv, cseq, msgSeqs(msgs))
	a.ob.Seen(conv, cseq)
}

// chatFrame checks a live chat frame (D-LOAD-5, D-LOAD-8): only chats the
// agent holds (an assigned frame starts holding one; after its ended frame,
// the user_offline notification that follows it), in cseq order,
// messages without a hole. It reports whether the frame is for this agent
// and new.
func (a *agent) chatFrame(f *wire.Frame, conv string, now time.Time) bool {
	a.mu.Lock()
	if f.Type == wire.TypeAssigned {
		a.held[conv] = holding
	}
	h := a.held[conv]
	held := h == holding || (h == ending && f.Type == wire.TypeNotification && f.Kind == wire.NotifyUserOffline)
	if h == ending && held {
		delete(a.held, conv) // its last frame
	}
	a.mu.Unlock()
	if !held {
		a.e.m.frames.add("misdelivered", fmt.Sprintf("%s got %s cseq %d of chat %s, which it does not hold", a.who, f.Type, f.CSeq, conv))
		if f.Type == wire.TypeMessage && isLoadText(f.Text) {
			a.e.m.audit.Misdelivered(f.Text, a.who, conv)
		}
		return false
	}
	a.e.m.audit.AgentKnows(conv)
	fresh := a.e.m.frames.judge(a.order, a.who, f, conv)
	a.ob.Seen(conv, f.CSeq)
	if f.Type == wire.TypeMessage {
		a.line(wire.ChatMessage{Sender: f.Sender, Text: f.Text}, conv, true, now)
		if fresh && f.Sender == wire.SenderCustomer && isLoadText(f.Text) {
			a.reply(conv, f.Text)
		}
	}
	return fresh
}

// line takes one message of a chat the agent holds, live or in a history.
func (a *agent) line(m wire.ChatMessage, conv string, live bool, now time.Time) {
	if !isLoadText(m.Text) {
		return
	}
	switch m.Sender {
	case wire.SenderCustomer:
		a.e.m.deliveredTo(m.Text, a.who, conv, live, now)
		if live && a.onLine != nil {
			a.onLine(m.Text, now)
		}
	case wire.SenderAgent:
		a.e.m.audit.Echoed(m.Text, a.who, conv)
	}
}

// reply answers a customer message once, after Reply, if the agent still
// holds the chat then: a message delivered twice gets one answer, so a
// server duplicate is counted once.
func (a *agent) reply(conv, text string) {
	a.mu.Lock()
	done := a.answered[text]
	a.answered[text] = true
	a.mu.Unlock()
	if done {
		return
	}
	reply := strings.Replace(text, " m", " r", 1)
	a.e.sched.after(a.e.jitter(a.e.pace.reply), func(due time.Time) {
		if a.holds(conv) {
			a.send(wire.ClientFrame{Type: wire.TypeSend, Conv: conv, Text: reply}, a.e.intended(due))
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

func (a *agent) onEnd(s *wsock, err error) {
	planned := a.lost(s)
	if a.e.ph.stopping.Load() {
		return
	}
	if a.e.ph.shutdown.Load() {
		a.e.m.shutdownEnd(err)
		return
	}
	a.e.m.audit.AgentAway(a.login, s.lostSince(time.Now()))
	if !planned {
		a.e.m.fail("agent socket: " + closeKind(err))
		a.e.m.socketLost()
	}
	// Resume the chats it holds from the last cseq seen.
	a.mu.Lock()
	var asked []string
	for id := range a.held {
		asked = append(asked, id)
	}
	a.mu.Unlock()
	sort.Strings(asked)
	asked = asked[:min(len(asked), wire.MaxResume)]
	if isSlowReaderClose(err) {
		// A reload: a backlog as big as the send queue would not fit in
		// the replay of a resume either (the server queues a replay like
		// live frames), so the page starts again from a snapshot.
		a.reloaded.Store(true)
		asked = nil
	}
	path := "/ws/agent"
	if len(asked) > 0 {
		path += "?resume=" + url.QueryEscape(a.ob.Resume(asked...))
	}
	wait := retryWait
	if planned && a.away > 0 {
		wait = a.away
	}
	a.retry(wait, func() { a.redial(path, asked) })
}

// redial connects again, retrying a failed dial.
func (a *agent) redial(path string, asked []string) {
	if a.e.ph.over() {
		return
	}
	ctx, cancel := context.WithTimeout(a.e.ctx, 15*time.Second)
	defer cancel()
	err := a.connect(ctx, path, asked)
	var refused *handshakeError
	if err == nil || errors.As(err, &refused) {
		// The handshake reached the workbench (D-LOAD-11).
		a.e.m.audit.AgentBack(a.login, time.Now())
	}
	if err == nil {
		return
	}
	a.e.m.fail("agent dial: " + errKind(err))
	a.e.m.socketLost()
	a.retry(retryWait, func() { a.redial(path, asked) })
}
