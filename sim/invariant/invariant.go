// Package invariant checks the routing invariants over a workbench event
// log. It judges the record afterwards and knows nothing of how the log was
// made, so every suite, the simulator and load runs call the same Check.
package invariant

import (
	"fmt"
	"slices"
	"strings"
	"time"

	wb "routecheck/sim/workbench"
)

// Invariant names, each tied to the rule it protects.
const (
	Capacity      = "capacity"          // R-CAP-1: no agent above its maximum
	Status        = "status"            // R-WB-2: nothing assigned on 小休 or 离线
	Tenant        = "tenant"            // R-TEN-1: nothing assigned under a wrong tenant
	SingleOwner   = "single-owner"      // no chat assigned to two agents at once
	FIFO          = "fifo"              // D-ROUTE-1: first in, first out per skill group
	HeadAtOnce    = "head-at-once"      // R-CAP-1/D-ROUTE-1: freed capacity takes the head of the queue at once
	WelcomeNotRep = "welcome-not-reply" // R-KPI-1/R-WEL-1: the welcome never counts as a response
)

var rules = map[string]string{
	Capacity: "R-CAP-1", Status: "R-WB-2", Tenant: "R-TEN-1", SingleOwner: "R-RT-4",
	FIFO: "D-ROUTE-1", HeadAtOnce: "R-CAP-1", WelcomeNotRep: "R-KPI-1",
}

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

type agent struct {
	group    string
	status   wb.Status
	tenant   string
	capacity int
	open     map[string]int64 // conv -> assigned event seq
}

type checker struct {
	agents  map[string]*agent
	owner   map[string]string   // conv -> agent holding it
	queues  map[string][]string // group -> convs, head first
	queued  map[string]int64    // conv -> its queue event seq
	msgs    map[int64]wb.Event  // message events by seq
	out     []Violation
	lastCmd int64
	lastAt  time.Time
	lastSeq int64
}

// Check runs every invariant over the log and returns the violations in
// log order; none means the log is clean.
func Check(events []wb.Event) []Violation {
	c := &checker{agents: map[string]*agent{}, owner: map[string]string{},
		queues: map[string][]string{}, queued: map[string]int64{}, msgs: map[int64]wb.Event{}}
	for i, e := range events {
		if i > 0 && e.Cmd != c.lastCmd {
			c.headAtOnce()
		}
		c.lastCmd, c.lastAt, c.lastSeq = e.Cmd, e.At, e.Seq
		c.apply(e)
	}
	if len(events) > 0 {
		c.headAtOnce()
	}
	return c.out
}

func (c *checker) fail(inv string, at time.Time, seqs []int64, format string, args ...any) {
	c.out = append(c.out, Violation{Invariant: inv, Rule: rules[inv], Message: fmt.Sprintf(format, args...), Events: seqs, At: at})
}

func (c *checker) apply(e wb.Event) {
	switch e.Type {
	case wb.EvAgentAdded:
		st := e.Status
		if st == "" {
			st = wb.StatusOffline
		}
		c.agents[e.Agent] = &agent{group: e.Group, status: st, tenant: e.Tenant, capacity: e.Capacity, open: map[string]int64{}}
	case wb.EvAgentStatus:
		if a := c.agent(e); a != nil {
			a.status = e.Status
			if e.Tenant != "" {
				a.tenant = e.Tenant
			}
		}
	case wb.EvTenantSwitched:
		if a := c.agent(e); a != nil {
			a.tenant = e.Tenant
		}
	case wb.EvCapacitySet:
		if a := c.agent(e); a != nil {
			a.capacity = e.Capacity
		}
	case wb.EvQueued:
		c.queues[e.Group] = append(c.queues[e.Group], e.Conv)
		c.queued[e.Conv] = e.Seq
	case wb.EvRequeued:
		c.release(e.Conv)
		c.queues[e.Group] = append([]string{e.Conv}, c.queues[e.Group]...)
		c.queued[e.Conv] = e.Seq
	case wb.EvAbandoned:
		c.unqueue(e.Group, e.Conv)
	case wb.EvAssigned:
		c.assigned(e)
	case wb.EvEnded:
		c.release(e.Conv)
	case wb.EvMessage:
		c.msgs[e.Seq] = e
	case wb.EvFirstResponse:
		m, ok := c.msgs[e.Ref]
		switch {
		case !ok:
			c.fail(WelcomeNotRep, e.At, []int64{e.Seq, e.Ref}, "first response of %s refers to event #%d, which is no message", e.Conv, e.Ref)
		case m.Sender != wb.SenderAgent || m.Conv != e.Conv:
			c.fail(WelcomeNotRep, e.At, []int64{e.Seq, e.Ref}, "first response of %s counted a %s message %q", e.Conv, m.Sender, m.Text)
		}
	}
}

