// Package docs holds the text of every rule routecheck cites, built into
// the binary: the R- rules of the onboarding guide in the project's own
// words (rules.md) and the D- decisions as decisions.md states them, each
// with its reason. One source each, for `routecheck rules` and the links of
// the reports.
package docs

import (
	_ "embed"
	"regexp"
	"strings"
)

//go:embed rules.md
var rulesMD string

//go:embed decisions.md
var decisionsMD string

// Rule is one rule or decision: its ID, a short title and its text.
type Rule struct {
	ID    string // e.g. "R-CAP-1", "D-OUT-1"
	Title string
	Text  string // paragraphs, as written in rules.md or decisions.md
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
func IDPattern() *regexp.Regexp { return idPattern }

var idPattern = regexp.MustCompile(`\b[RD]-[A-Z]+-[0-9]+\b`)

var rules, byID = parse(rulesMD, decisionsMD)

// parse reads the R- rules of rules.md ("## ID · title" headings and the
// text under each), then the D- decisions of decisions.md's tables.
func parse(rulesMD, decisionsMD string) ([]Rule, map[string]int) {
	var out []Rule
	idx := map[string]int{}
	add := func(r Rule) {
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	for _, block := range strings.Split("\n"+rulesMD, "\n## ")[1:] {
		head, body, _ := strings.Cut(block, "\n")
		id, title, ok := strings.Cut(head, " · ")
		if !ok || !strings.HasPrefix(id, "R-") || !idPattern.MatchString(id) {
			continue
		}
		add(Rule{ID: id, Title: strings.TrimSpace(title), Text: strings.TrimSpace(body)})
	}
	for _, line := range strings.Split(decisionsMD, "\n") {
		cells := tableCells(line)
		if len(cells) != 3 || !strings.HasPrefix(cells[0], "D-") || !idPattern.MatchString(cells[0]) {
			continue
		}
		add(Rule{ID: cells[0], Title: decisionTitle(cells[1]), Text: cells[1] + "\n\nWhy: " + cells[2]})
	}
	return out, idx
}

// tableCells splits a Markdown table row at the pipes that are not
// escaped (\|), unescaping the others.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
		return nil
	}
	var cells []string
	var cell strings.Builder
	for i := 1; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cell.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(line[i])
		}
	}
	return cells
}

// decisionTitle is a decision's lead in bold ("**vet predicts run.**"), or
// else its first sentence, cut at a word before 80 characters.
func decisionTitle(text string) string {
	if rest, ok := strings.CutPrefix(text, "**"); ok {
		if lead, _, ok := strings.Cut(rest, "**"); ok {
			return strings.TrimRight(lead, ".:")
		}
	}
	first, _, _ := strings.Cut(text, ". ")
	first = strings.NewReplacer("**", "", "`", "").Replace(first)
	if r := []rune(first); len(r) > 80 {
		cut := string(r[:80])
		if i := strings.LastIndex(cut, " "); i > 40 {
			cut = cut[:i]
		}
		first = cut + " …"
	}
	return strings.TrimRight(first, ".")
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
