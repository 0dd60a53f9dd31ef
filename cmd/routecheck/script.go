package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"routecheck/fixtures"
	"routecheck/fixtures/scripts"
	"routecheck/reports"
	"routecheck/sim/routetest"
	"routecheck/sim/script"
)

const scriptExamples = `  routecheck script idle-close                      # a shipped script by name, from any folder
  routecheck script --list                          # the shipped scripts, one line each
  routecheck script my-case.script                  # your own (docs/scripts.md)
  routecheck script fixtures/scripts/*.script       # several: one report for all
  routecheck script --target http://127.0.0.1:8080 my-case.script   # a workbench elsewhere: waits are real
`

type scriptFlags struct {
	outFlags
	seed    int64
	target  string
	timeout time.Duration
	json    bool
	quiet   bool
	list    bool
	noColor bool
	rerun   string
	clocks  harnessClocks
}

func newScriptCmd(g *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f scriptFlags
	cmd := &cobra.Command{
		Use:   "script FILE|NAME... [flags]",
		Short: "conversation scripts: your own route cases, several parties, a clock the script moves",
		Long: "Runs conversation scripts (docs/scripts.md) over the wire: customers, agents, department admins\n" +
			"and operations act and assert, and `wait 5m` on the bundled workbench takes milliseconds (the\n" +
			"script moves its clock). Against --target the waits are real. A script is a file or a shipped\n" +
			"script's name (routecheck script --list). Reports as run's: report.json, junit.xml (one case per\n" +
			"assert line) and report.html, in reports/out/script-<name>-<seed>-<UTC time>/.",
		Example: scriptExamples,
		Args:    cobra.ArbitraryArgs,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var out []cobra.Completion
			for _, n := range scripts.Names() {
				out = append(out, cobra.Completion(n))
			}
			return out, cobra.ShellCompDirectiveDefault
		},
		Run: func(cmd *cobra.Command, args []string) {
			f.parse(cmd)
			f.noColor, f.clocks = g.noColor, g.clocks
			f.seed = pickSeed(f.seed)
			f.rerun = rerunOf(cmd, f.seed)
			if len(args) > 0 {
				f.rerun += " " + shellJoin(args)
			}
			*code = runScripts(cmd.Context(), f, args, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	seedFlag(fs, &f.seed, "the test customers' orders")
	fs.StringVar(&f.target, "target", "", "base URL of a running workbench; empty starts the bundled one, whose clock the script moves")
	addOutFlags(fs, &f.outFlags)
	fs.DurationVar(&f.timeout, "timeout", 5*time.Second, "longest network wait: an answer to an action, a frame the event log says is on its way")
	fs.BoolVar(&f.json, "json", false, "print report.json to stdout (the console goes to stderr)")
	fs.BoolVar(&f.list, "list", false, "list the shipped scripts and exit")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no live progress line on a terminal")
	return cmd
}

// runScripts loads every script (all problems reported before anything
// runs), runs each on its own bundled workbench or against --target, and
// writes one report for all.
func runScripts(ctx context.Context, f scriptFlags, args []string, stdout, stderr io.Writer) int {
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "routecheck script: "+format+"\n", a...)
		return exitInput
	}
	if f.list {
		return listScripts(stdout)
	}
	if len(args) == 0 {
		return bad("give a script file or a shipped script's name, e.g. routecheck script idle-close (routecheck script --list)")
	}
	if f.timeout <= 0 {
		return bad("--timeout must be a positive duration, e.g. 5s")
	}
	if f.target != "" {
		if err := routetest.CheckTarget(f.target); err != nil {
			return bad("%s", strings.TrimPrefix(err.Error(), routetest.ErrInput.Error()+": "))
		}
	}
	type loaded struct {
		s *script.Script
		v *fixtures.Vendor
	}
	var all []loaded
	failed := false
	for _, a := range args {
		s, v, err := script.Load(a)
		if err != nil {
			failed = true
			if es, ok := script.AsErrors(err); ok {
				for _, e := range es {
					fmt.Fprintln(stderr, e.Error())
				}
			} else {
				fmt.Fprintln(stderr, strings.ReplaceAll(err.Error(), script.ErrInput.Error()+": ", ""))
			}
			continue
		}
		all = append(all, loaded{s, v})
	}
	if failed {
		return exitInput
	}
	if err := f.checkOut(); err != nil {
		return bad("%v", err)
	}
	console := stdout
	if f.json {
		console = stderr
	}
	live := newLive(console, stderr, f.quiet, f.noColor)
	defer live.close()
	console = live.console
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.target != "" {
		if err := routetest.Identify(ctx, f.target); err != nil {
			fmt.Fprintln(live.guard(stderr), "routecheck script:", err)
			return exitHarness
		}
	}

	run := &reports.ScriptRun{Seed: f.seed, Rerun: f.rerun, StartedAt: f.clocks.wall().UTC().Truncate(time.Second)}
	live.print(func() {
		fmt.Fprintf(console, "routecheck script  seed %d  %s\n\n", f.seed, reports.Plural(len(all), "script"))
	})
	start := time.Now()
	var results []*script.Result
	for i, l := range all {
		if ctx.Err() != nil {
			run.Scripts = append(run.Scripts, reports.Script{Name: l.s.Name, File: l.s.File, Status: reports.StatusSkipped, Error: "not run: interrupted"})
			continue
		}
		res, err := runOne(ctx, f, l.s, l.v, live, console, f.seed+int64(i))
		if err != nil {
			fmt.Fprintln(live.guard(stderr), "routecheck script:", err)
			if errors.Is(err, script.ErrInput) {
				return exitInput
			}
			return exitHarness
		}
		results = append(results, res)
		run.Scripts = append(run.Scripts, res.Script)
	}
	run.Duration = time.Since(start)
	run.Interrupted = ctx.Err() != nil
	run.ExitCode = scriptExit(results, run.Interrupted)
	run.Passed = run.ExitCode == exitPass
	name := "scripts"
	if len(all) == 1 {
		name = "script-" + all[0].s.Name
	}
	dir, note, err := f.open(name, f.seed, f.clocks.wall())
	if note != "" {
		run.Notes = append(run.Notes, note)
	}
	if err == nil && dir != "" {
		if err = reports.WriteScriptAll(dir, run); err == nil {
			run.OutDir = dir
			err = f.done(dir)
		}
	}
	if err != nil {
		fmt.Fprintln(live.guard(stderr), "routecheck script:", err)
		return exitHarness
	}
	live.print(func() { reports.WriteScriptSummary(console, run) })
	if f.json {
		if err := reports.WriteScriptJSON(stdout, run); err != nil {
			fmt.Fprintln(stderr, "routecheck script:", err)
			return exitHarness
		}
	}
	if run.Interrupted {
		fmt.Fprintln(live.guard(stderr), "routecheck script: interrupted")
	}
	return run.ExitCode
}

