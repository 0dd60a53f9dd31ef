package traffic

import (
	"reflect"
	"testing"
	"time"

	"routecheck/fixtures"
	wb "routecheck/sim/workbench"
)

func demoVendor() wb.VendorConfig { return fixtures.Demo().Config }

// Same seed, same virtual-time run (DESIGN.md principle 3).
func TestRunIsRepeatable(t *testing.T) {
	p := pureProfile(t)
	cfg := Config{Vendor: demoVendor(), Profile: p, Duration: 3 * time.Hour, Agents: 6, Capacity: 2, AlwaysOpen: true, Seed: 9}
	a := runChecked(t, cfg)
	b := runChecked(t, cfg)
	a.Violations, b.Violations = nil, nil
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with seed 9 differ")
	}
	cfg.Seed = 10
	c, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Total, c.Total) {
		t.Error("seeds 9 and 10 gave the same run")
	}
	if a.Events == 0 || a.Total.KPI.Requests < 600 || a.Total.KPI.Requests > 1200 {
		t.Errorf("3 h at 300/h: %d requests, %d events", a.Total.KPI.Requests, a.Events)
	}
}

// The routing invariants hold over every event of a simulation with
// shifts, breaks (小休 with open chats), idle timeouts and refusals.
func TestSimulationKeepsInvariants(t *testing.T) {
	p, err := LoadProfile("../../fixtures/traffic/demo-shifts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for h := range p.PerHour {
		p.PerHour[h] *= 3 // busy enough to queue
	}
	chk := &recorder{Checker: NewChecker()}
	r, err := Run(Config{Vendor: demoVendor(), Profile: p, Duration: 30 * time.Hour, Seed: 4, Checker: chk})
	if err != nil {
		t.Fatal(err)
	}
	if len(chk.events) != int(r.Events) || r.Events == 0 {
		t.Fatalf("the checker saw %d of %d events", len(chk.events), r.Events)
	}
	for _, v := range r.Violations {
		t.Errorf("invariant: %s", v)
	}
	var breaks, idle, refused, queued int
	for _, e := range chk.events {
		switch {
		case e.Type == wb.EvAgentStatus && e.Status == wb.StatusBreak:
			breaks++
		case e.Type == wb.EvEnded && e.Reason == wb.ReasonIdleTimeout:
			idle++
		case e.Type == wb.EvUnserved:
			refused++
		case e.Type == wb.EvQueued:
			queued++
		}
	}
	if breaks == 0 || idle == 0 || queued == 0 {
		t.Errorf("the run exercised too little: %d breaks, %d idle closes, %d queued", breaks, idle, queued)
	}
}

// R-IDLE-1: a customer who takes over 5 minutes to answer is disconnected,
// so no chat outlives first reply + 5 min even when it would go on.
func TestIdleCustomersAreClosed(t *testing.T) {
	p := queueProfile(30, 2*time.Hour, time.Hour)
	p.ChatDuration = Fixed(2 * time.Hour)
	p.FirstReply = Fixed(10 * time.Second)
	p.CustomerReply = Fixed(6 * time.Minute)
	r := runChecked(t, Config{Vendor: queueVendor(), Profile: p, Duration: 4 * time.Hour, Agents: 20, Capacity: 3, AlwaysOpen: true, Seed: 2})
	k := r.Total.KPI.KPIs()
	if k.Ended == 0 || k.ServiceS < 309 || k.ServiceS > 311 {
		t.Errorf("chats last %.1f s on average, want 310 (10 s to the first reply + 5 min idle)", k.ServiceS)
	}
}

// Outside the vendor's work hours (R-VEN-4) requests are refused and count
// as not picked up (D-RT-1); inside them agents are on duty.
func TestWorkHoursGateRequests(t *testing.T) {
	v := queueVendor()
	v.WorkHours = wb.WorkHours{Location: time.UTC, Days: []time.Weekday{1, 2, 3, 4, 5}, From: 9 * time.Hour, To: 18 * time.Hour}
	p := queueProfile(60, 2*time.Minute, 5*time.Minute)
	r := runChecked(t, Config{Vendor: v, Profile: p, Duration: 24 * time.Hour, Agents: 5, Capacity: 3, Seed: 3})
	for h := range 24 {
		st := r.Week[h]
		if st.KPI.Requests == 0 {
			continue
		}
		open := h >= 9 && h < 18
		if open && st.KPI.PickedUp == 0 || !open && st.KPI.PickedUp > 0 {
			t.Errorf("Monday %02d:00: %d of %d picked up", h, st.KPI.PickedUp, st.KPI.Requests)
		}
		if !open && st.OnDuty != 0 || open && st.OnDuty != 5 {
			t.Errorf("Monday %02d:00: %d agents on duty", h, st.OnDuty)
		}
	}
}

