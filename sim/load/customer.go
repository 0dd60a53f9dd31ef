package load

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// customer is one buyer: it arrives, asks for a human (转人工), sends a
// message every Think while it holds the chat, then leaves. It runs on its
// socket's reader goroutine and the scheduler's workers.
type customer struct {
	r     *runner
	name  string // load-cN, also the key prefix of its messages
	token string
	pend  pending

	smu sync.Mutex // serialises send and resume

	mu         sync.Mutex
	sock       *wsock // the current socket
	live       *wsock // the socket sends go to: set by its hello
	conv       string
	order      *chatOrder // reader goroutine (one socket at a time)
	transferAt time.Time
	assigned   bool
	endAt      time.Time
	next       int
	leaving    bool
	done       bool
	ended      bool        // the chat ended (state ended)
	dropPlan   bool        // a customer-reconnect fault is planned
	dropNext   atomic.Bool // cut the connection after the next message
	dropped    bool        // the planned drop happened; reconnect
	retries    int
}

func (c *customer) query() string {
	return "?t=" + url.QueryEscape(c.token) + "&v=" + url.QueryEscape(c.r.cfg.Vendor)
}

// arrive opens the bot page's socket; due is the scheduled arrival.
func (c *customer) arrive(due time.Time) {
	if c.r.shutdown.Load() {
		c.finish() // arrived after the server shut down
		return
	}
	c.r.arrived.Add(1)
	c.connect(c.r.ws("/ws/customer"+c.query()), due)
}

func (c *customer) connect(u string, due time.Time) {
	ctx, cancel := context.WithTimeout(c.r.ctx, 15*time.Second)
	s, err := dialWS(ctx, u, nil)
	cancel()
	if err != nil {
		c.r.fail("customer dial: " + errKind(err))
		c.r.netReset()
		c.mu.Lock()
		c.retries++
		again := c.retries <= 20 && !c.r.shutdown.Load() && !c.r.stopping.Load()
		c.mu.Unlock()
		if again {
			c.r.sched.after(200*time.Millisecond, func(d time.Time) { c.connect(u, d) })
		} else {
			c.finish()
		}
		return
	}
	c.r.netDelayed()
	c.mu.Lock()
	c.sock = s
	if c.transferAt.IsZero() {
		c.transferAt = c.r.intended(due)
	}
	c.mu.Unlock()
	c.r.connected.Add(1)
	go s.readLoop(nil, func(f *frame) { c.onFrame(s, f) }, func(err error) { c.onEnd(s, err) })
}

func (c *customer) onFrame(s *wsock, f *frame) {
	now := time.Now()
	conv := f.convID()
	if f.Type != "hello" && conv != "" && f.CSeq > 0 && !c.chatFrame(f, conv, now) {
		return
	}
	switch f.Type {
	case "hello":
		c.mu.Lock()
		c.retries = 0
		first := c.conv == ""
		c.conv = conv
		c.mu.Unlock()
		if !f.Resumed {
			// A snapshot: up to date at its cseq. A resumed hello's cseq
			// counts only once the replayed frames arrive (docs/protocol.md).
			c.order.snapshot(conv, f.CSeq, msgSeqs(f.Messages))
		}
		for _, m := range f.Messages {
			c.line(m, conv, false, now)
		}
		c.resume(s)
		if first {
			c.r.waiting.Add(1) // until assigned: the queue as customers see it
			c.send(map[string]any{"type": "say", "text": "转人工"}, time.Time{})
		}
	case "state":
		c.onState(f, now)
	case "ack", "error":
		c.r.answer(&c.pend, f, "customer "+c.name, func(string) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return !c.ended
		}, c.again)
	case "undecodable":
		c.r.fail(errUndecodable)
	}
}

// chatFrame checks a live chat frame (D-LOAD-5, D-LOAD-8): only this
// customer's chat, in cseq order, messages without a hole. It reports
// whether the frame is for this customer and new.
func (c *customer) chatFrame(f *frame, conv string, now time.Time) bool {
	c.mu.Lock()
	own := c.conv
	c.mu.Unlock()
	who := "customer " + c.name
	if conv != own {
		c.r.frames.add("misdelivered", fmt.Sprintf("%s (chat %s) got %s cseq %d of chat %s", who, own, f.Type, f.CSeq, conv))
		if f.Type == "message" && isLoadText(f.Text) {
			c.r.audit.Misdelivered(f.Text, who, conv)
		}
		return false
	}
	fresh := c.r.frames.judge(c.order, who, f, conv)
	if f.Type == "message" {
		c.line(chatLine{Sender: f.Sender, Text: f.Text}, conv, true, now)
	}
	return fresh
}

// line takes one message of the chat, live or in a history: an agent's
// reply is delivered to this customer; its own message is only checked to
// belong to the chat.
func (c *customer) line(m chatLine, conv string, live bool, now time.Time) {
	if !isLoadText(m.Text) {
		return
	}
	switch m.Sender {
	case "agent":
		c.r.delivered(m.Text, "customer "+c.name, conv, live, now)
	case "customer":
		c.r.audit.Echoed(m.Text, "customer "+c.name, conv)
	}
}

