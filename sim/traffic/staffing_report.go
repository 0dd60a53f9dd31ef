package traffic

import "fmt"

// report fills the answer from the last simulation, which simulated it.
func (sr *search) report(st *Staffing, final [HoursPerWeek]hourVerdict, last *Summary) {
	ans := sr.answer()
	var frHours, satHours, pickHours [HoursPerWeek]bool
	byLabel := map[string]Period{}
	for _, p := range last.HoursOfWeek {
		byLabel[p.Label] = p
	}
	for h := range HoursPerWeek {
		hs := &st.Hours[h]
		switch {
		case !sr.reached[h]:
			hs.Status = "not simulated"
			continue
		case !sr.open[h]:
			st.Closed[h] = true
			hs.Status = "closed"
			continue
		case sr.rate[h] <= 0:
			hs.Status = "no traffic"
			continue
		}
		st.Agents[h] = ans[h]
		v := final[h]
		hs.Pickup, hs.Satisfaction, hs.Requests = v.pickup, v.sat, v.requests
		hs.Fewer = "not tried"
		if f, ok := sr.tried[h][ans[h]-1]; ok {
			hs.Fewer = f.v.String()
		}
		if ans[h]-1 <= sr.lo[h] {
			hs.Fewer = "short"
		}
		switch {
		case v.v == vShort && sr.unreach[h]:
			st.Short[h] = true
			hs.Status, hs.Reason = "short", "not reachable by agents: nobody waits at this count"
			pickHours[h] = true
		case v.v == vShort:
			st.Short[h] = true
			hs.Status, hs.Reason = "short", "still short when the search stopped"
		case v.v == vMet && (ans[h] == 1 || ans[h]-1 <= sr.lo[h]):
			st.Confirmed[h] = true
			hs.Status = "ok"
		case v.v == vMet:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "one agent fewer was not decided either way"
		case v.v == vNotRun:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "not simulated"
		case v.batches < minBatches:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", fmt.Sprintf("%d simulated occurrences of the hour, %d needed: more --replications or --days", v.batches, minBatches)
		case v.meets && v.limited:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "nobody waits, but too few requests or ratings to state the confidence"
		case v.meets:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "meets the thresholds, not yet with the stated confidence"
		default:
			st.Undecided[h] = true
			hs.Status, hs.Reason = "undecided", "misses a threshold, not with the stated confidence"
		}
		if p, ok := byLabel[HourLabel(h)]; ok {
			if p.FirstResponseS.Measured && p.FirstResponseS.Mean >= sr.th.MaxFirstResponseS {
				frHours[h] = true
			}
			if !sr.satLever && p.Satisfaction.Measured && p.Satisfaction.Mean < sr.th.MinSatisfaction {
				satHours[h] = true
			}
		}
	}
	if anyHour(frHours) {
		st.Unreachable = append(st.Unreachable, Unreachable{KPI: "first_response_s", Hours: HourRanges(frHours),
			Reason: fmt.Sprintf("first response is the agents' reply speed: %.1f s from pickup to the first reply on average (the profile's first_reply); more agents do not change it", st.Reach.MeanFirstReplyS)})
	}
	if anyHour(satHours) {
		st.Unreachable = append(st.Unreachable, Unreachable{KPI: "satisfaction", Hours: HourRanges(satHours),
			Reason: fmt.Sprintf("even chats picked up at once are rated satisfied %.1f%% of the time (first replies after %.1f s): more agents cannot lift it to %.0f%%", 100*st.Reach.SatisfactionAtNoWait, st.Reach.MeanFirstReplyS, 100*sr.th.MinSatisfaction)})
	}
	if anyHour(pickHours) {
		st.Unreachable = append(st.Unreachable, Unreachable{KPI: "pickup_rate", Hours: HourRanges(pickHours),
			Reason: "short even with so many agents that nobody waits"})
	}
}

func anyHour(set [HoursPerWeek]bool) bool {
	for _, b := range set {
		if b {
			return true
		}
	}
	return false
}
