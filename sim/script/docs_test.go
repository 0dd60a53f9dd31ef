package script

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"routecheck/reports"
)

// blocks are the fenced blocks of docs/scripts.md after a heading.
func docBlocks(t *testing.T, heading string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "scripts.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, heading)
	if i < 0 {
		t.Fatalf("docs/scripts.md has no %q", heading)
	}
	doc = doc[i:]
	if j := strings.Index(doc[len(heading):], "\n## "); j >= 0 {
		doc = doc[:len(heading)+j]
	}
	var out []string
	for _, part := range strings.Split(doc, "```")[1:] {
		out = append(out, strings.TrimPrefix(part, "\n"))
	}
	var blocks []string
	for i := 0; i < len(out); i += 2 {
		blocks = append(blocks, out[i])
	}
	return blocks
}

// lineRE is a documented console line as a pattern: … stands for anything.
func lineRE(l string) *regexp.Regexp {
	parts := strings.Split(strings.TrimSpace(l), "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, ".*"))
}

// What docs/scripts.md shows is what routecheck does: the first script
// passes with the lines shown, and fails as shown with `wait 3m`; the bad
// script gives the errors shown.
func TestDocsExamples(t *testing.T) {
	blocks := docBlocks(t, "## A first script")
	src, passOut, failOut := blocks[0], blocks[1], blocks[2]
	r := runSrc(t, src, false)
	if r.Script.Status != reports.StatusPassed {
		explain(t, r)
		t.Fatal("the first script of docs/scripts.md fails")
	}
	var console strings.Builder
	for _, l := range r.Script.Lines {
		if l.IsAssert() {
			console.WriteString(reports.ScriptLineText(l) + "\n")
		}
	}
	for _, l := range strings.Split(passOut, "\n") {
		if strings.Contains(l, "expect") && !lineRE(l).MatchString(console.String()) {
			t.Errorf("docs say\n%s\nthe run printed\n%s", l, console.String())
		}
	}
	r = runSrc(t, strings.Replace(src, "wait 4m", "wait 3m", 1), false)
	console.Reset()
	for _, l := range r.Script.Failed() {
		console.WriteString(reports.ScriptLineText(l))
	}
	for _, l := range strings.Split(failOut, "\n") {
		if strings.TrimSpace(l) != "" && strings.TrimSpace(l) != "…" && !lineRE(l).MatchString(console.String()) {
			t.Errorf("docs say\n%s\nthe failure printed\n%s", l, console.String())
		}
	}

	blocks = docBlocks(t, "## Errors")
	_, err := load(t, blocks[0])
	if err == nil {
		t.Fatal("the bad script of docs/scripts.md loads")
	}
	for _, l := range strings.Split(blocks[1], "\n") {
		if strings.HasPrefix(l, "bad.script:") && !lineRE(strings.Replace(l, "bad.script:", "case.script:", 1)).MatchString(err.Error()) {
			t.Errorf("docs say\n%s\nroutecheck says\n%v", l, err)
		}
	}
}

// docs/scripts.md's table of shipped scripts names every one, and nothing
// that is not shipped.
func TestDocsListTheShippedScripts(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "scripts.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(b), "## The shipped scripts")
	table, _, _ = strings.Cut(table, "\n## ")
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| ([a-z0-9-]+) \|`).FindAllStringSubmatch(table, -1) {
		if m[1] != "script" { // the header row
			listed[m[1]] = true
		}
	}
	for _, n := range shippedNames() {
		if !listed[n] {
			t.Errorf("docs/scripts.md does not list the shipped script %s", n)
		}
		delete(listed, n)
	}
	for n := range listed {
		t.Errorf("docs/scripts.md lists %s, which is not shipped", n)
	}
}
