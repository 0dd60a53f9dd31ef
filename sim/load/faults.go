package load

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Fault kinds of --faults.
const (
	FaultAgentDrop         = "agent-drop"
	FaultCustomerReconnect = "customer-reconnect"
	FaultSlowReader        = "slow-reader"
	FaultNetDelay          = "net-delay"
	FaultNetReset          = "net-reset"
	FaultShutdown          = "shutdown"
)

// Fault is one entry of --faults: a share of the actors (agent-drop,
// customer-reconnect, slow-reader, net-reset), a delay and jitter
// (net-delay), or a point in the run (shutdown).
type Fault struct {
	Kind   string
	Share  float64       // 0..1 of the actors or connections
	Delay  time.Duration // net-delay; slow-reader's pause per frame; agent-drop's time away
	Jitter time.Duration // net-delay
}

func (f Fault) String() string {
	switch f.Kind {
	case FaultNetDelay:
		return fmt.Sprintf("%s:%s±%s", f.Kind, f.Delay, f.Jitter)
	case FaultShutdown:
		return fmt.Sprintf("%s:%g%%", f.Kind, f.Share*100)
	}
	if f.Delay > 0 {
		return fmt.Sprintf("%s:%g%%:%s", f.Kind, f.Share*100, f.Delay)
	}
	return fmt.Sprintf("%s:%g%%", f.Kind, f.Share*100)
}

const faultHelp = "want e.g. agent-drop:5%,customer-reconnect:10%,slow-reader:1%,net-delay:50ms±20ms,net-reset:2%,shutdown:50% " +
	"(agent-drop:5%:40s stays away 40s; slow-reader:1%:300ms pauses 300ms per frame; shutdown:P% shuts the bundled server down P% into the load)"

// ParseFaults reads --faults; an empty spec is no faults.
func ParseFaults(spec string) ([]Fault, error) {
	var out []Fault
	seen := map[string]bool{}
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, rest, _ := strings.Cut(part, ":")
		bad := func(why string) error {
			return fmt.Errorf("%w: --faults %q: %s; %s", ErrInput, part, why, faultHelp)
		}
		if seen[kind] {
			return nil, bad("given twice")
		}
		seen[kind] = true
		f := Fault{Kind: kind}
		switch kind {
		case FaultAgentDrop, FaultCustomerReconnect, FaultSlowReader, FaultNetReset, FaultShutdown:
			share, extra, _ := strings.Cut(rest, ":")
			p, err := percent(share)
			if err != nil {
				return nil, bad(err.Error())
			}
			f.Share = p
			if extra != "" {
				if kind != FaultAgentDrop && kind != FaultSlowReader {
					return nil, bad("takes no duration")
				}
				d, err := time.ParseDuration(extra)
				if err != nil || d <= 0 || d > 10*time.Minute {
					return nil, bad("duration must be like 300ms or 40s, at most 10m")
				}
				f.Delay = d
			}
		case FaultNetDelay:
			rest = strings.ReplaceAll(rest, "+-", "±")
			d, j, _ := strings.Cut(rest, "±")
			var err error
			if f.Delay, err = time.ParseDuration(d); err != nil || f.Delay < 0 || f.Delay > 10*time.Second {
				return nil, bad("delay must be like 50ms, at most 10s")
			}
			if j != "" {
				if f.Jitter, err = time.ParseDuration(j); err != nil || f.Jitter < 0 || f.Jitter > f.Delay {
					return nil, bad("jitter must be like 20ms and at most the delay")
				}
			}
		default:
			return nil, bad("unknown fault")
		}
		out = append(out, f)
	}
	return out, nil
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

// fault returns the fault of kind, if configured.
func (c Config) fault(kind string) (Fault, bool) {
	for _, f := range c.Faults {
		if f.Kind == kind {
			return f, true
		}
	}
	return Fault{}, false
}
