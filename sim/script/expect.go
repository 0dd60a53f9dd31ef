package script

import (
	"context"
	"fmt"
	"strings"
	"time"

	"routecheck/reports"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// probe is an assert made runnable: judged on the event log (what the
// workbench did), then on what the party received (view), and asked
// whether it can still come true while the script waits.
type probe struct {
	expected string
	involved []*Party
	// log says whether the workbench did it, and what is seen instead.
	log func() (bool, string)
	// view waits (real time, up to Timeout) until the party received it;
	// nil when the log is all there is to see.
	view func(ctx context.Context) error
	// impossible is why it can no longer come true, or "".
	impossible func() string
	// negative: it must hold until the deadline (nothing may happen).
	negative bool
	// done runs on success (moves a cursor).
	done func()
}

// expect judges an assert. Without `within` it is judged now; with it,
// the workbench's time moves on to the deadline, timer by timer on the
// bundled workbench, until it holds. It fails at once when what it waits
// on can no longer happen (D-SCR-4).
func (r *runner) expect(st *Stmt) error {
	e := st.Expect
	switch e.Kind {
	case ExpKPI, ExpKPIsPass:
		return r.expectKPI(e)
	case ExpInvariants:
		if v := r.checkInvariants(); len(v) > 0 {
			return &failure{expected: "the routing invariants hold over the whole event log", seen: fmt.Sprintf("%d violated: %s", len(v), strings.Join(v, "; "))}
		}
		return nil
	case ExpRefused:
		return r.expectRefused(e)
	}
	pr, err := r.probe(e)
	if err != nil {
		return err
	}
	start, err := r.time.now(r.ctx)
	if err != nil {
		return harnessError{err}
	}
	deadline := start
	if e.HasWithin {
		deadline = start.Add(e.Within)
	}
	for {
		ok, seen := pr.log()
		now, err := r.time.now(r.ctx)
		if err != nil {
			return harnessError{err}
		}
		reached := !now.Before(deadline)
		switch {
		case pr.negative && !ok:
			return &failure{expected: pr.expected, seen: seen, involved: pr.involved}
		case pr.negative && reached:
			return nil
		case ok && !pr.negative:
			if pr.view != nil {
				ctx, cancel := context.WithTimeout(r.ctx, r.opt.Timeout)
				verr := pr.view(ctx)
				cancel()
				if verr != nil {
					if r.ctx.Err() != nil {
						return r.ctx.Err()
					}
					return &failure{expected: pr.expected, involved: pr.involved,
						seen: fmt.Sprintf("the workbench's event log has it, but it never reached %s within %s: %v", partyNames(pr.involved), r.opt.Timeout, verr)}
				}
			}
			if pr.done != nil {
				pr.done()
			}
			return nil
		}
		if pr.impossible == nil || pr.negative {
			// nothing to rule out: wait on
		} else if why := pr.impossible(); why != "" {
			return &failure{expected: pr.expected, seen: seen, reason: why, involved: pr.involved}
		}
		if reached {
			f := &failure{expected: pr.expected, seen: seen, involved: pr.involved}
			if e.HasWithin {
				f.reason = fmt.Sprintf("nothing brought it within %s of the workbench's time", e.Within)
			} else if next, ok := r.time.next(r.ctx); ok && next.Sub(now) < time.Hour {
				f.reason = fmt.Sprintf("judged at once (no `within`); the workbench's next timer is due at %s, %s later",
					next.In(r.zone()).Format("15:04:05"), next.Sub(now).Round(time.Millisecond))
			}
			return f
		}
		if _, err := r.time.step(r.ctx, deadline); err != nil {
			if r.ctx.Err() != nil {
				return r.ctx.Err()
			}
			return harnessError{err}
		}
		if err := r.refresh(); err != nil {
			return err
		}
	}
}

func partyNames(ps []*Party) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, " and ")
}

