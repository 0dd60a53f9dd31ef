package load

import (
	"fmt"
	"time"
)

// FaultShutdown: the bundled server shuts down gracefully a share of the
// way into the load. Every client must be told (close 1001), and the audit
// must account for every message sent before: delivered, refused, or
// unconfirmed when no answer came.
const FaultShutdown = "shutdown"

type serverShutdown struct{ at float64 }

func init() {
	registerFault(FaultShutdown, "shutdown:50% (shuts the bundled server down 50% into the load)", func(arg string) (Fault, error) {
		p, _, err := shareOf(arg, false)
		return serverShutdown{p}, err
	})
}

func (f serverShutdown) Kind() string   { return FaultShutdown }
func (f serverShutdown) String() string { return fmt.Sprintf("%s:%g%%", FaultShutdown, f.at*100) }

func (f serverShutdown) check(c Config) error {
	if c.Target != "" {
		return fmt.Errorf("%w: --faults shutdown needs the bundled workbench (no --target): only it can be shut down from here", ErrInput)
	}
	return nil
}

func (f serverShutdown) schedule(p *plan) {
	if p.closer == nil {
		return
	}
	at := p.start.Add(time.Duration(float64(p.e.ph.end().Sub(p.start)) * f.at))
	p.e.sched.at(at, func(time.Time) {
		p.e.ph.shutdownAt = time.Now()
		p.e.ph.shutdown.Store(true)
		p.e.m.inject(FaultShutdown)
		_ = p.closer.Close()
	})
}
