package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"routecheck/sim/traffic"
	wb "routecheck/sim/workbench"
)

const erlangExamples = `  routecheck erlang --per-hour 300 --service 6m --patience 2m --agents 20 --capacity 3
  routecheck erlang --per-hour 300 --service 6m --patience 2m     # fewest agents for 接起率 >= 90%
  routecheck erlang --per-hour 300 --service 6m --agents 40 --json
`

// erlangOut is the --json shape of routecheck erlang.
type erlangOut struct {
	PerHour      float64               `json:"per_hour"`
	ServiceS     float64               `json:"service_s"`
	PatienceS    float64               `json:"patience_s"` // 0: infinite
	Capacity     int                   `json:"capacity"`
	Agents       int                   `json:"agents,omitempty"`
	Result       *traffic.ErlangResult `json:"result,omitempty"`
	FewestAgents int                   `json:"fewest_agents"` // for pickup >= min_pickup; 0: none up to max
	MinPickup    float64               `json:"min_pickup"`
	AtFewest     traffic.ErlangResult  `json:"at_fewest"`
}

type erlangFlags struct {
	perHour, minPickup          float64
	service, patience           time.Duration
	agents, capacity, maxAgents int
	json                        bool
}

func newErlangCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var f erlangFlags
	cmd := &cobra.Command{
		Use:   "erlang [flags]",
		Short: "Erlang-A answer: pickup, abandonment, wait, fewest agents",
		Long: "Erlang-A (M/M/n+M) queueing answer: pickup (接起率), abandonment and mean wait for a\n" +
			"rate of service requests, a mean chat duration and a mean patience in the queue, with\n" +
			"n = agents x capacity places (R-CAP-1), and the fewest agents for pickup >= 90% (R-KPI-1).",
		Example: erlangExamples,
		Args:    noArgs,
		Run:     func(*cobra.Command, []string) { *code = erlangAnswer(f, stdout, stderr) },
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.Float64Var(&f.perHour, "per-hour", 0, "service requests per hour (required)")
	fs.DurationVar(&f.service, "service", 6*time.Minute, "mean chat duration, pickup to end")
	fs.DurationVar(&f.patience, "patience", 2*time.Minute, "mean patience in the queue; 0 means nobody gives up (Erlang-C)")
	fs.IntVar(&f.agents, "agents", 0, "agents on duty; 0: only the staffing answer")
	fs.IntVar(&f.capacity, "capacity", wb.DefaultCapacity, "chats per agent (1V3 = 3; R-CAP-1)")
	fs.Float64Var(&f.minPickup, "min-pickup", wb.Assessed().MinPickupRate, "pickup rate the staffing answer must reach")
	fs.IntVar(&f.maxAgents, "max-agents", 5000, "largest staffing to try")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	return cmd
}

// erlangAnswer is the analytic answer: Erlang-A (M/M/n·c+M) for a rate,
// handling time, patience and staffing; no simulation.
func erlangAnswer(f erlangFlags, stdout, stderr io.Writer) int {
	perHour, service, patience, agents, capacity := &f.perHour, &f.service, &f.patience, &f.agents, &f.capacity
	minPickup, maxAgents, asJSON := &f.minPickup, &f.maxAgents, &f.json
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "routecheck erlang: "+format+" (see routecheck erlang --help)\n", a...)
		return exitInput
	}
	switch {
	case !(*perHour > 0):
		return bad("--per-hour must be above 0, e.g. --per-hour 300")
	case *service <= 0:
		return bad("--service must be above 0, e.g. --service 6m")
	case *patience < 0:
		return bad("--patience must not be negative; 0 means infinite")
	case *capacity < 1 || *capacity > wb.MaxCapacity:
		return bad("--capacity must be 1..%d (R-CAP-1), got %d", wb.MaxCapacity, *capacity)
	case *agents < 0 || *maxAgents < 1:
		return bad("--agents must not be negative and --max-agents at least 1")
	case *minPickup <= 0 || *minPickup >= 1:
		return bad("--min-pickup is a fraction between 0 and 1, e.g. 0.9")
	}
	q := traffic.ErlangA{PerHour: *perHour, MeanService: service.Seconds(), MeanPatience: patience.Seconds()}
	out := erlangOut{PerHour: *perHour, ServiceS: q.MeanService, PatienceS: q.MeanPatience, Capacity: *capacity,
		Agents: *agents, MinPickup: *minPickup}
	if *agents > 0 {
		q.Servers = *agents * *capacity
		r, err := q.Solve()
		if err != nil {
			fmt.Fprintf(stderr, "%s (see routecheck erlang --help)\n", errorLine("routecheck erlang", err))
			return exitInput
		}
		out.Result = &r
	}
	out.FewestAgents, out.AtFewest = traffic.FewestAgents(q, *capacity, *minPickup, *maxAgents)
	if *asJSON {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return exitPass
	}
	fmt.Fprintf(stdout, "Erlang-A: %.6g requests/h, chats of %s on average, patience %s, 1V%d\n",
		*perHour, *service, patienceText(*patience), *capacity)
	fmt.Fprintf(stdout, "offered load %.2f Erlangs\n", *perHour/3600*q.MeanService)
	if out.Result != nil {
		writeErlang(stdout, fmt.Sprintf("%d agents (%d places)", *agents, q.Servers), *out.Result)
	}
	if out.FewestAgents == 0 {
		fmt.Fprintf(stdout, "no staffing up to %d agents reaches pickup %.0f%%\n", *maxAgents, *minPickup*100)
		return exitPass
	}
	writeErlang(stdout, fmt.Sprintf("fewest agents for pickup >= %.0f%%: %d (%d places)", *minPickup*100, out.FewestAgents, out.AtFewest.Servers), out.AtFewest)
	return exitPass
}

func patienceText(d time.Duration) string {
	if d == 0 {
		return "infinite"
	}
	return d.String()
}

func writeErlang(w io.Writer, title string, r traffic.ErlangResult) {
	fmt.Fprintf(w, "%s\n  %7.2f%%   pickup (接起率)\n  %7.2f%%   abandonment (排队放弃率)\n  %7.2f%%   wait at all\n  %7.1f s  mean wait in queue\n  %8.2f   mean queue length\n  %7.2f%%   utilisation of the places\n",
		title, r.PickupRate*100, r.AbandonmentRate*100, r.PWait*100, r.MeanWaitS, r.MeanQueue, r.Utilisation*100)
}
