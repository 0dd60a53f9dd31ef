package traffic

import "time"

// ticker is the run's own timer target: arrivals, hour boundaries, queue
// samples and agents' breaks.
type ticker struct{ s *sim }

const (
	tArrival int64 = iota
	tHour
	tSample
	tRoster     // work hours or a shift change within the hour
	tCloseCheck // after closing: is the queue served?
	tBreakBase  // + agent index: the agent's break starts or ends (breakArg)
)

// breakArg is the ticker's argument for agent i's break; breakOf unpacks it.
func breakArg(i int) int64 { return tBreakBase + int64(i) }

func breakOf(kind int64) int { return int(kind - tBreakBase) }

func (t ticker) Fire(kind int64) {
	s := t.s
	s.cur = nil
	switch {
	case kind == tArrival:
		s.arrive()
	case kind == tHour:
		s.startHour()
	case kind == tSample:
		if s.clock.Now().Before(s.end) {
			if !s.clock.Now().Before(s.measure) {
				s.sampleQueue()
			}
			s.clock.Schedule(s.queueEvery(), t, tSample)
		}
	case kind == tRoster:
		s.roster()
	case kind == tCloseCheck:
		s.closeCheck = false
		s.endClosing()
	default:
		s.breakTick(s.agents[breakOf(kind)])
	}
}

func (s *sim) queueEvery() time.Duration {
	if s.cfg.QueueEvery > 0 {
		return s.cfg.QueueEvery
	}
	return 5 * time.Minute
}
