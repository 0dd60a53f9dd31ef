package script

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// expect parses what follows `expect` (docs/scripts.md "Asserts").
func (p *parser) expect(c *cur) (*Expect, *Error) {
	e := &Expect{N: -1}
	if !c.more() {
		return nil, p.errAt(c.end, "expect what? e.g. expect 买家 assigned to 小王 within 30s")
	}
	switch {
	case c.acceptSeq("invariants", "clean"):
		e.Kind = ExpInvariants
		return e, nil
	case c.acceptSeq("kpis", "pass"):
		e.Kind = ExpKPIsPass
		return e, nil
	case c.accept("kpi"):
		return e, p.kpi(e, c)
	case c.accept("refused"):
		e.Kind = ExpRefused
		if c.more() {
			m, err := p.match(c, "expect refused")
			if err != nil {
				return nil, err
			}
			e.Match = m
		}
		return e, nil
	}
	t := c.peek()
	if t.quoted || p.parties[t.text] == nil {
		names := append(p.partyNames(), "kpi", "kpis pass", "invariants clean", "refused")
		return nil, p.errAt(t.pos, "expect %q: want a party of this script, kpi, kpis pass, invariants clean or refused%s", t.text, didYouMean(t.text, names))
	}
	c.next()
	e.Subject = p.parties[t.text]
	c.accept("is")
	if err := p.predicate(e, c); err != nil {
		return nil, err
	}
	if c.accept("within", "在") {
		if !withinAllowed[e.Kind] {
			return nil, p.errAt(c.toks[c.i-1].pos, "expect … %s cannot wait: it is judged at once", e.Kind)
		}
		d, err := p.duration(c, "within")
		if err != nil {
			return nil, err
		}
		e.Within, e.HasWithin = d, true
	}
	return e, nil
}

var withinAllowed = map[ExpectKind]bool{ExpGets: true, ExpNoMessage: true, ExpAssigned: true, ExpQueued: true,
	ExpState: true, ExpStatus: true, ExpHolds: true, ExpNotified: true, ExpNotNotifed: true, ExpLink: true}

// predicates each role's subject may have, for did-you-mean.
var predicates = map[bool][]string{
	true:  {"gets", "gets no message", "status", "holds", "notified", "not notified", "sees link"}, // agents
	false: {"gets", "gets no message", "assigned", "queued", "state", "ended", "with bot"},         // customers
}

func (p *parser) predicate(e *Expect, c *cur) *Error {
	sub := e.Subject
	agent := sub.agentLike()
	if sub.Role == RoleOps {
		return p.errAt(c.peek().pos, "%s is operations staff, who take no chats: expect about a customer or an agent", sub.Name)
	}
	pt := c.peek()
	switch {
	case c.acceptSeq("gets", "no", "message"), c.acceptSeq("gets", "nothing"):
		e.Kind = ExpNoMessage
		if err := p.from(e, c); err != nil {
			return err
		}
	case c.accept("gets", "收到"):
		e.Kind = ExpGets
		m, err := p.match(c, "expect "+sub.Name+" gets")
		if err != nil {
			return err
		}
		e.Match = m
		if err := p.from(e, c); err != nil {
			return err
		}
	case !agent && c.accept("assigned", "接起"):
		e.Kind = ExpAssigned
		if c.accept("to", "给") {
			var err *Error
			if e.Agent, err = p.party(c, "assigned to"); err != nil {
				return err
			}
			if !e.Agent.agentLike() {
				return p.errAt(c.toks[c.i-1].pos, "assigned to %s: %s is not an agent", e.Agent.Name, e.Agent.Name)
			}
		}
	case !agent && c.accept("queued", "排队"):
		e.Kind = ExpQueued
		if c.accept("position", "at") || c.acceptSeq("at", "position") {
			c.accept("position")
			n, err := p.number(c, "queued at position")
			if err != nil {
				return err
			}
			if n < 1 {
				return p.errAt(c.toks[c.i-1].pos, "queue positions count from 1 (the head)")
			}
			e.Pos = n
		}
	case !agent && c.acceptSeq("with", "bot"):
		e.Kind, e.State = ExpState, "bot"
		if err := p.reason(e, c); err != nil {
			return err
		}
	case !agent && c.accept("ended", "结束"):
		e.Kind, e.State = ExpState, "ended"
		if err := p.reason(e, c); err != nil {
			return err
		}
	case !agent && c.accept("state"):
		e.Kind = ExpState
		if !c.more() {
			return p.errAt(c.end, "state: want %s", strings.Join(states, ", "))
		}
		t := c.next()
		if !slices.Contains(states, t.text) {
			return p.errAt(t.pos, "state %q: want %s%s", t.text, strings.Join(states, ", "), didYouMean(t.text, states))
		}
		e.State = t.text
		if err := p.reason(e, c); err != nil {
			return err
		}
	case agent && c.accept("status", "状态"):
		e.Kind = ExpStatus
		if !c.more() {
			return p.errAt(c.end, "status: want 在线, 小休 or 离线")
		}
		t := c.next()
		st := statusWords[fold(t.text)]
		if st == "" || fold(t.text) == "马上上班" || fold(t.text) == "上班" {
			return p.errAt(t.pos, "status %q: want 在线, 小休 or 离线 (online, break, offline)", t.text)
		}
		e.Status = st
	case agent && c.accept("holds"):
		e.Kind = ExpHolds
		switch {
		case c.acceptSeq("no", "chat"), c.acceptSeq("no", "chats"):
			e.N = 0
		case c.more() && !c.peek().quoted && p.parties[c.peek().text] != nil:
			e.Agent = p.parties[c.next().text]
			if e.Agent.Role != RoleCustomer {
				return p.errAt(c.toks[c.i-1].pos, "holds %s: %s is not a customer", e.Agent.Name, e.Agent.Name)
			}
		default:
			n, err := p.number(c, "holds N chats")
			if err != nil {
				return err
			}
			e.N = n
			c.accept("chats", "chat")
		}
	case agent && c.accept("notified"):
		e.Kind = ExpNotified
		if err := p.notifyKind(e, c, true); err != nil {
			return err
		}
	case agent && c.acceptSeq("not", "notified"):
		e.Kind = ExpNotNotifed
		if err := p.notifyKind(e, c, false); err != nil {
			return err
		}
	case agent && (c.acceptSeq("sees", "link") || c.accept("sees")):
		e.Kind = ExpLink
		if !c.more() {
			return p.errAt(c.end, "sees link down|up for CUSTOMER (D-WS-2)")
		}
		t := c.next()
		switch fold(t.text) {
		case "down", "用户网络中断":
			e.Link = "down"
		case "up", "用户已重新连接":
			e.Link = "up"
		default:
			return p.errAt(t.pos, "sees link %q: want down (用户网络中断) or up (用户已重新连接)", t.text)
		}
		if c.accept("for", "of") {
			var err *Error
			if e.Other, err = p.party(c, "sees link … for"); err != nil {
				return err
			}
		}
	default:
		return p.errAt(pt.pos, "%q is not something to expect of %s (%s)%s", pt.text, withArticle(roleName(sub.Role)),
			strings.Join(predicates[agent], ", "), didYouMean(pt.text, predicates[agent]))
	}
	return nil
}

