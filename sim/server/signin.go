package server

import (
	"net/http"

	wb "routecheck/sim/workbench"
)

// Signing in and out over HTTP (docs/protocol.md "Sessions"): the login
// limits and the password check come before a session opens; the session
// table (sessions.go) keeps it.

type loginBody struct{ Login, Password string }

// handleLogin checks the limits and the password; bcrypt runs outside the
// lock, against an equal-cost dummy for an unknown login (R-WB-1).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if err := crossSite(r, s.origin); err != nil {
		writeError(w, http.StatusForbidden, "cross-site", "", err.Error())
		return
	}
	if err := jsonBody(r, false); err != nil {
		writeCoreError(w, err)
		return
	}
	var in loginBody
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	ticket, err := s.logins.reserve(clientAddr(r), in.Login)
	hash, known := s.core.PasswordHash(in.Login)
	s.mu.Unlock()
	if err != nil {
		s.refused.request(r, err)
		writeCoreError(w, err)
		return
	}
	if !known {
		hash = s.dummyHash
	}
	good, err := s.checkPassword(r.Context(), hash, in.Password)
	if err != nil {
		s.mu.Lock()
		s.logins.done(ticket, false, false)
		s.mu.Unlock()
		s.refused.request(r, err)
		writeCoreError(w, err)
		return
	}
	s.mu.Lock()
	var acc wb.AccountView
	var id string
	s.logins.done(ticket, true, good && known)
	if good && known {
		acc, err = s.core.Account(in.Login)
		id = s.sessions.open(in.Login)
	} else {
		err = wb.ErrBadCredentials
	}
	s.unlock() // a session pushed out closes its sockets
	if err != nil {
		s.refused.request(r, err)
		writeCoreError(w, err)
		return
	}
	http.SetCookie(w, s.cookie(id))
	writeJSON(w, http.StatusOK, acc)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := crossSite(r, s.origin); err != nil {
		writeError(w, http.StatusForbidden, "cross-site", "", err.Error())
		return
	}
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		s.sessions.logout(ck.Value)
		s.unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: s.secure})
	w.WriteHeader(http.StatusNoContent)
}

// cookie is the session cookie: Secure when the public URL is https.
func (s *Server) cookie(id string) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure}
}

// session returns the login of the request's session.
func (s *Server) session(r *http.Request) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se := s.sessions.of(r)
	if se == nil {
		return "", false
	}
	return se.login, true
}
