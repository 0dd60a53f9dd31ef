package script

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Options say where and how a script runs.
type Options struct {
	Vendor *fixtures.Vendor
	Target string // the workbench's base URL
	// Clock is the clock control of a bundled workbench started for this
	// run (Bundled); nil against --target, where time is real.
	Clock *actors.ClockControl
	Seed  int64
	// Timeout bounds a network wait: the answer to an action, or a frame
	// the event log says is on its way. Default 5 s.
	Timeout time.Duration
	// WallClock is the harness's clock for real time; default time.Now.
	WallClock func() time.Time
	// OnLine, if set, gets each line as it is done and judged (the live
	// console prints the asserts and the failures).
	OnLine func(reports.ScriptLine)
}

// harnessError is trouble of the harness's own: the workbench could not be
// reached, an answer never came. Never the vendor's fault (D-RUN-7).
type harnessError struct{ err error }

func (e harnessError) Error() string { return e.err.Error() }
func (e harnessError) Unwrap() error { return e.err }

// invalidError is a script that cannot go on as written, found while it
// runs (e.g. an agent told to reply while holding two chats, with no
// `to`): the tester's to fix, exit 2.
type invalidError struct{ msg string }

func (e invalidError) Error() string { return e.msg }

// failure is a line that failed: an assert, or an action the workbench
// refused with no `expect refused` after it.
type failure struct {
	expected, seen, reason string
	involved               []*Party
}

func (f *failure) Error() string { return "expected " + f.expected + ", saw " + f.seen }

// Run runs a checked script against the workbench at opt.Target. The
// result says passed, failed (the vendor's), error (the harness's) or, for
// a script that cannot go on as written, Invalid.
func Run(ctx context.Context, s *Script, opt Options) *Result {
	if opt.Timeout <= 0 {
		opt.Timeout = 5 * time.Second
	}
	if opt.WallClock == nil {
		opt.WallClock = time.Now
	}
	r := newRunner(ctx, s, opt)
	start := time.Now()
	r.rep.StartedAt = opt.WallClock()
	err := r.run()
	r.rep.Duration = time.Since(start)
	r.finish(err)
	return &Result{Script: r.rep, Invalid: r.invalid}
}

// Result is a script's report and whether the script itself was at fault.
type Result struct {
	Script  reports.Script
	Invalid bool // the script cannot run as written (exit 2)
}

type runner struct {
	ctx     context.Context
	s       *Script
	opt     Options
	v       *fixtures.Vendor
	time    timeline
	log     *logView
	ops     *actors.Ops // the harness's own operations session
	parties map[*Party]*live
	byName  map[string]*live
	rep     reports.Script
	fake    *faker
	invalid bool
	checked bool // the workbench serves the vendor

	refused   error // the last action's refusal, for expect refused
	refusedAt int   // its line
	shown     int64 // events already in the transcript
	overrides texts // welcome and closing texts the script changed
}

func newRunner(ctx context.Context, s *Script, opt Options) *runner {
	r := &runner{ctx: ctx, s: s, opt: opt, v: opt.Vendor, log: newLogView(), parties: map[*Party]*live{}, byName: map[string]*live{},
		fake: newFaker(opt.Seed), overrides: texts{personal: map[string]*[2]string{}}}
	if opt.Clock != nil {
		r.time = virtualTime{opt.Clock}
		r.rep.Clock = "virtual"
	} else {
		r.time = realTime{clock: opt.WallClock, poll: 200 * time.Millisecond}
		r.rep.Clock = "real"
	}
	r.rep.Name, r.rep.File, r.rep.Summary, r.rep.Source = s.Name, s.File, s.Summary, s.Lines
	r.rep.Vendor, r.rep.VendorFile, r.rep.Target = opt.Vendor.Config.Name, opt.Vendor.File, opt.Target
	for _, st := range s.Stmts {
		for _, id := range st.Rules {
			if !slices.Contains(r.rep.Rules, id) {
				r.rep.Rules = append(r.rep.Rules, id)
			}
		}
	}
	for _, p := range s.Parties {
		l := &live{Party: p}
		r.parties[p], r.byName[p.Name] = l, l
	}
	return r
}