// from: [from bot|system|agent|customer|PARTY].
func (p *parser) from(e *Expect, c *cur) *Error {
	if !c.accept("from") {
		return nil
	}
	if !c.more() {
		return p.errAt(c.end, "from whom? bot, system, agent, customer or a party")
	}
	f := c.next()
	switch w := fold(f.text); {
	case !f.quoted && (w == "bot" || w == "system" || w == "agent" || w == "customer"):
		e.From.Kind = w
	case !f.quoted && p.parties[f.text] != nil:
		e.From.Party = p.parties[f.text]
	default:
		return p.errAt(f.pos, "from %q: want bot, system, agent, customer or a party%s", f.text, didYouMean(f.text, append(p.partyNames(), "bot", "system", "agent", "customer")))
	}
	return nil
}

// reason: [by|reason REASON].
func (p *parser) reason(e *Expect, c *cur) *Error {
	if !c.accept("by", "reason", "because") {
		return nil
	}
	if !c.more() {
		return p.errAt(c.end, "want a reason: %s", strings.Join(reasons, ", "))
	}
	t := c.next()
	if !slices.Contains(reasons, t.text) {
		return p.errAt(t.pos, "reason %q: want %s%s", t.text, strings.Join(reasons, ", "), didYouMean(t.text, reasons))
	}
	e.Reason = t.text
	return nil
}

