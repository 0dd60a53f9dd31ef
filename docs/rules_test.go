package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// madeUp are IDs a test invents on purpose to test the record of a browser
// check (sim/browser/browser_test.go) or to look up a missing rule; they
// are no rule.
var madeUp = []string{"R-A-1", "R-B-1", "R-X-1", "R-NOPE-1", "D-A-1", "D-B-1"}

// Every rule ID cited anywhere in the repository (code, tests, web pages,
// fixtures, docs) has a text in rules.md, so `routecheck rules ID` and the
// reports' links never come up empty.
func TestEveryCitedRuleHasAText(t *testing.T) {
	root := filepath.Join("..")
	cited := map[string]string{} // id -> first file citing it
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "out" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(name) {
		case ".go", ".js", ".html", ".css", ".yaml", ".yml", ".md", ".golden":
		default:
			return nil
		}
		if name == "benchmarks.md" { // measurements, quoting old output
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, id := range idPattern.FindAllString(string(b), -1) {
			if _, ok := cited[id]; !ok {
				cited[id] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cited) < 40 {
		t.Fatalf("found only %d rule IDs in the repository; the walk is broken", len(cited))
	}
	for id, file := range cited {
		if _, ok := Lookup(id); !ok && !slices.Contains(madeUp, id) {
			t.Errorf("%s cites %s, which has no text in docs/rules.md or docs/decisions.md", file, id)
		}
	}
}

// The rules are exactly the decisions of decisions.md and the rules of
// SPEC.md (when SPEC.md is beside the repository), each with a title and a
// text.
func TestRulesMatchTheirSources(t *testing.T) {
	var have []string
	for _, r := range All() {
		have = append(have, r.ID)
		if r.Title == "" || len(r.Text) < 20 {
			t.Errorf("%s: title %q, text %q: want both", r.ID, r.Title, r.Text)
		}
	}
	dec, err := os.ReadFile("decisions.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (D-[A-Z]+-[0-9]+) \|`)
	var decided []string
	for _, m := range row.FindAllStringSubmatch(string(dec), -1) {
		decided = append(decided, m[1])
	}
	if len(decided) < 40 {
		t.Fatalf("decisions.md: found %d decisions", len(decided))
	}
	for _, id := range decided {
		if !slices.Contains(have, id) {
			t.Errorf("decisions.md decides %s; the rules have no text for it", id)
		}
	}
	for _, id := range have {
		if strings.HasPrefix(id, "D-") && !slices.Contains(decided, id) {
			t.Errorf("the rules have %s, which decisions.md does not decide", id)
		}
	}
	for _, p := range []string{"../../shared/SPEC.md", "../../../shared/SPEC.md", "/work/shared/SPEC.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		spec := regexp.MustCompile(`(?m)^(?:- |\d+\. )(R-[A-Z]+-[0-9]+) `)
		var inSpec []string
		for _, m := range spec.FindAllStringSubmatch(string(b), -1) {
			inSpec = append(inSpec, m[1])
		}
		var rs []string
		for _, id := range have {
			if strings.HasPrefix(id, "R-") {
				rs = append(rs, id)
			}
		}
		slices.Sort(inSpec)
		slices.Sort(rs)
		if !slices.Equal(inSpec, rs) {
			t.Errorf("SPEC.md has rules %v; rules.md has %v", inSpec, rs)
		}
		return
	}
	t.Log("SPEC.md is not beside the repository; its rules are checked through the citations only")
}

func TestLookup(t *testing.T) {
	r, ok := Lookup(" r-cap-1 ")
	if !ok || r.ID != "R-CAP-1" || !strings.Contains(r.Text, "1V6") || !strings.Contains(r.Source(), "SPEC") {
		t.Errorf("Lookup(r-cap-1) = %+v, %v", r, ok)
	}
	if d, ok := Lookup("D-OUT-1"); !ok || d.Source() != "docs/decisions.md" || !strings.Contains(d.Text, "\n\nWhy: ") {
		t.Errorf("Lookup(D-OUT-1) = %+v, %v", d, ok)
	}
	if _, ok := Lookup("R-NOPE-1"); ok {
		t.Error("Lookup found a rule that does not exist")
	}
}

// A decision's title is its bold lead, else its first sentence, short; a
// pipe escaped inside a cell stays in the text.
func TestDecisionTitles(t *testing.T) {
	rs, _ := parse("", "| D-A-1 | **vet predicts run.** More. | because |\n| D-B-1 | Reports go to `a\\|b`. Then more. | why |\n")
	if len(rs) != 2 || rs[0].Title != "vet predicts run" || rs[1].Title != "Reports go to a|b" || !strings.Contains(rs[1].Text, "`a|b`") {
		t.Errorf("parsed %+v", rs)
	}
	if r, ok := Lookup("D-VET-1"); !ok || r.Title != "vet predicts run" {
		t.Errorf("D-VET-1: %+v", r)
	}
}
