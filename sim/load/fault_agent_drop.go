package load

import (
	"fmt"
	"time"

	"routecheck/sim/wire"
)

// FaultAgentDrop: a share of the agents lose their connection once,
// mid-load, and come back after the time away (default 1 s, within the
// grace: their chats resume; beyond it the chats re-queue at the head,
// D-ROUTE-2). Every return falls inside the load (D-LOAD-9): a drop
// happens between a quarter and half into the load, and no later than
// dropReturn before the end minus the time away; a plan that cannot fit is
// refused at start.
const FaultAgentDrop = "agent-drop"

type agentDrop struct {
	share float64
	away  time.Duration // 0: one second
}

func init() {
	registerFault(FaultAgentDrop, "agent-drop:5% (agent-drop:5%:40s stays away 40s)", func(arg string) (Fault, error) {
		share, d, err := shareOf(arg, true)
		return agentDrop{share, d}, err
	})
}

func (f agentDrop) Kind() string   { return FaultAgentDrop }
func (f agentDrop) String() string { return shareText(FaultAgentDrop, f.share, f.away) }

// dropReturn is how long before the end of the load a dropped agent must
// be back: time to dial, resume and take what re-queued meanwhile.
const dropReturn = time.Second

func (f agentDrop) awayFor() time.Duration {
	if f.away > 0 {
		return f.away
	}
	return time.Second
}

// check refuses a time away that cannot end inside the load: the run
// would end with the agents away and count their chats' messages lost,
// which says nothing about the workbench.
func (f agentDrop) check(c Config) error {
	away, span := f.awayFor(), c.span()
	if span/4+away+dropReturn <= span {
		return nil
	}
	need := (away+dropReturn)*4/3 - (span - c.Duration) // the duration that fits, before rounding up
	need = (need + time.Second - 1).Truncate(time.Second)
	return fmt.Errorf("%w: --faults %s: agents away %s would come back after the load ends (drops start a quarter into the %s load, and must be back %s before its end); "+
		"make --duration at least %s or the time away at most %s (D-LOAD-9)", ErrInput, f, away, span, dropReturn,
		need, (span*3/4 - dropReturn).Truncate(100*time.Millisecond))
}

func (f agentDrop) schedule(p *plan) {
	away, span := f.awayFor(), p.span
	earliest := p.start.Add(span / 4)
	latest := p.e.ph.end().Add(-away - dropReturn)
	for _, i := range p.e.pick(len(p.agents), f.share) {
		a := p.agents[i]
		a.away = away
		at := earliest.Add(p.e.jitter(min(span/4, latest.Sub(earliest))) / 2)
		p.e.sched.at(at, func(time.Time) { f.strike(p.e, a, latest) })
	}
}

// strike: with chats open, the connection is cut right after the agent's
// next reply goes out (its ack lost on the way), or at the latest moment
// if none went out by then (D-LOAD-9); with none, at once. The agent comes
// back after the time away and resumes.
func (f agentDrop) strike(e *env, a *agent, latest time.Time) {
	counted := func() { e.m.inject(FaultAgentDrop) }
	if !a.busy() {
		a.armCut("", time.Time{}, counted)
		a.cut()
		return
	}
	a.armCut(wire.TypeSend, latest, counted)
	e.sched.at(latest, func(time.Time) {
		if a.disarm("", time.Time{}) {
			a.cut()
		}
	})
}
