package invariant_test

import (
	"strings"
	"testing"
	"time"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// logb builds hand-made logs: each call is one command unless same() is used.
type logb struct {
	events []wb.Event
	cmd    int64
}

func (l *logb) add(e wb.Event) *logb {
	l.cmd++
	return l.same(e)
}

func (l *logb) same(e wb.Event) *logb {
	e.Seq = int64(len(l.events) + 1)
	e.Cmd = l.cmd
	e.At = t0.Add(time.Duration(e.Seq) * time.Second)
	if e.Group == "" {
		e.Group = "d1"
	}
	l.events = append(l.events, e)
	return l
}

// base: agents a1 (capacity 1, online) and a2 (offline).
func base() *logb {
	l := &logb{}
	l.add(wb.Event{Type: wb.EvAgentAdded, Agent: "a1", Tenant: wb.TenantXianyu, Capacity: 1, Status: wb.StatusOffline})
	l.same(wb.Event{Type: wb.EvAgentAdded, Agent: "a2", Tenant: wb.TenantXianyu, Capacity: 3, Status: wb.StatusOffline})
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusOnline, Tenant: wb.TenantXianyu})
	return l
}

func (l *logb) queue(conv string) *logb {
	return l.add(wb.Event{Type: wb.EvQueued, Conv: conv})
}

func (l *logb) assign(conv, agent string) *logb {
	return l.same(wb.Event{Type: wb.EvAssigned, Conv: conv, Agent: agent})
}

func expectOne(t *testing.T, l *logb, inv, rule string, seqs ...int64) {
	t.Helper()
	got := invariant.Check(l.events)
	if len(got) != 1 {
		t.Fatalf("want exactly one %s violation, got %v", inv, got)
	}
	v := got[0]
	if v.Invariant != inv || v.Rule != rule {
		t.Fatalf("got %s/%s, want %s/%s: %s", v.Invariant, v.Rule, inv, rule, v)
	}
	for _, s := range seqs {
		if !containsSeq(v.Events, s) {
			t.Errorf("violation %s does not name event #%d", v, s)
		}
	}
	if !strings.Contains(v.String(), rule) || v.At.IsZero() {
		t.Errorf("violation text %q should name the rule and the time", v)
	}
}

func containsSeq(s []int64, x int64) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestCleanLogHasNoViolations(t *testing.T) {
	l := base().queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderSystem, Text: "欢迎"})
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "您好"})
	l.same(wb.Event{Type: wb.EvFirstResponse, Conv: "c1", Ref: 7})
	l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a1"})
	if v := invariant.Check(l.events); len(v) != 0 {
		t.Fatalf("clean log: %v", v)
	}
}

// R-CAP-1: an agent above capacity.
func TestCatchesCapacity(t *testing.T) {
	l := base().queue("c1").assign("c1", "a1").queue("c2").assign("c2", "a1")
	expectOne(t, l, invariant.Capacity, "R-CAP-1", 5, 7)
}

// R-WB-2: a chat assigned to an agent on 小休.
func TestCatchesStatus(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusBreak})
	l.queue("c1").assign("c1", "a1")
	expectOne(t, l, invariant.Status, "R-WB-2", 6)
}

// R-TEN-1: a chat assigned under a wrong tenant.
func TestCatchesTenant(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvTenantSwitched, Agent: "a1", Tenant: "淘宝BU"})
	l.queue("c1").assign("c1", "a1")
	expectOne(t, l, invariant.Tenant, "R-TEN-1", 6)
}

// One chat, two agents at once.
func TestCatchesDoubleAssignment(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a2", Status: wb.StatusOnline})
	l.queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvAssigned, Conv: "c1", Agent: "a2"})
	got := invariant.Check(l.events)
	found := false
	for _, v := range got {
		if v.Invariant == invariant.SingleOwner && containsSeq(v.Events, 6) && containsSeq(v.Events, 7) {
			found = true
		}
	}
	if !found {
		t.Fatalf("double assignment not caught: %v", got)
	}
}

