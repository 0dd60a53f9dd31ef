// Package invariant checks the routing invariants over a workbench event
// log. It is an independent model of what must hold, built from the log
// alone: it keeps its own queues, agents and chats and never calls or copies
// the core's router, so a bug in the core cannot hide in the check.
//
// It streams: Observe takes one event at a time in O(1) (a re-queue costs
// O(k log k) for the k chats the agent held), and the state it keeps follows
// the live agents and open chats, not the length of the log: a chat's state
// is dropped when it ends or is abandoned.
package invariant

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"routecheck/internal/idmap"
	wb "routecheck/sim/workbench"
)

// Invariant names, each tied to the rule it protects.
const (
	Capacity      = "capacity"          // R-CAP-1: no agent above its maximum
	Status        = "status"            // R-WB-2: nothing assigned on 小休 or 离线
	Tenant        = "tenant"            // R-TEN-1: nothing assigned under a wrong tenant
	Group         = "group"             // R-VEN-3: chats go to agents of their own skill group
	SingleOwner   = "single-owner"      // one agent holds a chat at a time, and only that agent writes in it
	FIFO          = "fifo"              // D-ROUTE-1: first in, first out per skill group
	RequeueOrder  = "requeue-order"     // D-ROUTE-2: 离线 puts every open chat back at the head, in order
	HeadAtOnce    = "head-at-once"      // R-CAP-1/D-ROUTE-1: freed capacity takes the head of the queue at once
	WelcomeNotRep = "welcome-not-reply" // R-KPI-1/R-WEL-1: the welcome never counts as a response
	KnownAgent    = "known-agent"       // R-VEN-3: events only about agents the log introduced
)

var rules = map[string]string{
	Capacity: "R-CAP-1", Status: "R-WB-2", Tenant: "R-TEN-1", Group: "R-VEN-3", SingleOwner: "R-RT-4",
	FIFO: "D-ROUTE-1", RequeueOrder: "D-ROUTE-2", HeadAtOnce: "R-CAP-1", WelcomeNotRep: "R-KPI-1",
	KnownAgent: "R-VEN-3",
}

// MaxKept bounds the violations a Checker keeps; the rest are counted in
// Dropped. A broken core can break an invariant at every event, and the
// first ones are the diagnosis.
const MaxKept = 1000

// Violation is one broken invariant with the events that show it.
type Violation struct {
	Invariant string    `json:"invariant"`
	Rule      string    `json:"rule"`
	Message   string    `json:"message"`
	Events    []int64   `json:"events"`
	At        time.Time `json:"at"`
}

func (v Violation) String() string {
	ids := make([]string, len(v.Events))
	for i, s := range v.Events {
		ids[i] = fmt.Sprintf("#%d", s)
	}
	return fmt.Sprintf("%s %s at %s: %s (events %s)", v.Rule, v.Invariant,
		v.At.Format("15:04:05.000"), v.Message, strings.Join(ids, ", "))
}

// agent is what the log has said about one agent.
type agent struct {
	name     string
	group    *group
	status   wb.Status
	tenant   string
	capacity int
	load     int // chats it holds
}

// free: the router may give this agent a chat (SPEC R-WB-2, R-TEN-1, R-CAP-1).
func (a *agent) free() bool {
	return a.status == wb.StatusOnline && a.tenant == wb.TenantXianyu && a.load < a.capacity
}

// group is one skill group: its queue (a linked list through the chats,
// head first) and how many of its agents could take a chat now.
type group struct {
	name       string
	head, tail *chat
	free       int
	touched    bool // its queue or agents changed in the current command
}

func (g *group) pushBack(ch *chat) {
	ch.queued, ch.prev, ch.next = true, g.tail, nil
	if g.tail != nil {
		g.tail.next = ch
	} else {
		g.head = ch
	}
	g.tail = ch
}

func (g *group) pushFront(ch *chat) {
	ch.queued, ch.prev, ch.next = true, nil, g.head
	if g.head != nil {
		g.head.prev = ch
	} else {
		g.tail = ch
	}
	g.head = ch
}

func (g *group) remove(ch *chat) {
	if ch.prev != nil {
		ch.prev.next = ch.next
	} else {
		g.head = ch.next
	}
	if ch.next != nil {
		ch.next.prev = ch.prev
	} else {
		g.tail = ch.prev
	}
	ch.queued, ch.prev, ch.next = false, nil, nil
}

// chat is a chat from its first queued event until it ends.
type chat struct {
	id          string
	group       *group
	queued      bool  // waiting in group's queue
	prev, next  *chat // neighbours in the queue
	queuedSeq   int64 // the queued or requeued event
	requeued    bool
	owner       *agent
	assignedSeq int64 // the assigned event of the current owner
	firstAgent  int64 // the first agent message after pickup
	lastMsg     int64 // the last message event and its sender
	lastSender  wb.Sender
	responded   bool
}

