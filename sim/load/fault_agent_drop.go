package load

import "time"

// agent-drop: a share of the agents lose their connection once, mid-load,
// and come back after Fault.Delay (default 1 s, within the grace: their
// chats resume; beyond it the chats re-queue at the head, D-ROUTE-2).
func (r *runner) planAgentDrops(start time.Time) {
	f, ok := r.cfg.fault(FaultAgentDrop)
	if !ok {
		return
	}
	for _, i := range r.pick(len(r.agents), f.Share) {
		a := r.agents[i]
		a.away = f.Delay
		if a.away == 0 {
			a.away = time.Second
		}
		r.sched.at(r.midLoad(start), a.drop)
	}
}

// midLoad is a seeded moment in the middle half of the load.
func (r *runner) midLoad(start time.Time) time.Time {
	span := r.end().Sub(start)
	return start.Add(span/4 + r.jitter(span/4))
}
