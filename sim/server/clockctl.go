package server

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"time"

	"routecheck/sim/clock"
)

// ClockControl lets a conversation script move the bundled workbench's
// virtual clock over HTTP (GET and POST /api/clock, docs/protocol.md "Clock
// control"). Only a workbench started for a script run has it: the runner
// makes a fresh Secret per run and sends it in the ClockSecretHeader. A
// server without ClockControl (routecheck serve, run, load) has no such
// route at all (D-SCR-2).
type ClockControl struct {
	// Clock is the server's clock (Options.Clock must be the same one, or
	// nil): moving it fires the core's timers (R-IDLE-1) and the graces
	// (D-WS-1, D-WS-2) under the server's lock, as real timers do.
	Clock *clock.Virtual
	// Secret must be sent in ClockSecretHeader; at least 16 bytes.
	Secret string
}

// ClockSecretHeader carries ClockControl.Secret.
const ClockSecretHeader = "X-Routecheck-Clock"

// ClockState is what GET and POST /api/clock answer.
type ClockState struct {
	Now time.Time `json:"now"`
	// Next is when the earliest pending timer is due; absent when none is.
	Next *time.Time `json:"next,omitempty"`
	// Fired is how many instants with due timers a POST went through.
	Fired int `json:"fired"`
	// Sockets is the number of open agent and customer sockets the
	// workbench counts: a socket that has closed is no longer counted once
	// its grace timer (D-WS-1, D-WS-2) is on the clock.
	Sockets int `json:"sockets"`
}

// clockMove is a POST /api/clock body: advance by a duration, or run until
// an instant; with Next, stop after the first instant that had timers due
// (at or before the target), so a caller can look between timers.
type clockMove struct {
	Advance string    `json:"advance"`
	Until   time.Time `json:"until"`
	Next    bool      `json:"next"`
}

// routes adds the clock-control routes. checkOrigin is the server's check
// of a request's origin (CSRF); sockets counts the open sockets under the
// server's lock. Clock control sees nothing else of the server.
func (cc *ClockControl) routes(m *http.ServeMux, checkOrigin func(*http.Request) error, sockets func() int) {
	state := func(fired int) ClockState {
		st := ClockState{Now: cc.Clock.Now(), Fired: fired}
		if n, ok := cc.Clock.Next(); ok {
			st.Next = &n
		}
		st.Sockets = sockets()
		return st
	}
	// Only a request with this run's secret; a browser page of another
	// origin may not move the clock either.
	authed := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if err := checkOrigin(r); err != nil {
				writeError(w, http.StatusForbidden, "cross-site", "", err.Error())
				return
			}
			got := r.Header.Get(ClockSecretHeader)
			if subtle.ConstantTimeCompare([]byte(got), []byte(cc.Secret)) != 1 {
				writeError(w, http.StatusForbidden, "forbidden", "D-SCR-2", "clock control needs the secret of this script run")
				return
			}
			h(w, r)
		}
	}
	m.HandleFunc("GET /api/clock", authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, state(0))
	}))
	m.HandleFunc("POST /api/clock", authed(func(w http.ResponseWriter, r *http.Request) {
		if fired, ok := cc.move(w, r); ok {
			writeJSON(w, http.StatusOK, state(fired))
		}
	}))
}

// move runs the clock as a POST asks and returns how many instants with
// due timers it went through; false when it answered an error.
func (cc *ClockControl) move(w http.ResponseWriter, r *http.Request) (int, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	var in clockMove
	if err := readJSON(r, &in); err != nil {
		writeCoreError(w, err)
		return 0, false
	}
	v := cc.Clock
	target := in.Until
	if in.Advance != "" {
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, "invalid request", "", fmt.Sprintf("advance %q: want a duration such as 4m or 30s", in.Advance))
			return 0, false
		}
		target = v.Now().Add(d)
	}
	if target.IsZero() {
		writeError(w, http.StatusBadRequest, "invalid request", "", "want advance (a duration) or until (RFC 3339)")
		return 0, false
	}
	// The timers take the server's lock themselves (the core's through
	// Options.Guard, the graces in their own functions): the lock is not
	// held here, as it is not held by the real clock's timer goroutines.
	fired := 0
	for {
		next, ok := v.Next()
		if !ok || next.After(target) {
			break
		}
		v.RunUntil(next)
		fired++
		if in.Next {
			return fired, true
		}
	}
	v.RunUntil(target)
	return fired, true
}
