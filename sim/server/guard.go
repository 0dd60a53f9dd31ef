package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	wb "routecheck/sim/workbench"
)

// limitError is a request or frame refused by one of the Limits. Its
// answer names the limit: HTTP 429 (with Retry-After when waiting helps)
// or an error frame with code "limit".
type limitError struct {
	limit  string
	detail string
	retry  time.Duration
}

func (e *limitError) Error() string { return "limit: " + e.limit + ": " + e.detail }

func writeLimit(w http.ResponseWriter, e *limitError) {
	if e.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.retry+time.Second-1)/time.Second)))
	}
	writeError(w, http.StatusTooManyRequests, "limit", "", "limit: "+e.limit+": "+e.detail)
}

// nosniff marks every answer, so a browser never guesses a type (a chat
// text served as HTML, say).
func nosniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// crossSite refuses a state-changing request a browser sent from another
// site (CSRF): an Origin other than the public URL's, or a Sec-Fetch-Site
// other than same-origin. Programs that send neither are not browsers and
// carry no ambient cookie.
func (s *Server) crossSite(r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	if o := r.Header.Get("Origin"); o != "" {
		if o != s.origin {
			return fmt.Errorf("request from %s refused: only pages of %s may change the workbench", o, s.origin)
		}
		return nil
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fmt.Errorf("%s request refused: only pages of %s may change the workbench", site, s.origin)
	}
	return nil
}

// jsonBody refuses a body that is not JSON (a cross-site form can post
// text/plain or form data without a preflight; JSON it cannot).
func jsonBody(r *http.Request, plainOK bool) error {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" || (plainOK && mt == "text/plain") {
		return nil
	}
	return &wb.RuleError{Err: wb.ErrInvalid, Reason: fmt.Sprintf("Content-Type must be application/json, got %q", r.Header.Get("Content-Type"))}
}

// session is a signed-in account; it ends after SessionIdle unused or
// SessionMax after login.
type session struct {
	login         string
	created, used time.Time
	n             int64 // login order, so the oldest is well defined
}

func (s *Server) session(r *http.Request) (string, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.sessions[ck.Value]
	if !ok {
		return "", false
	}
	now := s.clock.Now()
	if now.Sub(se.used) >= s.opts.SessionIdle || now.Sub(se.created) >= s.opts.SessionMax {
		delete(s.sessions, ck.Value)
		return "", false
	}
	se.used = now
	return se.login, true
}

// newSession (under mu) signs login in; the oldest session goes when the
// table is full (Limits.Sessions), after the expired ones.
func (s *Server) newSession(login string) string {
	now := s.clock.Now()
	if len(s.sessions) >= s.limits.Sessions {
		var oldest string
		for id, se := range s.sessions {
			if now.Sub(se.used) >= s.opts.SessionIdle || now.Sub(se.created) >= s.opts.SessionMax {
				delete(s.sessions, id)
			} else if oldest == "" || se.n < s.sessions[oldest].n {
				oldest = id
			}
		}
		if len(s.sessions) >= s.limits.Sessions {
			delete(s.sessions, oldest)
		}
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	s.sessionN++
	s.sessions[id] = &session{login: login, created: now, used: now, n: s.sessionN}
	return id
}

// clientAddr is the peer's IP: the server is reached directly (no proxy
// header is trusted, or anyone could pick their own address).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginAllowed (under mu) counts an attempt from addr and says how long to
// wait if addr or login is over its limit.
func (s *Server) loginAllowed(addr, login string) error {
	now, win := s.clock.Now(), s.limits.LoginWindow
	s.logins.sweep(now, win)
	if w := s.logins.byLogin[login]; w != nil && now.Sub(w.start) < win && w.n >= s.limits.LoginFailures {
		return &limitError{"login failures per login", fmt.Sprintf("%d wrong passwords for this login; wait and try again", w.n), retryAfter(w, now, win)}
	}
	w := current(s.logins.byAddr, addr, now, win)
	if w.n >= s.limits.LoginsPerAddress {
		return &limitError{"logins per address", fmt.Sprintf("at most %d login attempts per %s from one address", s.limits.LoginsPerAddress, win), retryAfter(w, now, win)}
	}
	w.n++
	return nil
}

func (s *Server) loginFailed(login string) {
	current(s.logins.byLogin, login, s.clock.Now(), s.limits.LoginWindow).n++
}

// checkPassword runs bcrypt outside every lock, at most hashSlots at once
// (in a hash worker with Options.HashProcess); a login that would wait
// behind HashQueue others is refused.
func (s *Server) checkPassword(ctx context.Context, hash []byte, password string) (bool, error) {
	s.mu.Lock()
	if n := s.hashWaiting; n >= s.limits.HashQueue {
		s.mu.Unlock()
		return false, &limitError{"logins in progress", fmt.Sprintf("%d logins are being checked; try again in a second", n), time.Second}
	}
	s.hashWaiting++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.hashWaiting--
		s.mu.Unlock()
	}()
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	return s.compare(hash, password)
}

// niceCompare runs bcrypt on an OS thread of its own at the lowest
// priority, so a login flood takes only the CPU nobody else wants: pings and
// messages of connected clients come first. The goroutine ends still locked
// to that thread, so the runtime discards the thread rather than reuse it at
// that priority (raising it back needs privileges).
func niceCompare(hash []byte, password string) bool {
	ok := make(chan bool, 1)
	go func() {
		runtime.LockOSThread()
		lowerThreadPriority()
		ok <- bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	}()
	return <-ok
}
