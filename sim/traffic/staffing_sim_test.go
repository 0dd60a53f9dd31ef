//go:build !race

// The staffing search on real simulations, each answer judged against a
// brute force or against theory. They simulate a few hundred thousand
// requests each: too slow under the race detector, so `make accuracy`
// (part of `make test`) runs them.

package traffic

import (
	"testing"
	"time"

	"routecheck/fixtures"
	wb "routecheck/sim/workbench"
)

// bruteForcePickup is the pickup in the work hours of every agent count in
// ns, each simulated on its own for every hour of a day, with many more
// replications than the search uses: a truth the search never sees.
func bruteForcePickup(t *testing.T, base Config, ns ...int) map[int]float64 {
	t.Helper()
	out := map[int]float64{}
	for _, n := range ns {
		cfg := base
		cfg.Staffing = nil
		cfg.Agents = n
		cfg.Seed = 77_000 + uint64(n)
		rs, err := RunReplications(cfg, 64, nil)
		if err != nil {
			t.Fatal(err)
		}
		var p Pair
		for _, r := range rs {
			p.merge(&r.Total.Batches.PickIn)
		}
		out[n], _ = p.Ratio()
	}
	return out
}

// idleProfile is a flat load whose chats are 15 minutes long on paper, but
// whose customers often take over five minutes to answer, so R-IDLE-1 ends
// them after about 10 minutes: Erlang-A on the profile's mean asks for 8
// agents where 6 meet every threshold.
func idleProfile() *Profile {
	p := queueProfile(90, 15*time.Minute, 2*time.Minute)
	p.ChatDuration = Fixed(15 * time.Minute)
	p.CustomerReply = Exponential(3 * time.Minute)
	p.FirstReply = Fixed(10 * time.Second)
	p.AgentReply = Fixed(10 * time.Second)
	return p
}

