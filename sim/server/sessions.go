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

// session is a signed-in account (under mu, as all of this file). It ends
// SessionIdle after its last use, SessionMax after login, at logout, or
// when the limits push it out (D-SES-1); ending it closes its sockets with
// CloseSessionEnded. An open workbench socket is use: a session never idles
// out under an agent who has the workbench open.
type session struct {
	id           string
	login        string
	opened, used time.Time
	n            int64          // login order, so the oldest is well defined
	conns        map[*conn]bool // its open sockets
	ended        bool
	max          clock.Timer // ends it at opened + SessionMax
}

// sessionTable is every live session, by id and by account, with the
// limits that end them.
type sessionTable struct {
	clock      clock.Clock
	idle, max  time.Duration // Options.SessionIdle, Options.SessionMax
	limit, per int           // Limits.Sessions, Limits.SessionsPerAccount
	guard      func(func())  // runs a timer's work under mu, unless the server closed
	byID       map[string]*session
	byAccount  map[string][]*session // each account's sessions, oldest first
	n          int64
}

func newSessionTable(c clock.Clock, idle, maxAge time.Duration, l Limits, guard func(func())) sessionTable {
	return sessionTable{clock: c, idle: idle, max: maxAge, limit: l.Sessions, per: l.SessionsPerAccount, guard: guard,
		byID: map[string]*session{}, byAccount: map[string][]*session{}}
}

// of returns the request's live session and marks it used; an expired one
// ends here.
func (t *sessionTable) of(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	se, ok := t.byID[ck.Value]
	if !ok {
		return nil
	}
	now := t.clock.Now()
	if t.expired(se, now) {
		t.end(se, "expired")
		return nil
	}
	se.used = now
	return se
}

func (t *sessionTable) expired(se *session, now time.Time) bool {
	idle := len(se.conns) == 0 && now.Sub(se.used) >= t.idle
	return idle || now.Sub(se.opened) >= t.max
}

// open signs login in and returns the session's id. The account's oldest
// session ends when it holds SessionsPerAccount; when the table is full,
// expired ones end first, then the oldest of the account holding the most
// sessions, so one password's logins never push out another account's
// (D-SES-1).
func (t *sessionTable) open(login string) string {
	now := t.clock.Now()
	if mine := t.byAccount[login]; len(mine) >= t.per {
		t.end(mine[0], "the account signed in again elsewhere")
	}
	if len(t.byID) >= t.limit {
		for _, se := range t.byID {
			if t.expired(se, now) {
				t.end(se, "expired")
			}
		}
	}
	if len(t.byID) >= t.limit {
		var most []*session
		for _, ss := range t.byAccount {
			if len(ss) > len(most) || (len(ss) == len(most) && ss[0].n < most[0].n) {
				most = ss
			}
		}
		t.end(most[0], "too many sessions")
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	t.n++
	se := &session{id: id, login: login, opened: now, used: now, n: t.n, conns: map[*conn]bool{}}
	se.max = t.clock.AfterFunc(t.max, func() {
		t.guard(func() {
			if !se.ended {
				t.end(se, "expired")
			}
		})
	})
	t.byID[id] = se
	t.byAccount[login] = append(t.byAccount[login], se)
	return id
}

// logout ends the session with this id, if it is live.
func (t *sessionTable) logout(id string) {
	if se := t.byID[id]; se != nil {
		t.end(se, "logged out")
	}
}

// end forgets a session and closes its sockets.
func (t *sessionTable) end(se *session, why string) {
	if se.ended {
		return
	}
	se.ended = true
	se.max.Stop()
	delete(t.byID, se.id)
	mine := slices.DeleteFunc(t.byAccount[se.login], func(x *session) bool { return x == se })
	if len(mine) == 0 {
		delete(t.byAccount, se.login)
	} else {
		t.byAccount[se.login] = mine
	}
	for c := range se.conns {
		c.sessionEnded = true
		c.kill(CloseSessionEnded, "session ended ("+why+"): log in again")
	}
}
