package load

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

// FindMaxP99 is the assignment latency a step must stay under.
const FindMaxP99 = 50.0 // ms

// Step is one load level of --find-max.
type Step struct {
	Agents, Customers int
	AssignP99         float64
	Pass              bool
	Why               string
}

func (s Step) String() string {
	v := "holds"
	if !s.Pass {
		v = "fails: " + s.Why
	}
	return fmt.Sprintf("find-max: %6d customers, %5d agents: p99 assignment %.2f ms, %s", s.Customers, s.Agents, s.AssignP99, v)
}

// FindMax doubles the load (agents, and customers = agents × capacity, so
// nobody waits for lack of agents) from cfg.Agents until a step breaks the
// audit or p99 assignment reaches FindMaxP99, then halves the gap twice.
// It returns the report of the largest passing step, with its CPU profile
// summarised in Report.Profile (and written to cpuProfile if set).
func FindMax(ctx context.Context, cfg Config, cpuProfile string) (*Report, []Step, error) {
	cfg = cfg.withDefaults()
	progress := cfg.Progress
	cfg.Progress = nil
	var steps []Step
	var best *Report
	var bestProf []byte
	try := func(agents int) (bool, error) {
		c := cfg
		c.Agents, c.Customers = agents, agents*cfg.Capacity
		var buf bytes.Buffer
		if err := pprof.StartCPUProfile(&buf); err != nil {
			return false, fmt.Errorf("%w: cpu profile: %v", ErrHarness, err)
		}
		rep, err := Run(ctx, c)
		pprof.StopCPUProfile()
		if err != nil {
			return false, err
		}
		s := Step{Agents: agents, Customers: c.Customers, AssignP99: rep.LatencyMS.Assign.P99}
		switch {
		case !rep.Pass:
			s.Why = strings.Join(rep.Failures, "; ")
		case s.AssignP99 >= FindMaxP99:
			s.Why = fmt.Sprintf("p99 assignment %.2f ms is not under %.0f ms", s.AssignP99, FindMaxP99)
		default:
			s.Pass = true
			if best == nil || c.Customers > best.Customers {
				best, bestProf = rep, buf.Bytes()
			}
		}
		steps = append(steps, s)
		if progress != nil {
			fmt.Fprintln(progress, s)
		}
		return s.Pass, nil
	}
	lo, hi := 0, cfg.Agents
	for range 8 { // at most 256× the first level
		ok, err := try(hi)
		if err != nil {
			return best, steps, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	if lo > 0 && lo != hi {
		for range 2 {
			mid := (lo + hi) / 2
			if mid == lo {
				break
			}
			ok, err := try(mid)
			if err != nil {
				return best, steps, err
			}
			if ok {
				lo = mid
			} else {
				hi = mid
			}
		}
	}
	if best == nil {
		return nil, steps, fmt.Errorf("%w: even the first step (%d agents) failed: %s", ErrInput, cfg.Agents, steps[0].Why)
	}
	if cpuProfile != "" {
		if err := os.WriteFile(cpuProfile, bestProf, 0o644); err != nil {
			return best, steps, err
		}
	}
	best.Profile = summarise(bestProf)
	return best, steps, nil
}

// categories sort a sample by the first frame from the leaf that matches;
// the order decides overlaps (a syscall under JSON encoding counts as
// syscall).
var categories = []struct{ name, prefixes string }{
	{"lock (mutex, semaphores)", "sync.(*Mutex)|sync.(*RWMutex)|runtime.lock|runtime.unlock|runtime.semacquire|runtime.semrelease|sync.runtime_Sem|runtime.futex"},
	{"syscalls (socket I/O)", "syscall.|internal/poll.|runtime.netpoll|internal/runtime/syscall"},
	{"JSON", "encoding/json."},
	{"garbage collection", "runtime.gc|runtime.scanobject|runtime.markBits|runtime.greyobject|runtime.bgsweep|runtime.sweepone|runtime.(*mspan).sweep|runtime.(*gcWork)"},
	{"memory allocation", "runtime.mallocgc|runtime.(*mcache)|runtime.(*mheap)|runtime.memclr|runtime.growslice"},
	{"scheduler", "runtime.schedule|runtime.findRunnable|runtime.park|runtime.gopark|runtime.ready|runtime.stealWork|runtime.runqgrab|runtime.usleep|runtime.notesleep"},
	{"websocket framing", "github.com/gorilla/websocket."},
	{"workbench core", "routecheck/sim/workbench."},
}

// summarise groups a CPU profile's samples by category.
func summarise(data []byte) []ProfileShare {
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil || len(p.Sample) == 0 {
		return nil
	}
	count := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		v := s.Value[len(s.Value)-1]
		total += v
		cat := "other"
	found:
		for _, loc := range s.Location {
			for _, line := range loc.Line {
				if line.Function == nil {
					continue
				}
				for _, c := range categories {
					for pre := range strings.SplitSeq(c.prefixes, "|") {
						if strings.HasPrefix(line.Function.Name, pre) {
							cat = c.name
							break found
						}
					}
				}
			}
		}
		count[cat] += v
	}
	var out []ProfileShare
	for k, v := range count {
		out = append(out, ProfileShare{k, 100 * float64(v) / float64(total)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Percent > out[j].Percent })
	return out
}