func TestSummaryAndStaffing(t *testing.T) {
	p := queueProfile(0, 6*time.Minute, 2*time.Minute)
	for h := 0; h < 24; h++ { // Monday only: 08:00-20:00 busy, else quiet
		p.PerHour[h] = 60
		if h >= 8 && h < 20 {
			p.PerHour[h] = 180
		}
	}
	cfg := Config{Vendor: queueVendor(), Profile: p, Duration: 24 * time.Hour, Capacity: 3, AlwaysOpen: true, Seed: 5}
	st, sum, err := FindStaffing(cfg, 4, wb.Assessed(), 6, newTestChecker, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range sum.Violations {
		t.Errorf("invariant: %s", v)
	}
	if st.Runs > 6 || st.Runs < 2 {
		t.Errorf("%d simulations", st.Runs)
	}
	for h := range 24 {
		if st.Short[h] || !st.Confirmed[h] && !st.Undecided[h] {
			t.Errorf("Monday %02d:00: %d agents, short=%v confirmed=%v", h, st.Agents[h], st.Short[h], st.Confirmed[h])
		}
		if st.Agents[h] < 1 || st.Agents[h] > 2*st.Erlang[h] {
			t.Errorf("Monday %02d:00: %d agents, Erlang-A says %d", h, st.Agents[h], st.Erlang[h])
		}
	}
	if st.Agents[12] <= st.Agents[3] {
		t.Errorf("the busy hour needs more agents than the quiet one: %d vs %d", st.Agents[12], st.Agents[3])
	}
	if st.Confirmed[30] || st.Undecided[30] || st.Agents[30] != 0 || st.Hours[30].Status != "not simulated" {
		t.Errorf("Tuesday was not simulated, so it has no count: %d agents, %s", st.Agents[30], st.Hours[30].Status)
	}
	if sum.Staffing != st || len(sum.HoursOfWeek) != 24 || sum.Replications != 4 {
		t.Errorf("summary: %d hours of week, %d replications", len(sum.HoursOfWeek), sum.Replications)
	}
	// Every hour confirmed meets every threshold with the staffing found.
	for i, h := range sum.HoursOfWeek {
		if st.Confirmed[i] && !h.Pass {
			t.Errorf("%s is confirmed but misses %v", h.Label, h.Missed)
		}
		if !h.Pass && !st.Undecided[i] {
			t.Errorf("%s misses %v and is not flagged", h.Label, h.Missed)
		}
	}
}

func TestStopInterrupts(t *testing.T) {
	calls := 0
	_, err := Run(Config{Vendor: queueVendor(), Profile: queueProfile(60, time.Minute, time.Minute), Duration: 48 * time.Hour,
		Agents: 2, Capacity: 3, AlwaysOpen: true, Seed: 1, Stop: func() bool { calls++; return calls > 3 }})
	if err != ErrInterrupted || calls != 4 {
		t.Errorf("err %v after %d calls, want ErrInterrupted after 4", err, calls)
	}
}

func TestHourOfWeek(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, c := range []struct {
		t    time.Time
		want int
	}{
		{time.Date(2026, 11, 30, 0, 0, 0, 0, sh), 0},               // Monday 00:00
		{time.Date(2026, 11, 30, 9, 30, 0, 0, sh), 9},              // Monday 09:30
		{time.Date(2026, 12, 6, 23, 59, 0, 0, sh), 167},            // Sunday 23:59
		{time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC), 0},        // Monday 00:00 in Shanghai
		{time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC), 2*24 + 20}, // Wednesday 20:00 in Shanghai
	} {
		if got := HourOfWeek(c.t, sh); got != c.want {
			t.Errorf("HourOfWeek(%v) = %d, want %d", c.t, got, c.want)
		}
	}
	if HourLabel(0) != "周一 00:00" || HourLabel(167) != "周日 23:00" {
		t.Errorf("labels %q %q", HourLabel(0), HourLabel(167))
	}
}

// recorder is the streaming checker that also keeps the events, for tests
// that look at what the simulation did.
type recorder struct {
	Checker
	events []wb.Event
}

func (r *recorder) Observe(e wb.Event) {
	r.events = append(r.events, e)
	r.Checker.Observe(e)
}

// A finished visitor's struct serves a later one; the steps still
// scheduled for the first (a reply, the patience running out) must not act
// on the second: runs with and without reuse are the same, queueing and
// abandonment included.
func TestReusedChatsIgnoreOldSteps(t *testing.T) {
	busy, err := LoadProfile("../../fixtures/traffic/busy-month.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Vendor: demoVendor(), Profile: busy, Duration: 6 * time.Hour, Agents: 50, Capacity: 3, AlwaysOpen: true, Seed: 3}
	reused := runChecked(t, cfg)
	cfg.freshChats = true
	fresh := runChecked(t, cfg)
	if reused.Total.KPI.Abandoned == 0 || reused.Total.KPI.Ratings == 0 {
		t.Fatalf("no abandonment or no rating in the run (%+v): it cannot show old steps acting", reused.Total.KPI)
	}
	reused.Violations, fresh.Violations = nil, nil
	if !reflect.DeepEqual(reused, fresh) {
		t.Errorf("reusing chats changed the run: %+v, fresh %+v", reused.Total.KPI, fresh.Total.KPI)
	}
}
