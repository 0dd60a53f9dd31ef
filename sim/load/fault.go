package load

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault is one entry of --faults. Each kind is a type in a file of its own
// (fault_*.go) that registers its parser by name and holds its plan and its
// behaviour, as toxiproxy's toxics and etcd's failpoints do: adding a
// fault touches one file. What a fault can do is told by the small
// interfaces below; it implements those it needs.
type Fault interface {
	Kind() string   // its name in --faults
	String() string // as --faults would spell it
}

// Abilities of a fault (and checker and windowed, config.go).
type (
	// preparer marks actors before they log in.
	preparer interface{ prepare(p *plan) }
	// planner schedules what the fault does during the load.
	planner interface{ schedule(p *plan) }
	// pathFault acts on the network path: the run puts a TCP proxy in
	// front of the workbench for it (netpath.go).
	pathFault interface {
		onPath(np *netPath, p *plan) error
	}
)

// plan is what a fault may use of a run: the actors, the environment
// they share, when the load starts, and the bundled workbench to shut
// down (nil with --target).
type plan struct {
	e         *env
	agents    []*agent
	customers []*customer
	start     time.Time
	span      time.Duration // from the first arrival to the end of the load
	closer    io.Closer
	np        *netPath // the proxy in front of the workbench, if a fault needs it
}

// faultKinds are the registered parsers by name; faultExamples spell each
// for the help text.
var (
	faultKinds    = map[string]func(arg string) (Fault, error){}
	faultExamples = map[string]string{}
)

// registerFault makes a fault kind known to --faults (from its file's
// init); example shows how to write it, for the help text.
func registerFault(kind, example string, parse func(arg string) (Fault, error)) {
	faultKinds[kind] = parse
	faultExamples[kind] = example
}

func faultHelp() string {
	kinds := make([]string, 0, len(faultExamples))
	for k := range faultExamples {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	ex := make([]string, len(kinds))
	for i, k := range kinds {
		ex[i] = faultExamples[k]
	}
	return "want a comma-separated list of " + strings.Join(ex, ", ")
}

// ParseFaults reads --faults; an empty spec is no faults.
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	seen := map[string]bool{}
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, arg, _ := strings.Cut(part, ":")
		bad := func(why string) error {
			return fmt.Errorf("%w: --faults %q: %s; %s", ErrInput, part, why, faultHelp())
		}
		if seen[kind] {
			return nil, bad("given twice")
		}
		seen[kind] = true
		parse := faultKinds[kind]
		if parse == nil {
			return nil, bad("unknown fault")
		}
		f, err := parse(arg)
		if err != nil {
			return nil, bad(err.Error())
		}
		out = append(out, f)
	}
	return out, nil
}

// faultsOf are the faults of cfg that can do A.
func faultsOf[A any](faults []Fault) []A {
	var out []A
	for _, f := range faults {
		if a, ok := f.(A); ok {
			out = append(out, a)
		}
	}
	return out
}

// shareOf reads "5%" or "5%:40s": a share of the actors and, where the
// kind takes one, a duration (withDuration false refuses it).
func shareOf(arg string, withDuration bool) (float64, time.Duration, error) {
	share, extra, _ := strings.Cut(arg, ":")
	p, err := percent(share)
	if err != nil {
		return 0, 0, err
	}
	if extra == "" {
		return p, 0, nil
	}
	if !withDuration {
		return 0, 0, fmt.Errorf("takes no duration")
	}
	d, err := time.ParseDuration(extra)
	if err != nil || d <= 0 || d > 10*time.Minute {
		return 0, 0, fmt.Errorf("duration must be like 300ms or 40s, at most 10m")
	}
	return p, d, nil
}

func percent(s string) (float64, error) {
	v, ok := strings.CutSuffix(s, "%")
	if !ok {
		return 0, fmt.Errorf("share %q must be a percentage like 5%%", s)
	}
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || p < 0 || p > 100 {
		return 0, fmt.Errorf("share %q must be 0%%..100%%", s)
	}
	return p / 100, nil
}

// shareText spells a share and an optional duration as --faults does.
func shareText(kind string, share float64, d time.Duration) string {
	if d > 0 {
		return fmt.Sprintf("%s:%g%%:%s", kind, share*100, d)
	}
	return fmt.Sprintf("%s:%g%%", kind, share*100)
}
