package term

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/fatih/color"
)

// Colours of the console marks. EnableColor overrides fatih/color's own
// guess (it looks at os.Stdout); ColorWanted has already decided.
var (
	green = newColor(color.FgGreen)
	red   = newColor(color.FgRed)
	grey  = newColor(color.FgHiBlack)
	amber = newColor(color.FgYellow)
	bold  = map[string]*color.Color{"PASS": newColor(color.FgGreen, color.Bold), "FAIL": newColor(color.FgRed, color.Bold)}
)

func newColor(a ...color.Attribute) *color.Color {
	c := color.New(a...)
	c.EnableColor()
	return c
}

// ColorWriter colours the console's lines by their leading mark as they
// pass through: "✔" green, "✘" red (the whole line), "–" grey (a skipped
// step or check, the whole line), "⚠" amber, and the verdict words PASS and
// FAIL in bold. The writers in reports stay plain text; this is the one
// place that knows escape codes. Partial lines wait for their newline.
type ColorWriter struct {
	mu   sync.Mutex
	w    io.Writer
	part []byte
}

// Colorize returns w itself when colour is not wanted, else a ColorWriter.
func Colorize(w io.Writer, wanted bool) io.Writer {
	if !wanted {
		return w
	}
	return &ColorWriter{w: w}
}

// IsTerminal passes on what the wrapped writer is.
func (c *ColorWriter) IsTerminal() bool { return IsTerminal(c.w) }

func (c *ColorWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.part = append(c.part, p...)
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(c.part, '\n')
		if i < 0 {
			break
		}
		out.WriteString(ColorLine(string(c.part[:i])))
		out.WriteByte('\n')
		c.part = c.part[i+1:]
	}
	if out.Len() > 0 {
		if _, err := c.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes a last line that has no newline.
func (c *ColorWriter) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.part) == 0 {
		return nil
	}
	_, err := io.WriteString(c.w, ColorLine(string(c.part)))
	c.part = nil
	return err
}

// ColorLine is one console line with its colour.
func ColorLine(line string) string {
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	switch {
	case strings.HasPrefix(body, "✔"):
		return indent + green.Sprint("✔") + body[len("✔"):]
	case strings.HasPrefix(body, "✘"):
		return indent + red.Sprint(body)
	case strings.HasPrefix(body, "–"):
		return indent + grey.Sprint(body)
	case strings.HasPrefix(body, "⚠"):
		return indent + amber.Sprint("⚠") + body[len("⚠"):]
	}
	for word, c := range bold {
		if strings.HasPrefix(line, word+" ") || line == word {
			return c.Sprint(word) + line[len(word):]
		}
	}
	return line
}
