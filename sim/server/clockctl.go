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

func (s *Server) clockRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/clock", s.clockAuthed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.clockState(0))
	}))
	m.HandleFunc("POST /api/clock", s.clockAuthed(s.moveClock))
}

// clockAuthed admits only a request with this run's secret; a browser page
// of another origin may not move it either.
func (s *Server) clockAuthed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.crossSite(r); err != nil {
			writeError(w, http.StatusForbidden, "cross-site", "", err.Error())
			return
		}
		got := r.Header.Get(ClockSecretHeader)
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.ClockControl.Secret)) != 1 {
			writeError(w, http.StatusForbidden, "forbidden", "D-SCR-2", "clock control needs the secret of this script run")
			return
		}
		h(w, r)
	}
}

func (s *Server) moveClock(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	var in clockMove
	if err := readJSON(r, &in); err != nil {
		writeCoreError(w, err)
		return
	}
	v := s.opts.ClockControl.Clock
	target := in.Until
	if in.Advance != "" {
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, "invalid request", "", fmt.Sprintf("advance %q: want a duration such as 4m or 30s", in.Advance))
			return
		}
		target = v.Now().Add(d)
	}
	if target.IsZero() {
		writeError(w, http.StatusBadRequest, "invalid request", "", "want advance (a duration) or until (RFC 3339)")
		return
	}
	// The timers take the server's lock themselves (the core's through
	// Options.Guard, the graces in their own functions): mu is not held
	// here, as it is not held by the real clock's timer goroutines.
	fired := 0
	for {
		next, ok := v.Next()
		if !ok || next.After(target) {
			break
		}
		v.RunUntil(next)
		fired++
		if in.Next {
			writeJSON(w, http.StatusOK, s.clockState(fired))
			return
		}
	}
	v.RunUntil(target)
	writeJSON(w, http.StatusOK, s.clockState(fired))
}

func (s *Server) clockState(fired int) ClockState {
	v := s.opts.ClockControl.Clock
	st := ClockState{Now: v.Now(), Fired: fired}
	if n, ok := v.Next(); ok {
		st.Next = &n
	}
	s.mu.Lock()
	for _, n := range s.agentSocks {
		st.Sockets += n
	}
	for _, n := range s.chatSocks {
		st.Sockets += n
	}
	s.mu.Unlock()
	return st
}
