package term

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeTTY struct{ bytes.Buffer }

func (*fakeTTY) IsTerminal() bool { return true }

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		w    any
		want bool
	}{{new(fakeTTY), true}, {new(bytes.Buffer), false}, {f, false}, {&ColorWriter{w: new(fakeTTY)}, true}} {
		if got := IsTerminal(c.w.(interface{ Write([]byte) (int, error) })); got != c.want {
			t.Errorf("IsTerminal(%T) = %v", c.w, got)
		}
	}
}

func TestColorWanted(t *testing.T) {
	os.Unsetenv("NO_COLOR")
	t.Setenv("NO_COLOR", "")
	os.Unsetenv("NO_COLOR")
	if !ColorWanted(new(fakeTTY), false) {
		t.Error("a terminal wants colour")
	}
	if ColorWanted(new(bytes.Buffer), false) {
		t.Error("a pipe gets no colour")
	}
	if ColorWanted(new(fakeTTY), true) {
		t.Error("--no-color")
	}
	t.Setenv("NO_COLOR", "")
	if ColorWanted(new(fakeTTY), false) {
		t.Error("NO_COLOR set, even empty, turns colour off (no-color.org)")
	}
}

func TestColorLine(t *testing.T) {
	for in, want := range map[string]string{
		"✔ 1/5 step ...... 3ms":      "\x1b[32m✔\x1b[0m 1/5 step ...... 3ms",
		"  ✔ R-VEN-1 vendor record":  "  \x1b[32m✔\x1b[0m R-VEN-1 vendor record",
		"✘ 2/5 step ...... 3ms":      "\x1b[31m✘ 2/5 step ...... 3ms\x1b[0m",
		"– 3/5 step ...... skipped":  "\x1b[90m– 3/5 step ...... skipped\x1b[0m",
		"  ⚠ a.yaml:3: warning":      "  \x1b[33m⚠\x1b[0m a.yaml:3: warning",
		"PASS  run x  seed 1":        "\x1b[32;1mPASS\x1b[0;22m  run x  seed 1",
		"FAIL  run x  seed 1":        "\x1b[31;1mFAIL\x1b[0;22m  run x  seed 1",
		"    expected: PASS or FAIL": "    expected: PASS or FAIL",
		"":                           "",
	} {
		if got := ColorLine(in); got != want {
			t.Errorf("ColorLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColorWriterWholeLines(t *testing.T) {
	var buf bytes.Buffer
	w := Colorize(&buf, true).(*ColorWriter)
	w.Write([]byte("✔ one\n✘ tw"))
	if got := buf.String(); got != "\x1b[32m✔\x1b[0m one\n" {
		t.Errorf("a partial line must wait for its newline: %q", got)
	}
	w.Write([]byte("o\n– thr"))
	w.Flush()
	if got := buf.String(); !strings.HasSuffix(got, "\x1b[31m✘ two\x1b[0m\n\x1b[90m– thr\x1b[0m") {
		t.Errorf("got %q", got)
	}
	if Colorize(&buf, false) != &buf {
		t.Error("without colour the writer is passed through")
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestProgressLine(t *testing.T) {
	clk := &fakeClock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	var out fakeTTY
	p := newProgress(&out, clk.Now, time.Hour) // no ticks: the test renders
	defer p.Close()
	line := func() string {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.Line()
	}
	p.Start("5/5 客服回复 (agent reply)")
	clk.add(1500 * time.Millisecond)
	if got := line(); got != "5/5 客服回复 (agent reply)  1.5 s" {
		t.Errorf("step only: %q", got)
	}
	done := p.Wait("客服小王's reply", 12*time.Second)
	clk.add(1900 * time.Millisecond)
	if got := line(); strings.Contains(got, "waiting") {
		t.Errorf("a wait under 2 s is not worth a word: %q", got)
	}
	clk.add(2100 * time.Millisecond)
	if got, want := line(), "5/5 客服回复 (agent reply)  5.5 s  waiting for 客服小王's reply, 4.0 s of 12 s"; got != want {
		t.Errorf("long wait:\n got %q\nwant %q", got, want)
	}
	inner := p.Wait("the chat to end", 5*time.Second)
	clk.add(3 * time.Second)
	if got := line(); !strings.Contains(got, "waiting for the chat to end, 3.0 s of 5.0 s") {
		t.Errorf("the innermost wait is shown: %q", got)
	}
	inner()
	done()
	clk.add(10 * time.Second)
	if got := line(); strings.Contains(got, "waiting") || !strings.HasSuffix(got, "18 s") {
		t.Errorf("after the waits: %q", got)
	}
	if !strings.Contains(out.String(), "5/5 客服回复 (agent reply)") {
		t.Errorf("Start draws the line: %q", out.String())
	}
	out.Reset()
	p.Println(func() { out.WriteString("✔ 5/5 done\n") })
	if got := out.String(); !strings.HasPrefix(got, "\r ") || !strings.HasSuffix(got, "\r✔ 5/5 done\n") {
		t.Errorf("the live line is cleared before a finished line: %q", got)
	}
}

// With no terminal, or --quiet, there is no progress; a nil Progress
// does nothing.
func TestProgressOff(t *testing.T) {
	if NewProgress(new(bytes.Buffer), false) != nil || NewProgress(new(fakeTTY), true) != nil {
		t.Fatal("progress only on a terminal and without --quiet")
	}
	var p *Progress
	p.Start("x")
	p.Wait("y", time.Second)()
	printed := false
	p.Println(func() { printed = true })
	p.Close()
	if !printed {
		t.Error("a nil Progress still prints the lines")
	}
	live := NewProgress(new(fakeTTY), false)
	if live == nil {
		t.Fatal("a terminal gets progress")
	}
	live.Close()
}