func (r *runner) run() error {
	if err := r.signInHarness(); err != nil {
		return err
	}
	now, err := r.time.now(r.ctx)
	if err != nil {
		return harnessError{err}
	}
	r.rep.VendorStart = now.In(r.zone())
	if err := r.refresh(); err != nil {
		return err
	}
	r.shown = r.log.last
	for i, st := range r.s.Stmts {
		if err := r.ctx.Err(); err != nil {
			r.skipFrom(i)
			return err
		}
		line := r.lineOf(st)
		began, _ := r.time.now(r.ctx)
		err := r.exec(st)
		r.transcribe()
		end, _ := r.time.now(r.ctx)
		line.At, line.Took = end.In(r.zone()), end.Sub(began)
		var f *failure
		switch {
		case err == nil:
			line.Status = reports.StatusPassed
		case errors.As(err, &f):
			line.Status = reports.StatusFailed
			line.Expected, line.Seen, line.Reason = f.expected, f.seen, f.reason
			line.Frames = r.lastFrames(f.involved)
		default:
			line.Status = reports.StatusError
			line.Seen = err.Error()
		}
		if st.Kind == KindExpect || line.Status != reports.StatusPassed {
			r.note(reports.ScriptEntry{At: line.At, Kind: "assert", Line: st.Pos.Line, Text: st.describe(), Status: line.Status})
		}
		r.rep.Lines = append(r.rep.Lines, line)
		if r.opt.OnLine != nil {
			r.opt.OnLine(line)
		}
		if err != nil {
			r.skipFrom(i + 1)
			return err
		}
	}
	return nil
}

func (r *runner) lineOf(st *Stmt) reports.ScriptLine {
	kind := map[Kind]string{KindAction: "action", KindExpect: "expect", KindWait: "wait", KindAt: "at"}[st.Kind]
	return reports.ScriptLine{Line: st.Pos.Line, Col: st.Pos.Col, Text: st.describe(), Kind: kind, Rules: st.Rules}
}

// skipFrom marks the lines from i on as not reached.
func (r *runner) skipFrom(i int) {
	for _, st := range r.s.Stmts[i:] {
		l := r.lineOf(st)
		l.Status = reports.StatusSkipped
		r.rep.Lines = append(r.rep.Lines, l)
	}
}

// finish judges the whole script and closes every party, as D-RUN-5 does
// for the route test: customers leave, agents go 离线.
func (r *runner) finish(err error) {
	var f *failure
	var inv invalidError
	switch {
	case err == nil:
		r.rep.Status = reports.StatusPassed
	case errors.As(err, &f):
		r.rep.Status = reports.StatusFailed
	case errors.As(err, &inv):
		r.rep.Status, r.rep.Error, r.invalid = reports.StatusError, "the script cannot go on as written: "+inv.msg, true
	case r.ctx.Err() != nil:
		r.rep.Status, r.rep.Error = reports.StatusError, "interrupted"
	default:
		r.rep.Status, r.rep.Error = reports.StatusError, "the harness could not run the script: "+err.Error()
	}
	if r.ops != nil && r.ctx.Err() == nil {
		if rerr := r.refresh(); rerr == nil {
			r.transcribe()
			r.judgeLog()
		}
	}
	if now, nerr := r.time.now(context.Background()); nerr == nil {
		r.rep.VendorEnd = now.In(r.zone())
	}
	r.leave()
}

// judgeLog puts the script's KPIs and the invariant check in the report.
func (r *runner) judgeLog() {
	r.rep.KPIs = r.kpis()
	r.rep.Verdicts = wb.Assessed().Assess(r.rep.KPIs)
	r.rep.Invariants = invariant.Check(r.log.events)
	r.rep.InvariantsChecked = len(r.log.events)
}

// kpis are R-KPI-1 over the script's own chats (D-KPI-1 formulas, on the
// event log).
func (r *runner) kpis() wb.KPIs {
	mine := map[string]bool{}
	for _, l := range r.parties {
		for _, c := range l.convs {
			mine[c] = true
		}
	}
	var evs []wb.Event
	for _, e := range r.log.events {
		if e.Conv != "" && mine[e.Conv] {
			evs = append(evs, e)
		}
	}
	return wb.ComputeKPIs(evs, wb.KPIFilter{Traffic: wb.TrafficAll})
}

// refresh reads the event log up to now.
func (r *runner) refresh() error {
	evs, err := r.ops.Events(r.ctx, r.log.last)
	if ae, ok := asAPIError(err); ok && ae.Status == 401 {
		// the session ended on the workbench's clock (30 minutes unused)
		if err = r.signInHarness(); err == nil {
			evs, err = r.ops.Events(r.ctx, r.log.last)
		}
	}
	if err != nil {
		return harnessError{fmt.Errorf("reading the event log: %w", err)}
	}
	r.log.add(evs)
	return nil
}

func (r *runner) note(e reports.ScriptEntry) { r.rep.Transcript = append(r.rep.Transcript, e) }
