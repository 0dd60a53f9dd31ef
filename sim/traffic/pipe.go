package traffic

import (
	"runtime"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// pipe runs the invariant checker on a goroutine of its own, so that on a
// machine with a spare core its work overlaps the simulation's: the
// simulation copies each event into a batch and hands full batches over.
// The checker sees every event, in order, exactly as a direct call would
// show it; Violations are read after close. Three batches circulate, so
// the memory it takes is bounded whatever the length of the run.
type pipe struct {
	inv   *invariant.Checker
	batch []wb.Event
	full  chan []wb.Event
	empty chan []wb.Event
	done  chan struct{}
}

// pipeBatch events go over at a time: a hand-over wakes the checker, so
// batches are large enough for that to cost nothing per event.
const pipeBatch = 2048

// usePipe reports whether a run checks its events on another goroutine:
// only when there is more than one core to run it on.
func usePipe() bool { return runtime.GOMAXPROCS(0) > 1 }

func newPipe(inv *invariant.Checker) *pipe {
	p := &pipe{inv: inv, full: make(chan []wb.Event, 2), empty: make(chan []wb.Event, 3), done: make(chan struct{})}
	for range 2 {
		p.empty <- make([]wb.Event, 0, pipeBatch)
	}
	p.batch = make([]wb.Event, 0, pipeBatch)
	go p.run()
	return p
}

func (p *pipe) run() {
	defer close(p.done)
	for b := range p.full {
		for i := range b {
			p.inv.ObserveEvent(&b[i])
		}
		p.empty <- b[:0]
	}
}

// observe queues one event for the checker.
func (p *pipe) observe(e *wb.Event) {
	p.batch = append(p.batch, *e)
	if len(p.batch) == pipeBatch {
		p.full <- p.batch
		p.batch = <-p.empty
	}
}

// close hands over the last events and waits until the checker has seen
// them all.
func (p *pipe) close() {
	if len(p.batch) > 0 {
		p.full <- p.batch
	}
	close(p.full)
	<-p.done
}
