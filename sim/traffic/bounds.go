package traffic

import (
	"encoding/json"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// The confidence of every interval and staffing bound comes from batches:
// independent stretches of simulated time whose figures vary as the
// figure's estimate would from run to run. Requests of one hour are not
// independent (a queue that builds up delays everyone behind it), so
// pooling them as independent trials (Wilson on the pooled counts) is far
// too sure of itself. A batch is one replication for a whole run or a day,
// and one occurrence of the hour (one replication, one week) for an hour of
// the week: occurrences a week or a replication apart share no queue.
//
// A figure is a ratio of sums over the batches, ΣX/ΣY (picked up over
// requests, satisfied over ratings, seconds to the first reply over chats
// replied to). Its standard error comes from the batches' residuals
// d_i = X_i − R·Y_i (the ratio estimator's linearisation):
//
//	SE(R) = sqrt(Σ d_i² / (n (n−1))) / Ȳ
//
// and the bound is R ∓ t(n−1)·SE with Student's t over n−1 degrees of
// freedom. For proportions the bound is never narrower than the Wilson
// bound of the pooled counts (batches that happen to agree say nothing
// about the trials inside them), and is clipped to [0, 1].

// Pair holds the sums a ratio's batch-means interval needs: batches with
// something to measure (Y > 0) and the first and second moments of X and Y.
type Pair struct {
	N          int
	X, Y       float64
	XX, YY, XY float64
	// Third moments, for the skewness of the residuals.
	XXX, XXY, XYY, YYY float64
}

// add takes one batch.
func (p *Pair) add(x, y float64) {
	if y <= 0 {
		return
	}
	p.N++
	p.X += x
	p.Y += y
	p.XX += x * x
	p.YY += y * y
	p.XY += x * y
	p.XXX += x * x * x
	p.XXY += x * x * y
	p.XYY += x * y * y
	p.YYY += y * y * y
}

func (p *Pair) merge(o *Pair) {
	p.N += o.N
	p.X += o.X
	p.Y += o.Y
	p.XX += o.XX
	p.YY += o.YY
	p.XY += o.XY
	p.XXX += o.XXX
	p.XXY += o.XXY
	p.XYY += o.XYY
	p.YYY += o.YYY
}

// skew is the third central moment of the residuals X_i − R·Y_i, in the
// ratio's units (divided by Ȳ³), and their second (divided by Ȳ²).
func (p *Pair) skew() (m2, m3 float64) {
	r, _ := p.Ratio()
	n := float64(p.N)
	yb := p.Y / n
	m2 = (p.XX - 2*r*p.XY + r*r*p.YY) / n / (yb * yb)
	m3 = (p.XXX - 3*r*p.XXY + 3*r*r*p.XYY - r*r*r*p.YYY) / n / (yb * yb * yb)
	return m2, m3
}

// Ratio is ΣX/ΣY; ok is false when nothing was measured.
func (p *Pair) Ratio() (r float64, ok bool) {
	if p.Y <= 0 {
		return 0, false
	}
	return p.X / p.Y, true
}

// SE is the batch-means standard error of the ratio; ok is false with
// fewer than two batches.
func (p *Pair) SE() (se float64, ok bool) {
	r, ok := p.Ratio()
	if !ok || p.N < 2 {
		return 0, false
	}
	n := float64(p.N)
	ss := p.XX - 2*r*p.XY + r*r*p.YY
	return math.Sqrt(max(ss, 0)/(n*(n-1))) / (p.Y / n), true
}

// tQuantile is Student's t quantile at probability q with df degrees of
// freedom.
func tQuantile(q float64, df int) float64 {
	if df < 1 {
		return math.Inf(1)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(q)
}

// bounds is the ratio with its bounds at one-sided level q (0.95 for a
// one-sided 95% bound, 0.975 for the ends of a two-sided 95% interval).
// With fewer than two batches there are no bounds (Bounded is false).
func (p *Pair) bounds(q float64, proportion bool) Interval {
	r, ok := p.Ratio()
	if !ok {
		return Interval{}
	}
	iv := Interval{Mean: r, Low: r, High: r, Measured: true}
	se, ok := p.SE()
	if !ok {
		return iv
	}
	iv.Bounded = true
	t := tQuantile(q, p.N-1)
	if !proportion {
		iv.Low, iv.High = max(r-t*se, 0), r+t*se
		return iv
	}
	if r > 0 && r < 1 {
		// On the logit scale: a proportion near 100% has a long tail
		// towards the hours that went wrong, and symmetric bounds put the
		// lower one too high (measured: TestStaffingCalibration).
		l, sl := math.Log(r/(1-r)), se/(r*(1-r))
		iv.Low, iv.High = expit(l-t*sl), expit(l+t*sl)
	}
	wl, wh := wilson(p.X, p.Y, q)
	iv.Low, iv.High = max(min(iv.Low, wl), 0), min(max(iv.High, wh), 1)
	return iv
}

func expit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// wilson is the Wilson score bounds of x successes in n trials at one-sided
// level q.
func wilson(x, n, q float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	z := distuv.UnitNormal.Quantile(q)
	p := x / n
	c := p + z*z/(2*n)
	r := z * math.Sqrt(max(p*(1-p)/n+z*z/(4*n*n), 0))
	d := 1 + z*z/n
	return max((c-r)/d, 0), min((c+r)/d, 1)
}

// Interval is a figure with its bounds. A figure with nothing to measure
// (no request, no rating, no reply) is not measured: JSON writes it as null
// with "measured": false, charts leave a gap and the console says "not
// measured", never 0. Bounds need two batches or more; without them low
// and high are null.
type Interval struct {
	Mean     float64
	Low      float64
	High     float64
	Measured bool
	Bounded  bool
}

type intervalJSON struct {
	Mean     *float64 `json:"mean"`
	Low      *float64 `json:"low"`
	High     *float64 `json:"high"`
	Measured bool     `json:"measured"`
}

// MarshalJSON writes null figures when nothing was measured.
func (iv Interval) MarshalJSON() ([]byte, error) {
	var o intervalJSON
	if iv.Measured {
		o.Mean, o.Measured = &iv.Mean, true
		if iv.Bounded {
			o.Low, o.High = &iv.Low, &iv.High
		}
	}
	return json.Marshal(o)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (iv *Interval) UnmarshalJSON(b []byte) error {
	var o intervalJSON
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*iv = Interval{Measured: o.Measured && o.Mean != nil}
	if iv.Measured {
		iv.Mean, iv.Low, iv.High = *o.Mean, *o.Mean, *o.Mean
	}
	if o.Low != nil && o.High != nil {
		iv.Low, iv.High, iv.Bounded = *o.Low, *o.High, true
	}
	return nil
}
