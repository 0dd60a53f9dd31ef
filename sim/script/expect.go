package script

import (
	"context"
	"fmt"
	"strings"
	"time"

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
