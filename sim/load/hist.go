package load

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range: 1 µs to 5 minutes at 3 significant digits.
const (
	histMin = 1
	histMax = int64(5 * time.Minute / time.Microsecond)
	histSig = 3
)

// hist is a concurrency-safe HDR histogram of durations in microseconds.
type hist struct {
	mu sync.Mutex
	h  *hdrhistogram.Histogram
}

func newHist() *hist { return &hist{h: hdrhistogram.New(histMin, histMax, histSig)} }

func (h *hist) record(d time.Duration) {
	us := d.Microseconds()
	us = min(max(us, histMin), histMax)
	h.mu.Lock()
	_ = h.h.RecordValue(us)
	h.mu.Unlock()
}

// Quantiles are latencies in milliseconds.
type Quantiles struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func (h *hist) quantiles() Quantiles {
	h.mu.Lock()
	defer h.mu.Unlock()
	return quantilesOf(h.h)
}

func quantilesOf(h *hdrhistogram.Histogram) Quantiles {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Quantiles{Count: h.TotalCount(), P50: ms(h.ValueAtQuantile(50)), P95: ms(h.ValueAtQuantile(95)),
		P99: ms(h.ValueAtQuantile(99)), Max: ms(h.Max())}
}

// Bucket is one bar of a latency histogram: Count values up to UpToMS.
type Bucket struct {
	UpToMS float64 `json:"up_to_ms"`
	Count  int64   `json:"count"`
}

// buckets returns the distribution in log-spaced bars for report.html.
func (h *hist) buckets() []Bucket {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Bucket
	for _, b := range h.h.Distribution() {
		if b.Count == 0 {
			continue
		}
		up := float64(b.To) / 1000
		// Merge into power-of-two millisecond bars (0.125, 0.25, … ms).
		edge := 0.125
		for edge < up {
			edge *= 2
		}
		if n := len(out); n > 0 && out[n-1].UpToMS == edge {
			out[n-1].Count += b.Count
		} else {
			out = append(out, Bucket{UpToMS: edge, Count: b.Count})
		}
	}
	return out
}

// swap returns the histogram so far and starts a fresh one (per-interval
// figures for the time series).
func (h *hist) swap() *hdrhistogram.Histogram {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.h
	h.h = hdrhistogram.New(histMin, histMax, histSig)
	return old
}