// D-ROUTE-1: the second chat in the queue served before the first.
func TestCatchesFIFO(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusBreak})
	l.queue("c1").queue("c2")
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusOnline})
	l.assign("c2", "a1")
	expectOne(t, l, invariant.FIFO, "D-ROUTE-1", 5, 6, 8)
}

// R-CAP-1: a chat freed capacity but the head of the queue was left waiting.
func TestCatchesHeadNotTakenAtOnce(t *testing.T) {
	l := base().queue("c1").assign("c1", "a1").queue("c2")
	l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a1"})
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c2", Sender: wb.SenderCustomer, Text: "还要等多久"})
	got := invariant.Check(l.events)
	if len(got) == 0 || got[0].Invariant != invariant.HeadAtOnce || !containsSeq(got[0].Events, 6) || !containsSeq(got[0].Events, 7) {
		t.Fatalf("want head-at-once naming queue event #6 and the freeing event #7: %v", got)
	}
}

// R-KPI-1/R-WEL-1: the welcome (a system message) counted as the response.
func TestCatchesWelcomeCountedAsResponse(t *testing.T) {
	l := base().queue("c1").assign("c1", "a1")
	l.same(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderSystem, Text: "欢迎"})
	l.same(wb.Event{Type: wb.EvFirstResponse, Conv: "c1", Ref: 6})
	expectOne(t, l, invariant.WelcomeNotRep, "R-KPI-1", 6, 7)
}

// Assigning a chat that never queued skips the line.
func TestCatchesAssignmentWithoutQueue(t *testing.T) {
	l := base().assign("c9", "a1")
	expectOne(t, l, invariant.FIFO, "D-ROUTE-1", 4)
}

// R-VEN-3: a chat of one skill group given to an agent of another.
func TestCatchesWrongGroup(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentAdded, Agent: "b1", Group: "d2", Tenant: wb.TenantXianyu, Capacity: 3, Status: wb.StatusOnline})
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusBreak})
	l.queue("c1").assign("c1", "b1")
	expectOne(t, l, invariant.Group, "R-VEN-3", 6, 7)
}

// An event about an agent the log never introduced is a violation; the
// checker does not invent the agent (which would then take chats in its
// model).
func TestRefusesUnknownAgent(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "ghost", Status: wb.StatusOnline, Tenant: wb.TenantXianyu})
	expectOne(t, l, invariant.KnownAgent, "R-VEN-3", 4)

	l = base().queue("c1").assign("c1", "ghost")
	got := invariant.Check(l.events)
	if len(got) != 1 || got[0].Invariant != invariant.KnownAgent || !strings.Contains(got[0].Message, "ghost") {
		t.Fatalf("assignment to an unknown agent: %v", got)
	}
	// the chat left the queue: a1 being free is not a second violation
	for _, ty := range []wb.EventType{wb.EvTenantSwitched, wb.EvCapacitySet, wb.EvRequeued} {
		l := base()
		l.add(wb.Event{Type: ty, Agent: "ghost", Conv: "c1", Tenant: wb.TenantXianyu, Capacity: 3})
		if got := invariant.Check(l.events); len(got) != 1 || got[0].Invariant != invariant.KnownAgent {
			t.Errorf("%s about an unknown agent: %v", ty, got)
		}
	}
}

