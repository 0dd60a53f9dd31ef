package main

import (
	"testing"

	"routecheck/sim/traffic"
)

// Long lists of hours read as ranges: 84 hours of the week in one entry,
// runs across midnight and apart by reason.
func TestHourRanges(t *testing.T) {
	var mornings []weekHour
	for d := range 7 {
		for h := range 12 {
			mornings = append(mornings, weekHour{d*24 + h, "pickup"})
		}
	}
	for _, tc := range []struct {
		hs   []weekHour
		want string
	}{
		{mornings, "周一–周日 00:00–12:00 (pickup)"},
		{[]weekHour{{9, "pickup"}, {10, "pickup"}, {11, "satisfaction"}}, "周一 09:00–11:00 (pickup); 周一 11:00–12:00 (satisfaction)"},
		{[]weekHour{{22, "pickup"}, {23, "pickup"}, {24, "pickup"}, {25, "pickup"}}, "周一 22:00–周二 02:00 (pickup)"},
		{[]weekHour{{9, "a"}, {33, "a"}, {57, "a"}, {105, "a"}}, "周一–周三 09:00–10:00 (a); 周五 09:00–10:00 (a)"},
		{[]weekHour{{23, "a"}, {47, "a"}}, "周一–周二 23:00–24:00 (a)"},
		{[]weekHour{{167, "a"}}, "周日 23:00–24:00 (a)"},
	} {
		if got := hourRanges(tc.hs); got != tc.want {
			t.Errorf("hourRanges = %q, want %q", got, tc.want)
		}
	}
	for h := range 7 * 24 {
		if got, ok := hourOfWeek(traffic.HourLabel(h)); !ok || got != h {
			t.Errorf("hourOfWeek(%q) = %d, %v, want %d", traffic.HourLabel(h), got, ok, h)
		}
	}
}
