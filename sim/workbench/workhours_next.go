package workbench

import (
	"slices"
	"time"
)

// changeGrid is the step NextChange scans at. Work hours change only at
// their from and to times of day, which it tries first; the grid catches a
// change anywhere else (a clock change moving a boundary, a window shorter
// than a day that a clock change repeats).
const changeGrid = 15 * time.Minute

// NextChange is the first instant after t, within the given span, at which
// InWorkHours changes its answer (R-VEN-4), to the second; false when it
// does not change within the span (always open, never open). It asks
// InWorkHours itself at each candidate, so it agrees with the rule the
// core applies, clock changes included, and schedules built on it (the
// traffic simulator's rosters) open and close exactly when the workbench
// starts and stops refusing requests.
func (h WorkHours) NextChange(t time.Time, loc *time.Location, within time.Duration) (time.Time, bool) {
	if h.Location != nil {
		loc = h.Location
	}
	if loc == nil {
		loc = defaultZone()
	}
	was := h.InWorkHours(t, loc)
	end := t.Add(within)
	prev := t
	for _, c := range h.candidates(t, end, loc) {
		if h.InWorkHours(c, loc) == was {
			prev = c
			continue
		}
		// The answer changed in (prev, c]: bisect to the second.
		lo, hi := prev, c
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if !mid.After(lo) {
				mid = lo.Add(time.Second)
			}
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

// defaultZone is the zone of work hours that name none (Asia/Shanghai).
func defaultZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
