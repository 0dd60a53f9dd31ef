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
	"routecheck/reports"
	"routecheck/sim/browser"
	"routecheck/sim/routetest"
)

const runExamples = `  routecheck run                                   # demo vendor, bundled workbench
  routecheck run --seed 42                         # repeat a run exactly
  routecheck run --vendor broken/wrong-tenant      # a bundled vendor by name (routecheck fixtures)
  routecheck run --vendor my-vendor.yaml           # your own (routecheck init writes a template)
  routecheck run --target http://127.0.0.1:8080    # a workbench started elsewhere (routecheck serve)
  routecheck run --at 10:00                        # the bundled clock at 10:00 on the vendor's wall clock
  routecheck run --json > report.json              # report.json on stdout, the console on stderr
  routecheck run --browser                         # also the Chromium checks (R-WB-3, R-TEN-1)
`

type runFlags struct {
	seed      int64
	vendor    string
	target    string
	out       string
	outExact  bool // --out was given: it is the run's own folder
	noReports bool
	timeout   time.Duration
	json      bool
	tokenTTL  time.Duration
	browser   bool
	quiet     bool
	noColor   bool
	at        string // --at: when the bundled workbench's clock starts
	clocks    harnessClocks
}

func newRunCmd(g *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [flags]",
		Short: "the five-step route test (R-RT-1..5), reports in reports/out/<run>/",
		Long: "Runs the five-step route test (R-RT-1..5) with simulated customers and agents over real\n" +
			"sockets, against the bundled workbench or --target, and writes report.json, junit.xml and\n" +
			"report.html to a folder of their own: reports/out/<vendor>-<seed>-<UTC time>/, with\n" +
			"reports/out/latest pointing at the newest; --out DIR writes to exactly DIR instead.",
		Example: runExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			f.outExact = cmd.Flags().Changed("out")
			f.noColor, f.clocks = g.noColor, g.clocks
			*code = runRoute(cmd.Context(), f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	seedFlag(fs, &f.seed, "test data and choices")
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture: a YAML file, or a bundled vendor by name (routecheck fixtures)")
	fs.StringVar(&f.target, "target", "", "base URL of a running workbench; empty starts the bundled one")
	outFlag(fs, &f.out)
	fs.BoolVar(&f.noReports, "no-reports", false, "write no report files (with --json, report.json goes to stdout only)")
	fs.DurationVar(&f.timeout, "timeout", 5*time.Second, "longest wait for one thing to happen (an assignment, a reply)")
	fs.BoolVar(&f.json, "json", false, "print report.json to stdout (the console goes to stderr)")
	fs.DurationVar(&f.tokenTTL, "token-ttl", 24*time.Hour, "life of entry tokens in the bundled workbench (R-RT-3)")
	fs.BoolVar(&f.browser, "browser", false, "also run the browser checks in Chromium (R-WB-3, R-NTF-1, R-TEN-1)")
	fs.StringVar(&f.at, "at", "", "when the bundled workbench's clock starts, on the vendor's wall clock: 10:00,\n2026-11-25 10:00, an RFC 3339 time, or now; default: now when in the\nvendor's work hours, else the next in-hours instant (R-VEN-4)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no live progress line on a terminal")
	completeVendor(cmd)
	return cmd
}

// runRoute is the route test: vendor in, verdict, console and reports out.
func runRoute(ctx context.Context, f runFlags, stdout, stderr io.Writer) int {
	if f.timeout <= 0 || f.tokenTTL <= 0 {
		fmt.Fprintln(stderr, "routecheck run: --timeout and --token-ttl must be positive durations, e.g. 5s, 24h")
		return exitInput
	}
	if f.target != "" {
		if err := routetest.CheckTarget(f.target); err != nil {
			fmt.Fprintln(stderr, "routecheck run:", err)
			return exitInput
		}
	}
	console := stdout
	if f.json {
		console = stderr
	}
	live := newLive(console, stderr, f.quiet, f.noColor)
	defer live.close()
	console, stderr = live.console, live.guard(stderr)
	v, err := loadVendor(f.vendor)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	wall := f.clocks.wall()
	var at time.Time
	if f.at != "" {
		if f.target != "" {
			fmt.Fprintln(stderr, "routecheck run: --at sets the bundled workbench's clock; a workbench at --target keeps its own (leave out --at, or --target)")
			return exitInput
		}
		if at, err = routetest.ParseAt(f.at, v, wall); err != nil {
			fmt.Fprintln(stderr, "routecheck run:", err)
			return exitInput
		}
	}
	f.seed = pickSeed(f.seed)
	// What would throw a finished run away is checked before step 1.
	if !f.noReports {
		if err := writable(f.out); err != nil {
			fmt.Fprintf(stderr, "routecheck run: --out %s is not writable: %v\n", f.out, err)
			return exitInput
		}
	}
	if f.browser {
		if _, err := browser.Find(); err != nil {
			fmt.Fprintln(stderr, "routecheck run --browser:", err)
			return exitHarness
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	interrupted := func() int {
		fmt.Fprintln(stderr, "routecheck run: interrupted")
		return exitInterrupted
	}

	opt := routetest.Options{Target: f.target, Vendor: v, WorkbenchNow: f.clocks.wall}
	if f.target == "" {
		// The bundled clock starts in the vendor's work hours unless the
		// tester chose the time (D-RUN-8); the rerun repeats that time.
		plan := routetest.PlanClock(v, at, wall, routetest.Margin(v, f.timeout, f.browser))
		if plan.Source != routetest.FromStartAt {
			f.at = plan.Start.Format(time.RFC3339)
		}
		wbClock, agentClock := f.clocks.bundled(plan.Start)
		b, err := routetest.BundledClock(v, f.tokenTTL, plan, wbClock)
		if err != nil {
			fmt.Fprintln(stderr, "routecheck run:", err)
			if errors.Is(err, routetest.ErrInput) {
				return exitInput
			}
			return exitHarness
		}
		defer b.Close()
		opt = b.Options(v)
		opt.Clock = agentClock
	} else if !v.Rehearsal.StartAt.IsZero() {
		fmt.Fprintf(stderr, "routecheck run: note: %s rehearses start_at %s, which only the bundled workbench can apply\n", v.File, v.Rehearsal.StartAt.Format(time.RFC3339))
	}
	target := opt.Target
	opt.Seed, opt.Timeout = f.seed, f.timeout
	opt.OnStep, opt.OnStepStart, opt.OnWait = live.step, live.stepStart, live.wait

	sess, err := routetest.Start(ctx, opt)
	if err != nil {
		if ctx.Err() != nil {
			return interrupted()
		}
		fmt.Fprintln(stderr, "routecheck run:", err)
		if errors.Is(err, routetest.ErrInput) {
			return exitInput
		}
		return exitHarness
	}
	sess.Report().Rerun = f.rerun()
	live.print(func() { reports.WriteHeader(console, sess.Report()) })
	rep := sess.Finish()
	if f.browser && !rep.Interrupted {
		checks, err := browser.RunAllWith(ctx, live.browserEnv(target, v))
		if err != nil && ctx.Err() == nil {
			fmt.Fprintln(stderr, "routecheck run --browser:", err)
			return exitHarness
		}
		if err := sess.AddBrowserChecks(ctx, checks); err != nil {
			fmt.Fprintln(stderr, "routecheck run --browser: event log:", err)
			return exitHarness
		}
	}
	rep.ExitCode = exitCode(rep)
	if err := writeReports(f, rep, time.Now()); err != nil {
		fmt.Fprintln(stderr, "routecheck run:", err)
		return exitHarness
	}
	live.print(func() { reports.WriteSummary(console, rep) })
	if f.json {
		if err := reports.WriteJSON(stdout, rep); err != nil {
			fmt.Fprintln(stderr, "routecheck run:", err)
			return exitHarness
		}
	}
	if rep.Interrupted {
		return interrupted()
	}
	return rep.ExitCode
}

// exitCode is the run's verdict as an exit code: an interrupted run is
// 130 and a step the harness could not judge 3, whatever else failed, since
// neither says anything about the vendor.
func exitCode(rep *reports.Run) int {
	if rep.Interrupted {
		return exitInterrupted
	}
	for _, s := range rep.Steps {
		if s.Status == reports.StatusError {
			return exitHarness
		}
	}
	if rep.Passed {
		return exitPass
	}
	return exitFail
}

// writable makes dir and proves a file can be written in it.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".routecheck-probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// rerun is the whole command that repeats this run: the same vendor,
// seed, timeouts, token TTL and flags.
func (f runFlags) rerun() string {
	args := []string{"routecheck", "run", "--vendor", f.vendor, "--seed", fmt.Sprint(f.seed),
		"--timeout", f.timeout.String(), "--token-ttl", f.tokenTTL.String()}
	if f.target != "" {
		args = append(args, "--target", f.target)
	}
	if f.at != "" {
		args = append(args, "--at", f.at)
	}
	if f.outExact {
		args = append(args, "--out", f.out)
	}
	if f.noReports {
		args = append(args, "--no-reports")
	}
	if f.json {
		args = append(args, "--json")
	}
	if f.browser {
		args = append(args, "--browser")
	}
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$\\|&;<>()*?[]{}~`#") {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(args, " ")
}

// loadVendor reads the fixture: a file, or a bundled vendor by name, so
// `make run` and every bundled vendor work from any directory.
func loadVendor(path string) (*fixtures.Vendor, error) {
	return fixtures.Open(path)
}
