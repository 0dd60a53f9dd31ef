package traffic

import (
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

// Days are calendar days on the vendor's wall clock whatever the warm-up:
// the warm-up runs before the first day, so a day's figures are the
// requests of its 24 hours. The old runs counted 24-hour windows from the
// end of the warm-up and labelled them by the date they started on.
func TestCalendarDaysWhateverTheWarmup(t *testing.T) {
	p, err := OpenProfile("demo")
	if err != nil {
		t.Fatal(err)
	}
	sh := zone(t, "Asia/Shanghai")
	for _, warm := range []time.Duration{0, time.Hour, 13 * time.Hour} {
		cfg := Config{Vendor: demoVendor(), Profile: p, Duration: 3 * 24 * time.Hour, Warmup: warm, Agents: 4, Capacity: 3, Seed: 6}
		r := runChecked(t, cfg)
		if len(r.Days) != 3 {
			t.Fatalf("warm-up %v: %d days", warm, len(r.Days))
		}
		for d, day := range r.Days {
			want := time.Date(2026, 11, 30+d, 0, 0, 0, 0, sh)
			if !day.Date.Equal(want) || day.Hours != 24 {
				t.Errorf("warm-up %v: day %d is %v with %d hours, want %v with 24", warm, d, day.Date, day.Hours, want)
			}
			sum := 0
			for h := range 24 {
				sum += r.Week[24*d+h].KPI.Requests
			}
			if day.KPI.Requests != sum || sum == 0 {
				t.Errorf("warm-up %v: %s has %d requests, its hours %d", warm, want.Format("01-02"), day.KPI.Requests, sum)
			}
		}
		sum := Summarise(cfg, []*Result{r}, wb.Assessed(), 0)
		if !strings.HasPrefix(sum.Days[0].Label, "2026-11-30 周一") {
			t.Errorf("warm-up %v: the first day is %q", warm, sum.Days[0].Label)
		}
	}
}

// On the days clocks change, the roster follows the vendor's wall clock
// through the core's own rule (InWorkHours): agents are 在线 at an hour's
// start exactly when the workbench takes requests then; the 23- and 25-hour
// days are one calendar day each, and every hour goes to the hour of the
// week its wall clock shows.
func TestRosterOnClockChangeDays(t *testing.T) {
	ny := zone(t, "America/New_York")
	v := queueVendor()
	v.WorkHours = wb.WorkHours{Location: ny, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: 1*time.Hour + 30*time.Minute, To: 17 * time.Hour}
	for _, c := range []struct {
		name     string
		day      time.Time
		dayHours int
	}{
		{"spring forward", time.Date(2026, 3, 8, 0, 0, 0, 0, ny), 23},
		{"fall back", time.Date(2026, 11, 1, 0, 0, 0, 0, ny), 25},
	} {
		t.Run(c.name, func(t *testing.T) {
			span := time.Duration(c.dayHours+24) * time.Hour // two calendar days
			cfg := Config{Vendor: v, Profile: queueProfile(30, 4*time.Minute, 2*time.Minute), Start: c.day, Duration: span,
				Warmup: time.Hour, Agents: 2, Capacity: 3, Seed: 12}
			r := runChecked(t, cfg)
			if len(r.Days) != 2 || r.Days[0].Hours != c.dayHours || r.Days[1].Hours != 24 {
				t.Fatalf("days: %d, hours %d and %d; want 2 days of %d and 24 hours", len(r.Days), r.Days[0].Hours, r.Days[1].Hours, c.dayHours)
			}
			seen := map[int]int{}
			for at := c.day; at.Before(c.day.Add(span)); at = nextHour(at, ny) {
				seen[HourOfWeek(at, ny)]++
			}
			for h, n := range seen {
				st := r.Week[h]
				if st.Hours != n {
					t.Errorf("%s: %d hours, want %d", HourLabel(h), st.Hours, n)
				}
			}
			for at := c.day; at.Before(c.day.Add(span)); at = nextHour(at, ny) {
				st := r.Week[HourOfWeek(at, ny)]
				if st.Hours != 1 {
					continue // the repeated hour: two starts in one bin
				}
				open := v.WorkHours.InWorkHours(at, ny)
				if open != (st.OnDuty == 2) || !open && st.OnDuty != 0 {
					t.Errorf("%s (%s): %d agents on duty at its start, open %v", at.Format("01-02 15:04 MST"), HourLabel(HourOfWeek(at, ny)), st.OnDuty, open)
				}
				if next, ok := v.WorkHours.NextChange(at, ny, time.Hour); !open && (!ok || !next.Before(nextHour(at, ny))) && st.InHours() != 0 {
					t.Errorf("%s: closed all hour, yet %d requests reached the queue", at.Format("01-02 15:04 MST"), st.InHours())
				}
			}
		})
	}
}

// A vendor that opens at 09:30 has agents 在线 from 09:30, not from 10:00:
// the requests of 09:30-10:00 reach the queue, those before it get the
// hotline; one that closes at 17:45 refuses from 17:45.
func TestRosterFollowsWorkHoursWithinTheHour(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	v := queueVendor()
	v.WorkHours = wb.WorkHours{Location: sh, Days: []time.Weekday{1}, From: 9*time.Hour + 30*time.Minute, To: 17*time.Hour + 45*time.Minute}
	r := runChecked(t, Config{Vendor: v, Profile: queueProfile(120, 2*time.Minute, 5*time.Minute), Duration: 24 * time.Hour, Agents: 6, Capacity: 3, Seed: 4})
	for _, h := range []int{9, 17} {
		st := r.Week[h]
		if st.InHours() == 0 || st.OutsideHours == 0 || st.NobodyOnline != 0 || st.KPI.PickedUp != st.InHours() {
			t.Errorf("周一 %02d:00: %d in hours (%d picked up), %d outside, %d nobody online", h, st.InHours(), st.KPI.PickedUp, st.OutsideHours, st.NobodyOnline)
		}
		if st.OpenS < 0.2*3600 || st.OpenS > 0.8*3600 {
			t.Errorf("周一 %02d:00: open %.0f s", h, st.OpenS)
		}
	}
}

// D-SIM-6: at closing the agents on duty finish the queue (the bot already
// refuses new requests), so nobody who asked in the work hours waits out
// their patience in a queue nobody serves; then they go 小休.
func TestClosingTimeServesTheQueue(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	v := queueVendor()
	v.WorkHours = wb.WorkHours{Location: sh, Days: []time.Weekday{1}, From: 9 * time.Hour, To: 21 * time.Hour}
	p := queueProfile(0, 10*time.Minute, 0)
	p.Patience = Fixed(3 * time.Hour)
	for h := 9; h < 21; h++ {
		p.PerHour[h] = 20
	}
	p.PerHour[20] = 80 // the last hour overloads the agents
	r := runChecked(t, Config{Vendor: v, Profile: p, Duration: 24 * time.Hour, Agents: 3, Capacity: 2, Seed: 21, QueueEvery: time.Minute})
	last := r.Week[20]
	if last.KPI.PickedUp != last.InHours() || last.QueueAbandoned() != 0 {
		t.Errorf("the last hour: %d of %d picked up, %d gave up", last.KPI.PickedUp, last.InHours(), last.QueueAbandoned())
	}
	queuedAfter := 0
	for _, q := range r.Queue {
		if q.At.In(sh).Hour() >= 21 {
			queuedAfter = max(queuedAfter, q.Max)
		}
	}
	if queuedAfter == 0 {
		t.Fatal("nobody was waiting at closing: the test shows nothing")
	}
	if r.Week[23].PlacesS != 0 || r.Week[23].OnDuty != 0 {
		t.Errorf("23:00: %.0f place-seconds 在线; the agent should be on 小休 once the queue is served", r.Week[23].PlacesS)
	}
}

func TestHourRanges(t *testing.T) {
	var set [HoursPerWeek]bool
	for d := range 5 {
		for h := 9; h < 21; h++ {
			set[d*24+h] = true
		}
	}
	for h := 10; h < 12; h++ {
		set[5*24+h], set[6*24+h] = true, true
	}
	set[6*24+23] = true
	if got, want := HourRanges(set), "周一至周五 09:00-21:00; 周六 10:00-12:00; 周日 10:00-12:00, 23:00-24:00"; got != want {
		t.Errorf("HourRanges = %q, want %q", got, want)
	}
	set = [HoursPerWeek]bool{}
	set[0], set[2*24], set[5*24] = true, true, true
	if got, want := HourRanges(set), "周一、周三、周六 00:00-01:00"; got != want {
		t.Errorf("HourRanges = %q, want %q", got, want)
	}
}

// In a zone whose offset is not a whole hour (Kolkata +5:30, Kathmandu
// +5:45), an hour of the week is the vendor's wall-clock hour: traffic only
// between 10:00 and 11:00 local lands in 10:00 and nowhere else, and days
// start at local midnight.
func TestHoursInHalfHourZones(t *testing.T) {
	for _, name := range []string{"Asia/Kolkata", "Asia/Kathmandu"} {
		loc := zone(t, name)
		v := queueVendor()
		v.WorkHours.Location = loc
		p := queueProfile(0, 4*time.Minute, 2*time.Minute)
		p.PerHour[10] = 120
		r := runChecked(t, Config{Vendor: v, Profile: p, Duration: 24 * time.Hour, Agents: 4, Capacity: 3, AlwaysOpen: true, Seed: 8})
		if r.Total.KPI.Requests != r.Visitors || r.Visitors < 80 {
			t.Errorf("%s: %d of %d visitors' requests counted", name, r.Total.KPI.Requests, r.Visitors)
		}
		for h, st := range r.Week[:24] {
			if (h == 10) != (st.KPI.Requests > 0) {
				t.Errorf("%s %02d:00: %d requests", name, h, st.KPI.Requests)
			}
		}
		if d := r.Days[0]; d.Date.In(loc).Hour() != 0 || d.KPI.Requests != r.Week[10].KPI.Requests || d.Hours != 24 {
			t.Errorf("%s: day %v with %d requests over %d hours", name, d.Date, d.KPI.Requests, d.Hours)
		}
	}
}

// The hours the staffing search staffs are exactly those the vendor is
// open at some minute of, by the core's own rule (InWorkHours), on a
// clock-change week too; a 09:30 opening makes the 09:00 hour open; the
// skipped 02:00 of the spring-forward Sunday is never reached.
func TestOpenHoursOnAClockChangeWeek(t *testing.T) {
	ny := zone(t, "America/New_York")
	v := queueVendor()
	v.WorkHours = wb.WorkHours{Location: ny, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: 9*time.Hour + 30*time.Minute, To: 17 * time.Hour}
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, ny) // Monday; clocks go forward on Sunday the 8th
	reached, open := OpenHours(Config{Vendor: v, Start: start, Duration: 7 * 24 * time.Hour})
	want := [HoursPerWeek]bool{}
	for at := start; at.Before(start.Add(7 * 24 * time.Hour)); at = at.Add(time.Minute) {
		want[HourOfWeek(at, ny)] = want[HourOfWeek(at, ny)] || v.WorkHours.InWorkHours(at, ny)
	}
	for h := range HoursPerWeek {
		if open[h] != want[h] {
			t.Errorf("%s: open %v, the core says %v", HourLabel(h), open[h], want[h])
		}
		if r := h != 6*24+2; reached[h] != r {
			t.Errorf("%s: reached %v", HourLabel(h), reached[h])
		}
	}
	if !open[9] || open[17] || open[8] {
		t.Errorf("Monday: 08:00 %v, 09:00 %v, 17:00 %v", open[8], open[9], open[17])
	}
}