func (c *customer) onState(f *frame, now time.Time) {
	switch f.State {
	case "queued":
		if f.Reason != "" {
			c.r.requeued.Add(1) // the agent went 离线 (D-ROUTE-2)
		}
	case "assigned":
		c.mu.Lock()
		first := !c.assigned
		c.assigned = true
		at := c.transferAt
		if first {
			c.endAt = c.r.end()
			if c.r.cfg.Hold > 0 {
				c.endAt = now.Add(c.r.cfg.Hold)
			}
		}
		c.mu.Unlock()
		if !first {
			return
		}
		c.r.waiting.Add(-1)
		c.r.assignedN.Add(1)
		c.r.recordAssign(now.Sub(at))
		c.r.sched.after(c.r.jitter(c.r.cfg.Think), c.say)
		c.r.sched.at(c.endAt, c.leave)
		if c.dropPlan {
			c.r.sched.after(c.r.jitter(c.r.cfg.Think*2), c.drop)
		}
	case "bot":
		// Nobody 在线 yet: ask again shortly.
		c.r.fail("customer: transfer refused (" + f.Reason + ")")
		c.mu.Lock()
		c.retries++
		again := c.retries <= 20 && !c.done
		c.mu.Unlock()
		if again {
			c.r.sched.after(500*time.Millisecond, func(time.Time) { c.send(map[string]any{"type": "say", "text": "转人工"}, time.Time{}) })
		}
	case "ended":
		c.mu.Lock()
		c.ended = true
		c.mu.Unlock()
		c.finish()
	}
}

// say sends the next chat message, or leaves once the chat's time is up.
func (c *customer) say(due time.Time) {
	c.mu.Lock()
	if c.done || c.leaving {
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
	c.send(map[string]any{"type": "say", "text": key}, c.r.intended(due))
	c.r.sched.at(due.Add(c.r.jitter(c.r.cfg.Think)), c.say)
}

// leave ends the chat when its time is up (once).
func (c *customer) leave(time.Time) {
	c.mu.Lock()
	if c.done || c.leaving {
		c.mu.Unlock()
		return
	}
	c.leaving = true
	c.mu.Unlock()
	c.send(map[string]any{"type": "leave"}, time.Time{})
}

// send writes a state-changing frame with a client id. A chat message
// enters the audit here, under smu: sends and resends are serialised, so
// the order of the audit is the order on the wire.
func (c *customer) send(f map[string]any, at time.Time) { c.write(f, at, 0) }

// again sends a frame once more after a limit refusal (D-LOAD-6).
func (c *customer) again(f map[string]any, tries int) {
	delete(f, "id")
	delete(f, "seq")
	c.write(f, time.Now(), tries)
}

func (c *customer) write(f map[string]any, at time.Time, tries int) {
	text, _ := f["text"].(string)
	if !c.r.beginSend() {
		if tries > 0 && isLoadText(text) {
			c.r.audit.Refused(text, codeLimit, true) // the load ended before the advised wait
		}
		return // the load is over: nothing new goes out (D-LOAD-3)
	}
	defer c.r.endSend()
	if beforeWrite != nil {
		beforeWrite(f)
	}
	c.smu.Lock()
	defer c.smu.Unlock()
	c.pend.add("c"+c.name, f, tries)
	c.mu.Lock()
	s, conv := c.live, c.conv
	c.mu.Unlock()
	load := isLoadText(text)
	if load && tries > 0 {
		c.r.audit.Again(text)
	} else if load {
		c.r.audit.Sent(text, conv, "customer "+c.name, true, at)
	}
	if s != nil {
		_ = s.write(f, nil)
		if load {
			c.r.audit.Written(text, time.Now())
		}
		if f["type"] == "say" && c.dropNext.CompareAndSwap(true, false) {
			c.cut(s)
		}
	}
}

// resume makes s the socket for sends and first writes again every frame
// not yet answered, in order: nothing new may overtake them.
func (c *customer) resume(s *wsock) {
	c.smu.Lock()
	defer c.smu.Unlock()
	c.mu.Lock()
	c.live = s
	c.mu.Unlock()
	for _, f := range c.pend.unanswered() {
		_ = s.write(f, nil)
		if text, _ := f["text"].(string); isLoadText(text) {
			c.r.audit.Written(text, time.Now())
		}
	}
}

// drop arms the customer-reconnect fault: the connection is cut right
// after the next chat message goes out, before its ack can come back (a
// phone changing network just after 发送), so the resend after the resume
// must be recognised by its id and not applied twice.
func (c *customer) drop(time.Time) { c.dropNext.Store(true) }

// cut drops the socket now; onEnd resumes.
func (c *customer) cut(s *wsock) {
	c.mu.Lock()
	ok := !c.done && c.sock == s
	if ok {
		c.dropped = true
	}
	c.mu.Unlock()
	if ok {
		c.r.inject(FaultCustomerReconnect)
		s.drop()
	}
}

func (c *customer) onEnd(s *wsock, err error) {
	c.r.connected.Add(-1)
	c.mu.Lock()
	planned := c.dropped
	c.dropped = false
	done := c.done
	c.sock, c.live = nil, nil
	c.mu.Unlock()
	_ = s.ws.Close()
	if done || c.r.stopping.Load() {
		return
	}
	if c.r.shutdown.Load() {
		c.r.shutdownEnd(err)
		c.finish()
		return
	}
	if !planned {
		c.r.fail("customer socket: " + closeKind(err))
		c.r.netReset()
	}
	// Resume from the last cseq seen: the missed frames follow the hello.
	c.mu.Lock()
	c.retries++
	u := c.r.ws("/ws/customer" + c.query() + "&conv=" + url.QueryEscape(c.conv) + "&after=" + strconv.FormatInt(c.order.last(c.conv), 10))
	again := c.retries <= 20
	c.mu.Unlock()
	if !again {
		c.finish()
		return
	}
	c.r.sched.after(200*time.Millisecond, func(due time.Time) { c.connect(u, due) })
}

func (c *customer) finish() {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return
	}
	c.done = true
	s := c.sock
	c.mu.Unlock()
	if s != nil {
		s.close()
	}
	c.r.customerDone()
}

// isLoadText tells the run's own chat messages from bot and system lines.
func isLoadText(t string) bool { return strings.HasPrefix(t, "load ") }
