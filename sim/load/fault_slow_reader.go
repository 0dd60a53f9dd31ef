package load

import (
	"sync/atomic"
	"time"
)

// FaultSlowReader: a share of the agents read their socket slowly (a pause
// per frame, default 200 ms, behind a small receive window) until the load
// ends, then catch up (a slow browser, not a dead one). The server's
// policy (docs/protocol.md "Limits") closes a socket whose send queue
// fills with 1013; the agent reloads. Routing for everyone else must not
// stall.
const FaultSlowReader = "slow-reader"

type slowReader struct {
	share float64
	pause time.Duration // 0: 200 ms
}

func init() {
	registerFault(FaultSlowReader, "slow-reader:1% (slow-reader:1%:300ms pauses 300ms per frame)", func(arg string) (Fault, error) {
		share, d, err := shareOf(arg, true)
		return slowReader{share, d}, err
	})
}

func (f slowReader) Kind() string   { return FaultSlowReader }
func (f slowReader) String() string { return shareText(FaultSlowReader, f.share, f.pause) }

// prepare marks agents before they log in: their first socket is slow.
func (f slowReader) prepare(p *plan) {
	d := f.pause
	if d == 0 {
		d = 200 * time.Millisecond
	}
	for _, i := range p.e.pick(len(p.agents), f.share) {
		a := p.agents[i]
		a.dialer = slowDialer
		var slowed atomic.Bool
		a.pause = func() time.Duration {
			if a.reloaded.Load() || !time.Now().Before(p.e.ph.end()) {
				return 0
			}
			if slowed.CompareAndSwap(false, true) {
				p.e.m.inject(FaultSlowReader)
			}
			return d
		}
		a.onLine = p.e.m.lag
		p.e.m.imu.Lock()
		p.e.m.slowReaders = append(p.e.m.slowReaders, a.login)
		p.e.m.imu.Unlock()
	}
}

// SlowAgents lists the logins given the slow-reader fault (for reports
// and specs that compare them with the others).
func (r *Report) SlowAgents() []string { return r.Faults.SlowReaders }
