package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"routecheck/fixtures"
	"routecheck/internal/term"
	"routecheck/reports"
	"routecheck/sim/browser"
)

// live is what a run shows while it works: the console (coloured on a
// terminal) and the progress line on stderr (only on a terminal, not with
// --quiet). Finished lines and the progress line take turns, so they never
// share a terminal line.
type live struct {
	console io.Writer
	colour  *term.ColorWriter // nil without colour
	prog    *term.Progress    // nil without progress
	mu      sync.Mutex        // one console line at a time
}

func newLive(console, stderr io.Writer, quiet, noColor bool) *live {
	l := &live{console: console}
	if cw, ok := term.Colorize(console, term.ColorWanted(console, noColor)).(*term.ColorWriter); ok {
		l.console, l.colour = cw, cw
	}
	l.prog = term.NewProgress(stderr, quiet)
	return l
}

// print writes finished console lines with the progress line out of the way.
func (l *live) print(write func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prog.Println(write)
}

func (l *live) stepStart(s reports.Step) {
	l.prog.Start(fmt.Sprintf("%d/%d %s", s.Number, reports.RouteSteps, s.Name))
}

func (l *live) step(s reports.Step) {
	l.print(func() { fmt.Fprintln(l.console, reports.StepLine(s)) })
}

func (l *live) wait(what string, limit time.Duration) func() { return l.prog.Wait(what, limit) }

// browserEnv is the browser checks' Env with the live line following them.
func (l *live) browserEnv(target string, v *fixtures.Vendor) *browser.Env {
	env := browser.NewEnv(target, v.Config)
	env.OnCheck = func(title string) { l.prog.Start("browser: " + title) }
	return env
}

// guard is w with the progress line cleared before each write, for
// messages printed while a step or check is under way.
func (l *live) guard(w io.Writer) io.Writer {
	if l.prog == nil {
		return w
	}
	return guarded{l, w}
}

type guarded struct {
	l *live
	w io.Writer
}

func (g guarded) Write(p []byte) (n int, err error) {
	g.l.print(func() { n, err = g.w.Write(p) })
	return n, err
}

func (l *live) close() {
	l.prog.Close()
	if l.colour != nil {
		l.colour.Flush()
	}
}
