package server

import (
	"time"

	"routecheck/sim/clock"
)

// Options configure a Server. Zero values are the defaults.
type Options struct {
	Clock    clock.Clock   // nil: the real clock
	Secret   []byte        // signs entry tokens; nil: random per start
	TokenTTL time.Duration // entry tokens live this long; 0: 24h
	HashCost int           // bcrypt cost; 0: bcrypt.DefaultCost
	// Grace is how long an agent whose last workbench socket closed (or
	// went silent) stays in their status before going 离线 (D-WS-1); 0: 30 s.
	Grace time.Duration
	// CustomerGrace is how long a chat waits for a customer whose last
	// socket dropped before the customer has left (D-WS-2); 0: 30 s.
	CustomerGrace time.Duration
	// PublicURL is the base URL browsers reach the server by, e.g.
	// https://wb.example.com. Entry URLs are built from it and Origin
	// headers must match it; "" means http://<listen address>.
	PublicURL string
	// PublicHost, when PublicURL is "", replaces the listen address's host
	// in the public URL: the machine's network address for a server that
	// listens on 0.0.0.0, which no browser can open (D-SRV-2).
	PublicHost string
	// PingPeriod and PongWait: see conn.go; 0: 10 s and 25 s.
	PingPeriod, PongWait time.Duration
	// SessionIdle and SessionMax end a session after that long unused, or
	// that long after login; 0: 30 min and 12 h.
	SessionIdle, SessionMax time.Duration
	// Limits bound what clients can make the server hold.
	Limits Limits
	// HashProcess checks passwords in child processes (hash workers, see
	// hashworker.go) instead of on a thread of the server's own; the
	// program's main must call RunHashWorkerIfAsked first. If no worker
	// starts, passwords are checked in the server process.
	HashProcess bool
	// Logf, if set, gets the server's log: refused requests and frames
	// are counted by reason and written as one line per RefusalLogEvery
	// (0: 10 s) while refusals go on, never one line each.
	Logf            func(format string, args ...any)
	RefusalLogEvery time.Duration
	// ClockControl, for a workbench started by a script run only, adds
	// the clock-control routes (clockctl.go); nil in every other mode.
	ClockControl *ClockControl
}
