package script

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"routecheck/reports"
	wb "routecheck/sim/workbench"
)

// exec runs one statement.
func (r *runner) exec(st *Stmt) error {
	switch st.Kind {
	case KindWait:
		return r.wait(st, st.Wait)
	case KindAt:
		now, err := r.time.now(r.ctx)
		if err != nil {
			return harnessError{err}
		}
		t, err := resolve(st.At, now, r.zone())
		if err != nil {
			return invalidError{fmt.Sprintf("line %d: %v", st.Pos.Line, err)}
		}
		return r.wait(st, t.Sub(now))
	case KindExpect:
		defer func() { r.refused = nil }()
		return r.expect(st)
	}
	r.refused = nil
	err := r.act(st.Action)
	if rerr := r.refresh(); rerr != nil && err == nil {
		err = rerr
	}
	var re refusedError
	if errors.As(err, &re) {
		if next := r.nextStmt(st); next != nil && next.Kind == KindExpect && next.Expect.Kind == ExpRefused {
			r.refused, r.refusedAt = re.err, st.Pos.Line
			r.note(reports.ScriptEntry{At: r.vnow(), Kind: "action", Line: st.Pos.Line, Who: st.Action.Party.Name, Text: st.describe() + " → refused: " + re.err.Error()})
			return nil
		}
		return &failure{expected: "the workbench does it", seen: "refused: " + re.err.Error(), involved: []*Party{st.Action.Party},
			reason: "if the refusal is what the case shows, put `expect refused` on the next line"}
	}
	if err == nil {
		r.note(reports.ScriptEntry{At: r.vnow(), Kind: "action", Line: st.Pos.Line, Who: st.Action.Party.Name, Text: st.describe()})
	}
	return err
}

func (r *runner) nextStmt(st *Stmt) *Stmt {
	for i, s := range r.s.Stmts {
		if s == st && i+1 < len(r.s.Stmts) {
			return r.s.Stmts[i+1]
		}
	}
	return nil
}

// vnow is the workbench's time now, in the vendor's zone (zero if it
// cannot be read).
func (r *runner) vnow() time.Time {
	t, _ := r.time.now(r.ctx)
	return t.In(r.zone())
}

// wait lets d of the workbench's time pass: at once on the bundled
// workbench (its timers fire on the way), in real time against --target.
func (r *runner) wait(st *Stmt, d time.Duration) error {
	now, err := r.time.now(r.ctx)
	if err != nil {
		return harnessError{err}
	}
	if err := r.time.runUntil(r.ctx, now.Add(d)); err != nil {
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		return harnessError{err}
	}
	r.note(reports.ScriptEntry{At: now.Add(d).In(r.zone()), Kind: "wait", Line: st.Pos.Line, Text: st.describe()})
	return r.refresh()
}

// act performs a party's action over the wire.
func (r *runner) act(a *Action) error {
	l := r.parties[a.Party]
	ctx, cancel := context.WithTimeout(r.ctx, r.opt.Timeout+limitSlack)
	defer cancel()
	switch a.Verb {
	case VerbEnter:
		if l.in && l.cust != nil && l.cust.Connected() {
			return invalidError{fmt.Sprintf("%s is already on the bot page (scans qr opens a new chat only after the last one ended and the page closed)", l.Name)}
		}
		l.in = false
		return r.ensure(l)
	case VerbReconnect:
		return r.reconnect(ctx, l)
	}
	if err := r.ensure(l); err != nil {
		return err
	}
	switch a.Verb {
	case VerbLogin:
		if !l.agent.Connected() {
			return r.reconnect(ctx, l) // opens the workbench again
		}
		return nil
	case VerbStatus:
		if l.agent.Connected() {
			return r.refusal(l.agent.StatusWait(ctx, a.Status))
		}
		return r.refusal(r.withSession(l, func() error { _, err := l.agent.SetStatus(ctx, a.Status); return err }))
	case VerbTenant:
		return r.refusal(r.withSession(l, func() error { _, err := l.agent.SwitchTenant(ctx, a.Text); return err }))
	case VerbSay, VerbTransferRequest, VerbAsk, VerbPhrase:
		if l.cust != nil {
			return r.refusal(l.cust.SayWait(ctx, a.Text))
		}
		conv, err := r.chatOf(l, a)
		if err != nil {
			return err
		}
		return r.refusal(l.agent.ReplyWait(ctx, conv, a.Text))
	case VerbQuickReply:
		qs, err := l.agent.QuickReplies(ctx)
		if err != nil {
			return r.refusal(err)
		}
		found := false
		for _, q := range qs {
			found = found || q.Text == a.Text
		}
		if !found {
			return invalidError{fmt.Sprintf("%s has no 常用语 %q (R-QR-1): add it first with `%s adds 常用语 \"…\"`", l.Name, a.Text, l.Name)}
		}
		conv, err := r.chatOf(l, a)
		if err != nil {
			return err
		}
		return r.refusal(l.agent.ReplyWait(ctx, conv, a.Text))
	case VerbAddQuickReply:
		return r.refusal(r.withSession(l, func() error { _, err := l.agent.AddQuickReply(ctx, a.Text); return err }))
	case VerbCloseChat:
		conv, err := r.chatOf(l, a)
		if err != nil {
			return err
		}
		return r.refusal(l.agent.CloseChatWait(ctx, conv))
	case VerbClosePage, VerbDrop:
		return r.hangUp(ctx, l, a.Verb == VerbDrop)
	case VerbNotify:
		return r.refusal(r.withSession(l, func() error { _, err := l.agent.SetNotify(ctx, a.Desktop, a.Sound); return err }))
	case VerbWelcome:
		r.overrides.set(l.Login, a.Texts)
		return r.refusal(r.withSession(l, func() error { _, err := l.agent.SetWelcome(ctx, a.Texts[0], a.Texts[1]); return err }))
	case VerbGroupWelcome:
		r.overrides.set("", a.Texts)
		dept := r.v.Config.Department
		if l.ops != nil {
			return r.refusal(r.withSession(l, func() error { return l.ops.SetGroupWelcome(ctx, dept, a.Texts[0], a.Texts[1]) }))
		}
		return r.refusal(r.withSession(l, func() error { return l.agent.SetGroupWelcome(ctx, dept, a.Texts[0], a.Texts[1]) }))
	case VerbCapacity:
		return r.refusal(r.withSession(l, func() error { _, err := l.ops.SetCapacity(ctx, a.To.Login, a.N); return err }))
	case VerbButton:
		return r.refusal(l.cust.ButtonWait(ctx, a.Text))
	case VerbRate:
		return r.refusal(l.cust.RateWait(ctx, a.Text))
	case VerbLeave:
		return r.refusal(l.cust.LeaveWait(ctx))
	}
	return fmt.Errorf("action %q has no runner", a.Verb)
}

