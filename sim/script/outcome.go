package script

import (
	"fmt"
	"time"

	wb "routecheck/sim/workbench"
)

// Happening is one event of a session's outcome: what happened, without
// ids, names or the clock, and when, from the session's first event.
type Happening struct {
	At   time.Duration
	What string
}

// Outcome is what a session did to the workbench, from its event log
// alone: each chat (numbered in the order they opened) with its messages
// (who wrote what), its turns (queued, assigned to which agent, refused
// and why, re-queued, ended and why, rated) and notifications, and each
// agent's status, tenant and capacity; ids, customers' names and settings
// that change no chat are left out. A replay reproduces a recording when
// its outcome is the same (D-SCR-6).
func Outcome(evs []wb.Event) []Happening {
	var out []Happening
	var t0 time.Time
	chats := map[string]int{}
	for _, e := range evs {
		switch e.Type {
		case wb.EvAgentAdded, wb.EvQuickReplies, wb.EvWelcomeSet:
			continue
		}
		if t0.IsZero() {
			t0 = e.At
		}
		c := ""
		if e.Conv != "" {
			if _, ok := chats[e.Conv]; !ok {
				chats[e.Conv] = len(chats) + 1
			}
			c = fmt.Sprintf("chat%d ", chats[e.Conv])
		}
		var what string
		switch e.Type {
		case wb.EvMessage:
			what = fmt.Sprintf("%smessage %s %s: %s", c, e.Sender, e.Agent, e.Text)
		case wb.EvNotification:
			what = fmt.Sprintf("%snotification %s %s", c, e.Agent, e.Reason)
		case wb.EvAgentStatus, wb.EvTenantSwitched, wb.EvCapacitySet:
			what = fmt.Sprintf("%s %s %s %s %d", e.Type, e.Agent, e.Status, e.Tenant, e.Capacity)
		default:
			what = fmt.Sprintf("%s%s %s %s %s", c, e.Type, e.Agent, e.Reason, e.Rating)
		}
		out = append(out, Happening{e.At.Sub(t0), what})
	}
	return out
}

// SameOutcome says where two outcomes first differ: another event, or one
// more than tolerance away in time; "" when they are the same.
func SameOutcome(first, replay []Happening, tolerance time.Duration) string {
	for i := 0; i < len(first) || i < len(replay); i++ {
		switch {
		case i >= len(first):
			return fmt.Sprintf("event %d: the replay has more: %s at %s", i, replay[i].What, replay[i].At)
		case i >= len(replay):
			return fmt.Sprintf("event %d: the replay lacks %s at %s", i, first[i].What, first[i].At)
		case first[i].What != replay[i].What || (first[i].At-replay[i].At).Abs() > tolerance:
			return fmt.Sprintf("event %d:\n  first:  %s %s\n  replay: %s %s", i, first[i].At, first[i].What, replay[i].At, replay[i].What)
		}
	}
	return ""
}
