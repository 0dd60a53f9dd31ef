package workbench_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones, on any machine

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// D-KPI-3: Service Insight for a local day counts the requests of that day
// in the vendor's zone, whatever its offset: a request ten minutes after
// local midnight is in, one ten minutes before is not. With bins of whole
// UTC hours a +5:30 day began half an hour late or early.
func TestInsightLocalDayInEveryZone(t *testing.T) {
	for _, name := range []string{"Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Australia/Adelaide", "Pacific/Chatham", "America/Los_Angeles"} {
		t.Run(name, func(t *testing.T) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				t.Fatal(err)
			}
			midnight := time.Date(2026, 12, 8, 0, 0, 0, 0, loc)
			c := clock.NewVirtual(midnight.Add(-10 * time.Minute))
			w := wb.New(c, wb.Options{HashCost: bcrypt.MinCost})
			v := testVendor("v1", "d1")
			v.WorkHours = wb.WorkHours{Location: loc, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: 0, To: 24 * time.Hour}
			if _, err := w.AddVendor(v); err != nil {
				t.Fatal(err)
			}
			if err := w.SetStatus("v1-a1", wb.StatusOnline); err != nil {
				t.Fatal(err)
			}
			request := func() {
				t.Helper()
				cu, err := w.Enter("v1", "", "")
				if err != nil {
					t.Fatal(err)
				}
				if err := w.CustomerSend(cu.ID, wb.TransferText); err != nil {
					t.Fatal(err)
				}
				if err := w.AgentClose("v1-a1", cu.ID); err != nil {
					t.Fatal(err)
				}
			}
			request()                   // 23:50 the day before
			c.Advance(20 * time.Minute) // 00:10
			request()
			c.Advance(23*time.Hour + 40*time.Minute) // 23:50
			request()
			c.Advance(20 * time.Minute) // 00:10 the day after
			request()
			day := func(d time.Time) int {
				in, err := w.ServiceInsight("v1-admin", "d1", d, d.AddDate(0, 0, 1))
				if err != nil {
					t.Fatal(err)
				}
				return in.Assessed.ServiceRequests
			}
			if got := day(midnight); got != 2 {
				t.Errorf("the local day %s: %d requests, want 2 (00:10 and 23:50)", midnight.Format("2006-01-02 -07:00"), got)
			}
			if got := day(midnight.AddDate(0, 0, -1)); got != 1 {
				t.Errorf("the local day before: %d requests, want 1 (23:50)", got)
			}
			hour := func(from time.Time) int {
				in, err := w.ServiceInsight("v1-admin", "d1", from, from.Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				return in.Assessed.ServiceRequests
			}
			if got := hour(midnight); got != 1 {
				t.Errorf("the local hour from midnight: %d requests, want 1", got)
			}
		})
	}
}
