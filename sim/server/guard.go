package server

import (
	"fmt"
	"mime"
	"net"
	"net/http"

	wb "routecheck/sim/workbench"
)

// nosniff marks every answer, so a browser never guesses a type (a chat
// text served as HTML, say).
func nosniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// crossSite refuses a state-changing request a browser sent from another
// site (CSRF): an Origin other than origin (the public URL's, normalised),
// or a Sec-Fetch-Site other than same-origin. Programs that send neither
// are not browsers and carry no ambient cookie.
func crossSite(r *http.Request, origin string) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	if o := r.Header.Get("Origin"); o != "" {
		if normOrigin(o) != origin {
			return fmt.Errorf("request from %s refused: only pages of %s may change the workbench", o, origin)
		}
		return nil
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fmt.Errorf("%s request refused: only pages of %s may change the workbench", site, origin)
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