// Checker judges a log event by event. The zero value is not ready: use New.
type Checker struct {
	agents    *idmap.Map[agent]
	groups    map[string]*group
	lastGroup *group
	chats     *idmap.Map[chat]
	last      *chat   // the chat looked up last: a command's events are mostly about one chat
	free      []*chat // dropped chats, for reuse
	touched   []*group
	block     []*chat  // chats re-queued by the current command, not yet placed
	gone      []*agent // agents who went 离线 in the current command
	cmd       int64
	started   bool
	lastSeq   int64
	lastAt    time.Time
	out       []Violation
	dropped   int
	// steps counts the work Observe did: one per event plus one per item
	// of any loop, so tests can show the cost per event stays flat.
	steps int
}

// New returns a Checker that has seen nothing.
func New() *Checker {
	return &Checker{agents: idmap.New[agent](), groups: map[string]*group{}, chats: idmap.New[chat]()}
}

// Check runs every invariant over a whole log and returns the violations
// in log order; none means the log is clean.
func Check(events []wb.Event) []Violation {
	c := New()
	for _, e := range events {
		c.Observe(e)
	}
	return c.Violations()
}

// Violations closes the current command (its end-of-command invariants are
// judged now) and returns the violations so far, at most MaxKept. Call it
// between commands: a command's events come together (the core emits them
// under its owner's lock).
func (c *Checker) Violations() []Violation {
	c.endCommand()
	return slices.Clone(c.out)
}

// Dropped is the number of violations beyond MaxKept.
func (c *Checker) Dropped() int { return c.dropped }

// Observe judges one event. Events must come in log order.
func (c *Checker) Observe(e wb.Event) { c.ObserveEvent(&e) }

// ObserveEvent is Observe without copying the event; the checker keeps
// nothing of it past the call.
func (c *Checker) ObserveEvent(e *wb.Event) {
	c.steps++
	if c.started && e.Cmd != c.cmd {
		c.endCommand()
	}
	c.started, c.cmd = true, e.Cmd
	if len(c.block) > 0 && e.Type != wb.EvRequeued {
		c.placeBlock()
	}
	c.lastSeq, c.lastAt = e.Seq, e.At
	if e.Type == wb.EvMessage { // most events: spare the switch
		c.message(e)
		return
	}
	switch e.Type {
	case wb.EvAgentAdded:
		c.agentAdded(e)
	case wb.EvAgentStatus:
		if a := c.known(e); a != nil {
			if e.Status == wb.StatusOffline && a.status != wb.StatusOffline {
				c.gone = append(c.gone, a)
			}
			c.change(a, func() {
				a.status = e.Status
				if e.Tenant != "" {
					a.tenant = e.Tenant
				}
			})
		}
	case wb.EvTenantSwitched:
		if a := c.known(e); a != nil {
			c.change(a, func() { a.tenant = e.Tenant })
		}
	case wb.EvCapacitySet:
		if a := c.known(e); a != nil {
			c.change(a, func() { a.capacity = e.Capacity })
		}
	case wb.EvQueued:
		c.queued(e)
	case wb.EvRequeued:
		c.requeued(e)
	case wb.EvAbandoned:
		if ch := c.chat(e.Conv); ch != nil {
			c.unqueue(ch)
			c.drop(ch)
		}
	case wb.EvAssigned:
		c.assigned(e)
	case wb.EvEnded:
		if ch := c.chat(e.Conv); ch != nil {
			c.unqueue(ch)
			c.release(ch)
			c.drop(ch)
		}
	case wb.EvFirstResponse:
		c.firstResponse(e)
	}
}

// message: only the holder writes as the agent; remember the last
// message and the first agent message since pickup (R-KPI-1).
func (c *Checker) message(e *wb.Event) {
	ch := c.chat(e.Conv)
	if e.Sender == wb.SenderAgent && (ch == nil || ch.owner == nil || ch.owner.name != e.Agent) {
		c.fail(SingleOwner, e.At, []int64{e.Seq}, "%s wrote in %s, which %s does not hold", e.Agent, e.Conv, e.Agent)
	}
	if ch != nil {
		ch.lastMsg, ch.lastSender = e.Seq, e.Sender
		if e.Sender == wb.SenderAgent && ch.owner != nil && ch.firstAgent == 0 {
			ch.firstAgent = e.Seq
		}
	}
}

func (c *Checker) fail(inv string, at time.Time, seqs []int64, format string, args ...any) {
	if len(c.out) >= MaxKept {
		c.dropped++
		return
	}
	c.out = append(c.out, Violation{Invariant: inv, Rule: rules[inv], Message: fmt.Sprintf(format, args...), Events: seqs, At: at})
}

