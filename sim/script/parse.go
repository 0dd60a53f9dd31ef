package script

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"routecheck/docs"
)

// Parse reads a script. file names it in errors; name is its short name
// (the file's base name without extension). Every problem is reported, each
// with its line and column, up to maxErrors.
func Parse(file string, src []byte) (*Script, error) {
	s, errs := parse(file, src)
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// parse is Parse that also returns what it could read of a script with
// problems, so the vendor checks can report theirs with the syntax's.
func parse(file string, src []byte) (*Script, Errors) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")) // an editor's byte-order mark
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(file, "\\", "/")), path.Ext(file))
	p := &parser{s: &Script{Name: name, File: file}, file: file, parties: map[string]*Party{}}
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	p.s.Lines = strings.Split(text, "\n")
	leading := true
	var summary []string
	for i, line := range p.s.Lines {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			if leading {
				summary = append(summary, strings.TrimSpace(strings.TrimPrefix(trimmed, "#")))
			}
			continue
		}
		if trimmed == "" {
			if len(summary) > 0 {
				leading = false
			}
			continue
		}
		leading = false
		toks, comment, code, err := lexLine(line, n)
		if err != nil {
			p.add(err)
			continue
		}
		if len(toks) == 0 {
			continue
		}
		p.line(n, line, code, toks, comment)
		if len(p.errs) >= maxErrors {
			break
		}
	}
	p.s.Summary = strings.Join(summary, " ")
	if len(p.errs) == 0 && len(p.s.Stmts) == 0 {
		p.errs = append(p.errs, &Error{File: file, Msg: "the script does nothing: write at least one action or expect (docs/scripts.md)"})
	}
	return p.s, p.errs
}

type parser struct {
	s       *Script
	file    string
	errs    Errors
	parties map[string]*Party
	acted   bool // an action or assert came: the header is over
	last    *Stmt
}

func (p *parser) add(e *Error) {
	e.File = p.file
	p.errs = append(p.errs, e)
}

