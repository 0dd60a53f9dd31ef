package traffic

import (
	"fmt"
	"io"
	wb "routecheck/sim/workbench"
	"sort"
	"strings"
	"time"
)

// PercentText is a proportion as a percentage, or "not measured".
func (iv Interval) PercentText() string {
	if !iv.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%.1f%%", 100*iv.Mean)
}

// SecondsText is a duration in seconds, or "not measured".
func (iv Interval) SecondsText() string {
	if !iv.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%.1f s", iv.Mean)
}

// ci is an interval's ends, clipped as the figure is.
func ci(i Interval, scale float64, unit string) string {
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

func shareText(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

// WriteText prints the projection as routecheck simulate does; before are
// lines to print just before the verdict, which is the last line (the
// exit code follows it).
func (s *Summary) WriteText(w io.Writer, before ...string) {
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
			fmt.Fprintf(w, "  %s pickup (接起率)             %s%s  (>= %.0f%%)\n", m, s.CI.PickupRate.PercentText(), ci(s.CI.PickupRate, 100, "%"), 100*v.Threshold)
		case "first_response_s":
			fmt.Fprintf(w, "  %s first response (首响时长)    %s%s  (< %.0f s)\n", m, s.CI.FirstResponseS.SecondsText(), ci(s.CI.FirstResponseS, 1, " s"), v.Threshold)
		case "satisfaction":
			fmt.Fprintf(w, "  %s satisfaction (即时满意度)    %s%s  (>= %.0f%%)\n", m, s.CI.Satisfaction.PercentText(), ci(s.CI.Satisfaction, 100, "%"), 100*v.Threshold)
		}
	}
	fmt.Fprintf(w, "  of %d service requests: %d picked up, %d abandoned in the queue (%s), %d outside the work hours (%s; the bot gave the hotline)",
		k.ServiceRequests, k.PickedUp, k.AbandonedInQueue, shareText(k.AbandonedInQueue, k.ServiceRequests), k.OutsideHours, shareText(k.OutsideHours, k.ServiceRequests))
	if k.NobodyOnline > 0 {
		fmt.Fprintf(w, ", %d with nobody 在线 (%s)", k.NobodyOnline, shareText(k.NobodyOnline, k.ServiceRequests))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  in the work hours: pickup %s%s of %d requests, mean wait in queue %.1f s%s, utilisation %.1f%%\n",
		s.CI.PickupInHours.PercentText(), ci(s.CI.PickupInHours, 100, "%"), k.InHours, s.MeanWaitS, ci(s.CI.MeanWaitS, 1, " s"), 100*s.Utilisation)
	fmt.Fprintf(w, "per calendar day (%s):\n", s.Zone)
	for _, d := range s.Days {
		hours := ""
		if d.Hours != 24 {
			hours = fmt.Sprintf(" (%d h)", d.Hours)
		}
		fmt.Fprintf(w, "  %s %s%s  %6d requests  pickup %6s (in hours %6s)  first response %s  satisfaction %s  wait %s%s\n",
			mark(d.Pass), d.Label, hours, d.Requests, d.PickupRate.PercentText(), d.PickupInHours.PercentText(), d.FirstResponseS.SecondsText(), d.Satisfaction.PercentText(), d.MeanWaitS.SecondsText(), missed(d))
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
		st.WriteText(w)
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

// causeTitle names the KPI a cause is about, or the run.
func causeTitle(c Cause) string {
	if t := kpiName(c.KPI); t != c.KPI {
		return t
	}
	return "run"
}

func missed(p Period) string {
	if p.Pass {
		return ""
	}
	return "  missed: " + strings.Join(p.Missed, ", ")
}

// WriteText prints the staffing per hour of the week as a table.
func (st *Staffing) WriteText(w io.Writer) {
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
		fmt.Fprintf(w, "  agents cannot meet %s in %s: %s\n", causeTitle(Cause{KPI: u.KPI}), u.Hours, u.Reason)
	}
}
