package load

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"routecheck/sim/wire"
)

// customer is one buyer: it arrives, asks for a human (转人工), sends a
// message every Think while it holds the chat, then leaves. It runs on its
// socket's reader goroutine and the scheduler's workers.
type customer struct {
	link
	name  string // load-cN, also the key prefix of its messages
	token string
	// onAssigned, if set (customer-reconnect), runs once an agent has the
	// chat.
	onAssigned func()

	mu         sync.Mutex
	conv       string
	order      *chatOrder // reader goroutine (one socket at a time)
	transferAt time.Time
	assigned   bool
	endAt      time.Time
	next       int
	leaving    bool
	ended      bool // the chat ended (state ended)
	finished   bool
}

func newCustomer(e *env, name, token string) *customer {
	c := &customer{name: name, token: token, order: newChatOrder()}
	c.setup(e, "customer "+name, "c"+name, c.onFrame, c.onEnd)
	c.chat = c.chatID
	return c
}

// chatID is the customer's chat, for the audit of its messages.
func (c *customer) chatID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conv
}

func (c *customer) query() string {
	return "?t=" + url.QueryEscape(c.token) + "&v=" + url.QueryEscape(c.e.vendor)
}

// arrive opens the bot page's socket; due is the scheduled arrival.
func (c *customer) arrive(due time.Time) {
	if c.e.ph.shutdown.Load() {
		c.finish() // arrived after the server shut down
		return
	}
	c.e.m.arrived.Add(1)
	c.connect(c.e.ws("/ws/customer"+c.query()), due)
}

func (c *customer) connect(u string, due time.Time) {
	ctx, cancel := context.WithTimeout(c.e.ctx, 15*time.Second)
	_, err := c.dial(ctx, u, nil, func() {
		// Before the reader starts: the assignment may come at once.
		c.mu.Lock()
		if c.transferAt.IsZero() {
			c.transferAt = c.e.intended(due)
		}
		c.mu.Unlock()
		c.e.m.connected.Add(1)
	})
	cancel()
	if err != nil {
		c.e.m.fail("customer dial: " + errKind(err))
		c.e.m.socketLost()
		if c.e.ph.over() || !c.retry(retryWait, func() { c.connect(u, time.Now()) }) {
			c.finish()
		}
	}
}

func (c *customer) onFrame(s *wsock, f *wire.Frame) {
	now := time.Now()
	conv := f.ConvID()
	if f.Type != wire.TypeHello && conv != "" && f.CSeq > 0 && !c.chatFrame(f, conv, now) {
		return
	}
	switch f.Type {
	case wire.TypeHello:
		c.mu.Lock()
		first := c.conv == ""
		c.conv = conv
		c.mu.Unlock()
		if !f.Resumed {
			// A snapshot: up to date at its cseq. A resumed hello's cseq
			// counts only once the replayed frames arrive (docs/protocol.md).
			c.order.snapshot(conv, f.CSeq, msgSeqs(f.Messages))
			c.ob.Seen(conv, f.CSeq)
		}
		for _, m := range f.Messages {
			c.line(m, conv, false, now)
		}
		c.attach(s)
		if first {
			c.e.m.waiting.Add(1) // until assigned: the queue as customers see it
			c.send(wire.ClientFrame{Type: wire.TypeSay, Text: transferText}, time.Time{})
		}
	case wire.TypeState:
		c.onState(f, now)
	case wire.TypeAck, wire.TypeError:
		c.answer(f, func(string) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return !c.ended
		})
	case wire.TypeUndecodable:
		c.e.m.fail(errUndecodable)
	}
}

// transferText asks the bot for a human.
const transferText = "转人工"

// chatFrame checks a live chat frame (D-LOAD-5, D-LOAD-8): only this
// customer's chat, in cseq order, messages without a hole. It reports
// whether the frame is for this customer and new.
func (c *customer) chatFrame(f *wire.Frame, conv string, now time.Time) bool {
	c.mu.Lock()
	own := c.conv
	c.mu.Unlock()
	if conv != own {
		c.e.m.frames.add("misdelivered", fmt.Sprintf("%s (chat %s) got %s cseq %d of chat %s", c.who, own, f.Type, f.CSeq, conv))
		if f.Type == wire.TypeMessage && isLoadText(f.Text) {
			c.e.m.audit.Misdelivered(f.Text, c.who, conv)
		}
		return false
	}
	fresh := c.e.m.frames.judge(c.order, c.who, f, conv)
	c.ob.Seen(conv, f.CSeq)
	if f.Type == wire.TypeMessage {
		c.line(wire.ChatMessage{Sender: f.Sender, Text: f.Text}, conv, true, now)
	}
	return fresh
}

