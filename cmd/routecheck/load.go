package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"routecheck/fixtures"
	"routecheck/sim/load"
)

// loadFlags are routecheck load's flags, parsed before runLoad.
type loadFlags struct {
	customers, agents, capacity int
	duration, ramp, hold        time.Duration
	think, reply, drain         time.Duration
	rate                        string
	target, faults              string
	outFlags
	seed                      int64
	rerun                     string
	json                      bool
	export                    string
	findMax                   bool
	cpuProfile                string
	serveBundled              string
	agentsOnly                bool
	vendor, opsLogin, opsPass string
	agentLogin, agentPass     string
}

const loadSummary = `Drive the bundled workbench (or --target) with real WebSocket customers and agents and audit
every chat message: sent, delivered, lost, duplicated, out of order (each must be 0), the
routing invariants over the event log, latency from HDR histograms. Reports: report.json,
report.html, junit.xml in --out. With --rate, latency counts from each action's scheduled
time (coordinated-omission correction, as wrk2 and vegeta do).`

const loadExamples = `  routecheck load --customers 200 --agents 50 --capacity 5 --duration 30s --ramp 10s
  routecheck load --customers 1000 --agents 250 --rate 100/s --duration 20s --json
  routecheck load --customers 100 --agents 30 --faults agent-drop:5%,customer-reconnect:10%,net-delay:50ms±20ms
  routecheck load --find-max --agents 400 --capacity 5 --cpuprofile cpu.out
  routecheck load --customers 500 --agents 100 --export artillery --out artillery/
`

func newLoadCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var f loadFlags
	cmd := &cobra.Command{
		Use:     "load [flags]",
		Short:   "thousands of WebSocket actors against the workbench, every message audited",
		Long:    loadSummary,
		Example: loadExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			f.parse(cmd)
			f.seed = pickSeed(f.seed)
			f.rerun = rerunOf(cmd, f.seed)
			*code = runLoad(ctx, f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.IntVar(&f.customers, "customers", 100, "customers who arrive, ask for a human (转人工), chat and leave")
	fs.IntVar(&f.agents, "agents", 25, "agents who log in, go 在线 and answer")
	fs.IntVar(&f.capacity, "capacity", 5, "each agent's maximum concurrent chats (bundled workbench, R-CAP-1)")
	fs.DurationVar(&f.duration, "duration", 20*time.Second, "how long the load lasts after the ramp")
	fs.DurationVar(&f.ramp, "ramp", 5*time.Second, "customers arrive evenly over this time")
	fs.StringVar(&f.rate, "rate", "", "fixed arrival rate instead of the ramp, e.g. 100/s (latency corrected for coordinated omission)")
	fs.DurationVar(&f.hold, "hold", 0, "how long each customer chats once assigned (0: until the end)")
	fs.DurationVar(&f.think, "think", 2*time.Second, "a customer's pause between messages (±50%)")
	fs.DurationVar(&f.reply, "reply", 300*time.Millisecond, "an agent's pause before replying (±50%)")
	fs.DurationVar(&f.drain, "drain", 10*time.Second, "after the load, how long to wait at most for messages on their way")
	fs.StringVar(&f.target, "target", "", "base URL of a workbench serving the load vendor (default: start the bundled one on loopback)")
	fs.StringVar(&f.faults, "faults", "", "faults to inject, e.g. agent-drop:5%,customer-reconnect:10%,slow-reader:1%,net-delay:50ms±20ms,net-reset:2%,shutdown:50%")
	seedFlag(fs, &f.seed, "arrivals, pauses and fault choices")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON on stdout (progress goes to stderr)")
	addOutFlags(fs, &f.outFlags)
	fs.StringVar(&f.export, "export", "", "write a scenario for another load engine instead of running: artillery")
	fs.BoolVar(&f.findMax, "find-max", false, "ramp the customers up (agents × capacity at most) to the largest load with p99 assignment under 50 ms")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "with --find-max: write a CPU profile of the largest passing step here")
	fs.StringVar(&f.serveBundled, "serve-bundled", "", "only serve the load vendor's bundled workbench on this loopback address (for a generator in another process with --target)")
	fs.StringVar(&f.vendor, "vendor-id", load.DefaultVendor, "with --target: the vendor whose bot page the customers open")
	fs.StringVar(&f.opsLogin, "ops-login", load.DefaultOpsLogin, "with --target: an operations account (makes the test customers' entry links, reads the event log)")
	fs.StringVar(&f.opsPass, "ops-password", load.DefaultLoadPassword, "its password, or ${NAME} to read it from the environment (default: the bundled load vendor's)")
	markSecret(fs, "ops-password")
	fs.StringVar(&f.agentLogin, "agent-login", load.DefaultAgentLogin, "with --target: agent logins, %d is the agent's number from 1")
	fs.StringVar(&f.agentPass, "agent-password", load.DefaultLoadPassword, "the agents' password, or ${NAME} from the environment (default: the bundled load vendor's)")
	markSecret(fs, "agent-password")
	fs.BoolVar(&f.agentsOnly, "agents-only", false, "only log the agents in on --target and answer for --ramp + --duration (for customers driven by another engine)")
	return cmd
}

// parseRate reads "100/s", "100" or "6000/m" as customers per second.
func parseRate(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	num, unit, _ := strings.Cut(s, "/")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("--rate %q: want customers per second, e.g. 100/s or 6000/m", s)
	}
	switch unit {
	case "", "s":
	case "m":
		v /= 60
	default:
		return 0, fmt.Errorf("--rate %q: unit must be /s or /m", s)
	}
	return v, nil
}

