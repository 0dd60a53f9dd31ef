package server

import (
	"crypto/sha256"
	"fmt"
	"net"
	"time"

	"routecheck/sim/clock"
)

// The login limits (docs/protocol.md "Limits", D-LOGIN-1). Every attempt
// is counted before its password is hashed: it reserves a place in its
// login's and its address's budget of failures, and gives the place back
// only if the password was right. So parallel guesses cannot all reach
// bcrypt before the first failure is counted.

// window counts failures in a fixed window that starts at the first one;
// inflight counts attempts being checked, which hold a place.
type window struct {
	start    time.Time
	n        int
	inflight int
}

// key is a fixed-size key for a login or an address, so a long login
// name costs the maps no more than a short one.
type key [16]byte

func keyOf(parts ...string) key {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var k key
	copy(k[:], h.Sum(nil))
	return k
}

// loginGuard holds the login limits and their state (under mu). Windows
// that have passed with nothing in flight are dropped when the maps grow;
// if they still hold maxTracked entries, new logins and addresses are
// refused until some pass, so the maps stay bounded whatever the attempts.
type loginGuard struct {
	clock   clock.Clock
	limits  Limits
	byLogin map[key]*window // failures per login
	byAddr  map[key]*window // failures per address
	known   map[key]time.Time
	order   []key // known, oldest first
}

const (
	// maxTracked bounds each map of the login guard.
	maxTracked = 1 << 16
	// knownFor is how long a login that succeeded from an address is
	// exempt from that address's limit; maxKnown such pairs are kept.
	knownFor = 24 * time.Hour
	maxKnown = 10_000
)

func newLoginGuard(c clock.Clock, l Limits) loginGuard {
	return loginGuard{clock: c, limits: l, byLogin: map[key]*window{}, byAddr: map[key]*window{}, known: map[key]time.Time{}}
}

// slot returns the window of k, fresh if it has passed (what is in flight
// stays), or nil when the map is full.
func (g *loginGuard) slot(m map[key]*window, k key, now time.Time, win time.Duration) *window {
	w := m[k]
	if w == nil {
		if len(m) >= maxTracked/2 {
			for kk, ww := range m {
				if ww.inflight == 0 && now.Sub(ww.start) >= win {
					delete(m, kk)
				}
			}
		}
		if len(m) >= maxTracked {
			return nil
		}
		w = &window{start: now}
		m[k] = w
	}
	if now.Sub(w.start) >= win {
		w.start, w.n = now, 0
	}
	return w
}

// loginTicket is a reserved attempt: hand it to done.
type loginTicket struct {
	login, addr *window // addr nil when the address limit does not apply
	pair        key
}

// addrKey is the address a limit counts: the IP, or an IPv6 address's
// /64, which one subscriber usually holds whole.
func addrKey(addr string) key {
	if ip := net.ParseIP(addr); ip != nil && ip.To4() == nil {
		return keyOf(ip.Mask(net.CIDRMask(64, 128)).String())
	}
	return keyOf(addr)
}

// reserve (under mu) checks the login and address limits and holds a
// place in each for this attempt.
func (g *loginGuard) reserve(addr, login string) (loginTicket, error) {
	now, win := g.clock.Now(), g.limits.LoginWindow
	full := &limitError{"logins tracked", "too many logins and addresses are failing at once; try again in a minute", win}
	lw := g.slot(g.byLogin, keyOf(login), now, win)
	if lw == nil {
		return loginTicket{}, full
	}
	if lw.n+lw.inflight >= g.limits.LoginFailures {
		return loginTicket{}, &limitError{"login failures per login", fmt.Sprintf("%d wrong passwords for this login; wait and try again", g.limits.LoginFailures), retryAfter(lw, now, win)}
	}
	t := loginTicket{login: lw, pair: keyOf(addr, login)}
	// D-LOGIN-1: a login that worked from this address lately is not held
	// back by others failing behind the same address (an office's NAT).
	if at, ok := g.known[t.pair]; !ok || now.Sub(at) >= knownFor {
		aw := g.slot(g.byAddr, addrKey(addr), now, win)
		if aw == nil {
			return loginTicket{}, full
		}
		if aw.n+aw.inflight >= g.limits.LoginsPerAddress {
			return loginTicket{}, &limitError{"logins per address", fmt.Sprintf("at most %d failed logins per %s from one address", g.limits.LoginsPerAddress, win), retryAfter(aw, now, win)}
		}
		aw.inflight++
		t.addr = aw
	}
	lw.inflight++
	return t, nil
}

// done (under mu) gives back the attempt's places: a wrong password
// keeps them as failures, an attempt never checked (the hash queue was
// full, the client went away) keeps nothing, and a right one makes the
// pair known.
func (g *loginGuard) done(t loginTicket, checked, good bool) {
	for _, w := range []*window{t.login, t.addr} {
		if w == nil {
			continue
		}
		w.inflight--
		if checked && !good {
			w.n++
		}
	}
	if !checked || !good {
		return
	}
	if _, ok := g.known[t.pair]; !ok {
		if len(g.order) >= maxKnown {
			delete(g.known, g.order[0])
			g.order = g.order[1:]
		}
		g.order = append(g.order, t.pair)
	}
	g.known[t.pair] = g.clock.Now()
}

// retryAfter is how long until the window of w ends.
func retryAfter(w *window, now time.Time, win time.Duration) time.Duration {
	return max(w.start.Add(win).Sub(now), time.Second)
}