// runOne runs a script on a bundled workbench started for it (its clock
// under the script's control), or against --target in real time.
func runOne(ctx context.Context, f scriptFlags, s *script.Script, v *fixtures.Vendor, live *live, console io.Writer, seed int64) (*script.Result, error) {
	opt := script.Options{Vendor: v, Target: f.target, Seed: seed, Timeout: f.timeout, WallClock: f.clocks.wall}
	var notes []string
	var vendorStart time.Time
	if f.target == "" {
		start, err := script.StartTime(s, v, f.clocks.wall())
		vendorStart = start
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", script.ErrInput, s.File, err)
		}
		b, err := script.Bundled(v, start)
		if err != nil {
			return nil, err
		}
		defer b.Close()
		opt.Target, opt.Clock = b.URL, b.Clock
	} else {
		if s.Start != nil {
			notes = append(notes, fmt.Sprintf("line %d: start %s is not applied: the workbench at --target keeps its own clock", s.Start.Pos.Line, s.Start.Text))
		}
		if w := script.RealWaits(s, f.clocks.wall(), script.Zone(v)); w != "" {
			notes = append(notes, w)
		}
	}
	head := reports.Script{Name: s.Name, File: s.File, Summary: s.Summary, Vendor: v.Config.Name, VendorFile: v.File, Target: opt.Target,
		Clock: map[bool]string{true: "virtual", false: "real"}[opt.Clock != nil], Notes: notes, VendorStart: vendorStart}
	live.print(func() { fmt.Fprint(console, reports.ScriptHead(&head)) })
	live.prog.Start("script " + s.Name)
	opt.OnLine = func(l reports.ScriptLine) {
		if !l.IsAssert() && l.Status == reports.StatusPassed {
			return
		}
		live.print(func() { fmt.Fprintln(console, reports.ScriptLineText(l)) })
	}
	res := script.Run(ctx, s, opt)
	res.Script.Notes = append(notes, res.Script.Notes...)
	live.print(func() { fmt.Fprint(console, reports.ScriptTail(&res.Script)) })
	return res, nil
}

// scriptExit is the run's exit code (D-CLI-7): interrupted 130; a script
// the harness could not judge 3, whatever else failed (never the
// vendor's); a script that cannot run as written 2; a failure 1.
func scriptExit(results []*script.Result, interrupted bool) int {
	if interrupted {
		return exitInterrupted
	}
	code := exitPass
	for _, r := range results {
		switch {
		case r.Script.Status == reports.StatusError && !r.Invalid:
			return exitHarness
		case r.Invalid:
			code = exitInput
		case r.Script.Status == reports.StatusFailed && code == exitPass:
			code = exitFail
		}
	}
	return code
}

func listScripts(stdout io.Writer) int {
	for _, n := range scripts.Names() {
		b, _ := scripts.Read(n)
		s, err := script.Parse(n, b)
		summary := ""
		if err == nil {
			summary = s.Summary
		}
		fmt.Fprintf(stdout, "%-22s %s\n", n, summary)
	}
	return exitPass
}
