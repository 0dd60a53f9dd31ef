package load

import (
	"context"
	"testing"
	"time"
)

// BenchmarkLoadRun is one bundled load run per iteration: 500 customers,
// 100 agents (capacity 5), each customer writing every second. The figures
// that matter are the reported metrics, not ns/op.
func BenchmarkLoadRun(b *testing.B) {
	cfg := Config{Customers: 500, Agents: 100, Capacity: 5, Duration: 3 * time.Second, Ramp: 2 * time.Second,
		Think: time.Second, Reply: 100 * time.Millisecond, Seed: 1}
	var rep *Report
	for b.Loop() {
		var err error
		if rep, err = Run(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
		if !rep.Pass {
			b.Fatalf("run failed: %v", rep.Failures)
		}
	}
	b.ReportMetric(rep.LatencyMS.Assign.P99, "assign-p99-ms")
	b.ReportMetric(rep.LatencyMS.Deliver.P99, "deliver-p99-ms")
	b.ReportMetric(rep.Throughput.MessagesPerS, "msgs/s")
	b.ReportMetric(float64(rep.Messages.Lost+rep.Messages.Duplicated+rep.Messages.OutOfOrder), "audit-faults")
}