// probe builds the probe of a party's assert.
func (r *runner) probe(e *Expect) (*probe, error) {
	l := r.parties[e.Subject]
	switch e.Kind {
	case ExpGets, ExpNoMessage:
		return r.probeGets(l, e)
	case ExpAssigned, ExpQueued, ExpState:
		if l.conv() == "" {
			return nil, &failure{expected: e.Subject.Name + "'s chat", seen: e.Subject.Name + " has not entered the bot page (no action of theirs came before)", involved: []*Party{e.Subject}}
		}
		return r.probeChat(l, e), nil
	case ExpStatus:
		return r.probeStatus(l, e), nil
	case ExpHolds:
		return r.probeHolds(l, e), nil
	case ExpNotified, ExpNotNotifed:
		return r.probeNotified(l, e), nil
	case ExpLink:
		return r.probeLink(l, e), nil
	}
	return nil, fmt.Errorf("expect %s has no runner", e.Kind)
}

// visible says whether a message event reaches the party.
func (r *runner) visible(l *live, ev wb.Event) bool {
	if ev.Type != wb.EvMessage {
		return false
	}
	if l.Role == RoleCustomer {
		for _, c := range l.convs {
			if c == ev.Conv {
				return true
			}
		}
		return false
	}
	return r.log.seenBy(ev, l.Login)
}

// fromOK applies an assert's `from` (default: anyone but the party itself,
// whose own messages come back to it as echoes).
func (r *runner) fromOK(l *live, f Sender, ev wb.Event) bool {
	switch {
	case f.Party != nil && f.Party.Role == RoleCustomer:
		p := r.partyOfConv(ev.Conv)
		return ev.Sender == wb.SenderCustomer && p != nil && p.Party == f.Party
	case f.Party != nil:
		return ev.Sender == wb.SenderAgent && ev.Agent == f.Party.Login
	case f.Kind != "":
		return string(ev.Sender) == f.Kind
	case l.Role == RoleCustomer:
		return ev.Sender != wb.SenderCustomer
	}
	return !(ev.Sender == wb.SenderAgent && ev.Agent == l.Login)
}

func (r *runner) probeGets(l *live, e *Expect) (*probe, error) {
	test, want := func(string) bool { return true }, "any message"
	if e.Match != nil {
		var err error
		if test, want, err = matcher(r.v.Config, r.overrides, e.Match); err != nil {
			return nil, invalidError{err.Error()}
		}
	}
	if e.From.Kind != "" || e.From.Party != nil {
		want += " from " + e.From.String()
	}
	// Asserts read a party's messages in order, as a chat log: `gets` takes
	// the first match after the last message an assert of the party matched,
	// and `gets no message` finds none after it (D-SCR-1).
	from := l.cursor
	var hit wb.Event
	find := func() bool {
		for _, ev := range r.log.since(from) {
			if r.visible(l, ev) && r.fromOK(l, e.From, ev) && test(ev.Text) {
				hit = ev
				return true
			}
		}
		return false
	}
	seen := func() string { return r.recentMessages(l, from) }
	pr := &probe{expected: fmt.Sprintf("%s gets %s", l.Name, want), involved: []*Party{l.Party}}
	if e.Kind == ExpNoMessage {
		pr.expected, pr.negative = fmt.Sprintf("%s gets no message", l.Name), true
		if e.From.Kind != "" || e.From.Party != nil {
			pr.expected += " from " + e.From.String()
		}
		pr.log = func() (bool, string) {
			if find() {
				return false, fmt.Sprintf("%s: %q", who(r, hit), hit.Text)
			}
			return true, "no message"
		}
		return pr, nil
	}
	pr.log = func() (bool, string) { return find(), seen() }
	pr.view = func(ctx context.Context) error { return r.waitMessage(ctx, l, hit) }
	pr.done = func() { l.cursor = hit.Seq }
	pr.impossible = func() string { return r.getsImpossible(l, e) }
	if p := e.From.Party; p != nil {
		pr.involved = append(pr.involved, p)
	}
	return pr, nil
}

