//go:build !race

// The accuracy test simulates about five million requests: a minute on two
// cores, ten times that under the race detector, so `make unit` (-race)
// leaves it out and `make accuracy` (part of `make test`) runs it.

package traffic

import (
	"fmt"
	"math"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// batchStats is the overall ratio of a per-day figure and its standard
// error by batch means: each simulated day is one batch; with days much
// longer than the queue's memory the batch means are nearly independent.
func batchStats(days []Day, f func(*wb.KPIBin) (num, den float64)) (est, se float64) {
	var num, den float64
	means := make([]float64, 0, len(days))
	for i := range days {
		n, d := f(&days[i].KPI)
		num, den = num+n, den+d
		means = append(means, n/d)
	}
	est = num / den
	var ss float64
	for _, m := range means {
		ss += (m - est) * (m - est)
	}
	b := float64(len(means))
	return est, math.Sqrt(ss/(b-1)) / math.Sqrt(b)
}

// TestSimulatorMatchesErlangA is the DESIGN.md accuracy target: on
// exponential arrivals, patience and handling with always-open agents the
// simulator is M/M/(n·c)+M, so its pickup and abandonment rates must be
// within 0.5 percentage points of Erlang-A and its mean wait (over all
// requests, abandoned ones until they left) within 3% of it.
//
// Run sizing: a setting runs for its planned number of batches (simulated
// days; the plan comes from pilot runs) and its standard errors are
// estimated by batch means. The tolerance must be at least 4 standard
// errors wide for every figure (a correct simulator then fails by chance
// with probability below 1e-4 per figure); if it is not, the run is resized
// from the standard errors seen and repeated once with a new seed, and the
// test fails if it still is not. The time scale is free in M/M/n+M, so each
// setting's means are chosen to give 12,000 arrivals per batch; most chats
// end before any reply, which keeps the core's events per chat low.
func TestSimulatorMatchesErlangA(t *testing.T) {
	const (
		perBatch = 12_000.0 // arrivals per simulated day
		tolRate  = 0.005    // 0.5 percentage points
		tolWait  = 0.03     // 3% of theory
		minDays  = 20
		maxDays  = 400
	)
	settings := []struct {
		agents, capacity int
		rho              float64 // offered load per place
		patienceRatio    float64 // mean patience / mean chat duration
		days             int     // planned batches
	}{
		{1, 1, 0.5, 2, 24},    // light: one agent, one chat
		{2, 3, 0.8, 2, 80},    // light
		{4, 3, 0.9, 2, 165},   // moderate
		{5, 2, 0.95, 1, 110},  // busy
		{10, 3, 1.0, 1, 190},  // the 10 x 3 at 30 Erlangs, time-scaled
		{20, 3, 1.2, 0.5, 80}, // many places, overloaded
		{3, 3, 1.2, 1, 70},    // overloaded
		{2, 2, 2.0, 0.5, 24},  // heavily overloaded
	}
	for _, st := range settings {

		name := fmt.Sprintf("%dx%d_rho%.2f", st.agents, st.capacity, st.rho)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			servers := st.agents * st.capacity
			perHour := perBatch / 24
			service := time.Duration(st.rho * float64(servers) / perHour * float64(time.Hour))
			patience := time.Duration(st.patienceRatio * float64(service))
			theory, err := ErlangA{PerHour: perHour, MeanService: service.Seconds(), MeanPatience: patience.Seconds(), Servers: servers}.Solve()
			if err != nil {
				t.Fatal(err)
			}
			days := st.days
			for try := 0; ; try++ {
				r, err := Run(Config{Vendor: queueVendor(), Profile: queueProfile(perHour, service, patience),
					Duration: time.Duration(days) * 24 * time.Hour, Warmup: time.Hour,
					Agents: st.agents, Capacity: st.capacity, AlwaysOpen: true, Seed: uint64(1000*st.agents + st.capacity + 7*try)})
				if err != nil {
					t.Fatal(err)
				}
				ab, abSE := batchStats(r.Days, func(k *wb.KPIBin) (float64, float64) { return float64(k.Abandoned), float64(k.Requests) })
				pick, _ := batchStats(r.Days, func(k *wb.KPIBin) (float64, float64) { return float64(k.PickedUp), float64(k.Requests) })
				wait, waitSE := batchStats(r.Days, func(k *wb.KPIBin) (float64, float64) { return k.WaitSum.Seconds(), float64(k.Resolved) })
				relWaitSE := waitSE / theory.MeanWaitS
				if short := max(4*abSE/tolRate, 4*relWaitSE/tolWait); short > 1 {
					if try == 1 {
						t.Fatalf("after %d days the tolerance is not 4 standard errors wide: abandonment SE %.5f (need <= %.5f), wait SE %.2f%% (need <= %.2f%%)",
							days, abSE, tolRate/4, 100*relWaitSE, 100*tolWait/4)
					}
					// SE falls with the square root of the run length.
					t.Logf("%d days: abandonment SE %.5f, wait SE %.2f%%: too wide, resizing", days, abSE, 100*relWaitSE)
					days = min(max(int(float64(days)*short*short*1.3)+1, minDays), maxDays)
					continue
				}
				t.Logf("%d requests over %d batches: abandonment %.4f (theory %.4f, SE %.5f), pickup %.4f (theory %.4f), mean wait %.3fs (theory %.3fs, SE %.2f%%)",
					r.Total.KPI.Requests, days, ab, theory.AbandonmentRate, abSE, pick, theory.PickupRate, wait, theory.MeanWaitS, 100*relWaitSE)
				if d := math.Abs(ab - theory.AbandonmentRate); d > tolRate {
					t.Errorf("abandonment %.4f, Erlang-A %.4f: off by %.2f pp", ab, theory.AbandonmentRate, 100*d)
				}
				if d := math.Abs(pick - theory.PickupRate); d > tolRate {
					t.Errorf("pickup %.4f, Erlang-A %.4f: off by %.2f pp", pick, theory.PickupRate, 100*d)
				}
				if d := math.Abs(wait/theory.MeanWaitS - 1); d > tolWait {
					t.Errorf("mean wait %.3fs, Erlang-A %.3fs: off by %.1f%%", wait, theory.MeanWaitS, 100*d)
				}
				return
			}
		})
	}
}
