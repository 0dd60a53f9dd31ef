package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"routecheck/internal/term"

	"routecheck/fixtures"
	trafficfix "routecheck/fixtures/traffic"
	"routecheck/sim/traffic"
	wb "routecheck/sim/workbench"
)

const simulateExamples = `  routecheck simulate --traffic demo                                      # a week of the demo vendor
  routecheck simulate --traffic pure-queueing --always-open --agents 10 --capacity 3 --days 30
  routecheck simulate --traffic demo --find-staffing --capacity 3 --out reports/out/staffing
  routecheck simulate --vendor my-vendor.yaml --traffic my-traffic.yaml  # routecheck init --traffic my-traffic.yaml
  routecheck simulate --traffic demo --seed 42 --json                     # repeat a run exactly
`

type simFlags struct {
	vendor, traffic string
	outFlags
	rerun                   string
	days, hours             int
	agents, capacity        int
	alwaysOpen, json, check bool
	seed                    int64
	replications            int
	findStaffing            bool
	maxRuns                 int
	warmup                  time.Duration
}

func newSimulateCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "simulate --traffic FILE|NAME [flags]",
		Short: "project KPIs under a traffic profile in virtual time; --find-staffing",
		Long: "Simulates days or months of traffic in virtual time on the workbench core and projects the\n" +
			"R-KPI-1 figures (pickup >= 90%, first response < 30 s, satisfaction >= 70%) per day and per hour of\n" +
			"the week, with 95% confidence intervals across replications run on all cores. Exit 1 when the\n" +
			"whole run or a day misses a threshold. --find-staffing answers how many agents each hour needs.",
		Example: simulateExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			if f.findStaffing && !cmd.Flags().Changed("replications") {
				f.replications = traffic.StaffingReplications
			}
			f.parse(cmd)
			f.seed = pickSeed(f.seed)
			f.rerun = rerunOf(cmd, f.seed)
			*code = simulate(f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture (work hours, agents, capacity)")
	fs.StringVar(&f.traffic, "traffic", "", "traffic profile: a YAML file or a bundled one by name ("+strings.Join(trafficfix.Names(), ", ")+"); required")
	fs.IntVar(&f.days, "days", 0, "simulated days per replication (default 7)")
	fs.IntVar(&f.hours, "hours", 0, "simulated hours per replication, instead of --days")
	fs.IntVar(&f.agents, "agents", 0, "simulate this many agents instead of the vendor's (on duty in work hours)")
	fs.IntVar(&f.capacity, "capacity", 0, "chats per agent for every agent (R-CAP-1: 1V3 = 3); 0 keeps the configured")
	fs.BoolVar(&f.alwaysOpen, "always-open", false, "ignore work hours and shifts: every agent 在线 all the time")
	seedFlag(fs, &f.seed, "arrivals and every choice")
	fs.IntVar(&f.replications, "replications", 4, fmt.Sprintf("independent replications (seeds seed..seed+R-1), run on all cores; %d per simulation with --find-staffing", traffic.StaffingReplications))
	fs.BoolVar(&f.json, "json", false, "print the result as JSON on stdout")
	addOutFlags(fs, &f.outFlags)
	fs.BoolVar(&f.findStaffing, "find-staffing", false, "find the fewest agents per hour of the week meeting every threshold")
	fs.IntVar(&f.maxRuns, "max-simulations", traffic.StaffingSimulations, "simulations the staffing search may take (the last simulates the answer)")
	fs.BoolVar(&f.check, "check", false, "run the routing invariant checker on every event (it streams: months take seconds)")
	fs.DurationVar(&f.warmup, "warmup", time.Hour, "simulated time left out of the figures at the start (queues start empty)")
	completeVendor(cmd)
	cmd.RegisterFlagCompletionFunc("traffic", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, n := range trafficfix.Names() {
			out = append(out, cobra.Completion(n))
		}
		return out, cobra.ShellCompDirectiveDefault
	})
	return cmd
}