// limitSlack: an action's answer may wait out the frame-rate limit's
// pauses (sim/actors sends again after a second, a few times).
const limitSlack = 6 * time.Second

// chatOf is the chat an agent acts in: the named customer's, else the one
// chat the agent holds.
func (r *runner) chatOf(l *live, a *Action) (string, error) {
	if a.To != nil {
		c := r.parties[a.To]
		if c.conv() == "" {
			return "", invalidError{fmt.Sprintf("%s has not entered the bot page yet: no chat to act in", c.Name)}
		}
		return c.conv(), nil
	}
	held := r.heldBy(l.Login)
	switch len(held) {
	case 1:
		return held[0], nil
	case 0:
		return "", &failure{expected: l.Name + " holds a chat to act in", seen: l.Name + " holds no chat" + r.whyNoChat(l.Login),
			involved: []*Party{l.Party}}
	}
	var names []string
	for _, id := range held {
		if p := r.partyOfConv(id); p != nil {
			names = append(names, p.Name)
		} else {
			names = append(names, id)
		}
	}
	return "", invalidError{fmt.Sprintf("%s holds %d chats (%s): say which, e.g. `%s %s … to %s`", l.Name, len(held), strings.Join(names, ", "),
		l.Name, a.Verb, names[0])}
}

// whyNoChat explains an agent holding no chat, from the log.
func (r *runner) whyNoChat(login string) string {
	a := r.log.agents[login]
	if a == nil {
		return ""
	}
	if a.status != wb.StatusOnline {
		return fmt.Sprintf(" (status %s)", a.status)
	}
	return ""
}

// hangUp closes a party's page cleanly, or drops it as a network failure
// would, then waits until the workbench has seen the socket go, so a wait
// that follows runs its grace (D-WS-1, D-WS-2) from now.
func (r *runner) hangUp(ctx context.Context, l *live, drop bool) error {
	before, err := r.time.sockets(ctx)
	if err != nil {
		return harnessError{err}
	}
	switch {
	case l.cust != nil && drop:
		l.cust.Drop()
	case l.cust != nil:
		_ = l.cust.Close()
	case l.agent != nil && drop:
		l.agent.Drop()
	case l.agent != nil:
		_ = l.agent.Close()
	}
	if before < 0 {
		return nil
	}
	for {
		n, err := r.time.sockets(ctx)
		if err != nil {
			return harnessError{fmt.Errorf("the workbench did not see %s's socket close: %w", l.Name, err)}
		}
		if n < before {
			return nil
		}
		select {
		case <-ctx.Done():
			return harnessError{fmt.Errorf("the workbench did not see %s's socket close within %s", l.Name, r.opt.Timeout)}
		case <-time.After(time.Millisecond):
		}
	}
}

// reconnect opens the party's page again and resumes (protocol v2).
func (r *runner) reconnect(ctx context.Context, l *live) error {
	switch {
	case l.cust != nil:
		return r.refusal(l.cust.Reconnect(ctx))
	case l.agent != nil:
		if err := r.withSession(l, func() error { _, err := l.agent.Me(ctx); return err }); err != nil {
			return r.refusal(err)
		}
		return r.refusal(l.agent.Reconnect(ctx))
	}
	return invalidError{l.Name + " has no page to reconnect"}
}
