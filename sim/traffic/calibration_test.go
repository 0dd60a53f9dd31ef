//go:build !race

// The calibration of the staffing search's bounds simulates a few million
// requests: too slow under the race detector, so `make accuracy` (part of
// `make test`) runs it.

package traffic

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// TestStaffingCalibration is what the staffing answer's confidence means.
// On a flat load (always open, Poisson arrivals, exponential chats and
// patience: Erlang-A exactly), every hour needs exactly K agents, K from
// the Erlang-A solver. Over many seeds the search must answer K, confirmed,
// in at least 95% of the hours and never fewer than K unmarked; and the
// one-sided 95% bounds it states must contain the truth in at least 93% of
// the hour-decisions it made, lower and upper bounds each.
//
// The truth of a decision comes from outside the search: for an hour whose
// neighbours have its own staffing, Erlang-A (the system is stationary);
// for the staggered probes (the hour one below its neighbours, or one above
// them), a brute-force simulation of that alternating roster with many
// more replications than the search uses. Satisfaction is made independent
// of the wait (per_minute_wait 0), so its truth follows from the profile:
// chats replied to after the fixed first reply, the rest at the floor.
//
// ROUTECHECK_CALIBRATION_SEEDS raises the seeds per setting for the figures
// in docs/testing.md.
func TestStaffingCalibration(t *testing.T) {
	seeds := 8
	if v, err := strconv.Atoi(os.Getenv("ROUTECHECK_CALIBRATION_SEEDS")); err == nil && v > 0 {
		seeds = v
	}
	const capacity = 3
	settings := []struct {
		perHour           float64
		service, patience time.Duration
	}{
		{120, 6 * time.Minute, 2 * time.Minute}, // K = 5: 85.6% with 4, 95.0% with 5
		{60, 6 * time.Minute, 2 * time.Minute},  // K = 3: 79.9% with 2, 95.7% with 3
	}
	var total tally
	for _, set := range settings {
		p := queueProfile(set.perHour, set.service, set.patience)
		p.Satisfaction.PerMinuteWait = 0
		q := ErlangA{PerHour: set.perHour, MeanService: set.service.Seconds(), MeanPatience: set.patience.Seconds()}
		K, _ := FewestAgents(q, capacity, wb.Assessed().MinPickupRate, 100)
		erlang := func(n int) float64 {
			q.Servers = n * capacity
			r, err := q.Solve()
			if err != nil {
				t.Fatal(err)
			}
			return r.PickupRate
		}
		base := Config{Vendor: queueVendor(), Profile: p, Duration: 24 * time.Hour, Warmup: time.Hour, Capacity: capacity, AlwaysOpen: true}
		truth := map[[3]int]float64{{K, K, K}: erlang(K), {K - 1, K - 1, K - 1}: erlang(K - 1)}
		for k, v := range bruteForce(t, base, K) {
			truth[k] = v
		}
		// A chat closed before the fixed first reply is never replied to
		// and rated at the floor (D-SIM-1).
		fr := p.FirstReply.Value
		noReply := 1 - math.Exp(-fr.Seconds()/set.service.Seconds())
		sat := p.Satisfaction
		satTruth := (1-noReply)*sat.P(0, fr, true) + noReply*sat.Floor

		var tl tally
		for seed := 1; seed <= seeds; seed++ {
			cfg := base
			cfg.Seed = uint64(seed) * 100_003
			st, _, err := FindStaffing(cfg, StaffingReplications, wb.Assessed(), StaffingSimulations, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range st.decisions {
				tr, ok := truth[[3]int{d.prev, d.agents, d.next}]
				if !ok {
					tl.unknown++
					continue
				}
				tl.decisions++
				tl.count(d.pickup.Low <= tr, d.pickup.High >= tr, d.sat.Low <= satTruth, d.sat.High >= satTruth)
				switch {
				case d.v == vMet && tr < wb.Assessed().MinPickupRate:
					tl.falseMet++
				case d.v == vShort && tr >= wb.Assessed().MinPickupRate:
					tl.falseShort++
				}
			}
			for h := range 24 {
				tl.hours++
				n, status := st.Agents[h], st.Hours[h].Status
				switch {
				case n == K && status == "ok":
					tl.exact++
				case n < K && status == "ok":
					tl.silentlyLow++
					t.Errorf("seed %d %s: %d agents confirmed, Erlang-A needs %d (%.1f%% with %d)", seed, HourLabel(h), n, K, 100*erlang(n), n)
				case n < K:
					tl.markedLow++
				}
			}
		}
		t.Logf("%.0f requests/h, %v chats, %v patience: K = %d (Erlang-A %.1f%% with %d, %.1f%% with %d); %s",
			set.perHour, set.service, set.patience, K, 100*erlang(K-1), K-1, 100*erlang(K), K, tl)
		tl.check(t, fmt.Sprintf("%.0f/h", set.perHour), 0.91, 0.95)
		total.add(tl)
	}
	t.Logf("all settings: %s", total)
	total.check(t, "all settings", 0.93, 0.95)
}

// bruteForce is the pickup of an hour whose neighbours have one agent
// more (K-1 between K) or one fewer (K between K-1): the roster that
// alternates K-1 and K, simulated with many more replications than the
// search uses, pooled over the hours of each kind away from the run's ends.
func bruteForce(t *testing.T, base Config, K int) map[[3]int]float64 {
	var roster [HoursPerWeek]int
	for h := range roster {
		roster[h] = K - (h+1)%2 // even hours K-1, odd hours K
	}
	cfg := base
	cfg.Staffing = &roster
	cfg.Seed = 9_000_001
	rs, err := RunReplications(cfg, 150, nil)
	if err != nil {
		t.Fatal(err)
	}
	var low, high Pair
	for _, r := range rs {
		for h := 1; h < 23; h++ {
			if h%2 == 0 {
				low.merge(&r.Week[h].Batches.PickIn)
			} else {
				high.merge(&r.Week[h].Batches.PickIn)
			}
		}
	}
	pl, _ := low.Ratio()
	ph, _ := high.Ratio()
	sl, _ := low.SE()
	sh, _ := high.SE()
	t.Logf("brute force: %d agents between %d: %.4f (SE %.4f); %d between %d: %.4f (SE %.4f)", K-1, K, pl, sl, K, K-1, ph, sh)
	return map[[3]int]float64{{K, K - 1, K}: pl, {K - 1, K, K - 1}: ph}
}

type tally struct {
	decisions, unknown                   int
	pickLow, pickHigh, satLow, satHigh   int
	falseMet, falseShort                 int
	hours, exact, silentlyLow, markedLow int
}

func (tl *tally) count(pl, ph, sl, sh bool) {
	inc := func(n *int, ok bool) {
		if ok {
			*n++
		}
	}
	inc(&tl.pickLow, pl)
	inc(&tl.pickHigh, ph)
	inc(&tl.satLow, sl)
	inc(&tl.satHigh, sh)
}

func (tl *tally) add(o tally) {
	tl.decisions += o.decisions
	tl.unknown += o.unknown
	tl.pickLow += o.pickLow
	tl.pickHigh += o.pickHigh
	tl.satLow += o.satLow
	tl.satHigh += o.satHigh
	tl.falseMet += o.falseMet
	tl.falseShort += o.falseShort
	tl.hours += o.hours
	tl.exact += o.exact
	tl.silentlyLow += o.silentlyLow
	tl.markedLow += o.markedLow
}

func share(n, of int) float64 { return float64(n) / float64(max(of, 1)) }

func (tl tally) String() string {
	return fmt.Sprintf("%d hour-decisions (%d more with no known truth): pickup bounds cover %.1f%% (lower) / %.1f%% (upper), satisfaction %.1f%% / %.1f%%; met though short %d, short though met %d; answers: K confirmed in %d of %d hours (%.1f%%), fewer than K confirmed %d, fewer than K marked ? %d",
		tl.decisions, tl.unknown, 100*share(tl.pickLow, tl.decisions), 100*share(tl.pickHigh, tl.decisions),
		100*share(tl.satLow, tl.decisions), 100*share(tl.satHigh, tl.decisions), tl.falseMet, tl.falseShort,
		tl.exact, tl.hours, 100*share(tl.exact, tl.hours), tl.silentlyLow, tl.markedLow)
}

// check wants each one-sided bound to contain the truth in at least
// minCover of the decisions, and the answer K, confirmed, in minExact of
// the hours. Each setting is held to a floor below 93% (its few hundred
// decisions are noisy); all of them together to 93%.
func (tl tally) check(t *testing.T, name string, minCover, minExact float64) {
	t.Helper()
	if tl.decisions < 300 {
		t.Errorf("%s: only %d hour-decisions with a known truth", name, tl.decisions)
	}
	for _, c := range []struct {
		what string
		n    int
	}{{"pickup lower bound", tl.pickLow}, {"pickup upper bound", tl.pickHigh}, {"satisfaction lower bound", tl.satLow}, {"satisfaction upper bound", tl.satHigh}} {
		if cov := share(c.n, tl.decisions); cov < minCover {
			t.Errorf("%s: the one-sided 95%% %s contains the truth in %.1f%% of %d decisions, want >= %.0f%%", name, c.what, 100*cov, tl.decisions, 100*minCover)
		}
	}
	if ex := share(tl.exact, tl.hours); ex < minExact {
		t.Errorf("%s: the answer is K, confirmed, in %.1f%% of %d hours, want >= %.0f%%", name, 100*ex, tl.hours, 100*minExact)
	}
	if tl.silentlyLow > 0 {
		t.Errorf("%s: %d hours answered below K without a mark", name, tl.silentlyLow)
	}
}
