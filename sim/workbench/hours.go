package workbench

import (
	"slices"
	"time"
)

// Work hours (R-VEN-4) are judged on the vendor's wall clock: what a clock
// on the wall of the vendor's office reads, in its zone. A day on which the
// clocks change has 23 or 25 hours, and a zone may be half an hour or more
// off the hour; "09:00" still means the clock reads 09:00, never "nine hours
// after midnight".

// hoursScanLimit bounds the search for the next window: a week, plus a day
// for a window that began the day before, plus a day for one that vanished
// on a day the clocks changed.
const hoursScanLimit = 9 * 24 * time.Hour

// location is the zone the hours are kept in: h.Location, else loc, else
// Asia/Shanghai (the zone the workbench serves).
func (h WorkHours) location(loc *time.Location) *time.Location {
	switch {
	case h.Location != nil:
		return h.Location
	case loc != nil:
		return loc
	}
	if sh, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return sh
	}
	return time.FixedZone("CST", 8*3600)
}

// InWorkHours reports whether t falls in the vendor's work hours (R-VEN-4),
// read on the wall clock of h.Location (or loc when h has none). A window
// whose end is at or before its start runs past midnight and belongs to the
// day it starts on; one whose end equals its start is open round the clock
// from its start.
func (h WorkHours) InWorkHours(t time.Time, loc *time.Location) bool {
	lt := t.In(h.location(loc))
	hh, mm, ss := lt.Clock()
	// The time of day as the wall clock shows it, not the time elapsed
	// since midnight, which is an hour off on a day the clocks change.
	tod := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second +
		time.Duration(lt.Nanosecond())
	day := lt.Weekday()
	if h.To > h.From {
		return slices.Contains(h.Days, day) && tod >= h.From && tod < h.To
	}
	if tod >= h.From {
		return slices.Contains(h.Days, day)
	}
	return tod < h.To && slices.Contains(h.Days, (day+6)%7)
}

// NextInHours is the first instant at or after t that falls in the work
// hours: t itself when it does, else the start of the next window as the
// wall clock shows it (on a day the clocks spring forward over a window's
// start, the first instant after the gap). ok is false when no window comes
// within nine days (no days listed, or windows that never exist).
//
// It scans the wall clock minute by minute and then narrows to the exact
// instant, so it agrees with InWorkHours by construction; it costs about a
// millisecond, meant for planning a run, not for every event.
func (h WorkHours) NextInHours(t time.Time, loc *time.Location) (next time.Time, ok bool) {
	in := func(u time.Time) bool { return h.InWorkHours(u, loc) }
	if in(t) {
		return t, true
	}
	return firstChange(t, in, true)
}

// HoursEnd is the first instant after t outside the work hours: when the
// window t is in closes. ok is false when t is not in the work hours or
// they do not close within nine days (open round the clock).
func (h WorkHours) HoursEnd(t time.Time, loc *time.Location) (end time.Time, ok bool) {
	in := func(u time.Time) bool { return h.InWorkHours(u, loc) }
	if !in(t) {
		return time.Time{}, false
	}
	return firstChange(t, in, false)
}

// firstChange is the first instant after t at which in(u) == want, where
// in(t) != want: minute steps on the wall clock, then a bisection down to
// the nanosecond (a zone whose offset is not whole minutes, such as a
// historical local mean time, puts boundaries between the steps).
func firstChange(t time.Time, in func(time.Time) bool, want bool) (time.Time, bool) {
	prev := t
	for u := t.Truncate(time.Minute).Add(time.Minute); u.Sub(t) <= hoursScanLimit; u = u.Add(time.Minute) {
		if in(u) != want {
			prev = u
			continue
		}
		lo, hi := prev, u // in(lo) != want, in(hi) == want
		for hi.Sub(lo) > 1 {
			mid := lo.Add(hi.Sub(lo) / 2)
			if in(mid) == want {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi, true
	}
	return time.Time{}, false
}