func (p *parser) notifyKind(e *Expect, c *cur, required bool) *Error {
	if c.more() && !c.is("about", "of", "within") {
		t := c.next()
		k := notifyKinds[fold(t.text)]
		if k == "" && fold(t.text) == "new" && c.accept("message") {
			k = notifyKinds["new_message"]
		}
		if k == "" {
			return p.errAt(t.pos, "notification %q: want 新消息 (new_message), 新用户上线 (user_online) or 用户下线 (user_offline)%s", t.text, didYouMean(t.text, keys(notifyKinds)))
		}
		e.Notify = k
	} else if required {
		return p.errAt(c.peek().pos, "notified of what? 新消息, 新用户上线 or 用户下线 (R-NTF-1)")
	}
	if c.accept("about", "of") {
		var err *Error
		if e.Other, err = p.party(c, "notified … about"); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) number(c *cur, what string) (int, *Error) {
	if !c.more() {
		return 0, p.errAt(c.end, "%s: want a number", what)
	}
	t := c.next()
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 0 {
		return 0, p.errAt(t.pos, "%s: %q is not a number", what, t.text)
	}
	return n, nil
}

// match: "exact" | contains "…" | matches "…" | a named text.
func (p *parser) match(c *cur, what string) (*Match, *Error) {
	if !c.more() {
		return nil, p.errAt(c.end, "%s what? a text in quotes, contains \"…\", matches \"…\" or a named text (%s)", what, strings.Join(namedTexts, ", "))
	}
	t := c.peek()
	m := &Match{Pos: t.pos}
	switch {
	case t.quoted:
		c.next()
		m.Kind, m.Text = MatchExact, t.text
	case c.accept("contains", "包含"):
		m.Kind = MatchContains
		s, err := p.text(c, what+" contains")
		if err != nil {
			return nil, err
		}
		m.Text = s
	case c.accept("matches"):
		m.Kind = MatchRegexp
		s, err := p.text(c, what+" matches")
		if err != nil {
			return nil, err
		}
		if _, rerr := regexp.Compile(s); rerr != nil {
			return nil, p.errAt(c.toks[c.i-1].pos, "not a regular expression: %v", rerr)
		}
		m.Text = s
	default:
		m.Kind = MatchNamed
		for _, n := range namedTexts {
			if c.acceptSeq(strings.Fields(n)...) {
				m.Text = n
				break
			}
		}
		switch m.Text {
		case "":
			return nil, p.errAt(t.pos, "%s %q: put a text in quotes, or use contains \"…\", matches \"…\" or a named text (%s)%s",
				what, t.text, strings.Join(namedTexts, ", "), didYouMean(t.text, namedTexts))
		case "welcome", "closing":
			if c.accept("of") {
				var err *Error
				if m.Of, err = p.party(c, m.Text+" of"); err != nil {
					return nil, err
				}
				if !m.Of.agentLike() {
					return nil, p.errAt(c.toks[c.i-1].pos, "%s of %s: only agents have their own %s (R-WEL-1)", m.Text, m.Of.Name, m.Text)
				}
			}
		case "answer to":
			s, err := p.text(c, "answer to")
			if err != nil {
				return nil, err
			}
			m.Quest = s
		}
	}
	return m, nil
}

// kpi: NAME OP VALUE | NAME passes|fails.
func (p *parser) kpi(e *Expect, c *cur) *Error {
	e.Kind = ExpKPI
	if !c.more() {
		return p.errAt(c.end, "expect kpi NAME OP VALUE, e.g. expect kpi pickup_rate >= 90%%")
	}
	t := c.next()
	e.KPI = kpiNames[fold(t.text)]
	if e.KPI == "" {
		return p.errAt(t.pos, "%q is not a KPI; want pickup_rate (接起率), abandonment_rate (排队放弃率), first_response_s (首响时长), satisfaction (即时满意度) or a count (service_requests, picked_up, abandoned, responded, ratings, satisfied)%s",
			t.text, didYouMean(t.text, keys(kpiNames)))
	}
	switch {
	case c.accept("passes"):
		b := true
		e.Passes = &b
		return p.assessed(e, t)
	case c.accept("fails"):
		b := false
		e.Passes = &b
		return p.assessed(e, t)
	}
	if !c.more() {
		return p.errAt(c.end, "kpi %s: want an operator (>=, >, <=, <, =) and a value, or passes / fails", t.text)
	}
	ot := c.next()
	e.Op = kpiOps[ot.text]
	if e.Op == "" {
		return p.errAt(ot.pos, "%q is not an operator; want >=, >, <=, < or =", ot.text)
	}
	if !c.more() {
		return p.errAt(c.end, "kpi %s %s: want a value, e.g. 90%%, 30s or 2", t.text, ot.text)
	}
	vt := c.next()
	v, err := kpiValue(e.KPI, vt.text)
	if err != "" {
		return p.errAt(vt.pos, "%q: %s", vt.text, err)
	}
	e.Value = v
	return nil
}

func (p *parser) assessed(e *Expect, t token) *Error {
	switch e.KPI {
	case "pickup_rate", "first_response_s", "satisfaction":
		return nil
	}
	return p.errAt(t.pos, "passes / fails judge pickup_rate, first_response_s and satisfaction against R-KPI-1; %s has no threshold", t.text)
}

// kpiValue reads 90% (a rate), 30s (seconds), or a plain number.
func kpiValue(kpi, s string) (float64, string) {
	rate := strings.HasSuffix(kpi, "rate") || kpi == "satisfaction"
	switch {
	case strings.HasSuffix(s, "%"):
		if !rate {
			return 0, kpi + " is not a rate: write a number" + unitHint(kpi)
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil {
			return 0, "want a percentage such as 90%"
		}
		return f / 100, ""
	case kpi == "first_response_s":
		if d, err := secondsOf(s); err == nil {
			return d, ""
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, "want seconds, e.g. 30s"
		}
		return f, ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, "want a number" + unitHint(kpi)
	}
	if rate && f > 1 {
		return 0, "a rate is 0..1 or a percentage: write " + s + "%"
	}
	return f, ""
}

func unitHint(kpi string) string {
	switch {
	case strings.HasSuffix(kpi, "rate") || kpi == "satisfaction":
		return ", e.g. 90%"
	case kpi == "first_response_s":
		return ", e.g. 30s"
	}
	return ", e.g. 2"
}

// secondsOf is a duration in seconds.
func secondsOf(s string) (float64, error) {
	d, err := time.ParseDuration(s)
	return d.Seconds(), err
}
