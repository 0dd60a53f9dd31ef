package script

import (
	"fmt"
	"strings"

	wb "routecheck/sim/workbench"
)

// describeChat is where a chat stands, by the event log: what a failed
// assert saw.
func (r *runner) describeChat(conv string) string {
	c := r.log.chats[conv]
	if c == nil {
		return "no such chat in the event log"
	}
	who := conv
	if p := r.partyOfConv(conv); p != nil {
		who = p.Name + "'s chat"
	}
	switch c.state {
	case string(wb.StateBot):
		return who + " is with the bot: " + r.botWhy(c)
	case string(wb.StateQueued):
		s := fmt.Sprintf("%s waits in the queue at position %d", who, r.log.position(conv))
		if c.reason == wb.ReasonAgentOffline {
			s += " (re-queued: its agent went 离线, D-ROUTE-2)"
		}
		return s + "; " + r.describeAgents(c.group)
	case string(wb.StateAssigned):
		return fmt.Sprintf("%s is with %s", who, r.partyOfLogin(c.agent))
	}
	return fmt.Sprintf("%s has ended (%s)", who, c.reason)
}

// botWhy says why a chat is with the bot.
func (r *runner) botWhy(c *chatView) string {
	switch c.reason {
	case wb.ReasonOutsideHours:
		return fmt.Sprintf("its transfer was refused outside the work hours (%s; R-VEN-4, D-RT-1)", r.v.Config.WorkHours.String())
	case wb.ReasonNobodyOnline:
		return "its transfer was refused: no agent of " + c.group + " was 在线 (D-RT-1)"
	}
	return "the customer has not asked for a human (转人工, R-RT-4)"
}

// describeAgents is how the skill group's agents stand.
func (r *runner) describeAgents(group string) string {
	var parts []string
	for _, a := range r.log.groupAgents(group) {
		s := fmt.Sprintf("%s %s", r.partyOfLogin(a.login), a.status)
		if a.status == wb.StatusOnline {
			s += fmt.Sprintf(" %d/%d chats", a.load, a.capacity)
		}
		if a.tenant != "" && a.tenant != wb.TenantXianyu {
			s += " under " + a.tenant
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "the skill group has no agent"
	}
	return "agents: " + strings.Join(parts, ", ")
}

// assignImpossible: while a script waits, only the workbench's timers act,
// so a chat that is not queued (or an agent who will not take it) stays as
// it is. An agent comes 在线 only on a line of the script; a place frees up
// by a timer (an idle close, a grace), which the clock shows.
func (r *runner) assignImpossible(conv string, to *Party) string {
	c := r.log.chats[conv]
	if c == nil {
		return ""
	}
	switch c.state {
	case string(wb.StateEnded):
		return fmt.Sprintf("the chat has ended (%s)", c.reason)
	case string(wb.StateBot):
		return r.botWhy(c)
	case string(wb.StateAssigned):
		if h := r.partyByLogin(c.agent); to != nil && c.agent != to.Login && h != nil && h.connected() {
			return fmt.Sprintf("the chat is with %s, whose workbench is open: it goes back to the queue only when %s goes 离线 (a line of the script) or after a closed workbench's grace (D-WS-1, D-ROUTE-2)", h.Name, h.Name)
		}
		return "" // a closed workbench's grace may give it back to the queue
	}
	online := 0
	for _, a := range r.log.groupAgents(c.group) {
		if a.status == wb.StatusOnline && a.tenant == wb.TenantXianyu {
			online++
			if to != nil && a.login == to.Login {
				return ""
			}
		}
	}
	if to != nil {
		a := r.log.agents[to.Login]
		if a != nil {
			return fmt.Sprintf("%s is %s, and only a line of the script brings an agent 在线 (R-WB-2)", to.Name, a.status)
		}
	}
	if online == 0 {
		return fmt.Sprintf("no agent of %s is 在线 and none is brought 在线 while the script waits (R-RT-2, R-WB-2); %s", c.group, r.describeAgents(c.group))
	}
	return ""
}

// chatsSummary is how the party's chats ended, for a message that will
// not come.
func (r *runner) chatsSummary(l *live) string {
	if len(l.convs) == 0 && l.Role == RoleCustomer {
		return l.Name + " has not entered the bot page"
	}
	var parts []string
	for _, id := range l.convs {
		parts = append(parts, r.describeChat(id))
	}
	if len(parts) == 0 {
		return l.Name + " holds no chat"
	}
	return strings.Join(parts, "; ")
}

// recentMessages are the messages the party got after seq, for "seen".
func (r *runner) recentMessages(l *live, after int64) string {
	var out []string
	for _, ev := range r.log.since(after) {
		if r.visible(l, ev) && r.fromOK(l, Sender{}, ev) {
			out = append(out, fmt.Sprintf("%s: %q", who(r, ev), ev.Text))
		}
	}
	if len(out) == 0 {
		return "no message"
	}
	if len(out) > 5 {
		out = append([]string{fmt.Sprintf("(%d earlier)", len(out)-5)}, out[len(out)-5:]...)
	}
	return strings.Join(out, "; ")
}

func (r *runner) recentNotifications(l *live, after int64) string {
	var out []string
	for _, ev := range r.log.since(after) {
		if ev.Type == wb.EvNotification && ev.Agent == l.Login {
			out = append(out, notifyName(ev.Reason)+": "+r.notifyText(ev))
		}
	}
	if len(out) == 0 {
		a, _ := r.v.Config.Account(l.Login)
		_ = a
		return "no notification (消息提醒 off, or nothing happened)"
	}
	return strings.Join(out, "; ")
}

func (r *runner) notifyText(ev wb.Event) string {
	if p := r.partyOfConv(ev.Conv); p != nil {
		return "about " + p.Name
	}
	return ev.Conv
}

// who names a message's writer as the script does.
func who(r *runner, ev wb.Event) string {
	switch ev.Sender {
	case wb.SenderAgent:
		return r.partyOfLogin(ev.Agent)
	case wb.SenderCustomer:
		if p := r.partyOfConv(ev.Conv); p != nil {
			return p.Name
		}
		return "customer"
	}
	return string(ev.Sender)
}