// getsImpossible: people write only on lines of the script, so a message
// from a party, the bot or a customer that has not come will not come
// while the script waits; system messages (the idle warning, a closing)
// come from the workbench's timers, but only into an open chat.
func (r *runner) getsImpossible(l *live, e *Expect) string {
	if p := e.From.Party; p != nil {
		return fmt.Sprintf("%s has not written it, and only a line of the script makes %s write", p.Name, p.Name)
	}
	switch e.From.Kind {
	case "bot", "customer", "agent":
		return fmt.Sprintf("no %s wrote it, and while a script waits only the workbench's timers act (R-IDLE-1, the graces D-WS-1 and D-WS-2)", e.From.Kind)
	}
	open := r.openChats(l)
	if len(open) == 0 {
		return fmt.Sprintf("%s has no open chat: %s", l.Name, r.chatsSummary(l))
	}
	if e.Match != nil && e.Match.Kind == MatchNamed && e.Match.Text == "idle warning" {
		for _, id := range open {
			if c := r.log.chats[id]; c != nil && c.state == string(wb.StateAssigned) && c.owes && !c.warned {
				return ""
			}
		}
		return "no chat of " + l.Name + " is counting down to the idle warning: the five minutes start at an agent's message after the customer's last one (D-IDLE-1), in a chat an agent holds"
	}
	return ""
}

// openChats are the chats the party can still receive messages in.
func (r *runner) openChats(l *live) []string {
	var out []string
	if l.Role == RoleCustomer {
		for _, id := range l.convs {
			if c := r.log.chats[id]; c != nil && c.state != string(wb.StateEnded) {
				out = append(out, id)
			}
		}
		return out
	}
	return r.heldBy(l.Login)
}

// waitMessage waits until the party received the message event ev: as a
// message frame, or in the history of an assigned or hello frame.
func (r *runner) waitMessage(ctx context.Context, l *live, ev wb.Event) error {
	has := func(f actors.Frame) bool {
		switch f.Type {
		case "message":
			return f.ConvID() == ev.Conv && f.MsgSeq == ev.MsgSeq
		case "assigned":
			c, _ := f.Conversation()
			return c.ID == ev.Conv && hasSeq(c.Messages, ev.MsgSeq)
		case "hello":
			for _, c := range f.Conversations {
				if c.ID == ev.Conv && hasSeq(c.Messages, ev.MsgSeq) {
					return true
				}
			}
			return hasSeq(f.Messages, ev.MsgSeq) && f.ConvID() == ev.Conv
		}
		return false
	}
	return r.waitFrame(ctx, l, has, fmt.Sprintf("message %d of %s", ev.MsgSeq, ev.Conv))
}

func hasSeq(ms []actors.ChatMessage, seq int) bool {
	for _, m := range ms {
		if m.Seq == seq {
			return true
		}
	}
	return false
}

// waitFrame polls the party's record until a frame matches. The record is
// the party's own; polling keeps sim/actors' wait API as it is.
func (r *runner) waitFrame(ctx context.Context, l *live, match func(actors.Frame) bool, what string) error {
	if !l.connected() {
		return nil // a page that is closed shows nothing: the event log judges
	}
	for {
		for _, f := range l.frames() {
			if match(f) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no frame with %s", what)
		case <-time.After(200 * time.Microsecond):
		}
	}
}

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

// lastFrames are the last frames each party received, for a failure.
func (r *runner) lastFrames(ps []*Party) []reports.PartyFrames {
	var out []reports.PartyFrames
	for _, p := range ps {
		l := r.parties[p]
		fs := l.frames()
		var lines []string
		for i := len(fs) - 1; i >= 0 && len(lines) < 6; i-- {
			if s := summarize(fs[i]); s != "" {
				lines = append(lines, s)
			}
		}
		for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
			lines[i], lines[j] = lines[j], lines[i]
		}
		if len(lines) == 0 {
			lines = []string{"(nothing yet)"}
		}
		out = append(out, reports.PartyFrames{Party: p.Name, Frames: lines})
	}
	return out
}
