package script

import (
	"slices"
	"strconv"
	"strings"
)

// action parses what follows a party's name (docs/scripts.md "Actions").
func (p *parser) action(pa *Party, c *cur) (*Action, *Error) {
	a := &Action{Party: pa}
	if !c.more() {
		return nil, p.errAt(c.end, "%s does what? e.g. %s", pa.Name, verbExample(pa.Role))
	}
	vt := c.peek()
	verb := fold(vt.text)
	if vt.quoted {
		return nil, p.errAt(vt.pos, "%s: a text needs an action before it, e.g. %s says %q", pa.Name, pa.Name, vt.text)
	}
	c.accept("goes")
	if st := statusWords[c.peek().text]; st != "" && !c.peek().quoted {
		c.next()
		a.Verb, a.Status = VerbStatus, st
		return a, p.roleAllows(pa, vt, a.Verb)
	}
	switch {
	case c.acceptSeq("logs", "in"), c.accept("登录", "login"):
		a.Verb = VerbLogin
	case c.acceptSeq("switches", "tenant"), c.accept("切换租户"):
		a.Verb = VerbTenant
		if !c.more() {
			return nil, p.errAt(c.end, "switches tenant needs a tenant, e.g. switches tenant 闲鱼BU")
		}
		a.Text = c.next().text
	case c.isSeq("sends", "常用语") || c.isSeq("sends", "quick", "reply"):
		// sends 常用语 "…" [to P]: one of the agent's quick replies (R-QR-1)
		c.next()
		if !c.accept("常用语") {
			c.acceptSeq("quick", "reply")
		}
		a.Verb = VerbQuickReply
		var err *Error
		if a.Text, err = p.text(c, "sends 常用语"); err != nil {
			return nil, err
		}
		if c.accept("to", "给") {
			if a.To, err = p.party(c, "sends 常用语 … to"); err != nil {
				return nil, err
			}
		}
	case c.accept("says", "replies", "说", "sends"):
		a.Verb = VerbSay
		var err *Error
		if a.Text, err = p.text(c, pa.Name+" "+verb); err != nil {
			return nil, err
		}
		if c.accept("to", "给") {
			if a.To, err = p.party(c, "says … to"); err != nil {
				return nil, err
			}
		}
	case c.acceptSeq("adds", "常用语"), c.acceptSeq("adds", "quick", "reply"):
		a.Verb = VerbAddQuickReply
		var err *Error
		if a.Text, err = p.text(c, "adds 常用语"); err != nil {
			return nil, err
		}
	case c.accept("closes", "结束会话"):
		switch {
		case c.accept("workbench", "page", "页面", "工作台"):
			a.Verb = VerbClosePage
		default:
			a.Verb = VerbCloseChat
			c.accept("chat")
			c.accept("with")
			if c.more() {
				var err *Error
				if a.To, err = p.party(c, "closes"); err != nil {
					return nil, err
				}
			}
		}
	case c.accept("drops", "断网"):
		a.Verb = VerbDrop
	case c.accept("reconnects", "重连"):
		a.Verb = VerbReconnect
	case c.acceptSeq("sets", "notifications"), c.acceptSeq("sets", "消息提醒"), c.accept("消息提醒"):
		a.Verb = VerbNotify
		if err := p.notify(a, c); err != nil {
			return nil, err
		}
	case c.acceptSeq("sets", "group"):
		a.Verb = VerbGroupWelcome
		if err := p.welcome(a, c, "sets group"); err != nil {
			return nil, err
		}
	case c.is("sets") && len(c.toks) > c.i+1 && (fold(c.toks[c.i+1].text) == "welcome" || fold(c.toks[c.i+1].text) == "closing"):
		c.next()
		a.Verb = VerbWelcome
		if err := p.welcome(a, c, "sets"); err != nil {
			return nil, err
		}
	case c.acceptSeq("sets", "capacity"), c.accept("V级管理"):
		a.Verb = VerbCapacity
		c.accept("of")
		var err *Error
		if a.To, err = p.party(c, "sets capacity of"); err != nil {
			return nil, err
		}
		c.accept("to")
		if !c.more() {
			return nil, p.errAt(c.end, "sets capacity of %s to N: give the number of chats (1..20, R-CAP-1)", a.To.Name)
		}
		t := c.next()
		n, err2 := strconv.Atoi(strings.TrimPrefix(fold(t.text), "1v"))
		if err2 != nil || n < 0 {
			return nil, p.errAt(t.pos, "%q is not a number of chats; want e.g. 3 (1V3)", t.text)
		}
		a.N = n
	case c.acceptSeq("scans", "qr"), c.accept("enters", "扫码"):
		a.Verb = VerbEnter
	case c.accept("asks", "问"):
		a.Verb = VerbAsk
		var err *Error
		if a.Text, err = p.text(c, "asks"); err != nil {
			return nil, err
		}
	case c.accept("转人工"):
		a.Verb, a.Text = VerbTransferRequest, "转人工"
	case c.accept("taps", "点击"):
		a.Verb = VerbPhrase
		var err *Error
		if a.Text, err = p.text(c, "taps (a quick phrase)"); err != nil {
			return nil, err
		}
	case c.accept("presses", "按"):
		a.Verb = VerbButton
		var err *Error
		if a.Text, err = p.text(c, "presses (a robot-card button)"); err != nil {
			return nil, err
		}
	case c.accept("rates", "评价"):
		a.Verb = VerbRate
		if !c.more() {
			return nil, p.errAt(c.end, "rates needs a rating: %s", strings.Join(ratings, ", "))
		}
		t := c.next()
		if !slices.Contains(ratings, t.text) {
			return nil, p.errAt(t.pos, "%q is not a rating; want %s%s", t.text, strings.Join(ratings, ", "), didYouMean(t.text, ratings))
		}
		a.Text = t.text
	case c.accept("leaves", "离开"):
		a.Verb = VerbLeave
	default:
		return nil, p.errAt(vt.pos, "%q is not an action of %s (%s)%s", vt.text, roleName(pa.Role), strings.Join(verbsFor[pa.Role], ", "), didYouMean(phrase(c), verbsFor[pa.Role]))
	}
	return a, p.roleAllows(pa, vt, a.Verb)
}

