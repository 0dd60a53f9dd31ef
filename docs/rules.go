// Package docs holds the rules text of rules.md, built into the binary:
// every R- rule of the onboarding guide and every D- decision of
// decisions.md in the project's own short words, one source for
// `routecheck rules` and the links of the reports.
package docs

import (
	_ "embed"
	"regexp"
	"strings"
)

//go:embed rules.md
var rulesMD string

// Rule is one rule or decision: its ID, a short title and its text.
type Rule struct {
	ID    string // e.g. "R-CAP-1", "D-OUT-1"
	Title string
	Text  string // paragraphs, as written in rules.md
}

// Source is where the rule comes from: the onboarding guide (SPEC.md) for
// R- rules, docs/decisions.md for D- decisions.
func (r Rule) Source() string {
	if strings.HasPrefix(r.ID, "D-") {
		return "docs/decisions.md"
	}
	return "SPEC.md, the onboarding guide"
}

// IDPattern matches a rule ID as the code and the reports cite it.
var IDPattern = regexp.MustCompile(`\b[RD]-[A-Z]+-[0-9]+\b`)

var rules, byID = parse(rulesMD)

// parse reads "## ID · title" headings and the text under each.
func parse(md string) ([]Rule, map[string]int) {
	var out []Rule
	idx := map[string]int{}
	for _, block := range strings.Split("\n"+md, "\n## ")[1:] {
		head, body, _ := strings.Cut(block, "\n")
		id, title, ok := strings.Cut(head, " · ")
		if !ok || !IDPattern.MatchString(id) {
			continue
		}
		idx[id] = len(out)
		out = append(out, Rule{ID: id, Title: strings.TrimSpace(title), Text: strings.TrimSpace(body)})
	}
	return out, idx
}

// All is every rule and decision, in the order of rules.md.
func All() []Rule { return append([]Rule(nil), rules...) }

// Lookup is the rule with this ID (case does not matter).
func Lookup(id string) (Rule, bool) {
	i, ok := byID[strings.ToUpper(strings.TrimSpace(id))]
	if !ok {
		return Rule{}, false
	}
	return rules[i], true
}

// Anchor is the fragment a report links a rule ID to: "rule-R-CAP-1".
func Anchor(id string) string { return "rule-" + id }