// offlineWith: a1 (capacity 3) holds c1, c2, c3 in that order while c4
// waits, then goes 离线 and re-queues them; requeue orders the requeued
// events as given.
func offlineWith(requeue ...string) *logb {
	l := &logb{}
	l.add(wb.Event{Type: wb.EvAgentAdded, Agent: "a1", Tenant: wb.TenantXianyu, Capacity: 3, Status: wb.StatusOnline})
	l.same(wb.Event{Type: wb.EvAgentAdded, Agent: "a2", Tenant: wb.TenantXianyu, Capacity: 1, Status: wb.StatusOffline})
	for _, c := range []string{"c1", "c2", "c3"} {
		l.queue(c).assign(c, "a1")
	}
	l.queue("c4") // #9
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusOffline, Tenant: wb.TenantXianyu})
	for _, c := range requeue {
		l.same(wb.Event{Type: wb.EvRequeued, Conv: c, Agent: "a1"})
	}
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a2", Status: wb.StatusOnline, Tenant: wb.TenantXianyu})
	return l
}

// D-ROUTE-2: re-queued chats go back at the head in the order the agent
// took them, whatever order their events come in; serving them in another
// order breaks it.
func TestRequeueOrder(t *testing.T) {
	for _, order := range [][]string{{"c3", "c2", "c1"}, {"c1", "c2", "c3"}, {"c2", "c3", "c1"}} {
		l := offlineWith(order...)
		l.assign("c1", "a2")
		l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a2"})
		l.same(wb.Event{Type: wb.EvAssigned, Conv: "c2", Agent: "a2"})
		if got := invariant.Check(l.events); len(got) != 0 {
			t.Fatalf("requeued as %v, served in the original order: %v", order, got)
		}
	}
	l := offlineWith("c3", "c2", "c1")
	l.assign("c3", "a2") // #15: the newest first
	got := invariant.Check(l.events)
	if len(got) != 1 || got[0].Invariant != invariant.RequeueOrder || got[0].Rule != "D-ROUTE-2" || !containsSeq(got[0].Events, 15) {
		t.Fatalf("the newest re-queued chat served first: %v", got)
	}
	l = offlineWith("c3", "c2", "c1")
	l.assign("c4", "a2") // the chat that waited before goes ahead of the re-queued ones
	if got := invariant.Check(l.events); len(got) != 1 || got[0].Invariant != invariant.RequeueOrder {
		t.Fatalf("a waiting chat served before the re-queued ones: %v", got)
	}
}

// D-ROUTE-2: an agent who goes 离线 keeps no chat; a chat can only be
// re-queued by the agent holding it.
func TestCatchesChatsStrandedOffline(t *testing.T) {
	l := offlineWith("c3", "c1") // c2 stays with the 离线 agent
	got := invariant.Check(l.events)
	if len(got) == 0 || got[0].Invariant != invariant.RequeueOrder || !strings.Contains(got[0].Message, "still holding 1") || !containsSeq(got[0].Events, 6) {
		t.Fatalf("c2 stranded with the 离线 agent: %v", got)
	}
	l = base().queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvRequeued, Conv: "c1", Agent: "a2"})
	expectOne(t, l, invariant.RequeueOrder, "D-ROUTE-2", 6)
}

// R-KPI-1: the first response is the first agent message after pickup,
// once; a second one, or one pointing elsewhere, is a violation.
func TestCatchesWrongFirstResponse(t *testing.T) {
	l := base().queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "您好"}) // #6
	l.same(wb.Event{Type: wb.EvFirstResponse, Conv: "c1", Ref: 6})
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "还在吗"}) // #8
	l.same(wb.Event{Type: wb.EvFirstResponse, Conv: "c1", Ref: 8})
	expectOne(t, l, invariant.WelcomeNotRep, "R-KPI-1", 9)

	l = base().queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "您好"})  // #6
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "第二句"}) // #7
	l.same(wb.Event{Type: wb.EvFirstResponse, Conv: "c1", Ref: 7})
	expectOne(t, l, invariant.WelcomeNotRep, "R-KPI-1", 8, 7)

	l = base()
	l.add(wb.Event{Type: wb.EvFirstResponse, Conv: "c9", Ref: 1})
	expectOne(t, l, invariant.WelcomeNotRep, "R-KPI-1", 4)
}

