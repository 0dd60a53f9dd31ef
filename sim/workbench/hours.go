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
func (h WorkHours) NextInHours(t time.Time, loc *time.Location) (next time.Time, ok bool) {
	if h.InWorkHours(t, loc) {
		return t, true
	}
	return h.NextChange(t, loc, hoursScanLimit)
}

// HoursEnd is the first instant after t outside the work hours: when the
// window t is in closes. ok is false when t is not in the work hours or
// they do not close within nine days (open round the clock).
func (h WorkHours) HoursEnd(t time.Time, loc *time.Location) (end time.Time, ok bool) {
	if !h.InWorkHours(t, loc) {
		return time.Time{}, false
	}
	return h.NextChange(t, loc, hoursScanLimit)
}

// changeGrid is the step NextChange also scans at. Work hours change only
// at their from and to times of day, which it tries first; the grid catches
// a change anywhere else (a clock change moving a boundary, a window shorter
// than a day that a clock change repeats).
const changeGrid = 15 * time.Minute

// NextChange is the first instant after t, within the given span, at which
// InWorkHours changes its answer (R-VEN-4); false when it does not change
// within the span (always open, never open). It asks InWorkHours itself at
// each candidate and bisects to the nanosecond (a zone whose offset is not
// whole minutes puts boundaries between the candidates), so it agrees with
// the rule by construction, clock changes included: the route test plans
// its clock on it and the traffic simulator its rosters.
func (h WorkHours) NextChange(t time.Time, loc *time.Location, within time.Duration) (time.Time, bool) {
	loc = h.location(loc)
	was := h.InWorkHours(t, loc)
	prev := t
	for _, c := range h.candidates(t, t.Add(within), loc) {
		if h.InWorkHours(c, loc) == was {
			prev = c
			continue
		}
		lo, hi := prev, c // the answer is was at lo, not at hi
		for hi.Sub(lo) > 1 {
			mid := lo.Add(hi.Sub(lo) / 2)
			if h.InWorkHours(mid, loc) == was {
				lo = mid
			} else {
				hi = mid
			}
		}
		return hi, true
	}
	return time.Time{}, false
}

// candidates are the instants after t, up to end, where the answer may
// change, in time order: every from and to time of day on each local date,
// a grid of changeGrid steps, and end itself.
func (h WorkHours) candidates(t, end time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	add := func(at time.Time) {
		if at.After(t) && !at.After(end) {
			out = append(out, at)
		}
	}
	lt := t.In(loc)
	for d := -1; ; d++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+d, 0, 0, 0, 0, loc)
		if day.After(end) {
			break
		}
		for _, tod := range []time.Duration{h.From, h.To} {
			m := int(tod / time.Minute)
			add(time.Date(lt.Year(), lt.Month(), lt.Day()+d, m/60, m%60, 0, 0, loc))
		}
	}
	for g := t.Truncate(changeGrid).Add(changeGrid); !g.After(end); g = g.Add(changeGrid) {
		add(g)
	}
	add(end)
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}
