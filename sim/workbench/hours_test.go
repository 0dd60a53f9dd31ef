package workbench_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

var everyDay = []time.Weekday{0, 1, 2, 3, 4, 5, 6}

// hm is "HH:MM" as a duration since the wall clock read 00:00.
func hm(s string) time.Duration {
	h, m, _ := strings.Cut(s, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute
}

func hours(zone string, days []time.Weekday, from, to string) wb.WorkHours {
	return wb.WorkHours{Location: mustZone(zone), Days: days, From: hm(from), To: hm(to)}
}

func instant(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// R-VEN-4 on the vendor's wall clock: days the clocks change (23 and 25
// hours, both hemispheres, a 30-minute shift, a day with no midnight and
// one with two), zones half an hour or 45 minutes off the hour and far from
// UTC+8, windows past midnight and the day boundary. Every instant is
// written with the offset the zone has then, so a 01:30 that happens twice
// is named exactly.
func TestWorkHoursOnTheWallClock(t *testing.T) {
	weekdays := []time.Weekday{1, 2, 3, 4, 5}
	cases := []struct {
		name string
		h    wb.WorkHours
		at   string
		want bool
	}{
		// New York springs forward on Sunday 8 March 2026 (23 hours).
		{"23-hour day, 09:00", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-03-08T09:00:00-04:00", true},
		{"23-hour day, 08:59", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-03-08T08:59:00-04:00", false},
		{"23-hour day, 17:59", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-03-08T17:59:59-04:00", true},
		{"23-hour day, 18:00", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-03-08T18:00:00-04:00", false},
		// ... and falls back on Sunday 1 November 2026 (25 hours).
		{"25-hour day, 08:30", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-11-01T08:30:00-05:00", false},
		{"25-hour day, 09:00", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-11-01T09:00:00-05:00", true},
		{"25-hour day, 17:30", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-11-01T17:30:00-05:00", true},
		{"25-hour day, 18:00", hours("America/New_York", everyDay, "09:00", "18:00"), "2026-11-01T18:00:00-05:00", false},
		{"the first 01:30", hours("America/New_York", everyDay, "01:00", "02:00"), "2026-11-01T01:30:00-04:00", true},
		{"the second 01:30", hours("America/New_York", everyDay, "01:00", "02:00"), "2026-11-01T01:30:00-05:00", true},
		{"02:00 after the second 01:59", hours("America/New_York", everyDay, "01:00", "02:00"), "2026-11-01T02:00:00-05:00", false},
		// A Saturday night shift across both changes.
		{"night shift, the first 01:30", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-11-01T01:30:00-04:00", true},
		{"night shift, the second 01:30", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-11-01T01:30:00-05:00", true},
		{"night shift, 02:00 of a 25-hour day", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-11-01T02:00:00-05:00", false},
		{"night shift, 01:59 of a 23-hour day", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-03-08T01:59:59-05:00", true},
		{"night shift, 03:00 right after the gap", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-03-08T03:00:00-04:00", false},
		{"a window that starts in the gap", hours("America/New_York", []time.Weekday{0}, "02:30", "04:00"), "2026-03-08T03:00:00-04:00", true},
		// Europe and the southern hemisphere.
		{"London 23-hour day, 09:00", hours("Europe/London", everyDay, "09:00", "18:00"), "2026-03-29T09:00:00+01:00", true},
		{"London 25-hour day, 17:30", hours("Europe/London", everyDay, "09:00", "18:00"), "2026-10-25T17:30:00Z", true},
		{"Sydney 25-hour day, 08:30", hours("Australia/Sydney", everyDay, "09:00", "18:00"), "2026-04-05T08:30:00+10:00", false},
		{"Sydney 23-hour day, 09:00", hours("Australia/Sydney", everyDay, "09:00", "18:00"), "2026-10-04T09:00:00+11:00", true},
		// Lord Howe Island moves its clocks by 30 minutes.
		{"Lord Howe 23.5-hour day, 09:00", hours("Australia/Lord_Howe", everyDay, "09:00", "18:00"), "2026-10-04T09:00:00+11:00", true},
		{"Lord Howe 23.5-hour day, 18:00", hours("Australia/Lord_Howe", everyDay, "09:00", "18:00"), "2026-10-04T18:00:00+11:00", false},
		{"Lord Howe 24.5-hour day, 08:45", hours("Australia/Lord_Howe", everyDay, "09:00", "18:00"), "2026-04-05T08:45:00+10:30", false},
		// Havana springs over midnight (no 00:00 on 8 March) and falls back
		// to it (two on 1 November); Santiago has two 23:00 on a Saturday.
		{"a day with no midnight, 09:00", hours("America/Havana", everyDay, "09:00", "18:00"), "2026-03-08T09:00:00-04:00", true},
		{"a day with no midnight, 01:00 is Sunday", hours("America/Havana", []time.Weekday{0}, "01:00", "02:00"), "2026-03-08T01:00:00-04:00", true},
		{"a day with two midnights, the second", hours("America/Havana", []time.Weekday{0}, "00:00", "00:30"), "2026-11-01T00:15:00-05:00", true},
		{"two 23:30 on a Saturday, the first", hours("America/Santiago", []time.Weekday{6}, "22:00", "24:00"), "2026-04-04T23:30:00-03:00", true},
		{"two 23:30 on a Saturday, the second", hours("America/Santiago", []time.Weekday{6}, "22:00", "24:00"), "2026-04-04T23:30:00-04:00", true},
		{"Sunday after two Saturday 23:30s", hours("America/Santiago", []time.Weekday{6}, "22:00", "24:00"), "2026-04-05T00:00:00-04:00", false},
		// Zones off the hour and far from UTC+8.
		{"Kolkata 08:59:59", hours("Asia/Kolkata", weekdays, "09:00", "18:00"), "2026-11-25T03:29:59Z", false},
		{"Kolkata 09:00", hours("Asia/Kolkata", weekdays, "09:00", "18:00"), "2026-11-25T03:30:00Z", true},
		{"Kathmandu 09:00", hours("Asia/Kathmandu", weekdays, "09:00", "18:00"), "2026-11-25T03:15:00Z", true},
		{"Kathmandu 08:59", hours("Asia/Kathmandu", weekdays, "09:00", "18:00"), "2026-11-25T03:14:00Z", false},
		{"Chatham 09:00 (+13:45)", hours("Pacific/Chatham", weekdays, "09:00", "18:00"), "2026-11-24T19:15:00Z", true},
		{"St John's 17:59 (-03:30)", hours("America/St_Johns", weekdays, "09:00", "18:00"), "2026-11-25T21:29:00Z", true},
		{"Kiritimati Monday 09:00 is Sunday in UTC", hours("Pacific/Kiritimati", weekdays, "09:00", "18:00"), "2026-11-22T19:00:00Z", true},
		{"Pago Pago Friday 17:59 is Saturday in UTC", hours("Pacific/Pago_Pago", weekdays, "09:00", "18:00"), "2026-11-28T04:59:00Z", true},
		{"Pago Pago Friday 18:00", hours("Pacific/Pago_Pago", weekdays, "09:00", "18:00"), "2026-11-28T05:00:00Z", false},
		{"Los Angeles Saturday 10:00", hours("America/Los_Angeles", weekdays, "09:00", "18:00"), "2026-11-28T18:00:00Z", false},
		// The day boundary.
		{"to 24:00, the last nanosecond", hours("Asia/Shanghai", []time.Weekday{1}, "20:00", "24:00"), "2026-11-23T23:59:59.999999999+08:00", true},
		{"to 24:00, midnight is the next day", hours("Asia/Shanghai", []time.Weekday{1}, "20:00", "24:00"), "2026-11-24T00:00:00+08:00", false},
		{"past midnight belongs to the day it starts, Sunday to Monday", hours("Asia/Shanghai", []time.Weekday{0}, "22:00", "02:00"), "2026-11-23T01:00:00+08:00", true},
		{"past midnight, Saturday to Sunday", hours("Asia/Shanghai", []time.Weekday{6}, "22:00", "02:00"), "2026-11-29T01:59:00+08:00", true},
		{"past midnight, not the day before it", hours("Asia/Shanghai", []time.Weekday{6}, "22:00", "02:00"), "2026-11-28T01:00:00+08:00", false},
		{"from equal to to is round the clock", hours("Asia/Shanghai", []time.Weekday{1}, "09:00", "09:00"), "2026-11-24T08:59:00+08:00", true},
		{"round the clock ends at from the next day", hours("Asia/Shanghai", []time.Weekday{1}, "09:00", "09:00"), "2026-11-24T09:00:00+08:00", false},
	}
	for _, c := range cases {
		at := instant(t, c.at)
		if got := c.h.InWorkHours(at, nil); got != c.want {
			t.Errorf("%s: %s (%s) in %s: in hours %v, want %v", c.name, c.at, at.In(c.h.Location).Format("Mon 15:04 MST"), c.h, got, c.want)
		}
	}
}

// The next in-hours instant and the end of a window, on the wall clock: a
// window that starts in a spring-forward gap opens when the gap ends, one
// that never exists that day is skipped, and the first of two 01:30s wins.
func TestNextInHoursAndHoursEnd(t *testing.T) {
	weekdays := []time.Weekday{1, 2, 3, 4, 5}
	lmt := time.FixedZone("LMT", 8*3600+5*60+43) // Shanghai's local mean time, not whole minutes
	next := []struct {
		name     string
		h        wb.WorkHours
		from, to string // to "" means none
	}{
		{"nightly CI at 03:00", hours("Asia/Shanghai", weekdays, "09:00", "18:00"), "2026-11-25T03:00:00+08:00", "2026-11-25T09:00:00+08:00"},
		{"already in hours", hours("Asia/Shanghai", weekdays, "09:00", "18:00"), "2026-11-25T10:00:00.5+08:00", "2026-11-25T10:00:00.5+08:00"},
		{"Friday at closing", hours("Asia/Shanghai", weekdays, "09:00", "18:00"), "2026-11-27T18:00:00+08:00", "2026-11-30T09:00:00+08:00"},
		{"evening hours at 11:06", hours("Asia/Shanghai", everyDay, "19:00", "23:00"), "2026-11-25T11:06:00+08:00", "2026-11-25T19:00:00+08:00"},
		{"opens when the gap ends", hours("America/New_York", []time.Weekday{0}, "02:30", "04:00"), "2026-03-07T23:00:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"the first of two 01:30s", hours("America/New_York", []time.Weekday{0}, "01:30", "02:00"), "2026-11-01T00:00:00-04:00", "2026-11-01T01:30:00-04:00"},
		{"a window lost in a 30-minute gap is a week away", hours("Australia/Lord_Howe", []time.Weekday{0}, "02:00", "02:15"), "2026-10-04T00:00:00+10:30", "2026-10-11T02:00:00+11:00"},
		{"a window at a midnight that does not come", hours("America/Havana", []time.Weekday{0}, "00:00", "00:45"), "2026-03-07T22:00:00-05:00", "2026-03-15T00:00:00-04:00"},
		{"45 minutes off the hour", hours("Asia/Kathmandu", weekdays, "09:00", "18:00"), "2026-11-25T00:00:00Z", "2026-11-25T03:15:00Z"},
		{"Monday in Kiritimati from Saturday in UTC", hours("Pacific/Kiritimati", weekdays, "09:00", "18:00"), "2026-11-21T12:00:00Z", "2026-11-22T19:00:00Z"},
		{"no days", wb.WorkHours{Location: shanghai, From: hm("09:00"), To: hm("18:00")}, "2026-11-25T03:00:00+08:00", ""},
		{"a zone off the minute", wb.WorkHours{Location: lmt, Days: everyDay, From: hm("09:00"), To: hm("18:00")},
			"2026-11-24T18:54:17Z", "2026-11-25T00:54:17Z"}, // 03:00 and 09:00 at +08:05:43
	}
	for _, c := range next {
		got, ok := c.h.NextInHours(instant(t, c.from), nil)
		switch {
		case c.to == "" && ok:
			t.Errorf("%s: next in hours %s, want none", c.name, got)
		case c.to != "" && (!ok || !got.Equal(instant(t, c.to))):
			t.Errorf("%s: next in hours from %s is %s (ok %v), want %s", c.name, c.from, got.In(c.h.Location), ok, c.to)
		}
	}
	ends := []struct {
		name     string
		h        wb.WorkHours
		from, to string
	}{
		{"closing time", hours("Asia/Shanghai", weekdays, "09:00", "18:00"), "2026-11-25T17:00:00+08:00", "2026-11-25T18:00:00+08:00"},
		{"a night shift ends the next day", hours("Asia/Shanghai", []time.Weekday{5}, "20:00", "02:00"), "2026-11-27T23:00:00+08:00", "2026-11-28T02:00:00+08:00"},
		{"a night shift of 25 hours' night", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-10-31T23:00:00-04:00", "2026-11-01T02:00:00-05:00"},
		{"a night shift of 23 hours' night", hours("America/New_York", []time.Weekday{6}, "22:00", "02:00"), "2026-03-07T23:00:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"round the clock never ends", hours("Asia/Shanghai", everyDay, "00:00", "24:00"), "2026-11-25T17:00:00+08:00", ""},
		{"not in hours", hours("Asia/Shanghai", weekdays, "09:00", "18:00"), "2026-11-25T03:00:00+08:00", ""},
	}
	for _, c := range ends {
		got, ok := c.h.HoursEnd(instant(t, c.from), nil)
		switch {
		case c.to == "" && ok:
			t.Errorf("%s: hours end %s, want none", c.name, got)
		case c.to != "" && (!ok || !got.Equal(instant(t, c.to))):
			t.Errorf("%s: hours from %s end %s (ok %v), want %s", c.name, c.from, got.In(c.h.Location), ok, c.to)
		}
	}
}

// wallOracle is R-VEN-4 read off the printed wall clock: the weekday and
// HH:MM:SS the zone's clock shows, compared as text. It shares no
// arithmetic with InWorkHours.
func wallOracle(h wb.WorkHours, at time.Time) bool {
	lt := at.In(h.Location)
	clock := lt.Format("15:04:05.000000000")
	from, to := fmtHM(h.From), fmtHM(h.To)
	day := lt.Format("Mon")
	// noon of the day before: a midnight may not exist, noon always does
	prev := time.Date(lt.Year(), lt.Month(), lt.Day()-1, 12, 0, 0, 0, h.Location).Format("Mon")
	listed := func(d string) bool {
		for _, w := range h.Days {
			if w.String()[:3] == d {
				return true
			}
		}
		return false
	}
	switch {
	case to > from:
		return listed(day) && clock >= from && clock < to
	case clock >= from:
		return listed(day)
	default:
		return clock < to && listed(prev)
	}
}

func fmtHM(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d:00.000000000", int(d.Hours()), int(d.Minutes())%60)
}

// Random instants over years in zones with and without DST agree with the
// wall-clock oracle, and NextInHours and HoursEnd agree with InWorkHours:
// the next instant is in hours, the one before it is not, and no minute in
// between is.
func TestWorkHoursAgreeWithTheWallClockOracle(t *testing.T) {
	zones := []string{"Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Havana",
		"America/Santiago", "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns"}
	rng := rand.New(rand.NewPCG(15, 4))
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 20000 {
		var days []time.Weekday
		for d := range 7 {
			if rng.IntN(2) == 0 {
				days = append(days, time.Weekday(d))
			}
		}
		h := wb.WorkHours{Location: mustZone(zones[i%len(zones)]), Days: days,
			From: time.Duration(rng.IntN(24*4)) * 15 * time.Minute, To: time.Duration(rng.IntN(24*4+1)) * 15 * time.Minute}
		at := base.Add(time.Duration(rng.Int64N(int64(10 * 365 * 24 * time.Hour)))).Truncate(time.Minute)
		if rng.IntN(4) == 0 {
			// near a change of the clocks: the next transition, give or take
			_, end := at.In(h.Location).ZoneBounds()
			if !end.IsZero() {
				at = end.Add(time.Duration(rng.IntN(240)-120) * time.Minute)
			}
		}
		if got, want := h.InWorkHours(at, nil), wallOracle(h, at); got != want {
			t.Fatalf("%s %s at %s (%s): in hours %v, the wall clock says %v", h.Location, h, at, at.In(h.Location).Format("Mon 15:04:05 MST"), got, want)
		}
		if i%40 != 0 {
			continue
		}
		next, ok := h.NextInHours(at, nil)
		if len(days) > 0 && !ok {
			t.Fatalf("%s %s from %s: no next in-hours instant", h.Location, h, at)
		}
		if !ok {
			continue
		}
		if !wallOracle(h, next) || (next.After(at) && wallOracle(h, next.Add(-time.Nanosecond))) {
			t.Fatalf("%s %s from %s: next %s is not where the hours begin", h.Location, h, at, next.In(h.Location))
		}
		for u := at.Add(time.Minute); u.Before(next); u = u.Add(time.Minute) {
			if wallOracle(h, u) {
				t.Fatalf("%s %s from %s: next %s, but %s is in hours", h.Location, h, at, next.In(h.Location), u.In(h.Location))
			}
		}
		if end, ok := h.HoursEnd(next, nil); ok && (wallOracle(h, end) || !wallOracle(h, end.Add(-time.Nanosecond))) {
			t.Fatalf("%s %s: the window from %s ends at %s, which is not where it closes", h.Location, h, next.In(h.Location), end.In(h.Location))
		}
	}
}
