package invariant_test

import (
	"fmt"
	"testing"
	"time"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// busyLog is a busy skill group: n agents at capacity 3 (all full), a queue
// of q waiting chats, then rounds of churn: a chat ends, the head of the
// queue takes its place, a new chat queues, an agent goes 小休 and back.
// Every command leaves the queue waiting and the group touched: the case
// where a scan over agents or the queue per command would show.
func busyLog(n, q, rounds int) []wb.Event {
	var evs []wb.Event
	var cmd int64
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	emit := func(same bool, e wb.Event) {
		if !same {
			cmd++
		}
		e.Seq, e.Cmd, e.Group = int64(len(evs)+1), cmd, "d1"
		e.At = at.Add(time.Duration(e.Seq) * time.Millisecond)
		evs = append(evs, e)
	}
	agent := func(i int) string { return fmt.Sprintf("a%05d", i) }
	for i := range n {
		emit(i > 0, wb.Event{Type: wb.EvAgentAdded, Agent: agent(i), Tenant: wb.TenantXianyu, Capacity: 3, Status: wb.StatusOffline})
	}
	next := 0
	conv := func() string { next++; return fmt.Sprintf("c%d", next) }
	held := make([][]string, n)
	for i := range n {
		emit(false, wb.Event{Type: wb.EvAgentStatus, Agent: agent(i), Status: wb.StatusOnline, Tenant: wb.TenantXianyu})
		for range 3 {
			c := conv()
			emit(false, wb.Event{Type: wb.EvQueued, Conv: c})
			emit(true, wb.Event{Type: wb.EvAssigned, Conv: c, Agent: agent(i)})
			held[i] = append(held[i], c)
		}
	}
	var queue []string
	for range q {
		c := conv()
		emit(false, wb.Event{Type: wb.EvQueued, Conv: c})
		queue = append(queue, c)
	}
	for r := range rounds {
		i := r % n
		done := held[i][0]
		emit(false, wb.Event{Type: wb.EvEnded, Conv: done, Agent: agent(i)})
		head := queue[0]
		queue = queue[1:]
		emit(true, wb.Event{Type: wb.EvAssigned, Conv: head, Agent: agent(i)})
		held[i] = append(held[i][1:], head)
		c := conv()
		emit(false, wb.Event{Type: wb.EvQueued, Conv: c})
		queue = append(queue, c)
		emit(false, wb.Event{Type: wb.EvAgentStatus, Agent: agent(i), Status: wb.StatusBreak, Tenant: wb.TenantXianyu})
		emit(false, wb.Event{Type: wb.EvAgentStatus, Agent: agent(i), Status: wb.StatusOnline, Tenant: wb.TenantXianyu})
	}
	return evs
}

// The work per event does not grow with the number of agents or the length
// of the queue: 200 times more of both costs the same steps per churn event.
func TestCostPerEventFlat(t *testing.T) {
	perEvent := func(n, q int) float64 {
		const rounds = 2000
		evs := busyLog(n, q, rounds)
		warm := len(evs) - rounds*5
		c := invariant.New()
		for _, e := range evs[:warm] {
			c.Observe(e)
		}
		before := c.Steps()
		for _, e := range evs[warm:] {
			c.Observe(e)
		}
		if v := c.Violations(); len(v) != 0 {
			t.Fatalf("busy log not clean: %v", v[0])
		}
		return float64(c.Steps()-before) / float64(rounds*5)
	}
	small, large := perEvent(10, 10), perEvent(2000, 2000)
	if large > 1.05*small || large > 3 {
		t.Fatalf("steps per event: %.2f with 10 agents/10 waiting, %.2f with 2000/2000; want flat and small", small, large)
	}
}

// BenchmarkObserve: cost per event of the streaming checker on the busy
// log, for growing agents and queue (docs/benchmarks.md).
func BenchmarkObserve(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("agents=%d/waiting=%d", n, n), func(b *testing.B) {
			const rounds = 20000
			evs := busyLog(n, n, rounds)
			warm := len(evs) - rounds*5
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				c := invariant.New()
				for _, e := range evs[:warm] {
					c.Observe(e)
				}
				b.StartTimer()
				for _, e := range evs[warm:] {
					c.Observe(e)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rounds*5), "ns/event")
		})
	}
}
