package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestProtocolDocExamples keeps docs/protocol.md true: it runs the capture
// session (protocol_capture_test.go) over real sockets and checks every
// example line of the document against what was sent. A JSON example must
// match a recorded one in field names, nesting and JSON kinds, strings
// equal apart from their digits ("…" elides, see the document's "How to
// read the examples"). An HTTP example must match a recorded exchange of
// the same method, path and status. Then the other way round: every frame
// type the server sent, and every field of it, is shown in some example,
// and every route the session used has an example. And the document and
// sim/wire agree (wireMismatches).
func TestProtocolDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatalf("docs/protocol.md is the protocol's contract: %v", err)
	}
	exs, errs := parseExamples(string(doc))
	for _, e := range errs {
		t.Error(e)
	}
	rec := capture(t)
	if t.Failed() {
		return
	}
	var frames, calls int
	for _, ex := range exs {
		var why string
		if ex.method != "" {
			calls++
			why = matchHTTP(ex, rec.https)
		} else {
			frames++
			why = matchFrame(ex, rec.wires)
		}
		if why != "" {
			t.Errorf("docs/protocol.md:%d: %s\n    %s", ex.line, why, clip(ex.text))
		}
	}
	// A parser that finds nothing would pass everything.
	t.Logf("%d frame and %d HTTP examples checked", frames, calls)
	if frames < 80 || calls < 80 {
		t.Fatalf("found %d frame and %d HTTP examples in docs/protocol.md; expected at least 80 of each", frames, calls)
	}
	for _, miss := range undocumented(exs, rec) {
		t.Error(miss)
	}
	for _, miss := range wireMismatches(exs, string(doc)) {
		t.Error(miss)
	}
}

// example is one checked line of the document.
type example struct {
	line   int
	text   string
	dir    string // "→" or "←" for a frame
	frame  any
	method string // for an HTTP exchange
	path   string
	status string
	body   any // request body, nil if none shown
	answer any // nil if none shown
}

var httpLine = regexp.MustCompile(`^(GET|POST|PUT|DELETE) (\S+)(.*?) → (\d{3})\b(.*)$`)

// parseExamples reads the examples in the document's code blocks. A
// line that looks like an example but cannot be read is an error, never
// skipped.
func parseExamples(doc string) ([]example, []string) {
	var out []example
	var errs []string
	fenced := false
	for i, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			continue
		}
		ex := example{line: i + 1, text: strings.TrimSpace(l)}
		bad := func(err error) {
			errs = append(errs, fmt.Sprintf("docs/protocol.md:%d: %v\n    %s", i+1, err, clip(ex.text)))
		}
		if m := httpLine.FindStringSubmatch(ex.text); m != nil {
			ex.method, ex.path, ex.status = m[1], m[2], m[4]
			var err error
			if j := strings.IndexAny(m[3], "{["); j >= 0 {
				if ex.body, err = docJSON(m[3][j:]); err != nil {
					bad(fmt.Errorf("request body: %w", err))
					continue
				}
			}
			if j := strings.IndexAny(m[5], "{["); j >= 0 {
				if ex.answer, err = docJSON(m[5][j:]); err != nil {
					bad(fmt.Errorf("answer: %w", err))
					continue
				}
			}
			out = append(out, ex)
			continue
		}
		to, from := strings.Index(l, "→ {"), strings.Index(l, "← {")
		at := -1
		switch {
		case to >= 0 && (from < 0 || to < from):
			ex.dir, at = "→", to
		case from >= 0:
			ex.dir, at = "←", from
		}
		if at < 0 {
			continue
		}
		f, err := docJSON(l[at+len("→ "):])
		if err != nil {
			bad(err)
			continue
		}
		ex.frame = f
		out = append(out, ex)
	}
	return out, errs
}

// docJSON reads the JSON value at the start of s, the elisions ("…" as an
// object member or array element) turned into markers, and ignores what
// follows it (comments).
func docJSON(s string) (any, error) {
	var b strings.Builder
	var stack []byte
	in, esc := false, false
	for _, r := range s {
		switch {
		case in:
			b.WriteRune(r)
			if esc {
				esc = false
			} else if r == '\\' {
				esc = true
			} else if r == '"' {
				in = false
			}
			continue
		case r == '"':
			in = true
		case r == '{' || r == '[':
			stack = append(stack, byte(r))
		case r == '}' || r == ']':
			if len(stack) == 0 {
				return nil, fmt.Errorf("unbalanced %q", r)
			}
			stack = stack[:len(stack)-1]
		case r == '…':
			if len(stack) == 0 {
				return nil, fmt.Errorf("… outside the JSON")
			}
			if stack[len(stack)-1] == '{' {
				b.WriteString(`"…":true`)
			} else {
				b.WriteString(`"…"`)
			}
			continue
		}
		b.WriteRune(r)
		if len(stack) == 0 && !in {
			var v any
			if err := json.Unmarshal([]byte(b.String()), &v); err != nil {
				return nil, fmt.Errorf("not JSON: %v", err)
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("the JSON does not end on this line")
}

// undocumented lists what the server sent that no example shows: a frame
// type, a field of a frame type, or a route.
func undocumented(exs []example, rec *recorder) []string {
	docFields := map[string]map[string]bool{}
	routes := map[string]bool{}
	for _, ex := range exs {
		if ex.method != "" {
			routes[ex.method+" "+routeOf(ex.path)] = true
			continue
		}
		f, _ := ex.frame.(map[string]any)
		if ex.dir != "←" || f == nil {
			continue
		}
		typ, _ := f["type"].(string)
		if docFields[typ] == nil {
			docFields[typ] = map[string]bool{}
		}
		for k := range f {
			docFields[typ][k] = true
		}
	}
	miss := map[string]string{} // one line per missing type, field or route
	for _, w := range rec.wires {
		var f map[string]any
		if w.dir != "←" || json.Unmarshal(w.data, &f) != nil {
			continue
		}
		typ, _ := f["type"].(string)
		if docFields[typ] == nil {
			if miss[typ] == "" {
				miss[typ] = fmt.Sprintf("docs/protocol.md shows no %q frame, which the server sent: %s", typ, clip(string(w.data)))
			}
			continue
		}
		for k := range f {
			if !docFields[typ][k] && miss[typ+"."+k] == "" {
				miss[typ+"."+k] = fmt.Sprintf("docs/protocol.md shows no %q frame with %q, which the server sent: %s", typ, k, clip(string(w.data)))
			}
		}
	}
	for _, h := range rec.https {
		if r := h.method + " " + routeOf(h.path); !routes[r] {
			miss[r] = fmt.Sprintf("docs/protocol.md has no example of %s, which the capture used", r)
		}
	}
	out := make([]string, 0, len(miss))
	for _, m := range miss {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func clip(s string) string {
	if r := []rune(s); len(r) > 160 {
		return string(r[:160]) + "…"
	}
	return s
}
