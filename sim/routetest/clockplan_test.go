package routetest_test

import (
	"fmt"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/routetest"
)

// hoursVendor is a vendor whose agents work the given hours, with no
// rehearsed time of day.
func hoursVendor(tb testing.TB, zone, days, from, to string) *fixtures.Vendor {
	tb.Helper()
	y := fmt.Sprintf(`vendor: {id: hours, name: 时段服务商, business_line: 闲鱼小程序, hotline: 400-000-1234, department: 时段客服部, welcome: 您好}
work_hours: {time_zone: %s, days: %s, from: %q, to: %q}
bot_page:
  robot_name: 小蜜
  card_buttons: [{label: 热线, kind: hotline, value: 400-000-1234}, {label: 在线客服, kind: online_agent}]
  faq: [{title: 发货, questions: [{question: 什么时候发货?, answer: 下单后48小时内发货。}]}]
  quick_phrases: [{text: 在线客服, transfer: true}]
accounts:
  - {login: h-agent1, password: h-agent1-pass, role: agent}
  - {login: h-ops, password: h-ops-pass, role: operations}
`, zone, days, from, to)
	v, err := fixtures.Parse("hours.yaml", []byte(y))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// hourVendors keep hours the way vendors do: business hours, evenings, a
// night shift, a zone 45 minutes off the hour, one far from UTC+8 whose
// clocks change in the fortnight scanned, and a 30-minute window.
func hourVendors(tb testing.TB) map[string]*fixtures.Vendor {
	return map[string]*fixtures.Vendor{
		"business hours":  hoursVendor(tb, "Asia/Shanghai", "[mon, tue, wed, thu, fri]", "09:00", "18:00"),
		"evenings":        hoursVendor(tb, "Asia/Shanghai", "[mon, tue, wed, thu, fri, sat, sun]", "19:00", "23:00"),
		"weekend nights":  hoursVendor(tb, "Asia/Shanghai", "[fri, sat]", "22:00", "06:00"),
		"Kathmandu":       hoursVendor(tb, "Asia/Kathmandu", "[mon, tue, wed, thu, fri]", "09:30", "18:00"),
		"New York":        hoursVendor(tb, "America/New_York", "[sun, mon, tue, wed, thu, fri]", "09:00", "17:00"),
		"a short window":  hoursVendor(tb, "Europe/London", "[sun, wed]", "12:00", "12:30"),
		"Lord Howe night": hoursVendor(tb, "Australia/Lord_Howe", "[sat]", "23:00", "03:00"),
	}
}

// D-RUN-8: whatever hour the harness runs at, the bundled workbench's
// clock starts inside the vendor's work hours, with room for the test
// (margin) when a window has it: now when now has room, else the earliest
// roomy window start; and never before the harness's own time. Scanned
// every 50 minutes of a fortnight over New York's and Lord Howe's changes of
// the clocks.
func TestBundledClockStartsInHoursAtAnyHarnessHour(t *testing.T) {
	const margin = 10 * time.Minute
	start := time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC)
	for name, v := range hourVendors(t) {
		h, loc := v.Config.WorkHours, v.Config.WorkHours.Location
		roomy := func(t time.Time) bool {
			end, ok := h.HoursEnd(t, loc)
			return h.InWorkHours(t, loc) && (!ok || end.Sub(t) >= margin)
		}
		for wall := start; wall.Before(start.Add(14 * 24 * time.Hour)); wall = wall.Add(50 * time.Minute) {
			p := routetest.PlanClock(v, time.Time{}, wall, margin)
			at := p.Start
			switch {
			case p.Rehearsed:
				t.Fatalf("%s: a planned clock is not rehearsed", name)
			case !h.InWorkHours(at, loc):
				t.Fatalf("%s: the harness at %s starts the workbench at %s, outside %s", name, wall.In(loc), at, h)
			case at.Before(wall):
				t.Fatalf("%s: the harness at %s starts the workbench in its past, %s", name, wall.In(loc), at)
			case roomy(wall) && (!at.Equal(wall) || p.Source != routetest.FromNow):
				t.Fatalf("%s: the harness at %s is in hours with room, yet starts at %s (%s)", name, wall.In(loc), at, p.Source)
			case !roomy(wall) && p.Source != routetest.FromNextInHours:
				t.Fatalf("%s: the harness at %s has no room, yet the source is %s", name, wall.In(loc), p.Source)
			}
			if name == "a short window" {
				continue // 30 minutes never have the room: the window's start is the best there is
			}
			if !roomy(at) {
				t.Fatalf("%s: the harness at %s starts at %s with less than %s of the hours left", name, wall.In(loc), at.In(loc), margin)
			}
			// no roomy instant was skipped: every window start between is short of room
			for u := wall; u.Before(at); {
				next, ok := h.NextInHours(u, loc)
				if !ok || !next.Before(at) {
					break
				}
				if roomy(next) {
					t.Fatalf("%s: the harness at %s starts at %s, but %s was in hours with room", name, wall.In(loc), at.In(loc), next.In(loc))
				}
				end, _ := h.HoursEnd(next, loc)
				u = end
			}
		}
	}
}

// A time the tester chose wins: --at over rehearsal.start_at over the plan,
// and both are rehearsed (a refusal outside the hours is the verdict).
func TestChosenTimesWin(t *testing.T) {
	v := hoursVendor(t, "Asia/Shanghai", "[mon, tue, wed, thu, fri]", "09:00", "18:00")
	wall := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	startAt := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	v.Rehearsal.StartAt = startAt
	if p := routetest.PlanClock(v, time.Time{}, wall, time.Minute); !p.Start.Equal(startAt) || p.Source != routetest.FromStartAt || !p.Rehearsed {
		t.Errorf("start_at: %+v", p)
	}
	if p := routetest.PlanClock(v, at, wall, time.Minute); !p.Start.Equal(at) || p.Source != routetest.FromAt || !p.Rehearsed {
		t.Errorf("--at over start_at: %+v", p)
	}
}

// --at reads the vendor's wall clock: a date and time there, a time of day
// (the next time the clock reads it), RFC 3339, now; anything else is bad
// input naming the forms.
func TestParseAt(t *testing.T) {
	v := hoursVendor(t, "America/New_York", "[mon, tue, wed, thu, fri]", "09:00", "17:00")
	ny := v.Config.WorkHours.Location
	now := time.Date(2026, 3, 7, 12, 0, 30, 0, ny) // Saturday before the clocks spring forward
	for in, want := range map[string]time.Time{
		"now":                       now,
		"2026-03-09 10:00":          time.Date(2026, 3, 9, 10, 0, 0, 0, ny),
		"2026-03-09T10:00":          time.Date(2026, 3, 9, 10, 0, 0, 0, ny),
		"11:00":                     time.Date(2026, 3, 8, 11, 0, 0, 0, ny), // Sunday, on a 23-hour day
		"12:00":                     time.Date(2026, 3, 8, 12, 0, 0, 0, ny), // 12:00:30 has passed today
		"2026-11-25T10:00:00+08:00": time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC),
	} {
		got, err := routetest.ParseAt(in, v, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("--at %s: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "25:00", "2026-13-01 10:00", "10"} {
		if _, err := routetest.ParseAt(bad, v, now); err == nil {
			t.Errorf("--at %q accepted", bad)
		}
	}
}