// The Erlang-A start ignores R-IDLE-1 endings; the search must not: it
// measures the chats and lands on the fewest agents the brute force finds,
// two below its start. The old search never went more than one below the
// start and answered one agent too many, "confirmed".
func TestStaffingFollowsMeasuredChats(t *testing.T) {
	base := Config{Vendor: queueVendor(), Profile: idleProfile(), Duration: 24 * time.Hour, Warmup: time.Hour, Capacity: 3, AlwaysOpen: true}
	truth := bruteForcePickup(t, base, 5, 6)
	if truth[6] < 0.915 || truth[5] > 0.87 {
		t.Fatalf("the setting no longer separates 5 and 6 agents: %.3f, %.3f", truth[5], truth[6])
	}
	cfg := base
	cfg.Seed = 41
	st, _, err := FindStaffing(cfg, StaffingReplications, wb.Assessed(), StaffingSimulations, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	exact := 0
	for h := range 24 {
		n, hs := st.Agents[h], st.Hours[h]
		switch {
		case n == 6 && hs.Status == "ok":
			exact++
		case n < 6 && hs.Status == "ok":
			t.Errorf("%s: %d agents confirmed; the brute force gives %.1f%% with 5", HourLabel(h), n, 100*truth[5])
		case n > 7 || n == 7 && hs.Status == "ok":
			t.Errorf("%s: %d agents (%s); 6 pick up %.1f%%", HourLabel(h), n, hs.Status, 100*truth[6])
		}
	}
	if st.Erlang[0] != 8 {
		t.Errorf("Erlang-A on the profile's 15-minute chats starts at %d agents, want 8", st.Erlang[0])
	}
	if exact < 20 {
		t.Errorf("6 agents confirmed in %d of 24 hours, want 20 or more (6 agents pick up only a few points above 90%%, so some hours stay undecided): %v", exact, st.Agents[:24])
	}
}

// First response is the agents' reply speed: agents cannot change it, so
// it never raises an hour. With every first reply at 35 s the answer is the
// one for 5 s replies, whatever the budget, and the hours are named as
// not reachable by agents. The old search added agents to such hours with
// every simulation (13-16 agents, all "!").
func TestStaffingIgnoresFirstResponse(t *testing.T) {
	answer := func(reply time.Duration, maxRuns int) *Staffing {
		p := queueProfile(60, 6*time.Minute, 2*time.Minute)
		p.FirstReply, p.AgentReply = Fixed(reply), Fixed(reply)
		p.Satisfaction.PerMinuteFirstResponse = 0
		cfg := Config{Vendor: queueVendor(), Profile: p, Duration: 12 * time.Hour, Warmup: time.Hour, Capacity: 3, AlwaysOpen: true, Seed: 8}
		st, _, err := FindStaffing(cfg, 16, wb.Assessed(), maxRuns, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	fast, slow, slowLong := answer(5*time.Second, 8), answer(35*time.Second, 8), answer(35*time.Second, 16)
	if fast.Agents != slow.Agents || slow.Agents != slowLong.Agents {
		t.Errorf("first replies after 35 s change the staffing: %v (5 s) vs %v (35 s) vs %v (35 s, 16 simulations)", fast.Agents[:12], slow.Agents[:12], slowLong.Agents[:12])
	}
	for h := range 12 {
		if slow.Short[h] || slow.Agents[h] > 4 {
			t.Errorf("%s: %d agents, short %v", HourLabel(h), slow.Agents[h], slow.Short[h])
		}
	}
	if len(slow.Unreachable) != 1 || slow.Unreachable[0].KPI != "first_response_s" || slow.Unreachable[0].Hours != "周一 00:00-12:00" {
		t.Errorf("unreachable: %+v", slow.Unreachable)
	}
	if len(fast.Unreachable) != 0 {
		t.Errorf("5 s replies: unreachable %+v", fast.Unreachable)
	}
}

// businessHours is the demo vendor open 09:00-21:00 on weekdays and
// 10:00-18:30 on Saturdays (Asia/Shanghai), closed on Sundays.
func businessHours(t *testing.T) wb.VendorConfig {
	v := fixtures.Demo().Config
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	v.WorkHours = wb.WorkHours{Location: sh, Days: []time.Weekday{1, 2, 3, 4, 5}, From: 9 * time.Hour, To: 21 * time.Hour}
	return v
}

// Closed hours get no agents, are not judged and not short; open hours
// are staffed; and every hour the answer confirms holds when simulated
// again with a fresh seed: never short with confidence. The old search put
// 9-10 agents in every closed hour, all marked "!".
func TestStaffingClosedHoursAndAFreshSeed(t *testing.T) {
	p, err := OpenProfile("demo")
	if err != nil {
		t.Fatal(err)
	}
	v := businessHours(t)
	cfg := Config{Vendor: v, Profile: p, Duration: 7 * 24 * time.Hour, Warmup: time.Hour, Capacity: 3, Seed: 19}
	st, sum, err := FindStaffing(cfg, 16, wb.Assessed(), StaffingSimulations, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := v.WorkHours.Location
	for h := range HoursPerWeek {
		at := time.Date(2026, 11, 30, h, 0, 0, 0, loc) // Monday, DefaultStart's date
		open := v.WorkHours.InWorkHours(at, loc)
		switch {
		case !open && (st.Agents[h] != 0 || !st.Closed[h] || st.Short[h] || st.Hours[h].Status != "closed"):
			t.Errorf("%s (closed): %d agents, %s", HourLabel(h), st.Agents[h], st.Hours[h].Status)
		case open && (st.Agents[h] < 1 || st.Closed[h] || st.Short[h]):
			t.Errorf("%s (open): %d agents, %s", HourLabel(h), st.Agents[h], st.Hours[h].Status)
		}
	}
	for _, per := range sum.HoursOfWeek {
		if !st.Closed[per.how] {
			continue
		}
		if per.Status != "closed" || !per.Pass || per.OutsideHours != per.Requests {
			t.Errorf("%s: closed hour judged %s (%d of %d requests outside the hours)", per.Label, per.Status, per.OutsideHours, per.Requests)
		}
	}
	if sum.KPIs.OutsideHours == 0 || sum.KPIs.AbandonedInQueue+sum.KPIs.OutsideHours+sum.KPIs.NobodyOnline != sum.KPIs.Abandoned {
		t.Errorf("refusals not apart from queue abandonment: %+v", sum.KPIs)
	}
	for _, c := range sum.Causes {
		if c.Kind == "agents" {
			t.Errorf("agents blamed with the answer in place: %+v", c)
		}
	}
	// The answer, simulated again with other seeds.
	again := cfg
	again.Staffing = &st.Agents
	again.Seed = 1_000_003
	rs, err := RunReplications(again, 32, nil)
	if err != nil {
		t.Fatal(err)
	}
	for h := range HoursPerWeek {
		if !st.Confirmed[h] {
			continue
		}
		var s Stat
		for _, r := range rs {
			s.Add(&r.Week[h])
		}
		if v := judgeHour(&s, wb.Assessed(), true); v.v == vShort {
			t.Errorf("%s: %d agents confirmed, short again with a fresh seed: pickup %.1f%% (%.1f%%-%.1f%%)",
				HourLabel(h), st.Agents[h], 100*v.pickup.Mean, 100*v.pickup.Low, 100*v.pickup.High)
		}
	}
}

// Satisfaction moves with the wait only as far as chats picked up at once
// go: when even those are rated satisfied less often than 70%, agents
// cannot meet it, the search names the hours and the reason, and adds no
// agent for it.
func TestStaffingSatisfactionOutOfReach(t *testing.T) {
	answer := func(base float64) *Staffing {
		p := queueProfile(60, 6*time.Minute, 2*time.Minute)
		p.Satisfaction.Base = base
		cfg := Config{Vendor: queueVendor(), Profile: p, Duration: 12 * time.Hour, Warmup: time.Hour, Capacity: 3, AlwaysOpen: true, Seed: 23}
		st, _, err := FindStaffing(cfg, 16, wb.Assessed(), 8, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	within, beyond := answer(0.92), answer(0.60)
	if beyond.Reach.SatisfactionAtNoWait >= 0.7 || within.Reach.SatisfactionAtNoWait < 0.7 {
		t.Fatalf("satisfaction at no wait: %.3f and %.3f", within.Reach.SatisfactionAtNoWait, beyond.Reach.SatisfactionAtNoWait)
	}
	if within.Agents != beyond.Agents {
		t.Errorf("satisfaction out of reach changes the staffing: %v vs %v", within.Agents[:12], beyond.Agents[:12])
	}
	for h := range 12 {
		if beyond.Short[h] {
			t.Errorf("%s: short for satisfaction agents cannot give", HourLabel(h))
		}
	}
	if len(beyond.Unreachable) != 1 || beyond.Unreachable[0].KPI != "satisfaction" || beyond.Unreachable[0].Hours != "周一 00:00-12:00" {
		t.Errorf("unreachable: %+v", beyond.Unreachable)
	}
}
