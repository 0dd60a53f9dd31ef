package script

import (
	"fmt"
	"slices"
	"strings"

	"routecheck/fixtures"
	wb "routecheck/sim/workbench"
)

// Check holds a parsed script to its vendor fixture: each party's account
// and role, the texts an action names (quick phrases, card buttons, FAQ
// questions, tenants), the named texts asserts use, and what a party can
// do when (nothing on a page that dropped until it reconnects). Every
// problem is reported with its line and column.
func Check(s *Script, v *fixtures.Vendor) error {
	c := &checker{s: s, v: v, cfg: v.Config, state: map[*Party]string{}, groupSet: [2]bool{}, personal: map[string][2]bool{}}
	for _, p := range s.Parties {
		c.party(p)
	}
	for _, st := range s.Stmts {
		switch st.Kind {
		case KindAction:
			c.action(st.Action, st.Pos)
		case KindExpect:
			c.expect(st.Expect, st.Pos)
		}
		if len(c.errs) >= maxErrors {
			break
		}
	}
	if len(c.errs) > 0 {
		slices.SortStableFunc(c.errs, func(a, b *Error) int { return a.Pos.Line - b.Pos.Line })
		return c.errs
	}
	return nil
}

type checker struct {
	s        *Script
	v        *fixtures.Vendor
	cfg      wb.VendorConfig
	errs     Errors
	state    map[*Party]string // "", dropped, closed
	groupSet [2]bool           // the script set the group's welcome / closing
	personal map[string][2]bool
}

func (c *checker) err(pos Pos, format string, args ...any) {
	c.errs = append(c.errs, &Error{File: c.s.File, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) logins(roles ...wb.Role) []string {
	var out []string
	for _, a := range c.cfg.Accounts {
		if len(roles) == 0 || slices.Contains(roles, a.Role) {
			out = append(out, a.Login)
		}
	}
	return out
}

func (c *checker) party(p *Party) {
	if p.Role == RoleCustomer {
		return
	}
	acc, ok := c.cfg.Account(p.Login)
	want := map[Role][]wb.Role{RoleAgent: {wb.RoleAgent, wb.RoleDeptAdmin}, RoleAdmin: {wb.RoleDeptAdmin}, RoleOps: {wb.RoleOperations}}[p.Role]
	if !ok {
		c.err(p.Pos, "%s has no account %q%s (its accounts: %s)", c.v.File, p.Login, didYouMean(p.Login, c.logins(want...)), strings.Join(c.logins(want...), ", "))
		return
	}
	if !slices.Contains(want, acc.Role) {
		c.err(p.Pos, "%s is a %s account, not %s: declare it as %s%s", p.Login, acc.Role, withArticle(roleName(p.Role)), declWord(acc.Role), didYouMean(p.Login, c.logins(want...)))
	}
}

func declWord(r wb.Role) string {
	switch r {
	case wb.RoleDeptAdmin:
		return "admin (or agent)"
	case wb.RoleOperations:
		return "ops"
	}
	return "agent"
}

func (c *checker) action(a *Action, pos Pos) {
	p := a.Party
	st := c.state[p]
	switch {
	case a.Verb == VerbReconnect && st == "":
		c.err(pos, "%s reconnects, but its page has not dropped or closed: write `%s drops` first", p.Name, p.Name)
	case st != "" && a.Verb != VerbReconnect && !(a.Verb == VerbLogin && p.agentLike()) && !(a.Verb == VerbEnter):
		c.err(pos, "%s's page is %s: `%s reconnects` first", p.Name, st, p.Name)
	}
	switch a.Verb {
	case VerbDrop:
		c.state[p] = "dropped"
	case VerbClosePage:
		c.state[p] = "closed"
	case VerbReconnect, VerbLogin, VerbEnter:
		c.state[p] = ""
	case VerbTenant:
		acc, _ := c.cfg.Account(p.Login)
		tenants := acc.Tenants
		if len(tenants) == 0 {
			tenants = []string{wb.TenantXianyu}
			if acc.Tenant != "" {
				tenants = []string{acc.Tenant}
			}
		}
		if !slices.Contains(tenants, a.Text) {
			c.err(pos, "%s (%s) has no tenant %q (has %s)%s", p.Name, p.Login, a.Text, strings.Join(tenants, ", "), didYouMean(a.Text, tenants))
		}
	case VerbPhrase:
		var names []string
		for _, q := range c.cfg.BotPage.QuickPhrases {
			names = append(names, q.Text)
		}
		if !slices.Contains(names, a.Text) {
			c.err(pos, "the bot page has no quick phrase %q (has %s)%s", a.Text, strings.Join(names, ", "), didYouMean(a.Text, names))
		}
	case VerbButton:
		var names []string
		for _, b := range c.cfg.BotPage.CardButtons {
			names = append(names, b.Label)
		}
		if !slices.Contains(names, a.Text) {
			c.err(pos, "the robot card has no button %q (has %s)%s", a.Text, strings.Join(names, ", "), didYouMean(a.Text, names))
		}
	case VerbAsk:
		var names []string
		for _, t := range c.cfg.BotPage.FAQ {
			names = append(names, t.Title)
			for _, q := range t.Questions {
				names = append(names, q.Question)
			}
		}
		if !slices.Contains(names, a.Text) {
			c.err(pos, "%q is not a FAQ topic or question of the bot page%s (to write anything else: %s says \"…\")", a.Text, didYouMean(a.Text, names), p.Name)
		}
	case VerbCapacity:
		if !a.To.agentLike() {
			c.err(pos, "sets capacity of %s: %s is not an agent", a.To.Name, a.To.Name)
		}
	case VerbSay, VerbQuickReply, VerbCloseChat:
		if a.To != nil && a.To.Role != RoleCustomer {
			c.err(pos, "%s … to %s: %s is not a customer", p.Name, a.To.Name, a.To.Name)
		}
	case VerbWelcome:
		old := c.personal[p.Login]
		c.personal[p.Login] = [2]bool{old[0] || a.Texts[0] != nil, old[1] || a.Texts[1] != nil}
	case VerbGroupWelcome:
		c.groupSet = [2]bool{c.groupSet[0] || a.Texts[0] != nil, c.groupSet[1] || a.Texts[1] != nil}
	}
}

func (c *checker) expect(e *Expect, pos Pos) {
	if e.Match == nil || e.Match.Kind != MatchNamed {
		return
	}
	m := e.Match
	slot := map[string]int{"welcome": 0, "closing": 1}
	if k, ok := slot[m.Text]; ok {
		if m.Of == nil {
			if !c.groupSet[k] && []string{c.cfg.Welcome, c.cfg.Closing}[k] == "" {
				c.err(m.Pos, "%s has no skill-group %s (vendor.%s in %s): name an agent's own, e.g. %s of 小王, or set it first (sets group %s \"…\")", c.cfg.ID, m.Text, m.Text, c.v.File, m.Text, m.Text)
			}
			return
		}
		acc, _ := c.cfg.Account(m.Of.Login)
		if !c.personal[m.Of.Login][k] && []string{acc.Welcome, acc.Closing}[k] == "" {
			c.err(m.Pos, "%s (%s) has no %s of their own in %s: set it first (%s sets %s \"…\")", m.Of.Name, m.Of.Login, m.Text, c.v.File, m.Of.Name, m.Text)
		}
		return
	}
	if m.Text == "answer to" {
		if _, err := named(c.cfg, texts{}, m); err != nil {
			c.err(m.Pos, "%v", err)
		}
	}
}
