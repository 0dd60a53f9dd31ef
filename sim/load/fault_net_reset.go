package load

import (
	"fmt"
	"time"
)

// FaultNetReset: a share of the connections is reset (TCP RST) a while
// after it opens, the loss a flaky network causes to a TCP client. It
// starts with the load, once every agent is in; a socket the path cut (an
// end the actor did not plan, outside a shutdown, or a dial that failed)
// counts as what the fault did.
const FaultNetReset = "net-reset"

type netReset struct{ share float64 }

func init() {
	registerFault(FaultNetReset, "net-reset:2%", func(arg string) (Fault, error) {
		share, _, err := shareOf(arg, false)
		return netReset{share}, err
	})
}

func (f netReset) Kind() string   { return FaultNetReset }
func (f netReset) String() string { return shareText(FaultNetReset, f.share, 0) }

func (f netReset) onPath(_ *netPath, p *plan) error {
	p.e.m.lost = append(p.e.m.lost, FaultNetReset)
	return nil
}

// schedule turns the reset on as the load starts.
func (f netReset) schedule(p *plan) {
	if p.np == nil {
		return
	}
	p.e.sched.at(p.start, func(time.Time) {
		if err := p.np.add(fmt.Sprintf(`{"name":"reset","type":"reset_peer","stream":"downstream","toxicity":%g,"attributes":{"timeout":%d}}`,
			f.share, (2 * p.e.pace.think).Milliseconds())); err != nil {
			p.e.m.fail("fault proxy: " + shorten(err.Error()))
		}
	})
}
