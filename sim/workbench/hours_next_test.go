package workbench_test

import (
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// NextChange agrees with InWorkHours minute by minute: the answer is the
// same from t up to the change and differs at it, on ordinary days, across
// midnight, on both clock-change days and in a half-hour zone.
func TestNextChangeAgreesWithInWorkHours(t *testing.T) {
	ny := mustZone("America/New_York")
	kolkata := mustZone("Asia/Kolkata")
	sh := mustZone("Asia/Shanghai")
	all := []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	cases := []struct {
		name string
		h    wb.WorkHours
		from time.Time
	}{
		{"business hours", wb.WorkHours{Location: sh, Days: []time.Weekday{1, 2, 3, 4, 5}, From: 9 * time.Hour, To: 21 * time.Hour}, time.Date(2026, 12, 4, 6, 0, 0, 0, sh)},
		{"minutes", wb.WorkHours{Location: sh, Days: all, From: 9*time.Hour + 10*time.Minute, To: 17*time.Hour + 50*time.Minute}, time.Date(2026, 12, 4, 0, 0, 0, 0, sh)},
		{"overnight", wb.WorkHours{Location: sh, Days: []time.Weekday{time.Friday}, From: 20 * time.Hour, To: 2 * time.Hour}, time.Date(2026, 12, 3, 0, 0, 0, 0, sh)},
		{"to 24:00", wb.WorkHours{Location: sh, Days: []time.Weekday{time.Monday}, From: 0, To: 24 * time.Hour}, time.Date(2026, 11, 29, 12, 0, 0, 0, sh)},
		{"spring forward", wb.WorkHours{Location: ny, Days: all, From: 2*time.Hour + 30*time.Minute, To: 9 * time.Hour}, time.Date(2026, 3, 7, 12, 0, 0, 0, ny)},
		{"fall back", wb.WorkHours{Location: ny, Days: all, From: 1*time.Hour + 30*time.Minute, To: 9 * time.Hour}, time.Date(2026, 10, 31, 12, 0, 0, 0, ny)},
		{"half-hour zone", wb.WorkHours{Location: kolkata, Days: all, From: 9 * time.Hour, To: 18 * time.Hour}, time.Date(2026, 12, 4, 3, 0, 0, 0, kolkata)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := c.from
			changes := 0
			for at.Before(c.from.Add(72 * time.Hour)) {
				next, ok := c.h.NextChange(at, nil, 8*24*time.Hour)
				if !ok {
					t.Fatalf("no change after %v", at)
				}
				was := c.h.InWorkHours(at, nil)
				for m := at; m.Before(next); m = m.Add(time.Minute) {
					if c.h.InWorkHours(m, nil) != was {
						t.Fatalf("from %v the answer changes at %v, before NextChange %v", at, m, next)
					}
				}
				if c.h.InWorkHours(next, nil) == was || c.h.InWorkHours(next.Add(-time.Second), nil) != was {
					t.Fatalf("NextChange(%v) = %v: the answer does not change there", at, next)
				}
				at = next
				changes++
			}
			if changes < 2 {
				t.Errorf("%d changes in 72 h", changes)
			}
		})
	}
}

// Hours that never change (open all week, or no days) have no next change.
func TestNextChangeNone(t *testing.T) {
	sh := mustZone("Asia/Shanghai")
	at := time.Date(2026, 12, 4, 6, 0, 0, 0, sh)
	always := wb.WorkHours{Location: sh, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: 0, To: 24 * time.Hour}
	never := wb.WorkHours{Location: sh, From: 9 * time.Hour, To: 18 * time.Hour}
	for _, h := range []wb.WorkHours{always, never} {
		if next, ok := h.NextChange(at, nil, 8*24*time.Hour); ok {
			t.Errorf("%v: change at %v", h, next)
		}
	}
	// A business day's close is found to the second.
	h := wb.WorkHours{Location: sh, Days: []time.Weekday{time.Friday}, From: 9 * time.Hour, To: 21*time.Hour + 30*time.Minute}
	next, ok := h.NextChange(at, nil, 24*time.Hour)
	if want := time.Date(2026, 12, 4, 9, 0, 0, 0, sh); !ok || !next.Equal(want) {
		t.Errorf("opens %v, want %v", next, want)
	}
	next, _ = h.NextChange(next, nil, 24*time.Hour)
	if want := time.Date(2026, 12, 4, 21, 30, 0, 0, sh); !next.Equal(want) {
		t.Errorf("closes %v, want %v", next, want)
	}
}
