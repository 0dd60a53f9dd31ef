package clock

import "time"

// Shifted is the real clock moved to another instant: it starts at Start
// and runs at real speed. The route test uses it to rehearse a run at a
// given time of day, e.g. outside a vendor's work hours.
type Shifted struct {
	offset time.Duration
}

// NewShifted returns a real-speed clock that reads start now.
func NewShifted(start time.Time) *Shifted { return &Shifted{offset: start.Sub(time.Now())} }

// Now returns the shifted time.
func (s *Shifted) Now() time.Time { return time.Now().Add(s.offset) }

// AfterFunc is the real AfterFunc: durations do not shift.
func (s *Shifted) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
