package routetest

import (
	"fmt"
	"strings"
	"time"

	"routecheck/fixtures"
	wb "routecheck/sim/workbench"
)

// Where the time of day of a route test comes from (docs/decisions.md
// D-RUN-8). A tester does the real test inside the vendor's work hours
// (R-VEN-4); the harness may run at any hour (nightly CI at 03:00), so the
// bundled workbench's clock starts inside them unless the tester chose
// another instant.
const (
	FromStartAt     = "rehearsal.start_at" // the fixture rehearses an instant
	FromAt          = "--at"               // the tester chose one on the command line
	FromNow         = "now"                // the harness's clock, inside the hours
	FromNextInHours = "next in-hours"      // the harness's clock was outside them
)

// ClockPlan is when the bundled workbench's clock starts and why.
type ClockPlan struct {
	Start  time.Time // in the vendor's zone
	Wall   time.Time // the harness's clock when the plan was made
	Source string    // one of the From… constants
	// Rehearsed: the instant was chosen by the tester (start_at or --at),
	// so a transfer refused outside the hours rehearses a tester who picked
	// the wrong time (R-VEN-4), and is the run's verdict.
	Rehearsed bool
}

// PlanClock chooses the bundled workbench's start: at when the tester gave
// one (--at), else the fixture's rehearsal.start_at, else the harness's
// clock now when it is in the vendor's work hours with at least margin of
// the window left, else the start of the next window that has margin (or
// the next window at all when none within a week is that long). Time is
// the vendor's wall clock (R-VEN-4).
func PlanClock(v *fixtures.Vendor, at, now time.Time, margin time.Duration) ClockPlan {
	h := v.Config.WorkHours
	loc := zoneOf(v)
	p := ClockPlan{Wall: now.In(loc)}
	switch {
	case !at.IsZero():
		p.Start, p.Source, p.Rehearsed = at, FromAt, true
	case !v.Rehearsal.StartAt.IsZero():
		p.Start, p.Source, p.Rehearsed = v.Rehearsal.StartAt, FromStartAt, true
	default:
		p.Start, p.Source = roomyStart(h, loc, now, margin)
	}
	p.Start = p.Start.In(loc)
	return p
}

// roomyStart is now when the window it is in has margin left, else the
// start of the first later window that does.
func roomyStart(h wb.WorkHours, loc *time.Location, now time.Time, margin time.Duration) (time.Time, string) {
	roomy := func(t time.Time) bool {
		end, ok := h.HoursEnd(t, loc)
		return !ok || end.Sub(t) >= margin
	}
	if h.InWorkHours(now, loc) && roomy(now) {
		return now, FromNow
	}
	first, ok := h.NextInHours(now, loc)
	if !ok {
		return now, FromNow // no window ever opens: the refusal is the verdict
	}
	for t := first; t.Sub(now) < 8*24*time.Hour; {
		if roomy(t) && !t.Equal(now) {
			return t, FromNextInHours
		}
		end, ok := h.HoursEnd(t, loc)
		if !ok {
			break
		}
		if t, ok = h.NextInHours(end, loc); !ok {
			break
		}
	}
	if first.Equal(now) {
		return now, FromNow
	}
	return first, FromNextInHours
}

// Margin is how much of a window a route test needs left: the slowest
// rehearsed reply, every wait at its --timeout and grace, a minute for
// everything else, and five more with the browser checks.
func Margin(v *fixtures.Vendor, timeout time.Duration, browser bool) time.Duration {
	var slowest time.Duration
	for _, h := range v.Habits() {
		slowest = max(slowest, h.ReplyDelay)
	}
	m := slowest + 24*max(timeout, 2*time.Second) + time.Minute
	if browser {
		m += 5 * time.Minute
	}
	return m
}

// Describe says in a line when the run happens and why, for the console
// and the reports: "周三 2026-11-25 09:00 Asia/Shanghai, the next in-hours
// instant (the harness's clock read 周三 03:00)".
func (p ClockPlan) Describe() string {
	at := VendorTime(p.Start)
	switch p.Source {
	case FromStartAt:
		return at + ", rehearsed by rehearsal.start_at"
	case FromAt:
		return at + ", chosen by --at"
	case FromNextInHours:
		return fmt.Sprintf("%s, the next in-hours instant (the harness's clock read %s)", at, wallShort(p.Wall))
	}
	return at + ", now on the harness's clock, inside the work hours"
}

// VendorTime is an instant as the vendor's wall clock shows it: "周三
// 2026-11-25 09:00 Asia/Shanghai".
func VendorTime(t time.Time) string {
	return fmt.Sprintf("%s %s %s", wb.WeekdayName(t.Weekday()), t.Format("2006-01-02 15:04"), zoneName(t.Location()))
}

func wallShort(t time.Time) string {
	return wb.WeekdayName(t.Weekday()) + " " + t.Format("15:04")
}

func zoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	return loc.String()
}

// zoneOf is the vendor's zone (the fixture loader always sets one).
func zoneOf(v *fixtures.Vendor) *time.Location {
	if loc := v.Config.WorkHours.Location; loc != nil {
		return loc
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// atLayouts are the vendor-local forms --at takes besides RFC 3339.
var atLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// ParseAt reads --at: "now" (the harness's clock, as it is), an RFC 3339
// instant, a date and time on the vendor's wall clock ("2026-11-25
// 10:00"), or a time of day ("10:00": the next time the vendor's clock
// reads it, from now).
func ParseAt(s string, v *fixtures.Vendor, now time.Time) (time.Time, error) {
	loc := zoneOf(v)
	s = strings.TrimSpace(s)
	if s == "now" {
		return now.In(loc), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, l := range atLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	if tod, err := time.Parse("15:04", s); err == nil {
		want := wb.WorkHours{Location: loc, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6},
			From: time.Duration(tod.Hour())*time.Hour + time.Duration(tod.Minute())*time.Minute}
		want.To = want.From + time.Minute
		t, ok := want.NextInHours(now, loc)
		if ok && t.Equal(now) && now.In(loc).Truncate(time.Minute) != now.In(loc) {
			// now is inside that minute: the next time it reads HH:MM:00
			end, _ := want.HoursEnd(now, loc)
			t, ok = want.NextInHours(end, loc)
		}
		if ok {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: --at %q: want now, an RFC 3339 time (2026-11-25T10:00:00+08:00), a time on the vendor's clock (2026-11-25 10:00) or a time of day (10:00), in %s",
		ErrInput, s, loc)
}
