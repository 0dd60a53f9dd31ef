package script

import (
	"fmt"
	"time"
)

// resolve is the first instant at or after now when the vendor's wall
// clock (in loc) reads spec: today or a later day for a time of day, the
// next such weekday, or the date given. A date already past is an error: a
// script cannot move the clock back.
func resolve(spec *TimeSpec, now time.Time, loc *time.Location) (time.Time, error) {
	now = now.In(loc)
	if spec.HasDate {
		d := spec.Date
		t := time.Date(d.Year(), d.Month(), d.Day(), spec.Hour, spec.Minute, 0, 0, loc)
		if t.Before(now) {
			return time.Time{}, fmt.Errorf("%s (%s) is before the workbench's time %s: a script cannot move the clock back",
				spec.Text, t.Format("2006-01-02 15:04 MST"), now.Format("2006-01-02 15:04:05 MST"))
		}
		return t, nil
	}
	for day := 0; day <= 8; day++ {
		y, m, d := now.Date()
		t := time.Date(y, m, d+day, spec.Hour, spec.Minute, 0, 0, loc)
		if t.Hour() != spec.Hour || t.Minute() != spec.Minute {
			continue // the clocks skip that time that day
		}
		if t.Before(now) {
			continue
		}
		if spec.Weekday != 0 && int(t.Weekday()) != spec.Weekday-1 {
			continue
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s never comes on the vendor's clock", spec.Text)
}
