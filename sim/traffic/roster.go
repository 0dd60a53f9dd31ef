package traffic

import (
	"fmt"
	"time"

	wb "routecheck/sim/workbench"
)

// The roster: who is 在线 when. The vendor's work hours (R-VEN-4) decide
// when the queue is open, by the core's own rule (WorkHours.InWorkHours),
// so the simulated agents come and go exactly when the workbench starts
// and stops refusing requests (D-RT-1). Within them the staffing, --agents,
// the profile's shifts or the vendor's own accounts say who is on duty.
// Off duty is 小休 (D-SIM-2). At closing the agents on duty finish the
// queue and then go 小休 (D-SIM-6).

// onDuty is the agents 在线 by the roster, not those finishing the queue.
func (s *sim) onDuty() int {
	n := 0
	for _, a := range s.agents {
		if a.online && !a.onBreak {
			n++
		}
	}
	return n
}

// isOpen is whether the vendor takes requests at t (R-VEN-4).
func (s *sim) isOpen(t time.Time) bool {
	return s.cfg.AlwaysOpen || s.cfg.Vendor.WorkHours.InWorkHours(t, s.loc)
}

// roster puts each agent 在线 or 小休 for now: 小休 keeps the agent's chats
// and takes no new ones (R-WB-2), so a shift ends softly.
func (s *sim) roster() {
	now := s.clock.Now()
	open := s.isOpen(now)
	if open != s.open {
		s.account()
		s.open = open
	}
	how := HourOfWeek(now, s.loc)
	if now.Before(s.measure) && !s.reached[how] {
		// A warm-up hour the run does not measure runs with the first
		// measured hour's staffing, so that hour starts with the queue it
		// would have in the long run.
		how = HourOfWeek(s.measure, s.loc)
	}
	queued := s.wb.QueueLength(s.cfg.Vendor.Department) > 0
	for i, a := range s.agents {
		var on bool
		switch {
		case !open:
			on = false
		case s.cfg.Staffing != nil:
			on = i < s.cfg.Staffing[how]
		case s.cfg.AlwaysOpen:
			on = true
		case a.shift >= 0:
			on = s.p.Shifts[a.shift].coversAt(now, s.loc)
		default:
			on = true
		}
		wasOn := a.online
		a.online = on
		switch {
		case on:
			s.stopClosing(a)
		case !open && wasOn && !a.onBreak && queued && !a.closing:
			// Closing time: the agent finishes the queue (D-SIM-6).
			a.closing = true
			s.closing++
		}
		if on && !wasOn && a.shift >= 0 && s.p.Shifts[a.shift].BreakEvery > 0 {
			s.planBreak(a)
		}
		s.applyStatus(a)
	}
}

// planChanges schedules a roster call at each change of the work hours or
// of a shift within [from, to): vendors open at 09:30 and shifts end at
// 17:45, not only on the hour.
func (s *sim) planChanges(from, to time.Time) {
	t := ticker{s}
	if !s.cfg.AlwaysOpen {
		at := from
		for {
			next, ok := s.cfg.Vendor.WorkHours.NextChange(at, s.loc, to.Sub(at))
			if !ok || !next.Before(to) {
				break
			}
			s.clock.Schedule(next.Sub(from), t, tRoster)
			at = next
		}
	}
	if s.cfg.Staffing != nil || s.cfg.AlwaysOpen {
		return
	}
	seen := map[time.Time]bool{}
	for _, sh := range s.p.Shifts {
		for _, at := range sh.changesIn(from, to, s.loc) {
			if !seen[at] {
				seen[at] = true
				s.clock.Schedule(at.Sub(from), t, tRoster)
			}
		}
	}
}

// queueShrank is called when a queued request leaves the queue; after
// closing, the agents finishing it go 小休 once it is empty. The check runs
// as a step of its own: events arrive inside a command.
func (s *sim) queueShrank() {
	if s.closing > 0 && !s.closeCheck {
		s.closeCheck = true
		s.clock.Schedule(0, ticker{s}, tCloseCheck)
	}
}

// endClosing sends the agents who finished the queue to 小休.
func (s *sim) endClosing() {
	if s.closing == 0 || s.wb.QueueLength(s.cfg.Vendor.Department) > 0 {
		return
	}
	for _, a := range s.agents {
		if a.closing {
			s.stopClosing(a)
			s.applyStatus(a)
		}
	}
}

func (s *sim) stopClosing(a *simAgent) {
	if a.closing {
		a.closing = false
		s.closing--
	}
}

// planBreak schedules the agent's next break: every BreakEvery on duty,
// staggered by the agent's place in its shift.
func (s *sim) planBreak(a *simAgent) {
	sh := s.p.Shifts[a.shift]
	stagger := sh.BreakEvery * time.Duration(a.index) / time.Duration(max(sh.Agents, 1))
	s.clock.Schedule(sh.BreakEvery/2+stagger, ticker{s}, breakArg(s.agentIndex(a)))
}

func (s *sim) agentIndex(a *simAgent) int {
	for i, x := range s.agents {
		if x == a {
			return i
		}
	}
	return -1
}

func (s *sim) breakTick(a *simAgent) {
	if !a.online || !s.clock.Now().Before(s.end) {
		a.onBreak = false
		return
	}
	sh := s.p.Shifts[a.shift]
	a.onBreak = !a.onBreak
	s.applyStatus(a)
	next := sh.BreakLength
	if !a.onBreak {
		next = sh.BreakEvery - sh.BreakLength
	}
	s.clock.Schedule(next, ticker{s}, breakArg(s.agentIndex(a)))
}

func (s *sim) applyStatus(a *simAgent) {
	st := wb.StatusBreak
	if a.online && !a.onBreak || a.closing {
		st = wb.StatusOnline
	}
	if a.status == st {
		return
	}
	a.status = st
	if err := s.wb.SetStatus(a.login, st); err != nil {
		s.err = fmt.Errorf("traffic: %s cannot go %s: %w", a.login, st, err)
	}
}
