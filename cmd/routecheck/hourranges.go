package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	wb "routecheck/sim/workbench"
)

// weekHour is an hour of the week (0 = Monday 00:00, as the simulator's
// hours of the week run) and what is said of it.
type weekHour struct {
	h   int
	why string
}

// hourRanges says a set of hours of the week as ranges, so 84 hours read
// as one line: consecutive hours with the same reason become a span, and
// the same span on consecutive days one entry:
// "周一–周日 00:00–12:00 (pickup); 周六 22:00–周日 02:00 (satisfaction)".
func hourRanges(hs []weekHour) string {
	slices.SortFunc(hs, func(a, b weekHour) int { return a.h - b.h })
	type span struct {
		from, to int // hours of the week, to exclusive
		why      string
	}
	var spans []span
	for _, x := range hs {
		if n := len(spans); n > 0 && spans[n-1].to == x.h && spans[n-1].why == x.why {
			spans[n-1].to++
			continue
		}
		spans = append(spans, span{x.h, x.h + 1, x.why})
	}
	day := func(h int) string { return wb.WeekdayName(time.Weekday((h/24 + 1) % 7)) }
	clock := func(h int) string {
		if h%24 == 0 && h > 0 {
			return "24:00"
		}
		return fmt.Sprintf("%02d:00", h%24)
	}
	var out []string
	for i := 0; i < len(spans); i++ {
		s := spans[i]
		if s.from/24 != (s.to-1)/24 { // across midnight
			out = append(out, fmt.Sprintf("%s %s–%s %s (%s)", day(s.from), clock(s.from), day(s.to), clock(s.to%(7*24)), s.why))
			continue
		}
		// the same hours on the days that follow
		last := i
		for j := i + 1; j < len(spans); j++ {
			p, n := spans[last], spans[j]
			if n.why != s.why || n.from-p.from != 24 || n.to-n.from != s.to-s.from {
				break
			}
			last = j
		}
		days := day(s.from)
		if last > i {
			days += "–" + day(spans[last].from)
		}
		to := clock(s.to)
		if s.to%24 == 0 {
			to = "24:00"
		}
		out = append(out, fmt.Sprintf("%s %s–%s (%s)", days, clock(s.from), to, s.why))
		i = last
	}
	return strings.Join(out, "; ")
}

// hourOfWeek reads a simulator label ("周二 03:00") back as an hour of the
// week; false for a label it does not know.
func hourOfWeek(label string) (int, bool) {
	name, hm, ok := strings.Cut(label, " ")
	if !ok {
		return 0, false
	}
	t, err := time.Parse("15:04", hm)
	if err != nil {
		return 0, false
	}
	for d := range 7 {
		if wb.WeekdayName(time.Weekday((d+1)%7)) == name {
			return d*24 + t.Hour(), true
		}
	}
	return 0, false
}
