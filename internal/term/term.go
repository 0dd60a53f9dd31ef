// Package term is what routecheck does differently on a terminal: colour
// (pass green, fail red, skip grey) and a live progress line. Both are off
// when the output is not a terminal, so pipes and CI logs get plain text.
// Whether a writer is a terminal is decided in one place, IsTerminal, which
// tests fake with a writer that says it is one.
package term

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// Terminal is a writer that knows whether it is a terminal. Tests wrap a
// buffer in one to see what a person at a terminal would see.
type Terminal interface {
	io.Writer
	IsTerminal() bool
}

// IsTerminal reports whether w is a terminal: a Terminal that says so, or
// an *os.File on a TTY (or a Cygwin/MSYS pty).
func IsTerminal(w io.Writer) bool {
	switch t := w.(type) {
	case Terminal:
		return t.IsTerminal()
	case *os.File:
		return isatty.IsTerminal(t.Fd()) || isatty.IsCygwinTerminal(t.Fd())
	}
	return false
}

// ColorWanted is the colour decision of https://no-color.org: only on a
// terminal, never with NO_COLOR set (to anything) or --no-color.
func ColorWanted(w io.Writer, noColorFlag bool) bool {
	if noColorFlag {
		return false
	}
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	return IsTerminal(w)
}