// simulate projects a vendor's KPIs under a traffic profile by running
// the workbench core in virtual time, or finds the staffing per hour.
func simulate(f simFlags, stdout, stderr io.Writer) int {
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "routecheck simulate: "+format+" (see routecheck simulate --help)\n", a...)
		return exitInput
	}
	if f.traffic == "" {
		return bad("--traffic is required, e.g. --traffic demo or --traffic my-traffic.yaml (routecheck init --traffic writes one)")
	}
	req := traffic.Request{Days: f.days, Hours: f.hours, Agents: f.agents, Capacity: f.capacity, Replications: f.replications,
		MaxRuns: f.maxRuns, Warmup: f.warmup, FindStaffing: f.findStaffing}
	if err := req.Check(); err != nil {
		return bad("%v", err)
	}
	duration := req.Duration()
	v, err := loadVendor(f.vendor)
	if err != nil {
		fmt.Fprintln(stderr, firstLine(err))
		return exitInput
	}
	p, err := traffic.OpenProfile(f.traffic)
	if err != nil {
		var ps fixtures.Problems
		if errors.As(err, &ps) {
			for _, pr := range ps {
				fmt.Fprintln(stderr, pr.Error())
			}
		} else {
			fmt.Fprintln(stderr, err)
		}
		return exitInput
	}
	f.seed = pickSeed(f.seed)
	// What would throw a finished simulation away is checked first.
	if err := f.checkOut(); err != nil {
		return bad("%v", err)
	}
	cfg := req.Config(v.Config, p, f.alwaysOpen, uint64(f.seed))
	var newChecker func() traffic.Checker
	if f.check {
		newChecker = traffic.NewChecker
	}

	var interrupted atomic.Bool
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			interrupted.Store(true)
		}
	}()
	cfg.Stop = interrupted.Load
	prog := newSimProgress(stderr, int64(f.replications)*int64(duration+f.warmup.Truncate(time.Hour)+time.Hour-1))
	cfg.Progress = prog.step
	console := stdout
	if f.json {
		console = stderr
	}
	fmt.Fprintf(console, "simulating %s with %s: %s x %d replications, seed %d\n", v.Config.Name, f.traffic, duration, f.replications, f.seed)

	// The simulations keep little memory (it follows open chats) but make
	// a lot of short-lived garbage: collecting less often spares about a
	// tenth of the CPU (docs/benchmarks.md).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	start := time.Now()
	var sum *traffic.Summary
	if f.findStaffing {
		_, sum, err = traffic.FindStaffing(cfg, f.replications, wb.Assessed(), f.maxRuns, newChecker, func(run int) {
			prog.reset()
		})
	} else {
		var rs []*traffic.Result
		rs, err = traffic.RunReplications(cfg, f.replications, newChecker)
		if err == nil {
			sum = traffic.Summarise(cfg, rs, wb.Assessed(), time.Since(start))
		}
	}
	prog.finish()
	if err != nil {
		if errors.Is(err, traffic.ErrInterrupted) {
			fmt.Fprintln(stderr, "routecheck simulate: interrupted")
			return exitInterrupted
		}
		fmt.Fprintln(stderr, "routecheck simulate:", err)
		return exitHarness
	}
	sum.WallS = time.Since(start).Seconds()
	// The verdict line says PASS exactly when this is 0.
	code := exitPass
	if !sum.Pass {
		code = exitFail
	}
	rep := simReport{runHeader{Command: "simulate", ExitCode: code, Rerun: f.rerun, StartedAt: start.UTC().Truncate(time.Second)}, sum}
	dir, note, err := f.open("simulate-"+v.Config.ID, f.seed, start)
	if err == nil && dir != "" {
		err = writeSimReports(dir, rep, v.Config.Name, f.traffic)
	}
	if err == nil {
		err = f.done(dir)
	}
	if err != nil {
		fmt.Fprintln(stderr, "routecheck simulate:", err)
		return exitHarness
	}
	// The verdict stays the last line: what it needs said comes before it.
	var before []string
	if note != "" {
		before = append(before, "note: "+note)
	}
	if code != exitPass {
		before = append(before, "repeat with: "+f.rerun)
	}
	if dir != "" {
		before = append(before, fmt.Sprintf("reports: %s/{report.html,report.json,junit.xml}", dir))
	}
	sum.WriteText(console, before...)
	if f.json {
		_ = writeSimJSON(stdout, rep)
	}
	return code
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// simProgress draws a progress bar on stderr when it is a terminal and the
// run has taken more than a second; otherwise it draws nothing.
type simProgress struct {
	mu      sync.Mutex
	out     io.Writer
	tty     bool
	total   int64
	done    int64
	started time.Time
	bar     *progressbar.ProgressBar
}

func newSimProgress(w io.Writer, total int64) *simProgress {

	return &simProgress{out: w, tty: term.IsTerminal(w), total: total, started: time.Now()}
}

// step is Config.Progress: done is one replication's virtual time so far.
// Replications call it from their own goroutines; the hour steps of each
// add up to its length, so the sum of steps is the work done.
func (p *simProgress) step(d time.Duration) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if d > 0 {
		p.done += int64(time.Hour)
	}
	if p.bar == nil {
		if time.Since(p.started) < time.Second {
			return
		}
		p.bar = progressbar.NewOptions64(p.total/int64(time.Hour), progressbar.OptionSetWriter(p.out),
			progressbar.OptionSetDescription("simulating (virtual hours)"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
	}
	_ = p.bar.Set64(p.done / int64(time.Hour))
}

// reset starts over for the staffing search's next simulation.
func (p *simProgress) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = 0
}

func (p *simProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
