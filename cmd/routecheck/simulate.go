package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
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
	switch {
	case f.traffic == "":
		return bad("--traffic is required, e.g. --traffic demo or --traffic my-traffic.yaml (routecheck init --traffic writes one)")
	case f.days != 0 && f.hours != 0:
		return bad("give --days or --hours, not both")
	case f.days < 0 || f.hours < 0 || f.days > 3660 || f.hours > 3660*24:
		return bad("--days is 1..3660 and --hours 1..87840")
	case f.agents < 0 || f.agents > 5000:
		return bad("--agents is 0..5000, got %d", f.agents)
	case f.capacity < 0 || f.capacity > wb.MaxCapacity:
		return bad("--capacity must be 1..%d (R-CAP-1; 1V6 is the recommended maximum), got %d", wb.MaxCapacity, f.capacity)
	case f.findStaffing && f.capacity > wb.AdvisedCapacity:
		return bad("--find-staffing staffs agents of capacity up to 1V%d (R-CAP-1), got --capacity %d", wb.AdvisedCapacity, f.capacity)
	case f.replications < 1 || f.replications > 1000:
		return bad("--replications is 1..1000, got %d", f.replications)
	case f.findStaffing && f.replications < 2:
		return bad("--find-staffing needs --replications of at least 2 to state a confidence")
	case f.maxRuns < 1:
		return bad("--max-simulations is at least 1")
	case f.warmup < 0:
		return bad("--warmup must not be negative")
	}
	duration := 7 * 24 * time.Hour
	if f.days > 0 {
		duration = time.Duration(f.days) * 24 * time.Hour
	}
	if f.hours > 0 {
		duration = time.Duration(f.hours) * time.Hour
	}
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
	cfg := traffic.Config{Vendor: v.Config, Profile: p, Duration: duration, Warmup: f.warmup, Agents: f.agents,
		Capacity: f.capacity, AlwaysOpen: f.alwaysOpen, Seed: uint64(f.seed)}
	if f.findStaffing && cfg.Capacity == 0 {
		cfg.Capacity = wb.DefaultCapacity
	}
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
		_, sum, err = traffic.FindStaffing(cfg, f.replications, wb.Assessed, f.maxRuns, newChecker, func(run int) {
			prog.reset()
		})
	} else {
		var rs []*traffic.Result
		rs, err = traffic.RunReplications(cfg, f.replications, newChecker)
		if err == nil {
			sum = traffic.Summarise(cfg, rs, wb.Assessed, time.Since(start))
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
	writeSimText(console, sum, before...)
	if f.json {
		_ = writeSimJSON(stdout, rep)
	}
	return code
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// rate is a proportion as a percentage, or "not measured".
func rate(iv traffic.Interval) string {
	if !iv.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%.1f%%", 100*iv.Mean)
}

func secs(iv traffic.Interval) string {
	if !iv.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%.1f s", iv.Mean)
}

// ci is an interval's ends, clipped as the figure is.
func ci(i traffic.Interval, scale float64, unit string) string {
	if !i.Bounded {
		return ""
	}
	return fmt.Sprintf(" [%.1f, %.1f]%s", i.Low*scale, i.High*scale, unit)
}

func mark(ok bool) string {
	if ok {
		return "✔"
	}
	return "✘"
}

func share(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

// writeSimText prints the projection; its last line is the verdict, which
// the exit code follows.
func writeSimText(w io.Writer, s *traffic.Summary, before ...string) {
	k := s.KPIs
	fmt.Fprintf(w, "%d service requests from %d visitors, %d core events in %.1f s\n", k.ServiceRequests, s.Visitors, s.Events, s.WallS)
	fmt.Fprintf(w, "work hours %s (%s)\n", s.WorkHours, s.Zone)
	fmt.Fprintf(w, "KPIs (R-KPI-1) as assessed, pooled over %d replications, 95%% CI across them:\n", s.Replications)
	for _, v := range s.Verdicts {
		m := mark(v.Pass)
		if !v.Measured {
			m = "–"
		}
		switch v.Name {
		case "pickup_rate":
			fmt.Fprintf(w, "  %s pickup (接起率)             %s%s  (>= %.0f%%)\n", m, rate(s.CI.PickupRate), ci(s.CI.PickupRate, 100, "%"), 100*v.Threshold)
		case "first_response_s":
			fmt.Fprintf(w, "  %s first response (首响时长)    %s%s  (< %.0f s)\n", m, secs(s.CI.FirstResponseS), ci(s.CI.FirstResponseS, 1, " s"), v.Threshold)
		case "satisfaction":
			fmt.Fprintf(w, "  %s satisfaction (即时满意度)    %s%s  (>= %.0f%%)\n", m, rate(s.CI.Satisfaction), ci(s.CI.Satisfaction, 100, "%"), 100*v.Threshold)
		}
	}
	fmt.Fprintf(w, "  of %d service requests: %d picked up, %d abandoned in the queue (%s), %d outside the work hours (%s; the bot gave the hotline)",
		k.ServiceRequests, k.PickedUp, k.AbandonedInQueue, share(k.AbandonedInQueue, k.ServiceRequests), k.OutsideHours, share(k.OutsideHours, k.ServiceRequests))
	if k.NobodyOnline > 0 {
		fmt.Fprintf(w, ", %d with nobody 在线 (%s)", k.NobodyOnline, share(k.NobodyOnline, k.ServiceRequests))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  in the work hours: pickup %s%s of %d requests, mean wait in queue %.1f s%s, utilisation %.1f%%\n",
		rate(s.CI.PickupInHours), ci(s.CI.PickupInHours, 100, "%"), k.InHours, s.MeanWaitS, ci(s.CI.MeanWaitS, 1, " s"), 100*s.Utilisation)
	fmt.Fprintf(w, "per calendar day (%s):\n", s.Zone)
	for _, d := range s.Days {
		hours := ""
		if d.Hours != 24 {
			hours = fmt.Sprintf(" (%d h)", d.Hours)
		}
		fmt.Fprintf(w, "  %s %s%s  %6d requests  pickup %6s (in hours %6s)  first response %s  satisfaction %s  wait %s%s\n",
			mark(d.Pass), d.Label, hours, d.Requests, rate(d.PickupRate), rate(d.PickupInHours), secs(d.FirstResponseS), rate(d.Satisfaction), secs(d.MeanWaitS), missed(d))
	}
	if lines := s.MissingHours(); len(lines) > 0 {
		fmt.Fprintln(w, "hours of the week missing a threshold (work hours; by the hour they do not fail the run, D-SIM-3):")
		if s.Staffing != nil {
			fmt.Fprintln(w, "  (each hour: every simulation of its answer's count, pooled)")
		}
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if st := s.Staffing; st != nil {
		writeStaffing(w, st)
	}
	for _, v := range s.Violations {
		fmt.Fprintf(w, "  ✘ invariant: %s\n", v)
	}
	for _, c := range s.Causes {
		fmt.Fprintf(w, "✘ %s (%s): %s\n    fix: %s\n", causeTitle(c), c.Kind, c.Text, c.Fix)
	}
	for _, l := range before {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, s.Verdict)
}

func causeTitle(c traffic.Cause) string {
	switch c.KPI {
	case "pickup_rate":
		return "pickup (接起率)"
	case "first_response_s":
		return "first response (首响时长)"
	case "satisfaction":
		return "satisfaction (即时满意度)"
	}
	return "run"
}

func missed(p traffic.Period) string {
	if p.Pass {
		return ""
	}
	return "  missed: " + strings.Join(p.Missed, ", ")
}

func writeStaffing(w io.Writer, st *traffic.Staffing) {
	fmt.Fprintf(w, "staffing: fewest agents (1V%d) per hour of the week after %d simulations of %d replications; every count below was simulated in the last one\n", st.Capacity, st.Runs, st.Replications)
	fmt.Fprintf(w, "  confidence: %s\n", st.Confidence)
	fmt.Fprint(w, "       ")
	for h := range 24 {
		fmt.Fprintf(w, "%3d", h)
	}
	fmt.Fprintln(w)
	counts := map[string]int{}
	for d := range 7 {
		fmt.Fprintf(w, "  %s ", wb.WeekdayName(time.Weekday((d+1)%7)))
		for h := range 24 {
			i := d*24 + h
			hs := st.Hours[i]
			counts[hs.Status]++
			switch hs.Status {
			case "closed":
				fmt.Fprint(w, "  ·")
			case "no traffic":
				fmt.Fprint(w, "  0")
			case "not simulated":
				fmt.Fprint(w, "  -")
			default:
				flag := " "
				switch hs.Status {
				case "short":
					flag = "!"
				case "undecided":
					flag = "?"
				}
				fmt.Fprintf(w, "%2d%s", st.Agents[i], flag)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  %d hours confirmed (one fewer was short); · = closed (outside the work hours: no agents, the bot gives the hotline)", counts["ok"])
	if counts["not simulated"] > 0 {
		fmt.Fprint(w, "; - = not in the simulated span (simulate whole weeks)")
	}
	fmt.Fprintln(w)
	if counts["undecided"] > 0 {
		reasons := map[string]int{}
		for _, hs := range st.Hours {
			if hs.Status == "undecided" {
				reasons[hs.Reason]++
			}
		}
		var parts []string
		for r, n := range reasons {
			parts = append(parts, fmt.Sprintf("%d: %s", n, r))
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "  ? = %d hours undecided, the count is the fewest that met the thresholds or the best guess (%s); simulate more --days or --replications\n", counts["undecided"], strings.Join(parts, "; "))
	}
	if counts["short"] > 0 {
		fmt.Fprintf(w, "  ! = %d hours still short at that count\n", counts["short"])
	}
	for _, u := range st.Unreachable {
		fmt.Fprintf(w, "  agents cannot meet %s in %s: %s\n", causeTitle(traffic.Cause{KPI: u.KPI}), u.Hours, u.Reason)
	}
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
