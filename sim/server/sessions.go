package server

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"time"

	"routecheck/sim/clock"
)

// sessionCookie holds a session's id (docs/protocol.md "Sessions").
const sessionCookie = "rc_session"

// CloseSessionEnded is the close code of a workbench socket whose session
// ended (logout, expiry, or pushed out by the session limits): the page
// must log in again. 4401 mirrors HTTP 401 in the private range of RFC 6455.
const CloseSessionEnded = 4401

// session is a signed-in account. It ends SessionIdle after its last use,
// SessionMax after login, at logout, or when the limits push it out
// (D-SES-1); ending it closes its sockets with CloseSessionEnded. An open
// workbench socket is use: a session never idles out under an agent who
// has the workbench open.
type session struct {
	id            string
	login         string
	created, used time.Time
	n             int64          // login order, so the oldest is well defined
	conns         map[*conn]bool // its open sockets (under mu)
	ended         bool
	max           clock.Timer // ends it at created + SessionMax
}

// cookie is the session cookie: Secure when the public URL is https.
func (s *Server) cookie(id string) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure}
}

// session returns the login of the request's session.
func (s *Server) session(r *http.Request) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se := s.sessionOf(r)
	if se == nil {
		return "", false
	}
	return se.login, true
}

// sessionOf (under mu) returns the request's live session and marks it
// used; an expired one ends here.
func (s *Server) sessionOf(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	se, ok := s.sessions[ck.Value]
	if !ok {
		return nil
	}
	now := s.clock.Now()
	if s.expired(se, now) {
		s.endSession(se, "expired")
		return nil
	}
	se.used = now
	return se
}

func (s *Server) expired(se *session, now time.Time) bool {
	idle := len(se.conns) == 0 && now.Sub(se.used) >= s.opts.SessionIdle
	return idle || now.Sub(se.created) >= s.opts.SessionMax
}

// newSession (under mu) signs login in. The account's oldest session ends
// when it holds SessionsPerAccount; when the table is full, expired ones
// end first, then the oldest of the account holding the most sessions, so
// one password's logins never push out another account's (D-SES-1).
func (s *Server) newSession(login string) string {
	now := s.clock.Now()
	if mine := s.byAccount[login]; len(mine) >= s.limits.SessionsPerAccount {
		s.endSession(mine[0], "the account signed in again elsewhere")
	}
	if len(s.sessions) >= s.limits.Sessions {
		for _, se := range s.sessions {
			if s.expired(se, now) {
				s.endSession(se, "expired")
			}
		}
	}
	if len(s.sessions) >= s.limits.Sessions {
		var most []*session
		for _, ss := range s.byAccount {
			if len(ss) > len(most) || (len(ss) == len(most) && ss[0].n < most[0].n) {
				most = ss
			}
		}
		s.endSession(most[0], "too many sessions")
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	s.sessionN++
	se := &session{id: id, login: login, created: now, used: now, n: s.sessionN, conns: map[*conn]bool{}}
	se.max = s.clock.AfterFunc(s.opts.SessionMax, func() {
		s.mu.Lock()
		defer s.unlock()
		if !s.closed && !se.ended {
			s.endSession(se, "expired")
		}
	})
	s.sessions[id] = se
	s.byAccount[login] = append(s.byAccount[login], se)
	return id
}

// endSession (under mu) forgets a session and closes its sockets.
func (s *Server) endSession(se *session, why string) {
	if se.ended {
		return
	}
	se.ended = true
	se.max.Stop()
	delete(s.sessions, se.id)
	mine := slices.DeleteFunc(s.byAccount[se.login], func(x *session) bool { return x == se })
	if len(mine) == 0 {
		delete(s.byAccount, se.login)
	} else {
		s.byAccount[se.login] = mine
	}
	for c := range se.conns {
		c.kill(CloseSessionEnded, "session ended ("+why+"): log in again")
	}
}
