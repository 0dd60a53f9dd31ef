package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"routecheck/internal/term"

	"routecheck/fixtures"
	"routecheck/sim/traffic"
	wb "routecheck/sim/workbench"
)

const simulateExamples = `  routecheck simulate --traffic fixtures/traffic/demo.yaml                       # a week of the demo vendor
  routecheck simulate --traffic fixtures/traffic/pure-queueing.yaml --always-open --agents 10 --capacity 3 --days 30
  routecheck simulate --traffic fixtures/traffic/demo.yaml --find-staffing --capacity 3 --out reports/out/staffing
  routecheck simulate --traffic fixtures/traffic/demo.yaml --seed 42 --json      # repeat a run exactly
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
		Use:   "simulate --traffic FILE [flags]",
		Short: "project KPIs under a traffic profile in virtual time; --find-staffing",
		Long: "Simulates days or months of traffic in virtual time on the workbench core and projects the\n" +
			"R-KPI-1 figures (pickup >= 90%, first response < 30 s, satisfaction >= 70%) per day and per hour of\n" +
			"the week, with 95% confidence intervals across replications run on all cores. Exit 1 when the\n" +
			"whole run or a day misses a threshold. --find-staffing answers how many agents each hour needs.",
		Example: simulateExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			f.parse(cmd)
			f.seed = pickSeed(f.seed)
			f.rerun = rerunOf(cmd, f.seed)
			*code = simulate(f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture (work hours, agents, capacity)")
	fs.StringVar(&f.traffic, "traffic", "", "traffic profile YAML (required), e.g. fixtures/traffic/demo.yaml")
	fs.IntVar(&f.days, "days", 0, "simulated days per replication (default 7)")
	fs.IntVar(&f.hours, "hours", 0, "simulated hours per replication, instead of --days")
	fs.IntVar(&f.agents, "agents", 0, "simulate this many agents instead of the vendor's (on duty in work hours)")
	fs.IntVar(&f.capacity, "capacity", 0, "chats per agent for every agent (R-CAP-1: 1V3 = 3); 0 keeps the configured")
	fs.BoolVar(&f.alwaysOpen, "always-open", false, "ignore work hours and shifts: every agent 在线 all the time")
	seedFlag(fs, &f.seed, "arrivals and every choice")
	fs.IntVar(&f.replications, "replications", 4, "independent replications (seeds seed..seed+R-1), run on all cores")
	fs.BoolVar(&f.json, "json", false, "print the result as JSON on stdout")
	addOutFlags(fs, &f.outFlags)
	fs.BoolVar(&f.findStaffing, "find-staffing", false, "find the fewest agents per hour of the week meeting every threshold")
	fs.IntVar(&f.maxRuns, "max-simulations", 8, "simulations the staffing search may take")
	fs.BoolVar(&f.check, "check", false, "run the routing invariant checker on every event (it streams: months take seconds)")
	fs.DurationVar(&f.warmup, "warmup", time.Hour, "simulated time left out of the figures at the start (queues start empty)")
	completeVendor(cmd)
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
		return bad("--traffic is required, e.g. --traffic fixtures/traffic/demo.yaml")
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
	p, err := traffic.LoadProfile(f.traffic)
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
			sum = traffic.Summarise(rs, wb.Assessed, time.Since(start))
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
	writeSimText(console, sum)
	code := exitPass
	switch {
	case len(sum.Violations) > 0:
		code = exitFail
	case f.findStaffing:
		// Exit 1 when an hour is still short of agents; undecided hours
		// (too few requests to say) are listed, not failed.
		for _, short := range sum.Staffing.Short {
			if short {
				code = exitFail
			}
		}
	case !sum.Pass:
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
	if note != "" {
		fmt.Fprintln(console, "note:", note)
	}
	if code != exitPass {
		fmt.Fprintln(console, "repeat with:", f.rerun)
	}
	if dir != "" {
		fmt.Fprintf(console, "reports: %s/{report.html,report.json,junit.xml}\n", dir)
	}
	if f.json {
		_ = writeSimJSON(stdout, rep)
	}
	return code
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

func ci(i traffic.Interval, scale float64, unit string) string {
	if i.Low == i.High {
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

func writeSimText(w io.Writer, s *traffic.Summary) {
	k := s.KPIs
	fmt.Fprintf(w, "%d service requests from %d visitors, %d core events in %.1f s\n", k.ServiceRequests, s.Visitors, s.Events, s.WallS)
	fmt.Fprintf(w, "KPIs (R-KPI-1), pooled over %d replications, 95%% CI across them:\n", s.Replications)
	for _, v := range s.Verdicts {
		switch v.Name {
		case "pickup_rate":
			fmt.Fprintf(w, "  %s pickup (接起率)             %s%s  (>= %s)\n", mark(v.Pass), pct(v.Value), ci(s.CI.PickupRate, 100, "%"), pct(v.Threshold))
		case "first_response_s":
			fmt.Fprintf(w, "  %s first response (首响时长)    %.1f s%s  (< %.0f s)\n", mark(v.Pass), v.Value, ci(s.CI.FirstResponseS, 1, " s"), v.Threshold)
		case "satisfaction":
			fmt.Fprintf(w, "  %s satisfaction (即时满意度)    %s%s  (>= %s)\n", mark(v.Pass), pct(v.Value), ci(s.CI.Satisfaction, 100, "%"), pct(v.Threshold))
		}
	}
	fmt.Fprintf(w, "  abandonment (排队放弃率) %s, mean wait in queue %.1f s%s, utilisation %s\n",
		pct(k.AbandonmentRate), s.MeanWaitS, ci(s.CI.MeanWaitS, 1, " s"), pct(s.Utilisation))
	fmt.Fprintln(w, "per day:")
	for _, d := range s.Days {
		fmt.Fprintf(w, "  %s %s  %6d requests  pickup %6s  first response %5.1f s  satisfaction %6s  wait %6.1f s%s\n",
			mark(d.Pass), d.Label, d.Requests, pct(d.PickupRate.Mean), d.FirstResponseS.Mean, pct(d.Satisfaction.Mean), d.MeanWaitS.Mean, missed(d))
	}
	var bad []weekHour
	for _, h := range s.HoursOfWeek {
		if i, ok := hourOfWeek(h.Label); ok && !h.Pass && h.Requests > 0 {
			bad = append(bad, weekHour{i, strings.Join(h.Missed, ", ")})
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "hours of the week missing a threshold (%d): %s\n", len(bad), hourRanges(bad))
	}
	if st := s.Staffing; st != nil {
		writeStaffing(w, st)
	}
	for _, v := range s.Violations {
		fmt.Fprintf(w, "  ✘ invariant: %s\n", v)
	}
	verdict := "PASS: every threshold met overall and on every day"
	if !s.Pass {
		verdict = "FAIL: a threshold is missed (R-KPI-1); add agents in the hours above, raise capacity (R-CAP-1) or widen work hours (R-VEN-4) — routecheck simulate --find-staffing says how many"
	}
	fmt.Fprintln(w, verdict)
}

func missed(p traffic.Period) string {
	if p.Pass {
		return ""
	}
	return "  missed: " + strings.Join(p.Missed, ", ")
}

func writeStaffing(w io.Writer, st *traffic.Staffing) {
	fmt.Fprintf(w, "staffing: fewest agents (1V%d) per hour of the week after %d simulations; confidence: %s\n", st.Capacity, st.Runs, st.Confidence)
	fmt.Fprint(w, "       ")
	for h := range 24 {
		fmt.Fprintf(w, "%3d", h)
	}
	fmt.Fprintln(w)
	for d := range 7 {
		fmt.Fprintf(w, "  %s ", wb.WeekdayName(time.Weekday((d+1)%7)))
		for h := range 24 {
			i := d*24 + h
			flag := " "
			switch {
			case st.Short[i]:
				flag = "!"
			case st.Undecided[i]:
				flag = "?"
			case !st.Confirmed[i]:
				flag = "-"
			}
			fmt.Fprintf(w, "%2d%s", st.Agents[i], flag)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "  ? = too few requests that hour to state the confidence (simulate more --days or --replications);")
	fmt.Fprintln(w, "  ! = still short when the search stopped (raise --max-simulations); - = hour not simulated")
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
