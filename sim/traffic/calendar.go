package traffic

import (
	"fmt"
	"slices"
	"strings"
	"time"

	wb "routecheck/sim/workbench"
)

// Everything here reads the vendor's wall clock (the hour and the date
// the vendor's clock shows), never hours elapsed since a midnight: on the
// days clocks change a day has 23 or 25 hours, and a 09:00 shift starts
// when the wall clock says 09:00.

// HourOfWeek is the bin of t in loc: Monday 00:00 is 0. On the 25-hour day
// the repeated hour falls in the same bin twice; on the 23-hour day the
// skipped hour gets nothing.
func HourOfWeek(t time.Time, loc *time.Location) int {
	lt := t.In(loc)
	return (int(lt.Weekday())+6)%7*24 + lt.Hour()
}

// weekdayOf is the weekday of an hour of the week.
func weekdayOf(how int) time.Weekday { return time.Weekday((how/24 + 1) % 7) }

// OnDuty is how many agents the profile's shifts put on duty in each hour
// of the week (an hour counts when the shift covers its start).
func (p *Profile) OnDuty() (agents [HoursPerWeek]int) {
	for _, s := range p.Shifts {
		for h := range agents {
			if s.covers(h) {
				agents[h] += s.Agents
			}
		}
	}
	return agents
}

func (s Shift) covers(hourOfWeek int) bool {
	return s.coversTOD(weekdayOf(hourOfWeek), time.Duration(hourOfWeek%24)*time.Hour)
}

// coversAt is whether the shift is on at t, by the wall clock in loc.
func (s Shift) coversAt(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	tod := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second
	return s.coversTOD(lt.Weekday(), tod)
}

func (s Shift) coversTOD(day time.Weekday, tod time.Duration) bool {
	if s.To > s.From {
		return slices.Contains(s.Days, day) && tod >= s.From && tod < s.To
	}
	if tod >= s.From {
		return slices.Contains(s.Days, day)
	}
	return tod < s.To && slices.Contains(s.Days, (day+6)%7)
}

// changesIn is the instants in (from, to) at which the shift may start or
// end: its from and to times on the wall clock of each day in the span.
func (s Shift) changesIn(from, to time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	lf := from.In(loc)
	for d := 0; ; d++ {
		day := time.Date(lf.Year(), lf.Month(), lf.Day()+d, 0, 0, 0, 0, loc)
		if !day.Before(to) {
			break
		}
		for _, tod := range []time.Duration{s.From, s.To} {
			m := int(tod / time.Minute)
			at := time.Date(lf.Year(), lf.Month(), lf.Day()+d, m/60, m%60, 0, 0, loc)
			if at.After(from) && at.Before(to) {
				out = append(out, at)
			}
		}
	}
	return out
}

// OpenHours says which hours of the week a run with cfg reaches, and
// which of those the vendor is open at some instant of (R-VEN-4, by the
// core's rule): the hours the staffing search staffs. With AlwaysOpen
// every hour reached is open.
func OpenHours(cfg Config) (reached, open [HoursPerWeek]bool) {
	loc := cfg.Vendor.WorkHours.Location
	if loc == nil {
		loc = shanghai()
	}
	start := cfg.Start
	if start.IsZero() {
		start = time.Date(DefaultStart().Year(), DefaultStart().Month(), DefaultStart().Day(), 0, 0, 0, 0, loc)
	}
	end := start.Add(min(cfg.Duration, 8*24*time.Hour))
	wh := cfg.Vendor.WorkHours
	for t := start; t.Before(end); {
		next := nextHour(t, loc)
		h := HourOfWeek(t, loc)
		reached[h] = true
		switch {
		case open[h]:
		case cfg.AlwaysOpen || wh.InWorkHours(t, loc):
			open[h] = true
		default:
			at, ok := wh.NextChange(t, loc, next.Sub(t))
			open[h] = ok && at.Before(next)
		}
		t = next
	}
	return reached, open
}

func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// HourRanges names a set of hours of the week compactly, as people say
// them: "周一至周五 09:00-21:00; 周六、周日 10:00-22:00". Days with the same
// hours are named together; consecutive hours become a range.
func HourRanges(set [HoursPerWeek]bool) string {
	var dayText [7]string
	for d := range 7 {
		var parts []string
		for h := 0; h < 24; {
			if !set[d*24+h] {
				h++
				continue
			}
			e := h
			for e < 24 && set[d*24+e] {
				e++
			}
			parts = append(parts, fmt.Sprintf("%02d:00-%02d:00", h, e))
			h = e
		}
		dayText[d] = strings.Join(parts, ", ")
	}
	var out []string
	done := [7]bool{}
	for d := range 7 {
		if done[d] || dayText[d] == "" {
			continue
		}
		var days []int
		for e := d; e < 7; e++ {
			if dayText[e] == dayText[d] {
				days = append(days, e)
				done[e] = true
			}
		}
		out = append(out, dayList(days)+" "+dayText[d])
	}
	return strings.Join(out, "; ")
}

// dayList names days of the week (0 = Monday): a run of three or more is
// "周一至周五", others are listed "周六、周日".
func dayList(days []int) string {
	name := func(d int) string { return wb.WeekdayName(time.Weekday((d + 1) % 7)) }
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1] == days[j]+1 {
			j++
		}
		if j-i >= 2 {
			parts = append(parts, name(days[i])+"至"+name(days[j]))
		} else {
			for k := i; k <= j; k++ {
				parts = append(parts, name(days[k]))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, "、")
}

// workHoursText is the work hours as people say them, Monday first:
// "周一至周五 09:00-21:00".
func workHoursText(h wb.WorkHours) string {
	var days []int
	for d := range 7 {
		if slices.Contains(h.Days, time.Weekday((d+1)%7)) {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return "never (no work days)"
	}
	hm := func(d time.Duration) string {
		m := int(d.Minutes())
		return fmt.Sprintf("%02d:%02d", m/60, m%60)
	}
	return dayList(days) + " " + hm(h.From) + "-" + hm(h.To)
}