func (p *parser) errAt(pos Pos, format string, args ...any) *Error {
	return &Error{File: p.file, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// line parses one line that is not blank or a comment.
func (p *parser) line(n int, raw, code string, toks []token, comment string) {
	c := &cur{toks: toks, end: Pos{n, len([]rune(strings.TrimRight(raw, " \t"))) + 1}}
	first := toks[0]
	if first.quoted {
		p.add(p.errAt(first.pos, "a line starts with a party's name or a keyword (%s), not a text", strings.Join(keywords, ", ")))
		return
	}
	st := &Stmt{Pos: first.pos, Text: code, Rules: docs.IDPattern().FindAllString(comment, -1)}
	var err *Error
	switch w := fold(first.text); {
	case p.parties[first.text] != nil:
		c.next()
		st.Kind = KindAction
		st.Action, err = p.action(p.parties[first.text], c)
	case w == "vendor" || w == "start":
		err = p.header(w, c)
		st = nil
	case roleWords[w] != "":
		err = p.declare(roleWords[w], c)
		st = nil
	case w == "expect":
		c.next()
		st.Kind = KindExpect
		st.Expect, err = p.expect(c)
	case w == "wait":
		c.next()
		st.Kind = KindWait
		st.Wait, err = p.duration(c, "wait")
	case w == "at":
		c.next()
		st.Kind = KindAt
		st.At, err = p.timeSpec(c, "at")
	default:
		names := append(slices.Clone(keywords), p.partyNames()...)
		hint := didYouMean(first.text, names)
		if hint == "" && len(p.parties) == 0 {
			hint = "; declare the parties first, e.g. `agent 小王 is demo-agent1` or `customer 买家`"
		}
		err = p.errAt(first.pos, "%q is not a party of this script nor a keyword%s", first.text, hint)
	}
	if err == nil && c.more() {
		err = p.errAt(c.peek().pos, "unexpected %q at the end of the line", c.peek().text)
	}
	if err != nil {
		p.add(err)
		return
	}
	if st != nil {
		if st.Kind == KindExpect && st.Expect.Kind == ExpRefused && (p.last == nil || p.last.Kind != KindAction) {
			p.add(p.errAt(st.Pos, "expect refused judges the action on the line before it; put it right after an action"))
			return
		}
		p.acted = true
		p.s.Stmts = append(p.s.Stmts, st)
		p.last = st
	}
}

func (p *parser) partyNames() []string {
	out := make([]string, 0, len(p.s.Parties))
	for _, pa := range p.s.Parties {
		out = append(out, pa.Name)
	}
	return out
}

// header: vendor NAME|FILE, start TIME; before any party acts.
func (p *parser) header(w string, c *cur) *Error {
	kw := c.next()
	if p.acted {
		return p.errAt(kw.pos, "%s belongs at the top of the script, before the first action or expect", w)
	}
	switch w {
	case "vendor":
		if p.s.Vendor != "" {
			return p.errAt(kw.pos, "vendor is given twice (line %d)", p.s.VendorPos.Line)
		}
		if !c.more() {
			return p.errAt(c.end, "vendor needs a bundled vendor's name (routecheck fixtures) or a fixture file, e.g. vendor demo")
		}
		t := c.next()
		p.s.Vendor, p.s.VendorPos = t.text, t.pos
	case "start":
		if p.s.Start != nil {
			return p.errAt(kw.pos, "start is given twice (line %d)", p.s.Start.Pos.Line)
		}
		ts, err := p.timeSpec(c, "start")
		if err != nil {
			return err
		}
		p.s.Start = ts
	}
	return nil
}

// declare: customer NAME [is anonymous] | agent|admin|ops NAME [is LOGIN].
func (p *parser) declare(role Role, c *cur) *Error {
	kw := c.next()
	if !c.more() {
		return p.errAt(c.end, "%s needs a name, e.g. %s", kw.text, declExample(role))
	}
	if role == RoleCustomer && len(c.toks) > 2 && !c.toks[2].quoted && !isWord(c.toks[2].text, "is", "=", "as") {
		// customer 买家A 买家B 买家C: several generated customers
		for c.more() {
			t := c.next()
			t.text = strings.TrimSuffix(strings.TrimSuffix(t.text, ","), "，")
			if t.text == "" {
				continue
			}
			if err := p.declare(role, &cur{toks: []token{kw, t}, end: c.end}); err != nil {
				return err
			}
		}
		return nil
	}
	nt := c.next()
	if nt.quoted {
		return p.errAt(nt.pos, "a party's name is one word, without quotes")
	}
	name := nt.text
	if old := p.parties[name]; old != nil {
		return p.errAt(nt.pos, "%s is declared twice (line %d)", name, old.Pos.Line)
	}
	if slices.Contains(keywords, fold(name)) || statusWords[name] != "" || name == "kpi" || name == "kpis" || name == "invariants" || name == "refused" {
		return p.errAt(nt.pos, "%q is a word of the format; give the party another name", name)
	}
	if fold(name) == "anonymous" {
		return p.errAt(nt.pos, "a customer named anonymous? for live traffic write `customer 买家 is anonymous`")
	}
	pa := &Party{Name: name, Role: role, Pos: nt.pos}
	if c.accept("is", "=", "as") {
		if !c.more() {
			return p.errAt(c.end, "%s %s is …: name the account, e.g. %s", kw.text, name, declExample(role))
		}
		t := c.next()
		if role == RoleCustomer {
			if fold(t.text) != "anonymous" {
				return p.errAt(t.pos, "a customer is generated (a test customer with a test order) or `is anonymous` (live traffic); %q is neither", t.text)
			}
			pa.Anonymous = true
		} else {
			pa.Login = t.text
		}
	} else if role != RoleCustomer {
		pa.Login = name
	}
	for _, other := range p.s.Parties {
		if pa.Login != "" && other.Login == pa.Login {
			return p.errAt(nt.pos, "account %s is already party %s (line %d): one party per account", pa.Login, other.Name, other.Pos.Line)
		}
	}
	p.parties[name] = pa
	p.s.Parties = append(p.s.Parties, pa)
	return nil
}

func declExample(r Role) string {
	switch r {
	case RoleCustomer:
		return "customer 买家"
	case RoleAdmin:
		return "admin 主管 is demo-admin"
	case RoleOps:
		return "ops 运营 is demo-ops"
	}
	return "agent 小王 is demo-agent1"
}

// party reads a party's name where one is expected.
func (p *parser) party(c *cur, what string) (*Party, *Error) {
	if !c.more() {
		return nil, p.errAt(c.end, "%s: name a party", what)
	}
	t := c.next()
	if pa := p.parties[t.text]; pa != nil && !t.quoted {
		return pa, nil
	}
	return nil, p.errAt(t.pos, "%q is not a party of this script%s", t.text, didYouMean(t.text, p.partyNames()))
}

// text reads a quoted text.
func (p *parser) text(c *cur, what string) (string, *Error) {
	if !c.more() {
		return "", p.errAt(c.end, "%s: write the text in quotes, e.g. \"你好\"", what)
	}
	t := c.next()
	if !t.quoted {
		return "", p.errAt(t.pos, "%s: put the text in quotes: \"%s\"", what, t.text)
	}
	return t.text, nil
}

var durationRE = regexp.MustCompile(`^(\d+(\.\d+)?(ms|s|m|h))+$`)

// duration reads a Go-style duration: 30s, 4m, 1h30m, 500ms.
func (p *parser) duration(c *cur, what string) (time.Duration, *Error) {
	if !c.more() {
		return 0, p.errAt(c.end, "%s needs a duration, e.g. 30s, 4m, 1h30m", what)
	}
	t := c.next()
	d, err := time.ParseDuration(t.text)
	if err != nil || !durationRE.MatchString(t.text) || d < 0 {
		return 0, p.errAt(t.pos, "%q is not a duration; want e.g. 30s, 4m, 1h30m or 500ms", t.text)
	}
	return d, nil
}

var (
	clockRE = regexp.MustCompile(`^([01]?\d|2[0-3]):([0-5]\d)$`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// timeSpec reads HH:MM, WEEKDAY HH:MM or YYYY-MM-DD HH:MM (the vendor's
// wall clock).
func (p *parser) timeSpec(c *cur, what string) (*TimeSpec, *Error) {
	example := fmt.Sprintf("e.g. %s 17:59, %s 周五 17:59 or %s 2026-11-27 17:59 (the vendor's wall clock)", what, what, what)
	if !c.more() {
		return nil, p.errAt(c.end, "%s needs a time, %s", what, example)
	}
	t := c.next()
	ts := &TimeSpec{Pos: t.pos, Text: t.text}
	clock := t
	if wd, ok := weekdays[fold(t.text)]; ok || dateRE.MatchString(t.text) {
		if ok {
			ts.Weekday = wd + 1
		} else {
			d, err := time.Parse("2006-01-02", t.text)
			if err != nil {
				return nil, p.errAt(t.pos, "%q is not a date; %s", t.text, example)
			}
			ts.Date, ts.HasDate = d, true
		}
		if !c.more() {
			return nil, p.errAt(c.end, "%s %s needs a time of day, %s", what, t.text, example)
		}
		clock = c.next()
		ts.Text += " " + clock.text
	} else if !clockRE.MatchString(t.text) {
		hint := didYouMean(t.text, keys(weekdays))
		return nil, p.errAt(t.pos, "%q is not a time%s; %s", t.text, hint, example)
	}
	m := clockRE.FindStringSubmatch(clock.text)
	if m == nil {
		return nil, p.errAt(clock.pos, "%q is not a time of day (HH:MM); %s", clock.text, example)
	}
	ts.Hour, _ = strconv.Atoi(m[1])
	ts.Minute, _ = strconv.Atoi(m[2])
	return ts, nil
}

// cur walks the tokens of one line.
type cur struct {
	toks []token
	i    int
	end  Pos // just after the line's last character
}

func (c *cur) more() bool { return c.i < len(c.toks) }

func (c *cur) peek() token {
	if c.i < len(c.toks) {
		return c.toks[c.i]
	}
	return token{pos: c.end}
}

func (c *cur) next() token {
	t := c.peek()
	if c.i < len(c.toks) {
		c.i++
	}
	return t
}

// is says whether the next token is the word w (ASCII letters in any case).
func (c *cur) is(words ...string) bool {
	t := c.peek()
	if !c.more() || t.quoted {
		return false
	}
	for _, w := range words {
		if fold(t.text) == fold(w) {
			return true
		}
	}
	return false
}

// accept takes the next token if it is one of words.
func (c *cur) accept(words ...string) bool {
	if c.is(words...) {
		c.i++
		return true
	}
	return false
}

// isSeq says whether the words come next, in sequence.
func (c *cur) isSeq(words ...string) bool {
	for k, w := range words {
		if c.i+k >= len(c.toks) || c.toks[c.i+k].quoted || fold(c.toks[c.i+k].text) != fold(w) {
			return false
		}
	}
	return true
}

// acceptSeq takes the words in sequence if all are next.
func (c *cur) acceptSeq(words ...string) bool {
	for k, w := range words {
		t := token{}
		if c.i+k < len(c.toks) {
			t = c.toks[c.i+k]
		}
		if c.i+k >= len(c.toks) || t.quoted || fold(t.text) != fold(w) {
			return false
		}
	}
	c.i += len(words)
	return true
}

func isWord(s string, words ...string) bool {
	for _, w := range words {
		if fold(s) == w {
			return true
		}
	}
	return false
}
