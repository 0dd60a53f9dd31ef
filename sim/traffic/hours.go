package traffic

// Hourly accounting: who is on duty, and the busy, on-duty and open time
// of each hour of the run.

// startHour closes the previous hour, sets who is on duty and schedules
// the next boundary: the next hour on the vendor's wall clock.
func (s *sim) startHour() {
	now := s.clock.Now()
	if s.hour != nil {
		s.closeHour()
	}
	s.drain(now)
	if !now.Before(s.end) {
		return
	}
	next := nextHour(now, s.loc)
	s.hour = &hourAcc{start: now, end: next, how: HourOfWeek(now, s.loc), date: localDate(now, s.loc), st: Stat{Hours: 1}}
	s.roster()
	s.hour.st.OnDuty = s.onDuty()
	s.planChanges(now, next)
	if s.cfg.Progress != nil {
		s.cfg.Progress(now.Sub(s.clockStart))
	}
	if s.cfg.Stop != nil && s.cfg.Stop() {
		s.err = ErrInterrupted
		return
	}
	s.clock.Schedule(next.Sub(now), ticker{s}, tHour)
}

// closeHour folds the hour's busy, on-duty and open time into it; its
// KPIs follow when its requests are done (drain). Hours of the warm-up
// are dropped.
func (s *sim) closeHour() {
	s.account()
	h := s.hour
	s.hour = nil
	h.over = true
	if h.start.Before(s.measure) {
		return
	}
	s.pending = append(s.pending, h)
}

// account adds busy, on-duty and open time since the last change.
func (s *sim) account() {
	now := s.clock.Now()
	if s.hour != nil {
		d := now.Sub(s.lastChange).Seconds()
		s.hour.st.BusyS += float64(s.busy) * d
		s.hour.st.PlacesS += float64(s.places) * d
		if s.open {
			s.hour.st.OpenS += d
		}
	}
	s.lastChange = now
}
