package checklist

import (
	"fmt"
	"slices"
	"time"

	wb "routecheck/sim/workbench"
)

// Day is one day of the vendor's work hours (R-VEN-4): the window on the
// vendor's wall clock, and the same instants on the tester's.
type Day struct {
	Date time.Time // midnight of the day, in the vendor's zone
	Open bool      // a work day
	// From and To are the window's start and end instants; To is on the
	// next day for a window past midnight (or ending at 24:00).
	From, To time.Time
}

// week is the seven days from at's date in the vendor's zone. Each window
// is built on the wall clock of its own date, so a day when the clocks
// change keeps its local hours (and is shorter or longer in elapsed time).
func week(h wb.WorkHours, vz, tz *time.Location, at time.Time) []Day {
	lt := at.In(vz)
	out := make([]Day, 0, 7)
	for i := range 7 {
		d := time.Date(lt.Year(), lt.Month(), lt.Day()+i, 0, 0, 0, 0, vz)
		day := Day{Date: d, Open: slices.Contains(h.Days, d.Weekday())}
		if day.Open {
			day.From, day.To = window(h, d)
		}
		out = append(out, day)
	}
	return out
}

// window is the work-hours window that starts on day d (midnight, vendor
// zone), on the wall clock of that date.
func window(h wb.WorkHours, d time.Time) (from, to time.Time) {
	at := func(day int, off time.Duration) time.Time {
		m := int(off / time.Minute)
		return time.Date(d.Year(), d.Month(), d.Day()+day, m/60, m%60, 0, 0, d.Location())
	}
	from = at(0, h.From)
	if h.To > h.From {
		return from, at(0, h.To)
	}
	return from, at(1, h.To)
}

// nextOpen is the first start of a work-hours window after at, within two
// weeks; zero when there is none (a vendor with no work days).
func nextOpen(h wb.WorkHours, vz *time.Location, at time.Time) time.Time {
	lt := at.In(vz)
	for i := -1; i <= 14; i++ {
		d := time.Date(lt.Year(), lt.Month(), lt.Day()+i, 0, 0, 0, 0, vz)
		if !slices.Contains(h.Days, d.Weekday()) {
			continue
		}
		from, _ := window(h, d)
		if from.After(at) && h.InWorkHours(from, vz) {
			return from
		}
	}
	return time.Time{}
}

// Span is the day's window on the wall clock of zone: "09:00–18:00", with
// the dates when the zone sees it on other days than the vendor's date
// ("11-27 22:00 – 11-28 07:00"); "休息 (closed)" on a day off.
func (d Day) Span(zone *time.Location) string {
	if !d.Open {
		return "休息 (closed)"
	}
	f, t := d.From.In(zone), d.To.In(zone)
	if sameDate(f, d.Date) && (sameDate(t, d.Date) || endsAtMidnight(t, d.Date)) {
		return f.Format("15:04") + "–" + clock24(t, d.Date)
	}
	return stamp(f) + " – " + stamp(t)
}

// Label is the vendor-local date with its weekday: "2026-11-27 周五".
func (d Day) Label() string {
	return d.Date.Format("2006-01-02") + " " + wb.WeekdayName(d.Date.Weekday())
}

func sameDate(t, day time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := day.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// endsAtMidnight: t is 00:00 of the day after day (a window "to 24:00").
func endsAtMidnight(t, day time.Time) bool {
	next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, t.Location())
	return t.Equal(next)
}

func clock24(t, day time.Time) string {
	if endsAtMidnight(t, day) && !sameDate(t, day) {
		return "24:00"
	}
	return t.Format("15:04")
}

// stamp is a time with its date and weekday: "11-28 周六 07:00".
func stamp(t time.Time) string {
	return fmt.Sprintf("%s %s %s", t.Format("01-02"), wb.WeekdayName(t.Weekday()), t.Format("15:04"))
}

// When is an instant as the checklist prints it in zone: date, weekday,
// time and the zone's name and offset.
func When(t time.Time, zone *time.Location) string {
	lt := t.In(zone)
	return fmt.Sprintf("%s %s %s (%s, %s)", lt.Format("2006-01-02"), wb.WeekdayName(lt.Weekday()), lt.Format("15:04"), ZoneName(zone, t), lt.Format("UTC-07:00"))
}

// ParseAt reads a planned time: RFC 3339, or "2006-01-02 15:04" (also with
// a T) on the wall clock of zone.
func ParseAt(s string, zone *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2026-11-27T10:00:00+08:00) or \"2026-11-27 10:00\" in the tester's zone (--tz)", s)
}

// ZoneName names a zone for people: its IANA name, or for the machine's
// own zone with no name ("Local") its abbreviation at t, e.g. CET.
func ZoneName(zone *time.Location, t time.Time) string {
	if zone.String() == "Local" {
		return "本机 " + t.In(zone).Format("MST")
	}
	return zone.String()
}
