package load

import (
	"time"

	"routecheck/sim/wire"
)

// FaultCustomerReconnect: a share of the customers drop their connection
// once, soon after an agent takes the chat, right after a chat message
// goes out and before its ack can come back (a phone changing network just
// after 发送), and resume with the last cseq they saw: the resend after the
// resume must be recognised by its id, and nothing may be missing or
// doubled.
const FaultCustomerReconnect = "customer-reconnect"

type customerReconnect struct{ share float64 }

func init() {
	registerFault(FaultCustomerReconnect, "customer-reconnect:10%", func(arg string) (Fault, error) {
		share, _, err := shareOf(arg, false)
		return customerReconnect{share}, err
	})
}

func (f customerReconnect) Kind() string   { return FaultCustomerReconnect }
func (f customerReconnect) String() string { return shareText(FaultCustomerReconnect, f.share, 0) }

func (f customerReconnect) prepare(p *plan) {
	for _, i := range p.e.pick(len(p.customers), f.share) {
		c := p.customers[i]
		c.onAssigned = func() {
			p.e.sched.after(p.e.jitter(p.e.pace.think*2), func(time.Time) {
				c.armCut(wire.TypeSay, time.Time{}, func() { p.e.m.inject(FaultCustomerReconnect) })
			})
		}
	}
}
