package script

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/sim/actors"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
	"routecheck/sim/server"
)

// Bundle is the in-memory workbench a script run starts for itself: on a
// virtual clock that only this run may move, with a secret made for it
// (D-SCR-2). Close it when the script is done.
type Bundle struct {
	*server.Server
	URL   string
	Clock *actors.ClockControl
	Start time.Time // where the clock started, in the vendor's zone
}

// StartTime is when a script's bundled clock starts: its `start` line on
// the vendor's wall clock, else, as a route test's (D-RUN-8), now when that
// is inside the vendor's work hours with room for the script's waits, else
// the next such time.
func StartTime(s *Script, v *fixtures.Vendor, now time.Time) (time.Time, error) {
	loc := v.Config.WorkHours.Location
	if loc == nil {
		loc, _ = time.LoadLocation("Asia/Shanghai")
	}
	if st := s.Start; st != nil && st.HasDate {
		// a date may lie in the past: the bundled clock starts there
		return time.Date(st.Date.Year(), st.Date.Month(), st.Date.Day(), st.Hour, st.Minute, 0, 0, loc), nil
	} else if st != nil {
		return resolve(st, now, loc)
	}
	room := time.Minute
	for _, st := range s.Stmts {
		switch {
		case st.Kind == KindWait:
			room += st.Wait
		case st.Kind == KindExpect && st.Expect.HasWithin:
			room += st.Expect.Within
		}
	}
	return routetest.PlanClock(v, time.Time{}, now, room).Start.In(loc), nil
}

// Bundled starts the workbench for one script run on a free loopback port,
// its virtual clock standing at start. Passwords are hashed at bcrypt's
// lowest cost, as for run's bundled workbench (D-RUN-2).
func Bundled(v *fixtures.Vendor, start time.Time) (*Bundle, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(b)
	vc := clock.NewVirtual(start)
	srv := server.New(server.Options{HashCost: bcrypt.MinCost, ClockControl: &server.ClockControl{Clock: vc, Secret: secret}})
	if _, err := srv.AddVendor(v.Config); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInput, v.File, err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bundled workbench: %w", err)
	}
	return &Bundle{Server: srv, URL: base, Clock: actors.NewClockControl(base, secret), Start: start}, nil
}
