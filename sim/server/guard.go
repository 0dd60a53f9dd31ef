package server

import (
	"context"
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
		if normOrigin(o) != s.origin {
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

// clientAddr is the peer's IP: the server is reached directly (no proxy
// header is trusted, or anyone could pick their own address).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
