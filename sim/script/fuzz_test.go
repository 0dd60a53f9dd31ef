package script

import (
	"strings"
	"testing"

	"routecheck/fixtures"
	"routecheck/fixtures/scripts"
)

// A script from a tester is untrusted text: parsing and checking it never
// panics, and every problem points at a line of the text (or at none, for
// the file as a whole) and a column on it.
func FuzzParseScript(f *testing.F) {
	for _, name := range scripts.Names() {
		src, _ := scripts.Read(name)
		f.Add(string(src))
	}
	f.Add("customer c\nc: say 转人工\nexpect c gets \"x\" within 5s\n")
	f.Add("at 25:61\nwait -3m\nexpect kpi pickup >= 200%\n")
	f.Add("\xef\xbb\xbfagent a = A-a1\r\na: status 在线\r\n")
	demo := fixtures.Demo()
	f.Fuzz(func(t *testing.T, src string) {
		s, errs := parse("fuzz.script", []byte(src))
		lines := strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + 1
		for _, e := range errs {
			if e.Pos.Line < 0 || e.Pos.Line > lines || (e.Pos.Line > 0 && e.Pos.Col < 1) {
				t.Fatalf("problem at line %d column %d of a %d-line script: %v", e.Pos.Line, e.Pos.Col, lines, e)
			}
		}
		if s == nil || len(errs) > 0 || s.Vendor != "" {
			return
		}
		if err := Check(s, demo); err != nil {
			if _, ok := AsErrors(err); !ok {
				t.Fatalf("Check gave %T, not script errors: %v", err, err)
			}
		}
	})
}