// line takes one message of the chat, live or in a history: an agent's
// reply is delivered to this customer; its own message is only checked to
// belong to the chat.
func (c *customer) line(m wire.ChatMessage, conv string, live bool, now time.Time) {
	if !isLoadText(m.Text) {
		return
	}
	switch m.Sender {
	case wire.SenderAgent:
		c.e.m.deliveredTo(m.Text, c.who, conv, live, now)
	case wire.SenderCustomer:
		c.e.m.audit.Echoed(m.Text, c.who, conv)
	}
}

func (c *customer) onState(f *wire.Frame, now time.Time) {
	switch f.State {
	case wire.StateQueued:
		if f.Reason != "" {
			c.e.m.requeued.Add(1) // the agent went 离线 (D-ROUTE-2)
		}
	case wire.StateAssigned:
		var agent string // a state frame names the agent as a string
		if json.Unmarshal(f.Agent, &agent) == nil && agent != "" {
			c.e.m.audit.Holder(f.ConvID(), agent)
		}
		c.mu.Lock()
		first := !c.assigned
		c.assigned = true
		at := c.transferAt
		if first {
			c.endAt = c.e.ph.end()
			if c.e.pace.hold > 0 {
				c.endAt = now.Add(c.e.pace.hold)
			}
		}
		c.mu.Unlock()
		if !first {
			return
		}
		c.e.m.waiting.Add(-1)
		c.e.m.assigned.Add(1)
		c.e.m.recordAssign(now.Sub(at))
		c.e.sched.after(c.e.jitter(c.e.pace.think), c.say)
		c.e.sched.at(c.endAt, c.leave)
		if c.onAssigned != nil {
			c.onAssigned()
		}
	case wire.StateBot:
		// Nobody 在线 yet: ask again shortly.
		c.e.m.fail("customer: transfer refused (" + f.Reason + ")")
		c.retry(500*time.Millisecond, func() { c.send(wire.ClientFrame{Type: wire.TypeSay, Text: transferText}, time.Time{}) })
	case wire.StateEnded:
		c.e.m.audit.ChatEnded(f.ConvID(), now)
		c.mu.Lock()
		c.ended = true
		c.mu.Unlock()
		c.finish()
	}
}

// say sends the next chat message, or leaves once the chat's time is up.
func (c *customer) say(due time.Time) {
	c.mu.Lock()
	if c.finished || c.leaving {
		c.mu.Unlock()
		return
	}
	if !due.Before(c.endAt) {
		c.mu.Unlock()
		c.leave(due)
		return
	}
	c.next++
	key := "load " + c.name + " m" + strconv.Itoa(c.next)
	c.mu.Unlock()
	c.send(wire.ClientFrame{Type: wire.TypeSay, Text: key}, c.e.intended(due))
	c.e.sched.at(due.Add(c.e.jitter(c.e.pace.think)), c.say)
}

// leave ends the chat when its time is up (once).
func (c *customer) leave(time.Time) {
	c.mu.Lock()
	if c.finished || c.leaving {
		c.mu.Unlock()
		return
	}
	c.leaving = true
	c.mu.Unlock()
	c.send(wire.ClientFrame{Type: wire.TypeLeave}, time.Time{})
}

func (c *customer) onEnd(s *wsock, err error) {
	c.e.m.connected.Add(-1)
	planned := c.lost(s)
	c.mu.Lock()
	done := c.finished
	conv := c.conv
	c.mu.Unlock()
	if done || c.e.ph.stopping.Load() {
		return
	}
	if c.e.ph.shutdown.Load() {
		c.e.m.shutdownEnd(err)
		c.finish()
		return
	}
	if !planned {
		c.e.m.fail("customer socket: " + closeKind(err))
		c.e.m.socketLost()
	}
	// Resume from the last cseq seen: the missed frames follow the hello.
	u := c.e.ws("/ws/customer" + c.query() + "&conv=" + url.QueryEscape(conv) + "&after=" + strconv.FormatInt(c.ob.Last(conv), 10))
	if !c.retry(retryWait, func() { c.connect(u, time.Now()) }) {
		c.finish()
	}
}

func (c *customer) finish() {
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return
	}
	c.finished = true
	c.mu.Unlock()
	c.link.leave()
	c.e.customerDone()
}