// A chat queued twice while it waits is one chat in two places.
func TestCatchesQueuedTwice(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a1", Status: wb.StatusBreak})
	l.queue("c1").queue("c1")
	expectOne(t, l, invariant.SingleOwner, "R-RT-4", 5, 6)
}

// Capacity lowered below the load keeps the chats (D-CAP-1) and takes no
// new one; an abandoned chat leaves the queue.
func TestLoweredCapacityAndAbandonment(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvCapacitySet, Agent: "a1", Capacity: 3})
	l.queue("c1").assign("c1", "a1").queue("c2").assign("c2", "a1")
	l.add(wb.Event{Type: wb.EvCapacitySet, Agent: "a1", Capacity: 1})
	l.queue("c3")
	l.add(wb.Event{Type: wb.EvAbandoned, Conv: "c3"})
	l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a1"})
	if got := invariant.Check(l.events); len(got) != 0 {
		t.Fatalf("clean log: %v", got)
	}
	l.queue("c4").assign("c4", "a1") // a1 still holds c2 at capacity 1
	expectOne(t, l, invariant.Capacity, "R-CAP-1")
}

// The streaming checker gives what Check gives, keeps state only for open
// chats, and keeps at most MaxKept violations.
func TestStreamingMatchesCheckAndReleasesChats(t *testing.T) {
	l := offlineWith("c3", "c2", "c1")
	l.assign("c3", "a2")
	c := invariant.New()
	for _, e := range l.events {
		c.Observe(e)
	}
	if got, want := c.Violations(), invariant.Check(l.events); len(got) != len(want) || len(got) == 0 || got[0].String() != want[0].String() {
		t.Fatalf("stream %v, check %v", got, want)
	}
	c = invariant.New()
	l = base()
	for i := range 50 {
		id := "c" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		l.queue(id).assign(id, "a1")
		l.add(wb.Event{Type: wb.EvEnded, Conv: id, Agent: "a1"})
	}
	for _, e := range l.events {
		c.Observe(e)
	}
	if n := c.LiveChats(); n != 0 || len(c.Violations()) != 0 {
		t.Fatalf("after 50 ended chats the checker keeps %d (violations %v)", n, c.Violations())
	}
	c = invariant.New()
	l = &logb{}
	for range invariant.MaxKept + 5 {
		l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "ghost"})
	}
	for _, e := range l.events {
		c.Observe(e)
	}
	if n := len(c.Violations()); n != invariant.MaxKept || c.Dropped() != 5 {
		t.Fatalf("kept %d, dropped %d", n, c.Dropped())
	}
}

// Only the agent holding a chat writes in it: not another agent, not after
// the chat went back to the queue.
func TestCatchesAgentWritingInChatNotHeld(t *testing.T) {
	l := base()
	l.add(wb.Event{Type: wb.EvAgentStatus, Agent: "a2", Status: wb.StatusOnline})
	l.queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a2", Text: "我来回答"}) // #7
	expectOne(t, l, invariant.SingleOwner, "R-RT-4", 7)

	l = base().queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a1"})
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "还在吗"}) // #7
	expectOne(t, l, invariant.SingleOwner, "R-RT-4", 7)
}

// A conversation id seen again after its chat ended is a new chat: the
// checker's memory of the chat it looked up last must not bring the old one
// back (it would be missing from the open chats once another chat is seen).
func TestReusedConvIDIsANewChat(t *testing.T) {
	l := base().queue("c1").assign("c1", "a1")
	l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a1"})
	l.queue("c1").assign("c1", "a1")
	l.queue("c2") // a1 is full: c2 waits, and is the chat looked up last
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Agent: "a1", Text: "您好"})
	l.add(wb.Event{Type: wb.EvEnded, Conv: "c1", Agent: "a1"})
	l.same(wb.Event{Type: wb.EvAssigned, Conv: "c2", Agent: "a1"})
	if got := invariant.Check(l.events); len(got) != 0 {
		t.Fatalf("clean log: %v", got)
	}
}