// runLoad runs, exports or searches; exit codes as every command's.
func runLoad(ctx context.Context, f loadFlags, stdout, stderr io.Writer) int {
	f.seed = pickSeed(f.seed)
	for _, pw := range []struct {
		flag string
		v    *string
	}{{"--ops-password", &f.opsPass}, {"--agent-password", &f.agentPass}} {
		v, ok := fixtures.ExpandEnvRef(*pw.v)
		if !ok {
			fmt.Fprintf(stderr, "routecheck load: %s %s: not set in the environment (or empty); export it first (D-SEC-1)\n", pw.flag, *pw.v)
			return exitInput
		}
		*pw.v = v
	}
	rate, err := parseRate(f.rate)
	if err != nil {
		fmt.Fprintln(stderr, "routecheck load:", err)
		return exitInput
	}
	faults, err := load.ParseFaults(f.faults)
	if err != nil {
		fmt.Fprintln(stderr, "routecheck load:", err)
		return exitInput
	}
	console := stdout
	if f.json {
		console = stderr
	}
	cfg := load.Config{Target: f.target, Customers: f.customers, Agents: f.agents, Capacity: f.capacity,
		Duration: f.duration, Ramp: f.ramp, Rate: rate, Hold: f.hold, Think: f.think, Reply: f.reply, Drain: f.drain,
		Seed: f.seed, Faults: faults, Progress: stderr, Vendor: f.vendor, OpsLogin: f.opsLogin, OpsPassword: f.opsPass,
		AgentLogin: f.agentLogin, AgentPassword: f.agentPass}
	if strings.Count(f.agentLogin, "%d") != 1 || strings.Count(f.agentLogin, "%") != 1 {
		fmt.Fprintf(stderr, "routecheck load: --agent-login %q must contain %%d once (the agent's number), e.g. load-agent-%%d\n", f.agentLogin)
		return exitInput
	}
	if f.serveBundled != "" {
		return loadExit(ctx, load.ServeBundled(ctx, cfg, f.serveBundled, stderr), stderr, "routecheck load")
	}
	if f.agentsOnly {
		return loadExit(ctx, load.RunAgents(ctx, cfg, console), stderr, "routecheck load")
	}
	switch f.export {
	case "":
	case "artillery":
		if err := f.checkOut(); err != nil {
			fmt.Fprintln(stderr, "routecheck load:", err)
			return exitInput
		}
		dir, _, err := f.open("artillery", f.seed, time.Now())
		if err != nil {
			fmt.Fprintln(stderr, "routecheck load --export artillery:", err)
			return exitHarness
		}
		return exportArtillery(cfg, dir, console, stderr)
	default:
		fmt.Fprintf(stderr, "routecheck load: --export %q: the one engine supported is artillery\n", f.export)
		return exitInput
	}
	// What would throw a finished run away is checked before it starts.
	if err := cfg.Validate(); err != nil {
		return loadExit(ctx, err, stderr, "routecheck load")
	}
	if err := f.checkOut(); err != nil {
		fmt.Fprintln(stderr, "routecheck load:", err)
		return exitInput
	}
	var rep *load.Report
	if f.findMax {
		rep, _, err = load.FindMax(ctx, cfg, f.cpuProfile) // steps are printed as they end
	} else {
		rep, err = load.Run(ctx, cfg)
	}
	if err != nil {
		return loadExit(ctx, err, stderr, "routecheck load")
	}
	code := exitPass
	switch {
	case ctx.Err() != nil:
		code = exitInterrupted
	case !rep.Pass:
		code = exitFail
	}
	rep.ExitCode, rep.Interrupted, rep.Rerun = code, ctx.Err() != nil, f.rerun
	dir, note, err := f.open("load", f.seed, rep.Started)
	if err == nil && dir != "" {
		err = rep.WriteFiles(dir)
	}
	if err == nil {
		err = f.done(dir)
	}
	if err != nil {
		fmt.Fprintln(stderr, "routecheck load: reports:", err)
		return exitHarness
	}
	if f.json {
		_ = rep.WriteJSON(stdout)
	} else {
		rep.WriteSummary(stdout)
	}
	if note != "" {
		fmt.Fprintln(console, "note:", note)
	}
	if !rep.Pass && f.rerun != "" {
		fmt.Fprintln(console, "repeat with:", f.rerun)
	}
	if dir != "" {
		fmt.Fprintf(console, "reports: %s/{report.html,report.json,junit.xml}\n", dir)
	}
	return code
}

func exportArtillery(cfg load.Config, out string, console, stderr io.Writer) int {
	path, err := load.ExportArtillery(cfg, out)
	if err != nil {
		return loadExit(context.Background(), err, stderr, "routecheck load --export artillery")
	}
	fmt.Fprintf(console, "artillery scenario: %s (run: npx artillery run %s)\n", path, path)
	return exitPass
}

// loadExit is the exit code of a load run's error, said once on stderr: bad
// input 2, an interrupt 130, any other trouble of the harness 3; nil is 0.
func loadExit(ctx context.Context, err error, stderr io.Writer, who string) int {
	switch {
	case err == nil:
		return exitPass
	case errors.Is(err, load.ErrInput):
		fmt.Fprintln(stderr, who+":", err)
		return exitInput
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, who+": interrupted")
		return exitInterrupted
	}
	fmt.Fprintln(stderr, who+":", err)
	return exitHarness
}
