package workbench_test

import (
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// Quarter-hour bins put requests in the quarter of their transfer
// request, so a window that starts or ends at a quarter hour (a half-hour
// zone's local hour) is exact; the default stays an hour.
func TestKPIStreamQuarterHourBins(t *testing.T) {
	base := time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC) // 09:30 in Kolkata
	req := func(s *wb.KPIStream, conv string, at time.Time) {
		s.Observe(wb.Event{Type: wb.EvTransferRequest, Conv: conv, Group: "d1", At: at})
	}
	q, h := wb.NewKPIStreamBins(15*time.Minute), wb.NewKPIStream()
	for i, min := range []int{10, 29, 31, 59, 61} {
		at := base.Add(time.Duration(min) * time.Minute)
		conv := string(rune('a' + i))
		req(q, conv, at)
		req(h, conv, at)
	}
	if n := len(q.Bins()); n != 5 {
		t.Errorf("quarter hours: %d bins, want 5 (4:00, 4:15, 4:30, 4:45, 5:00)", n)
	}
	if n := len(h.Bins()); n != 2 {
		t.Errorf("hours: %d bins, want 2", n)
	}
	// 10:00-11:00 in Kolkata is 04:30-05:30 UTC: the requests at :31, :59
	// and 5:01 UTC.
	f := wb.KPIFilter{Department: "d1", From: base.Add(30 * time.Minute), To: base.Add(90 * time.Minute), Traffic: wb.TrafficAll}
	if k := q.KPIs(f); k.ServiceRequests != 3 {
		t.Errorf("a half-hour-zone hour from quarter bins: %d requests, want 3", k.ServiceRequests)
	}
	for _, w := range []time.Duration{0, 7 * time.Minute, -time.Hour} {
		s := wb.NewKPIStreamBins(w)
		req(s, "x", base.Add(59*time.Minute))
		if b := s.Bins(); len(b) != 1 || !b[0].Hour.Equal(base) {
			t.Errorf("width %v: bins %v, want one hour bin (widths that do not divide an hour fall back to an hour)", w, b)
		}
	}
}