// phrase is the rest of the line's first two words, for did-you-mean.
func phrase(c *cur) string {
	var ws []string
	for i := c.i; i < len(c.toks) && i < c.i+2 && !c.toks[i].quoted; i++ {
		ws = append(ws, c.toks[i].text)
	}
	if len(ws) == 2 && didYouMean(ws[0], keysOfVerbs()) != "" {
		return ws[0]
	}
	return strings.Join(ws, " ")
}

func keysOfVerbs() []string {
	var out []string
	for _, vs := range verbsFor {
		out = append(out, vs...)
	}
	return out
}

// verbRoles says who may do what.
var verbRoles = map[Verb][]Role{
	VerbLogin: {RoleAgent, RoleAdmin}, VerbStatus: {RoleAgent, RoleAdmin}, VerbTenant: {RoleAgent, RoleAdmin},
	VerbSay: {RoleAgent, RoleAdmin, RoleCustomer}, VerbQuickReply: {RoleAgent, RoleAdmin}, VerbAddQuickReply: {RoleAgent, RoleAdmin},
	VerbCloseChat: {RoleAgent, RoleAdmin}, VerbClosePage: {RoleAgent, RoleAdmin, RoleCustomer},
	VerbDrop: {RoleAgent, RoleAdmin, RoleCustomer}, VerbReconnect: {RoleAgent, RoleAdmin, RoleCustomer},
	VerbNotify: {RoleAgent, RoleAdmin}, VerbWelcome: {RoleAgent, RoleAdmin}, VerbGroupWelcome: {RoleAdmin, RoleOps},
	VerbCapacity: {RoleOps},
	VerbEnter:    {RoleCustomer}, VerbAsk: {RoleCustomer}, VerbTransferRequest: {RoleCustomer}, VerbPhrase: {RoleCustomer},
	VerbButton: {RoleCustomer}, VerbRate: {RoleCustomer}, VerbLeave: {RoleCustomer},
}

func (p *parser) roleAllows(pa *Party, at token, v Verb) *Error {
	if slices.Contains(verbRoles[v], pa.Role) {
		return nil
	}
	who := make([]string, 0, 3)
	for _, r := range verbRoles[v] {
		who = append(who, roleName(r))
	}
	return p.errAt(at.pos, "%s is %s; %q is what %s do (%s does: %s)", pa.Name, withArticle(roleName(pa.Role)), string(v),
		strings.Join(who, " and "), pa.Name, strings.Join(verbsFor[pa.Role], ", "))
}

func roleName(r Role) string {
	switch r {
	case RoleAdmin:
		return "department admin"
	case RoleOps:
		return "operations"
	}
	return string(r)
}

func withArticle(s string) string {
	if s == "operations" {
		return "operations staff"
	}
	if strings.ContainsAny(s[:1], "aeiou") {
		return "an " + s
	}
	return "a " + s
}

func verbExample(r Role) string {
	switch r {
	case RoleCustomer:
		return `转人工, says "你好", rates 满意`
	case RoleOps:
		return "sets capacity of 小王 to 1"
	}
	return `马上上班, says "您好", 小休`
}

// notify: desktop on|off sound on|off, or on|off for both.
func (p *parser) notify(a *Action, c *cur) *Error {
	onOff := func(what string) (bool, *Error) {
		t := c.next()
		switch fold(t.text) {
		case "on", "开":
			return true, nil
		case "off", "关":
			return false, nil
		}
		return false, p.errAt(t.pos, "%s: want on or off, got %q", what, t.text)
	}
	if c.is("on", "off", "开", "关") {
		v, err := onOff("sets notifications")
		a.Desktop, a.Sound = v, v
		return err
	}
	var seen bool
	for c.more() {
		var err *Error
		switch {
		case c.accept("desktop", "桌面通知"):
			a.Desktop, err = onOff("desktop")
		case c.accept("sound", "声音提醒", "声音"):
			a.Sound, err = onOff("sound")
		default:
			t := c.peek()
			return p.errAt(t.pos, "sets notifications: want desktop on|off and sound on|off, got %q", t.text)
		}
		if err != nil {
			return err
		}
		seen = true
	}
	if !seen {
		return p.errAt(c.end, "sets notifications: want desktop on|off sound on|off (both are set; R-NTF-1)")
	}
	return nil
}

// welcome: welcome "…" [closing "…"] | closing "…".
func (p *parser) welcome(a *Action, c *cur, what string) *Error {
	for c.more() {
		var slot int
		switch {
		case c.accept("welcome", "欢迎语"):
			slot = 0
		case c.accept("closing", "结束语"):
			slot = 1
		default:
			t := c.peek()
			return p.errAt(t.pos, "%s welcome \"…\" [closing \"…\"]: got %q", what, t.text)
		}
		s, err := p.text(c, what+" "+[]string{"welcome", "closing"}[slot])
		if err != nil {
			return err
		}
		a.Texts[slot] = &s
	}
	if a.Texts[0] == nil && a.Texts[1] == nil {
		return p.errAt(c.end, "%s welcome \"…\" and/or closing \"…\" (首问机器人, R-WEL-1)", what)
	}
	return nil
}