func (c *Checker) group(name string) *group {
	if g := c.lastGroup; g != nil && g.name == name {
		return g // most logs have one or few groups
	}
	g := c.groups[name]
	if g == nil {
		g = &group{name: name}
		c.groups[name] = g
	}
	c.lastGroup = g
	return g
}

// chat returns the open chat with this id, or nil.
func (c *Checker) chat(id string) *chat {
	if ch := c.last; ch != nil && ch.id == id {
		return ch
	}
	c.last = c.chats.Get(id)
	return c.last
}

func (c *Checker) newChat() *chat {
	if n := len(c.free); n > 0 {
		ch := c.free[n-1]
		c.free = c.free[:n-1]
		return ch
	}
	return new(chat)
}

// drop forgets a chat that ended or was abandoned.
func (c *Checker) drop(ch *chat) {
	c.chats.Delete(ch.id)
	c.last = nil
	c.free = append(c.free, ch) // nothing refers to it any more
}

func (c *Checker) touch(g *group) {
	if !g.touched {
		g.touched = true
		c.touched = append(c.touched, g)
	}
}

func (c *Checker) agentAdded(e *wb.Event) {
	if c.agents.Get(e.Agent) != nil {
		return
	}
	st := e.Status
	if st == "" {
		st = wb.StatusOffline
	}
	a := &agent{name: e.Agent, group: c.group(e.Group), status: st, tenant: e.Tenant, capacity: e.Capacity}
	c.agents.Set(e.Agent, a)
	if a.free() {
		a.group.free++
		c.touch(a.group)
	}
}

// known returns the agent an event is about, or reports that the log never
// introduced it: an invented agent would judge everything after it wrongly.
func (c *Checker) known(e *wb.Event) *agent {
	a, ok := c.agents.Lookup(e.Agent)
	if !ok {
		c.fail(KnownAgent, e.At, []int64{e.Seq}, "%s event about agent %q, whom no agent_added event introduced", e.Type, e.Agent)
		return nil
	}
	return a
}

// change applies f to an agent and keeps its group's count of free agents.
func (c *Checker) change(a *agent, f func()) {
	was := a.free()
	f()
	if now := a.free(); now != was {
		if now {
			a.group.free++
		} else {
			a.group.free--
		}
	}
	c.touch(a.group)
}

func (c *Checker) queued(e *wb.Event) {
	g := c.group(e.Group)
	ch := c.chat(e.Conv)
	if ch == nil {
		ch = c.newChat()
		*ch = chat{id: e.Conv, group: g}
		c.chats.Set(e.Conv, ch)
		c.last = ch
	}
	if ch.queued || ch.owner != nil {
		c.fail(SingleOwner, e.At, []int64{ch.queuedSeq, e.Seq}, "%s queued again while still waiting or held", e.Conv)
		return
	}
	ch.queuedSeq, ch.requeued = e.Seq, false
	g.pushBack(ch)
	c.touch(g)
}

// requeued collects the chats an agent gives back; placeBlock puts them at
// the head in the order the agent took them, whatever order the events came.
func (c *Checker) requeued(e *wb.Event) {
	ch := c.chat(e.Conv)
	a := c.known(e)
	if a == nil {
		return
	}
	if ch == nil || ch.owner != a {
		c.fail(RequeueOrder, e.At, []int64{e.Seq}, "%s re-queued from %s, who does not hold it", e.Conv, e.Agent)
		return
	}
	c.release(ch)
	ch.queuedSeq, ch.requeued = e.Seq, true
	c.block = append(c.block, ch)
}

func (c *Checker) placeBlock() {
	if len(c.block) == 0 {
		return
	}
	c.steps += len(c.block)
	// original order = the order the agent took them
	slices.SortFunc(c.block, func(x, y *chat) int { return int(x.assignedSeq - y.assignedSeq) })
	for i := len(c.block) - 1; i >= 0; i-- {
		ch := c.block[i]
		ch.group.pushFront(ch)
		c.touch(ch.group)
	}
	c.block = c.block[:0]
}

func (c *Checker) unqueue(ch *chat) {
	if ch.queued {
		ch.group.remove(ch)
		c.touch(ch.group)
	}
}

func (c *Checker) release(ch *chat) {
	if a := ch.owner; a != nil {
		c.change(a, func() { a.load-- })
		ch.owner = nil
	}
}

