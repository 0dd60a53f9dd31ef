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
	l.add(wb.Event{Type: wb.EvMessage, Conv: "c1", Sender: wb.SenderAgent, Text: "您好"})
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
