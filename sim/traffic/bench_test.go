package traffic

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

func pureProfile(tb testing.TB) *Profile {
	tb.Helper()
	p, err := LoadProfile("../../fixtures/traffic/pure-queueing.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkSimulate runs the pure queueing case (300 requests/h,
// 20 agents x 3, always open) for one simulated week per iteration and
// reports core events and chats per wall-clock second.
func BenchmarkSimulate(b *testing.B) {
	p := pureProfile(b)
	v := fixtures.Demo().Config
	var events, chats int64
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		r, err := Run(Config{Vendor: v, Profile: p, Duration: 7 * 24 * time.Hour, Agents: 20, Capacity: 3, AlwaysOpen: true, Seed: uint64(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
		events += r.Events
		chats += int64(r.Visitors)
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(events)/s, "events/s")
	b.ReportMetric(float64(chats)/s, "chats/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
	// The machine is shared: events per second of this process's CPU time
	// (GC included) says what the code does when it gets a core.
	b.ReportMetric(float64(events)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSimulateHeap reports the live heap after 100k and after 1M
// chats of the pure queueing case: memory must follow concurrent chats,
// not total chats.
func BenchmarkSimulateHeap(b *testing.B) {
	p := pureProfile(b)
	v := fixtures.Demo().Config
	heapAfter := func(hours int) float64 {
		var peak uint64
		cfg := Config{Vendor: v, Profile: p, Duration: time.Duration(hours) * time.Hour, Agents: 20, Capacity: 3, AlwaysOpen: true, Seed: 1}
		cfg.Progress = func(done time.Duration) {
			if done >= cfg.Duration-time.Hour && peak == 0 {
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = m.HeapAlloc
			}
		}
		if _, err := Run(cfg); err != nil {
			b.Fatal(err)
		}
		return float64(peak)
	}
	for b.Loop() {
		small := heapAfter(100_000 / 300)
		large := heapAfter(1_000_000 / 300)
		b.ReportMetric(small/(1<<20), "MiB@100k")
		b.ReportMetric(large/(1<<20), "MiB@1M")
		b.ReportMetric(large/small, "ratio")
	}
}

// benchChecker is the invariant checker the month benchmark runs on every
// event: the streaming one, as simulations run it.
var benchChecker = NewChecker

// BenchmarkSimulateMonth is a busy vendor's month, about 1M chats: the pure
// queueing case at 1,390 requests/h with 50 agents x 3 (a reply every 5 s
// and an answer every 20 s: 54 core events a chat), and
// fixtures/traffic/busy-month.yaml with 60 agents x 3 (conversations paced
// like the demo vendor's).
func BenchmarkSimulateMonth(b *testing.B) {
	pure := pureProfile(b)
	for h := range pure.PerHour {
		pure.PerHour[h] = 1390
	}
	busy, err := LoadProfile("../../fixtures/traffic/busy-month.yaml")
	if err != nil {
		b.Fatal(err)
	}
	v := fixtures.Demo().Config
	for _, c := range []struct {
		name   string
		p      *Profile
		agents int
	}{{"pure", pure, 50}, {"busy", busy, 60}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				cpu0 := cpuTime()
				cfg := Config{Vendor: v, Profile: c.p, Duration: 30 * 24 * time.Hour, Agents: c.agents, Capacity: 3, AlwaysOpen: true, Seed: 1}
				if benchChecker != nil {
					cfg.Checker = benchChecker()
				}
				r, err := Run(cfg)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(r.Total.KPI.Requests), "chats")
				b.ReportMetric(float64(r.Events), "events")
				b.ReportMetric((cpuTime() - cpu0).Seconds(), "cpu-s")
			}
		})
	}
}

// logRecorder keeps every event of a run, for BenchmarkCheckerBusy.
type logRecorder struct{ evs []wb.Event }

func (r *logRecorder) Observe(e wb.Event)                { r.evs = append(r.evs, e) }
func (r *logRecorder) Violations() []invariant.Violation { return nil }

// BenchmarkCheckerBusy is the streaming invariant checker alone on six
// hours of the busy month's log (the mix of event types a simulation
// feeds it, mostly messages): its cost per event, apart from the core's.
func BenchmarkCheckerBusy(b *testing.B) {
	busy, err := LoadProfile("../../fixtures/traffic/busy-month.yaml")
	if err != nil {
		b.Fatal(err)
	}
	rec := &logRecorder{}
	cfg := Config{Vendor: fixtures.Demo().Config, Profile: busy, Duration: 6 * time.Hour, Agents: 60, Capacity: 3, AlwaysOpen: true, Seed: 1, Checker: rec}
	if _, err := Run(cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		c := invariant.New()
		for i := range rec.evs {
			c.ObserveEvent(&rec.evs[i])
		}
		if v := c.Violations(); len(v) != 0 {
			b.Fatalf("busy log not clean: %v", v[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rec.evs)), "ns/event")
}

// BenchmarkStaffingDemo is DESIGN.md's staffing target: a week's staffing
// for the demo vendor and profile with the search's defaults (1V3, 32
// replications a simulation), as `routecheck simulate --traffic demo
// --find-staffing --capacity 3` runs it. It reports the simulations taken
// and the CPU seconds per search (the machine is shared: wall time depends
// on who else runs).
func BenchmarkStaffingDemo(b *testing.B) {
	p, err := OpenProfile("demo")
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Vendor: fixtures.Demo().Config, Profile: p, Duration: 7 * 24 * time.Hour, Warmup: time.Hour, Capacity: 3}
	runs := 0
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		cfg.Seed = uint64(i + 1)
		st, _, err := FindStaffing(cfg, StaffingReplications, wb.Assessed(), StaffingSimulations, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		runs += st.Runs
	}
	b.ReportMetric(float64(runs)/float64(b.N), "simulations/op")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
