package script

import (
	"fmt"
	"regexp"
	"strings"

	wb "routecheck/sim/workbench"
)

// set records a welcome setting the script made: login "" is the skill
// group's.
func (t *texts) set(login string, v [2]*string) {
	cur := &[2]string{}
	if login == "" {
		if t.group != nil {
			*cur = *t.group
		}
		t.group = cur
	} else {
		if old := t.personal[login]; old != nil {
			*cur = *old
		}
		t.personal[login] = cur
	}
	for i, s := range v {
		if s != nil {
			cur[i] = *s
		}
	}
}

// named is the text a named match stands for, from the vendor fixture and
// what the script changed since; "" with a reason when there is none.
func named(cfg wb.VendorConfig, over texts, m *Match) (string, error) {
	slot := 0
	switch m.Text {
	case "greeting":
		return cfg.BotPage.Greeting, nil
	case "idle warning":
		return wb.IdleWarningText, nil
	case "nobody online":
		return cfg.NobodyOnlineText(), nil
	case "outside hours":
		return cfg.OutsideHoursText(), nil
	case "hotline":
		return fmt.Sprintf(wb.BotHotline, cfg.RefusalHotline()), nil
	case "transfer notice":
		return wb.BotQueued, nil
	case "fallback":
		return wb.BotFallback, nil
	case "answer to":
		for _, t := range cfg.BotPage.FAQ {
			for _, q := range t.Questions {
				if q.Question == m.Quest {
					return q.Answer, nil
				}
			}
		}
		for _, q := range cfg.BotPage.QuickPhrases {
			if q.Text == m.Quest && !q.Transfer {
				return q.Answer, nil
			}
		}
		return "", fmt.Errorf("%q is not a FAQ question or a quick phrase of %s", m.Quest, cfg.ID)
	case "closing":
		slot = 1
	}
	// welcome or closing (R-WEL-1)
	if m.Of == nil {
		if over.group != nil {
			return over.group[slot], nil
		}
		s := []string{cfg.Welcome, cfg.Closing}[slot]
		if s == "" {
			return "", fmt.Errorf("%s has no skill-group %s (vendor.%s): name an agent's own, e.g. %s of 小王", cfg.ID, m.Text, m.Text, m.Text)
		}
		return s, nil
	}
	if p := over.personal[m.Of.Login]; p != nil {
		return p[slot], nil
	}
	a, _ := cfg.Account(m.Of.Login)
	s := []string{a.Welcome, a.Closing}[slot]
	if s == "" {
		return "", fmt.Errorf("%s (%s) has no %s of their own in the fixture", m.Of.Name, m.Of.Login, m.Text)
	}
	return s, nil
}

// matcher is a match as a test on a text.
func matcher(cfg wb.VendorConfig, over texts, m *Match) (func(string) bool, string, error) {
	switch m.Kind {
	case MatchExact:
		return func(s string) bool { return s == m.Text }, fmt.Sprintf("%q", m.Text), nil
	case MatchContains:
		return func(s string) bool { return strings.Contains(s, m.Text) }, fmt.Sprintf("a message containing %q", m.Text), nil
	case MatchRegexp:
		re, err := regexp.Compile(m.Text)
		if err != nil {
			return nil, "", err
		}
		return re.MatchString, fmt.Sprintf("a message matching /%s/", m.Text), nil
	}
	s, err := named(cfg, over, m)
	if err != nil {
		return nil, "", err
	}
	return func(t string) bool { return t == s }, fmt.Sprintf("the %s %q", m.String(), s), nil
}
