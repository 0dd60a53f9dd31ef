package traffic

import (
	"fmt"
	"sort"
	"strings"
)

// Cause is one reason a simulation misses R-KPI-1, with what fixes it.
// Kind says who can fix it: "agents" (more agents or capacity), "hours"
// (the work hours, or the hotline that takes requests outside them),
// "reply speed" (how soon agents answer: more agents do not change it),
// "search" (the staffing search ran out of simulations) or "harness"
// (the simulation broke a routing invariant).
type Cause struct {
	KPI   string `json:"kpi,omitempty"`
	Kind  string `json:"kind"`
	Text  string `json:"text"`
	Fix   string `json:"fix"`
	Hours string `json:"hours,omitempty"` // the hours of the week concerned
}

// judge finds the causes of every missed threshold and writes the verdict
// line; Pass is false exactly when there is a cause, so the last line and
// the exit code agree.
func (s *Summary) judge() {
	s.Causes = nil
	th := s.Thresholds
	missed := map[string]bool{}
	for _, v := range s.Verdicts {
		if !v.Pass {
			missed[v.Name] = true
		}
	}
	var badDays []string
	for _, d := range s.Days {
		for _, m := range d.Missed {
			missed[m] = true
		}
		if !d.Pass {
			badDays = append(badDays, d.Label)
		}
	}
	hours := s.hoursMissing()
	if missed["pickup_rate"] {
		if s.KPIs.OutsideHours > 0 {
			share := float64(s.KPIs.OutsideHours) / float64(max(s.KPIs.ServiceRequests, 1))
			s.Causes = append(s.Causes, Cause{KPI: "pickup_rate", Kind: "hours",
				Text: fmt.Sprintf("%.1f%% of the service requests (%d) came outside the work hours (%s, %s) and got the hotline (D-RT-1): they count as not picked up, and no number of agents changes that",
					100*share, s.KPIs.OutsideHours, s.WorkHours, s.Zone),
				Fix: fmt.Sprintf("widen the work hours (R-VEN-4) where they come (%s), or take them on the hotline %s", s.busiestClosed(), s.Hotline)})
		}
		// The queue is to blame where the pickup of the requests made in
		// the work hours misses too: overall, or on a day that fails.
		inHoursShort := s.KPIs.InHours > 0 && s.KPIs.PickupInHours < th.MinPickupRate
		for _, d := range s.Days {
			inHoursShort = inHoursShort || !d.Pass && d.PickupInHours.Measured && d.PickupInHours.Mean < th.MinPickupRate
		}
		if inHoursShort || s.KPIs.OutsideHours == 0 && s.KPIs.NobodyOnline == 0 {
			text := fmt.Sprintf("in the work hours the queue picked up %.1f%% of %d requests", 100*s.KPIs.PickupInHours, s.KPIs.InHours)
			if h := hours["pickup_rate"]; h != "" {
				text += "; short in " + h
			}
			fix := "add agents in those hours (routecheck simulate --find-staffing says how many) or raise their capacity (R-CAP-1)"
			if s.Staffing != nil {
				fix = "staff the hours marked ? with one agent more, or simulate more --days or --replications to decide them"
			}
			s.Causes = append(s.Causes, Cause{KPI: "pickup_rate", Kind: "agents", Text: text, Hours: hours["pickup_rate"], Fix: fix})
		}
		if s.KPIs.NobodyOnline > 0 {
			var empty [HoursPerWeek]bool
			for _, p := range s.HoursOfWeek {
				empty[p.how] = p.NobodyOnline > 0
			}
			s.Causes = append(s.Causes, Cause{KPI: "pickup_rate", Kind: "agents", Hours: HourRanges(empty),
				Text: fmt.Sprintf("%d requests came in the work hours with nobody 在线 (D-RT-1), in %s", s.KPIs.NobodyOnline, HourRanges(empty)),
				Fix:  "put agents on duty in every work hour (shifts, breaks), or close those hours"})
		}
	}
	if missed["first_response_s"] {
		s.Causes = append(s.Causes, Cause{KPI: "first_response_s", Kind: "reply speed", Hours: hours["first_response_s"],
			Text: fmt.Sprintf("agents first reply %.1f s after pickup on average (the profile's first_reply); 首响时长 counts from pickup, so more agents do not change it", s.reach.MeanFirstReplyS),
			Fix:  "agents must answer within 30 s of taking a chat (常用语 quick replies help, R-QR-1)"})
	}
	if missed["satisfaction"] {
		if s.reach.SatisfactionAtNoWait < th.MinSatisfaction {
			s.Causes = append(s.Causes, Cause{KPI: "satisfaction", Kind: "reply speed", Hours: hours["satisfaction"],
				Text: fmt.Sprintf("even chats picked up at once are rated satisfied %.1f%% of the time: satisfaction falls with the time to the first reply", 100*s.reach.SatisfactionAtNoWait),
				Fix:  "faster first replies; more agents only remove the wait"})
		} else {
			s.Causes = append(s.Causes, Cause{KPI: "satisfaction", Kind: "agents", Hours: hours["satisfaction"],
				Text: fmt.Sprintf("customers wait %.1f s in the queue on average and rate it down", s.MeanWaitS),
				Fix:  "add agents where satisfaction misses (routecheck simulate --find-staffing)"})
		}
	}
	if st := s.Staffing; st != nil {
		var short, unreach [HoursPerWeek]bool
		for h := range HoursPerWeek {
			if st.Short[h] && strings.HasPrefix(st.Hours[h].Reason, "still") {
				short[h] = true
			} else if st.Short[h] {
				unreach[h] = true
			}
		}
		if anyHour(short) {
			s.Causes = append(s.Causes, Cause{Kind: "search", Hours: HourRanges(short),
				Text: fmt.Sprintf("still short of agents in %s when the search stopped after %d simulations", HourRanges(short), st.Runs),
				Fix:  "raise --max-simulations"})
		}
		if anyHour(unreach) {
			s.Causes = append(s.Causes, Cause{KPI: "pickup_rate", Kind: "agents", Hours: HourRanges(unreach),
				Text: "pickup misses even with so many agents that nobody waits", Fix: "check the profile's patience and the work hours"})
		}
	}
	if n := len(s.Violations); n > 0 {
		s.Causes = append(s.Causes, Cause{Kind: "harness", Text: fmt.Sprintf("%d routing invariant violations in the simulation", n),
			Fix: "a bug in the workbench core: report it with the seed"})
	}
	s.Pass = len(s.Causes) == 0
	s.Verdict = s.verdictLine(badDays)
}