func (c *checker) agent(e wb.Event) *agent {
	a, ok := c.agents[e.Agent]
	if !ok {
		a = &agent{group: e.Group, status: wb.StatusOffline, tenant: wb.TenantXianyu, capacity: wb.DefaultCapacity, open: map[string]int64{}}
		c.agents[e.Agent] = a
	}
	return a
}

func (c *checker) release(conv string) {
	if who, ok := c.owner[conv]; ok {
		delete(c.agents[who].open, conv)
		delete(c.owner, conv)
	}
}

func (c *checker) unqueue(group, conv string) {
	c.queues[group] = slices.DeleteFunc(c.queues[group], func(s string) bool { return s == conv })
	delete(c.queued, conv)
}

func (c *checker) assigned(e wb.Event) {
	a := c.agent(e)
	if other, ok := c.owner[e.Conv]; ok {
		c.fail(SingleOwner, e.At, []int64{c.agents[other].open[e.Conv], e.Seq},
			"%s assigned to %s while %s still holds it", e.Conv, e.Agent, other)
	}
	if a.status != wb.StatusOnline {
		c.fail(Status, e.At, []int64{e.Seq}, "%s assigned to %s whose status is %s", e.Conv, e.Agent, a.status)
	}
	if a.tenant != wb.TenantXianyu {
		c.fail(Tenant, e.At, []int64{e.Seq}, "%s assigned to %s under tenant %q", e.Conv, e.Agent, a.tenant)
	}
	if len(a.open) >= a.capacity {
		seqs := []int64{e.Seq}
		for _, s := range a.open {
			seqs = append(seqs, s)
		}
		slices.Sort(seqs)
		c.fail(Capacity, e.At, seqs, "%s assigned to %s who already has %d chats, capacity %d", e.Conv, e.Agent, len(a.open), a.capacity)
	}
	q := c.queues[e.Group]
	switch {
	case !slices.Contains(q, e.Conv):
		c.fail(FIFO, e.At, []int64{e.Seq}, "%s assigned without waiting in the %s queue", e.Conv, e.Group)
	case q[0] != e.Conv:
		c.fail(FIFO, e.At, []int64{c.queued[q[0]], c.queued[e.Conv], e.Seq}, "%s assigned before %s, which queued first", e.Conv, q[0])
	}
	c.unqueue(e.Group, e.Conv)
	a.open[e.Conv] = e.Seq
	c.owner[e.Conv] = e.Agent
}

// headAtOnce runs at the end of every command: a queue with a waiting chat
// and a free eligible agent in the same group means capacity went unused.
func (c *checker) headAtOnce() {
	for _, group := range sortedKeys(c.queues) {
		q := c.queues[group]
		if len(q) == 0 {
			continue
		}
		for _, name := range sortedKeys(c.agents) {
			a := c.agents[name]
			if a.group == group && a.status == wb.StatusOnline && a.tenant == wb.TenantXianyu && len(a.open) < a.capacity {
				c.fail(HeadAtOnce, c.lastAt, []int64{c.queued[q[0]], c.lastSeq},
					"%s waits at the head of the %s queue while %s has %d of %d chats", q[0], group, name, len(a.open), a.capacity)
				break
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
