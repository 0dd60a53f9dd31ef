package script

import (
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// logView is the workbench as its event log tells it, read over the wire
// by operations (GET /api/events): each chat's state and holder, each
// agent's status and load, and the queues as the invariant checker's own
// model holds them. It reads the log only; the core's code is not used.
type logView struct {
	events []wb.Event
	last   int64
	chats  map[string]*chatView
	agents map[string]*agentView
	inv    *invariant.Checker
	// holder is who held a chat when each message was written: the agent
	// the message reached (a message event's seq -> agent login).
	holder map[int64]string
}

type chatView struct {
	id, customer, group string
	state               string // bot, queued, assigned, ended
	reason              string // the refusal (state bot), end or re-queue reason
	agent               string // who holds it (state assigned), or held it last
	handled             []string
	assigns             []assign // every pickup, in order
	owes                bool     // the customer owes a reply: an agent wrote after the customer's last message (D-IDLE-1)
	warned              bool     // the idle warning came for the current silence
	lastSeq             int64    // the chat's last event
}

type assign struct {
	agent string
	seq   int64
}

type agentView struct {
	login, group string
	status       wb.Status
	tenant       string
	capacity     int
	load         int
}

func newLogView() *logView {
	return &logView{chats: map[string]*chatView{}, agents: map[string]*agentView{}, inv: invariant.New(), holder: map[int64]string{}}
}

// add reads events in log order.
func (l *logView) add(evs []wb.Event) {
	for _, e := range evs {
		if e.Seq <= l.last {
			continue
		}
		l.last = e.Seq
		l.events = append(l.events, e)
		l.inv.Observe(e)
		l.apply(e)
	}
}

func (l *logView) apply(e wb.Event) {
	if e.Type == wb.EvAgentAdded {
		l.agents[e.Agent] = &agentView{login: e.Agent, group: e.Group, status: e.Status, tenant: e.Tenant, capacity: e.Capacity}
		return
	}
	a := l.agents[e.Agent]
	c := l.chats[e.Conv]
	if c != nil {
		c.lastSeq = e.Seq
	}
	switch e.Type {
	case wb.EvAgentStatus:
		if a != nil {
			a.status = e.Status
			if e.Tenant != "" {
				a.tenant = e.Tenant
			}
		}
	case wb.EvTenantSwitched:
		if a != nil {
			a.tenant = e.Tenant
		}
	case wb.EvCapacitySet:
		if a != nil {
			a.capacity = e.Capacity
		}
	case wb.EvEntered:
		l.chats[e.Conv] = &chatView{id: e.Conv, customer: e.Customer, group: e.Group, state: string(wb.StateBot), lastSeq: e.Seq}
	case wb.EvUnserved:
		if c != nil {
			c.state, c.reason = string(wb.StateBot), e.Reason
		}
	case wb.EvQueued:
		if c != nil {
			c.state, c.reason = string(wb.StateQueued), ""
		}
	case wb.EvRequeued:
		if c != nil {
			c.state, c.reason, c.owes = string(wb.StateQueued), e.Reason, false
			if h := l.agents[c.agent]; h != nil {
				h.load--
			}
		}
	case wb.EvAssigned:
		if c != nil {
			c.state, c.reason, c.agent = string(wb.StateAssigned), "", e.Agent
			c.handled = append(c.handled, e.Agent)
			c.assigns = append(c.assigns, assign{e.Agent, e.Seq})
		}
		if a != nil {
			a.load++
		}
	case wb.EvAbandoned:
		if c != nil {
			c.state, c.reason = string(wb.StateEnded), wb.ReasonCustomerLeft
		}
	case wb.EvEnded:
		if c != nil {
			if c.state == string(wb.StateAssigned) {
				if h := l.agents[c.agent]; h != nil {
					h.load--
				}
			}
			c.state, c.reason, c.owes = string(wb.StateEnded), e.Reason, false
			if c.reason == "" {
				c.reason = wb.ReasonCustomerLeft
			}
		}
	case wb.EvMessage:
		if c != nil {
			if c.state == string(wb.StateAssigned) {
				l.holder[e.Seq] = c.agent
			}
			switch e.Sender {
			case wb.SenderCustomer:
				c.owes, c.warned = false, false
			case wb.SenderAgent:
				c.owes = true
			}
		}
	case wb.EvIdleWarning:
		if c != nil {
			c.warned = true
		}
	}
}

// since returns the events after seq.
func (l *logView) since(seq int64) []wb.Event {
	for i, e := range l.events {
		if e.Seq > seq {
			return l.events[i:]
		}
	}
	return nil
}

// position is the chat's place in its skill group's queue, from 1; 0 when
// it is not queued.
func (l *logView) position(conv string) int {
	c := l.chats[conv]
	if c == nil {
		return 0
	}
	for i, id := range l.inv.Queue(c.group) {
		if id == conv {
			return i + 1
		}
	}
	return 0
}

// groupAgents are the agents of a skill group, by login.
func (l *logView) groupAgents(group string) []*agentView {
	var out []*agentView
	for _, a := range l.agents {
		if a.group == group {
			out = append(out, a)
		}
	}
	sortAgents(out)
	return out
}

// seenBy says whether an agent receives a message event: it held the chat
// then, or took the chat later and got it in the chat's history.
func (l *logView) seenBy(e wb.Event, login string) bool {
	if l.holder[e.Seq] == login {
		return true
	}
	if c := l.chats[e.Conv]; c != nil {
		for _, a := range c.assigns {
			if a.agent == login && a.seq > e.Seq {
				return true
			}
		}
	}
	return false
}
