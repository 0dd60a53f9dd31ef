package load

import "time"

// slow-reader: a share of the agents read their socket slowly (a pause per
// frame, default 200 ms). The server's policy (docs/protocol.md "Limits")
// closes a socket whose send queue fills with 1013; the agent resumes.
// Routing for everyone else must not stall.
func (r *runner) planSlowReaders() {
	f, ok := r.cfg.fault(FaultSlowReader)
	if !ok {
		return
	}
	d := f.Delay
	if d == 0 {
		d = 200 * time.Millisecond
	}
	for _, i := range r.pick(len(r.agents), f.Share) {
		r.agents[i].slow = d
	}
}

// SlowAgents lists the logins given the slow-reader fault (for reports
// and specs that compare them with the others).
func (r *Report) SlowAgents() []string { return r.Faults.SlowReaders }
