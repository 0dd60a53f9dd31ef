package load

import (
	"fmt"
	"strings"
	"time"
)

// FaultNetDelay: every socket goes through a path that delays each
// direction by the delay ± jitter (a round trip takes about twice it).
const FaultNetDelay = "net-delay"

type netDelay struct{ delay, jitter time.Duration }

func init() {
	registerFault(FaultNetDelay, "net-delay:50ms±20ms", func(arg string) (Fault, error) {
		arg = strings.ReplaceAll(arg, "+-", "±")
		d, j, _ := strings.Cut(arg, "±")
		var f netDelay
		var err error
		if f.delay, err = time.ParseDuration(d); err != nil || f.delay < 0 || f.delay > 10*time.Second {
			return nil, fmt.Errorf("delay must be like 50ms, at most 10s")
		}
		if j != "" {
			if f.jitter, err = time.ParseDuration(j); err != nil || f.jitter < 0 || f.jitter > f.delay {
				return nil, fmt.Errorf("jitter must be like 20ms and at most the delay")
			}
		}
		return f, nil
	})
}

func (f netDelay) Kind() string   { return FaultNetDelay }
func (f netDelay) String() string { return fmt.Sprintf("%s:%s±%s", FaultNetDelay, f.delay, f.jitter) }

// window: a message's answer may take a delayed round trip more.
func (f netDelay) window() time.Duration { return 2 * (f.delay + f.jitter) }

func (f netDelay) onPath(np *netPath, p *plan) error {
	p.e.m.opened = append(p.e.m.opened, FaultNetDelay) // each socket opened through it
	for _, stream := range []string{"downstream", "upstream"} {
		if err := np.add(fmt.Sprintf(`{"name":"delay_%s","type":"latency","stream":"%s","toxicity":1,"attributes":{"latency":%d,"jitter":%d}}`,
			stream, stream, f.delay.Milliseconds(), f.jitter.Milliseconds())); err != nil {
			return err
		}
	}
	return nil
}