func (c *Checker) assigned(e *wb.Event) {
	a := c.known(e)
	ch := c.chat(e.Conv)
	if ch == nil {
		c.fail(FIFO, e.At, []int64{e.Seq}, "%s assigned without waiting in the %s queue", e.Conv, e.Group)
		return
	}
	if a == nil {
		c.unqueue(ch)
		return
	}
	if ch.owner != nil {
		c.fail(SingleOwner, e.At, []int64{ch.assignedSeq, e.Seq}, "%s assigned to %s while %s still holds it", e.Conv, e.Agent, ch.owner.name)
		c.release(ch)
	}
	if a.group != ch.group {
		c.fail(Group, e.At, []int64{ch.queuedSeq, e.Seq}, "%s of skill group %s assigned to %s of %s", e.Conv, ch.group.name, a.name, a.group.name)
	}
	if a.status != wb.StatusOnline {
		c.fail(Status, e.At, []int64{e.Seq}, "%s assigned to %s whose status is %s", e.Conv, e.Agent, a.status)
	}
	if a.tenant != wb.TenantXianyu {
		c.fail(Tenant, e.At, []int64{e.Seq}, "%s assigned to %s under tenant %q", e.Conv, e.Agent, a.tenant)
	}
	if a.load >= a.capacity {
		seqs := append(c.held(a), e.Seq)
		slices.Sort(seqs)
		c.fail(Capacity, e.At, seqs, "%s assigned to %s who already has %d chats, capacity %d", e.Conv, e.Agent, a.load, a.capacity)
	}
	switch h := ch.group.head; {
	case !ch.queued:
		c.fail(FIFO, e.At, []int64{e.Seq}, "%s assigned without waiting in the %s queue", e.Conv, ch.group.name)
	case h != ch:
		inv, why := FIFO, "which queued first"
		if h.requeued {
			inv, why = RequeueOrder, "which was re-queued at the head"
		}
		c.fail(inv, e.At, []int64{h.queuedSeq, ch.queuedSeq, e.Seq}, "%s assigned before %s, %s", e.Conv, h.id, why)
	}
	c.unqueue(ch)
	ch.owner, ch.assignedSeq = a, e.Seq
	c.change(a, func() { a.load++ })
}

func (c *Checker) firstResponse(e *wb.Event) {
	ch := c.chat(e.Conv)
	switch {
	case ch == nil:
		c.fail(WelcomeNotRep, e.At, []int64{e.Seq}, "first response of %s, which no agent holds", e.Conv)
	case ch.responded:
		c.fail(WelcomeNotRep, e.At, []int64{e.Seq, e.Ref}, "a second first response of %s", e.Conv)
	case ch.firstAgent == 0 && e.Ref == ch.lastMsg:
		c.fail(WelcomeNotRep, e.At, []int64{e.Seq, e.Ref}, "first response of %s counted a %s message", e.Conv, ch.lastSender)
	case e.Ref != ch.firstAgent:
		c.fail(WelcomeNotRep, e.At, []int64{e.Seq, e.Ref}, "first response of %s refers to event #%d, not its first agent message #%d", e.Conv, e.Ref, ch.firstAgent)
	}
	if ch != nil {
		ch.responded = true
	}
}

// endCommand judges what must hold once a command is over: re-queued chats
// are back in the queue, an agent who went 离线 holds nothing, and no group
// has a waiting chat while one of its agents could take it.
func (c *Checker) endCommand() {
	c.placeBlock()
	for _, a := range c.gone {
		c.steps++
		if a.load > 0 && a.status == wb.StatusOffline {
			seqs := append(c.held(a), c.lastSeq)
			slices.Sort(seqs)
			c.fail(RequeueOrder, c.lastAt, seqs, "%s went 离线 still holding %d chats; they must go back to the head of the queue", a.name, a.load)
		}
	}
	c.gone = c.gone[:0]
	for _, g := range c.touched {
		c.steps++
		g.touched = false
		if head := g.head; head != nil && g.free > 0 {
			c.fail(HeadAtOnce, c.lastAt, []int64{head.queuedSeq, c.lastSeq},
				"%s waits at the head of the %s queue while %s", head.id, g.name, c.someFree(g))
		}
	}
	c.touched = c.touched[:0]
}

// someFree names a free agent of g for the diagnosis; it runs only when an
// invariant is already broken, so its scan costs nothing on a clean log.
func (c *Checker) someFree(g *group) string {
	var best *agent
	for _, a := range c.agents.All() {
		if a.group == g && a.free() && (best == nil || a.name < best.name) {
			best = a
		}
	}
	if best == nil {
		return "an agent is free"
	}
	return fmt.Sprintf("%s has %d of %d chats", best.name, best.load, best.capacity)
}

// held lists the assigned events of the chats an agent holds, for a
// diagnosis; like someFree it runs only once an invariant is broken.
func (c *Checker) held(a *agent) []int64 {
	var seqs []int64
	for _, ch := range c.chats.All() {
		if ch.owner == a {
			seqs = append(seqs, ch.assignedSeq)
		}
	}
	return seqs
}
