package load

import (
	"fmt"
	"time"
)

// agent-drop: a share of the agents lose their connection once, mid-load,
// and come back after Fault.Delay (default 1 s, within the grace: their
// chats resume; beyond it the chats re-queue at the head, D-ROUTE-2).
// Every return falls inside the load (D-LOAD-9): a drop happens between a
// quarter and half into the load, and no later than dropReturn before the
// end minus the time away; a plan that cannot fit is refused at start.
func (r *runner) planAgentDrops(start time.Time) {
	f, ok := r.cfg.fault(FaultAgentDrop)
	if !ok {
		return
	}
	away := dropAway(f)
	span := r.cfg.span()
	earliest := start.Add(span / 4)
	latest := r.end().Add(-away - dropReturn)
	for _, i := range r.pick(len(r.agents), f.Share) {
		a := r.agents[i]
		a.away, a.dropBy = away, latest
		at := earliest.Add(r.jitter(min(span/4, latest.Sub(earliest))) / 2)
		r.sched.at(at, a.drop)
	}
}

// dropReturn is how long before the end of the load a dropped agent must
// be back: time to dial, resume and take what re-queued meanwhile.
const dropReturn = time.Second

func dropAway(f Fault) time.Duration {
	if f.Delay > 0 {
		return f.Delay
	}
	return time.Second
}

// dropFits refuses an agent-drop whose time away cannot end inside the
// load: the run would end with the agents away and count their chats'
// messages lost, which says nothing about the workbench.
func (c Config) dropFits(f Fault) error {
	away, span := dropAway(f), c.span()
	if span/4+away+dropReturn <= span {
		return nil
	}
	need := (away+dropReturn)*4/3 - (span - c.Duration) // the duration that fits, before rounding up
	need = (need + time.Second - 1).Truncate(time.Second)
	return fmt.Errorf("%w: --faults %s: agents away %s would come back after the load ends (drops start a quarter into the %s load, and must be back %s before its end); "+
		"make --duration at least %s or the time away at most %s (D-LOAD-9)", ErrInput, f, away, span, dropReturn,
		need, (span*3/4 - dropReturn).Truncate(100*time.Millisecond))
}
