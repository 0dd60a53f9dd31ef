package traffic

import (
	"math"
	"math/rand/v2"
	"time"
)

// Dist is a distribution of durations. Sample never returns a negative
// duration.
type Dist struct {
	Kind    string        // fixed, exponential, lognormal, empirical
	Value   time.Duration // fixed
	Mean    time.Duration // exponential, lognormal
	SD      time.Duration // lognormal
	Samples []time.Duration
	mu, sig float64 // lognormal parameters of the underlying normal, in seconds
}

// Fixed, Exponential, Lognormal and Empirical make distributions in code.
func Fixed(v time.Duration) Dist       { return Dist{Kind: "fixed", Value: v} }
func Exponential(m time.Duration) Dist { return Dist{Kind: "exponential", Mean: m} }
func Lognormal(mean, sd time.Duration) Dist {
	d := Dist{Kind: "lognormal", Mean: mean, SD: sd}
	m, s := mean.Seconds(), sd.Seconds()
	d.sig = math.Sqrt(math.Log(1 + s*s/(m*m)))
	d.mu = math.Log(m) - d.sig*d.sig/2
	return d
}
func Empirical(samples []time.Duration) Dist { return Dist{Kind: "empirical", Samples: samples} }

// Sample draws one duration.
func (d *Dist) Sample(r *rand.Rand) time.Duration {
	switch d.Kind {
	case "fixed":
		return d.Value
	case "exponential":
		return time.Duration(r.ExpFloat64() * float64(d.Mean))
	case "lognormal":
		return time.Duration(math.Exp(d.mu+d.sig*r.NormFloat64()) * float64(time.Second))
	case "empirical":
		return d.Samples[r.IntN(len(d.Samples))]
	}
	return 0
}

// MeanOf is the distribution's mean.
func (d *Dist) MeanOf() time.Duration {
	switch d.Kind {
	case "fixed":
		return d.Value
	case "exponential", "lognormal":
		return d.Mean
	case "empirical":
		var sum time.Duration
		for _, s := range d.Samples {
			sum += s
		}
		return sum / time.Duration(len(d.Samples))
	}
	return 0
}
