package script

import (
	"context"
	"fmt"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// The probes of the asserts about a chat's state, an agent's status and
// chats, notifications and the customer's link, and `expect refused`.

func (r *runner) probeChat(l *live, e *Expect) *probe {
	conv := l.conv()
	pr := &probe{involved: []*Party{l.Party}}
	chat := func() *chatView { return r.log.chats[conv] }
	switch e.Kind {
	case ExpAssigned:
		pr.expected = l.Name + " assigned to an agent"
		login := ""
		if e.Agent != nil {
			login = e.Agent.Login
			pr.expected = fmt.Sprintf("%s assigned to %s (%s)", l.Name, e.Agent.Name, login)
			pr.involved = append(pr.involved, e.Agent)
		}
		pr.log = func() (bool, string) {
			c := chat()
			return c != nil && c.state == string(wb.StateAssigned) && (login == "" || c.agent == login), r.describeChat(conv)
		}
		pr.view = func(ctx context.Context) error {
			agent := chat().agent
			if err := r.waitFrame(ctx, l, func(f actors.Frame) bool {
				return f.Type == "state" && f.State == string(wb.StateAssigned) && f.ConvID() == conv && agentOf(f) == agent
			}, "state assigned"); err != nil {
				return err
			}
			if a := r.partyByLogin(agent); a != nil && a.agent != nil {
				return r.waitFrame(ctx, a, func(f actors.Frame) bool {
					if f.Type == "assigned" {
						c, _ := f.Conversation()
						return c.ID == conv
					}
					return false
				}, "assigned "+conv)
			}
			return nil
		}
		pr.impossible = func() string { return r.assignImpossible(conv, e.Agent) }
	case ExpQueued:
		pr.expected = l.Name + " waits in the queue"
		if e.Pos > 0 {
			pr.expected += fmt.Sprintf(" at position %d", e.Pos)
		}
		pr.log = func() (bool, string) {
			c := chat()
			return c != nil && c.state == string(wb.StateQueued) && (e.Pos == 0 || r.log.position(conv) == e.Pos), r.describeChat(conv)
		}
		pr.view = func(ctx context.Context) error {
			return r.waitFrame(ctx, l, func(f actors.Frame) bool {
				return f.Type == "state" && f.State == string(wb.StateQueued) && f.ConvID() == conv
			}, "state queued")
		}
		pr.impossible = func() string {
			c := chat()
			if c == nil {
				return ""
			}
			switch c.state {
			case string(wb.StateEnded):
				return "the chat has ended"
			case string(wb.StateBot):
				return r.botWhy(c)
			}
			return ""
		}
	case ExpState:
		pr.expected = fmt.Sprintf("%s's chat %s", l.Name, e.State)
		if e.Reason != "" {
			pr.expected += " (" + e.Reason + ")"
		}
		pr.log = func() (bool, string) {
			c := chat()
			return c != nil && c.state == e.State && (e.Reason == "" || c.reason == e.Reason), r.describeChat(conv)
		}
		pr.view = func(ctx context.Context) error {
			return r.waitFrame(ctx, l, func(f actors.Frame) bool {
				return (f.Type == "state" || f.Type == "hello") && f.State == e.State && f.ConvID() == conv && (e.Reason == "" || f.Reason == e.Reason || f.Type == "hello")
			}, "state "+e.State)
		}
		pr.impossible = func() string {
			c := chat()
			switch {
			case c == nil:
				return ""
			case c.state == string(wb.StateEnded) && e.State != string(wb.StateEnded):
				return "the chat has ended (" + c.reason + "): it will not be " + e.State + " again"
			case c.state == string(wb.StateEnded) && e.Reason != "" && c.reason != e.Reason:
				return "the chat ended for another reason: " + c.reason
			case e.State == string(wb.StateBot) && c.state != string(wb.StateBot):
				return "a chat with a human never goes back to the bot"
			}
			return ""
		}
	}
	return pr
}

func agentOf(f actors.Frame) string {
	var s string
	if len(f.Agent) > 0 && f.Agent[0] == '"' {
		_ = jsonString(f.Agent, &s)
	}
	return s
}

func (r *runner) partyByLogin(login string) *live {
	for _, l := range r.parties {
		if l.Login == login && login != "" {
			return l
		}
	}
	return nil
}

func (r *runner) probeStatus(l *live, e *Expect) *probe {
	return &probe{
		expected: fmt.Sprintf("%s (%s) %s", l.Name, l.Login, e.Status), involved: []*Party{l.Party},
		log: func() (bool, string) {
			a := r.log.agents[l.Login]
			if a == nil {
				return false, l.Login + " is not in the event log"
			}
			return string(a.status) == e.Status, fmt.Sprintf("%s is %s", l.Name, a.status)
		},
		impossible: func() string {
			a := r.log.agents[l.Login]
			if a == nil {
				return ""
			}
			closed := l.agent == nil || !l.agent.Connected()
			switch {
			case e.Status == string(wb.StatusOffline) && closed && a.status != wb.StatusOffline:
				return "" // the grace of a closed workbench takes the agent 离线 (D-WS-1)
			case string(a.status) != e.Status:
				return fmt.Sprintf("%s is %s, and only a line of the script changes an agent's status (or a closed workbench after its grace, D-WS-1)", l.Name, a.status)
			}
			return ""
		},
	}
}

func (r *runner) probeHolds(l *live, e *Expect) *probe {
	pr := &probe{involved: []*Party{l.Party}, impossible: func() string { return "" }}
	if e.Agent != nil {
		c := r.parties[e.Agent]
		pr.expected = fmt.Sprintf("%s holds %s's chat", l.Name, e.Agent.Name)
		pr.involved = append(pr.involved, e.Agent)
		pr.log = func() (bool, string) {
			ch := r.log.chats[c.conv()]
			return ch != nil && ch.state == string(wb.StateAssigned) && ch.agent == l.Login, r.describeChat(c.conv())
		}
		return pr
	}
	pr.expected = fmt.Sprintf("%s holds %d chats", l.Name, e.N)
	pr.log = func() (bool, string) {
		n := len(r.heldBy(l.Login))
		return n == e.N, fmt.Sprintf("%s holds %d", l.Name, n)
	}
	return pr
}

func (r *runner) probeNotified(l *live, e *Expect) *probe {
	kind := e.Notify
	what := "a notification"
	if kind != "" {
		what = notifyName(kind)
	}
	about := ""
	if e.Other != nil {
		about = " about " + e.Other.Name
	}
	from := l.ncursor // as for messages: after the last notification an assert matched
	var hit wb.Event
	find := func() bool {
		for _, ev := range r.log.since(from) {
			if ev.Type != wb.EvNotification || ev.Agent != l.Login || (kind != "" && ev.Reason != kind) {
				continue
			}
			if e.Other != nil {
				if p := r.partyOfConv(ev.Conv); p == nil || p.Party != e.Other {
					continue
				}
			}
			hit = ev
			return true
		}
		return false
	}
	pr := &probe{involved: []*Party{l.Party}, impossible: func() string { return "" }}
	if e.Other != nil {
		pr.involved = append(pr.involved, e.Other)
	}
	if e.Kind == ExpNotNotifed {
		pr.expected, pr.negative = fmt.Sprintf("%s gets no %s%s (R-NTF-1)", l.Name, what, about), true
		pr.log = func() (bool, string) {
			if find() {
				return false, fmt.Sprintf("%s: %s", notifyName(hit.Reason), r.notifyText(hit))
			}
			return true, "none"
		}
		return pr
	}
	pr.expected = fmt.Sprintf("%s gets %s%s (R-NTF-1)", l.Name, what, about)
	pr.log = func() (bool, string) { return find(), r.recentNotifications(l, from) }
	pr.view = func(ctx context.Context) error {
		return r.waitFrame(ctx, l, func(f actors.Frame) bool {
			return f.Type == "notification" && f.Kind == hit.Reason && f.ConvID() == hit.Conv
		}, "notification "+hit.Reason)
	}
	pr.done = func() { l.ncursor = hit.Seq }
	return pr
}

func notifyName(kind string) string {
	switch kind {
	case wb.NotifyNewMessage:
		return "新消息 (new message)"
	case wb.NotifyUserOnline:
		return "新用户上线 (user online)"
	case wb.NotifyUserOffline:
		return "用户下线 (user offline)"
	}
	return kind
}

// probeLink: the customer's link (D-WS-2) is the server's own frame, with
// no event in the log; it is judged on the agent's frames.
func (r *runner) probeLink(l *live, e *Expect) *probe {
	conv := ""
	if e.Other != nil {
		conv = r.parties[e.Other].conv()
	}
	match := func(f actors.Frame) bool {
		return f.Type == "customer_link" && f.State == e.Link && (conv == "" || f.ConvID() == conv)
	}
	pr := &probe{expected: fmt.Sprintf("%s sees the customer's link %s (D-WS-2)", l.Name, e.Link), involved: []*Party{l.Party},
		impossible: func() string { return "" }}
	pr.log = func() (bool, string) {
		ctx, cancel := context.WithTimeout(r.ctx, r.opt.Timeout)
		defer cancel()
		err := r.waitFrame(ctx, l, match, "customer_link "+e.Link)
		return err == nil, "no customer_link " + e.Link + " frame"
	}
	return pr
}

func (r *runner) expectRefused(e *Expect) error {
	if r.refused == nil {
		return &failure{expected: "the workbench refuses the action on the line before", seen: "it was done"}
	}
	if e.Match == nil {
		return nil
	}
	full := r.refused.Error()
	var code, msg string
	if fe, ok := asFrameError(r.refused); ok {
		code, msg = fe.Code, fe.Message
	} else if ae, ok := asAPIError(r.refused); ok {
		code, msg = ae.Err, ae.Message
	}
	ok := false
	switch e.Match.Kind {
	case MatchExact:
		ok = e.Match.Text == code || e.Match.Text == msg || e.Match.Text == full
	default:
		test, _, err := matcher(r.v.Config, r.overrides, e.Match)
		if err != nil {
			return invalidError{err.Error()}
		}
		ok = test(full) || test(code) || test(msg)
	}
	if !ok {
		return &failure{expected: "refused with " + e.Match.String(), seen: "refused: " + full}
	}
	return nil
}