func (s *Summary) verdictLine(badDays []string) string {
	if s.Pass {
		if s.Staffing != nil {
			return "PASS: with this staffing every R-KPI-1 threshold is met overall and on every day"
		}
		return "PASS: every R-KPI-1 threshold met overall and on every day"
	}
	var why []string
	seen := map[string]bool{}
	for _, c := range s.Causes {
		var w string
		switch c.Kind {
		case "hours":
			w = "requests outside the work hours (fix the hours or the hotline, not the staffing)"
		case "agents":
			w = "too few agents in some hours"
		case "reply speed":
			w = "the agents' reply speed (" + kpiName(c.KPI) + "; more agents do not help)"
		case "search":
			w = "the staffing search stopped with hours still short"
		case "harness":
			w = "routing invariant violations"
		}
		if !seen[w] {
			seen[w] = true
			why = append(why, w)
		}
	}
	scope := "overall"
	if len(badDays) > 0 && len(badDays) < len(s.Days) {
		scope = fmt.Sprintf("on %d of %d days", len(badDays), len(s.Days))
	} else if len(badDays) > 0 {
		scope = "on every day"
	}
	var missed []string
	for _, v := range s.Verdicts {
		if !v.Pass {
			missed = append(missed, kpiName(v.Name))
		}
	}
	for _, d := range s.Days {
		for _, m := range d.Missed {
			if !contains(missed, kpiName(m)) {
				missed = append(missed, kpiName(m))
			}
		}
	}
	if len(missed) == 0 {
		return "FAIL: " + strings.Join(why, "; ")
	}
	return fmt.Sprintf("FAIL: %s missed %s (R-KPI-1): %s", strings.Join(missed, ", "), scope, strings.Join(why, "; "))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func kpiName(name string) string {
	switch name {
	case "pickup_rate":
		return "pickup (接起率)"
	case "first_response_s":
		return "first response (首响时长)"
	case "satisfaction":
		return "satisfaction (即时满意度)"
	}
	return name
}

// hoursMissing lists, per KPI, the open hours of the week whose pooled
// figure misses its threshold, named compactly.
func (s *Summary) hoursMissing() map[string]string {
	sets := map[string]*[HoursPerWeek]bool{}
	for _, p := range s.HoursOfWeek {
		if p.Status != "fail" {
			continue
		}
		h := p.how
		for _, m := range p.Missed {
			if sets[m] == nil {
				sets[m] = &[HoursPerWeek]bool{}
			}
			sets[m][h] = true
		}
	}
	out := map[string]string{}
	for k, set := range sets {
		out[k] = HourRanges(*set)
	}
	return out
}

// MissingHours is hoursMissing as lines: "pickup (接起率): 周一至周五 19:00-21:00".
func (s *Summary) MissingHours() []string {
	var out []string
	for k, v := range s.hoursMissing() {
		out = append(out, kpiName(k)+": "+v)
	}
	sort.Strings(out)
	return out
}

// busiestClosed names the closed hours of the day that got the most of
// the requests made outside the work hours, with their shares: "21:00-22:00
// 16%, 22:00-23:00 11%, 08:00-09:00 9%".
func (s *Summary) busiestClosed() string {
	var byHour [24]int
	total := 0
	for _, p := range s.HoursOfWeek {
		byHour[p.how%24] += p.OutsideHours
		total += p.OutsideHours
	}
	order := make([]int, 24)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return byHour[order[i]] > byHour[order[j]] })
	var parts []string
	for _, h := range order[:3] {
		if byHour[h] == 0 {
			break
		}
		parts = append(parts, fmt.Sprintf("%02d:00-%02d:00 %.0f%%", h, h+1, 100*float64(byHour[h])/float64(max(total, 1))))
	}
	return "most at " + strings.Join(parts, ", ")
}
