package traffic

import (
	"math"
	"testing"
)

// erlangC is the textbook Erlang-C formula, written independently of the
// chain solver: P(wait) = (a^s/s! · s/(s−a)) / (Σ_{k<s} a^k/k! + a^s/s! · s/(s−a)).
func erlangC(s int, a float64) float64 {
	term, sum := 1.0, 0.0
	for k := 0; k < s; k++ {
		sum += term
		term *= a / float64(k+1)
	}
	last := term * float64(s) / (float64(s) - a)
	return last / (sum + last)
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.9g, want %.9g (±%g)", name, got, want, tol)
	}
}

// With patience going to infinity Erlang-A becomes Erlang-C: P(wait) is
// the Erlang-C formula and the mean wait C/(sμ−λ); nobody abandons.
func TestErlangAToErlangC(t *testing.T) {
	for _, c := range []struct {
		perHour, service float64
		s                int
	}{
		{30, 60, 1},      // M/M/1, ρ = 0.5
		{60, 60, 2},      // a = 1 on 2 servers: C = 1/3
		{300, 360, 40},   // the 300/h x 6 min on 40 places
		{1000, 180, 60},  // ρ ≈ 0.83
		{5000, 300, 450}, // big centre: the log-space solve must not overflow
	} {
		a := c.perHour / 3600 * c.service
		mu := 1 / c.service
		wantC := erlangC(c.s, a)
		wantW := wantC / (float64(c.s)*mu - c.perHour/3600)
		for _, patience := range []float64{0, 1e12} {
			r, err := ErlangA{PerHour: c.perHour, MeanService: c.service, MeanPatience: patience, Servers: c.s}.Solve()
			if err != nil {
				t.Fatal(err)
			}
			near(t, "P(wait)", r.PWait, wantC, 1e-6)
			near(t, "mean wait", r.MeanWaitS, wantW, 1e-6*math.Max(1, wantW))
			near(t, "abandonment", r.AbandonmentRate, 0, 1e-6)
			near(t, "utilisation", r.Utilisation, a/float64(c.s), 1e-6)
		}
	}
	// The textbook case: two servers, one Erlang: C(2,1) = 1/3.
	near(t, "C(2,1)", erlangC(2, 1), 1.0/3, 1e-12)
}

// When patience equals the mean service time every customer in the system
// leaves at rate μ whether served or waiting, so the number in the system
// is Poisson(a) (M/M/∞) and the queue is (K−s)+. For one server
// P(abandon) = (a − 1 + e^{−a})/a.
func TestErlangAPatienceEqualsService(t *testing.T) {
	for _, a := range []float64{0.3, 1, 2.5, 8} {
		r, err := ErlangA{PerHour: a * 3600 / 120, MeanService: 120, MeanPatience: 120, Servers: 1}.Solve()
		if err != nil {
			t.Fatal(err)
		}
		near(t, "P(abandon)", r.AbandonmentRate, (a-1+math.Exp(-a))/a, 1e-9)
		near(t, "P(wait)", r.PWait, 1-math.Exp(-a), 1e-9)
		near(t, "pickup+abandon", r.PickupRate+r.AbandonmentRate, 1, 1e-12)
	}
	// s servers: E[(K−s)+] for K ~ Poisson(a), computed term by term.
	a, s := 12.0, 10
	var eq float64
	p := math.Exp(-a)
	for k := 0; k < 200; k++ {
		if k > s {
			eq += float64(k-s) * p
		}
		p *= a / float64(k+1)
	}
	r, err := ErlangA{PerHour: a * 3600 / 300, MeanService: 300, MeanPatience: 300, Servers: s}.Solve()
	if err != nil {
		t.Fatal(err)
	}
	near(t, "mean queue", r.MeanQueue, eq, 1e-9)
	near(t, "mean wait", r.MeanWaitS, eq/(a/300), 1e-6)
}

// Overload is fine with patience (abandonment balances it), not without.
func TestErlangAOverload(t *testing.T) {
	r, err := ErlangA{PerHour: 600, MeanService: 360, MeanPatience: 120, Servers: 30}.Solve()
	if err != nil {
		t.Fatal(err)
	}
	// 60 Erlangs on 30 places: at most 30·(1/360 s) are served, so at least
	// half the arrivals must leave; service cannot exceed capacity.
	served := r.PickupRate * 600 / 3600 * 360
	if served > 30+1e-9 || r.AbandonmentRate < 0.5-1e-9 {
		t.Errorf("overloaded queue serves %.3f Erlangs on 30 places, abandons %.3f", served, r.AbandonmentRate)
	}
	near(t, "utilisation", r.Utilisation, served/30, 1e-9)
	if _, err := (ErlangA{PerHour: 600, MeanService: 360, Servers: 30}).Solve(); err == nil {
		t.Error("infinite patience on an overloaded queue must be refused")
	}
	if _, err := (ErlangA{PerHour: 600, MeanService: 360, Servers: 0}).Solve(); err == nil {
		t.Error("zero servers must be refused")
	}
}

// More places never make it worse.
func TestErlangAMonotone(t *testing.T) {
	prev := 1.0
	for s := 1; s <= 60; s++ {
		r, err := ErlangA{PerHour: 300, MeanService: 360, MeanPatience: 120, Servers: s}.Solve()
		if err != nil {
			t.Fatal(err)
		}
		if r.AbandonmentRate > prev+1e-12 {
			t.Fatalf("abandonment rises from %g to %g at %d servers", prev, r.AbandonmentRate, s)
		}
		prev = r.AbandonmentRate
	}
}

func TestFewestAgents(t *testing.T) {
	q := ErlangA{PerHour: 300, MeanService: 360, MeanPatience: 120}
	n, r := FewestAgents(q, 3, 0.9, 100)
	if n == 0 || r.PickupRate < 0.9 {
		t.Fatalf("no staffing found: %d, %+v", n, r)
	}
	q.Servers = (n - 1) * 3
	if fewer, _ := q.Solve(); fewer.PickupRate >= 0.9 {
		t.Errorf("%d agents meet 90%% (%.4f), so %d is not the fewest", n-1, fewer.PickupRate, n)
	}
	if n, _ := FewestAgents(q, 3, 0.9, 2); n != 0 {
		t.Errorf("2 agents cannot carry 30 Erlangs, got %d", n)
	}
}
