package server

import (
	"time"
)

// Limits bound everything a network client can make the server hold
// (docs/protocol.md "Limits"). Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// SendQueue is how many frames may wait for a socket's writer; a
	// socket whose queue is full is a slow reader and is closed with 1013.
	SendQueue int
	// FramesPerSecond and FrameBurst rate-limit client frames per socket
	// (a token bucket); frames above it get an error frame, unapplied.
	FramesPerSecond float64
	FrameBurst      int
	// ChatMessages and ChatText bound the messages and the characters that
	// customers and agents may write into one chat.
	ChatMessages int
	ChatText     int
	// ChatFrames bounds the frames a chat keeps for resume; a resume from
	// before the oldest gets a whole snapshot instead.
	ChatFrames int
	// ChatsPerToken bounds the chats one entry token opens in its life.
	ChatsPerToken int
	// SocketsPerAgent and SocketsPerChat bound open sockets per agent
	// account and per customer chat.
	SocketsPerAgent int
	SocketsPerChat  int
	// LoginFailures wrong passwords per login within LoginWindow lock that
	// login until the window ends; LoginsPerAddress attempts per client
	// address within LoginWindow are allowed.
	LoginFailures    int
	LoginsPerAddress int
	LoginWindow      time.Duration
	// HashQueue bounds logins waiting for a bcrypt check.
	HashQueue int
	// Sessions bounds signed-in sessions; the oldest goes first.
	Sessions int
	// ClientIDs is how many client frame ids each party's idempotency
	// cache remembers.
	ClientIDs int
	// EndedChats ended chats are kept (rating, resume, reading) for at most
	// EndedFor; then they are released from memory.
	EndedChats int
	EndedFor   time.Duration
	// Events bounds the event log kept in memory (GET /api/events,
	// Service Insight).
	Events int
	// EventsPage is the most events one GET /api/events answers.
	EventsPage int
}

// DefaultLimits are the limits of docs/protocol.md.
var DefaultLimits = Limits{
	SendQueue:        1024,
	FramesPerSecond:  20,
	FrameBurst:       40,
	ChatMessages:     500,
	ChatText:         100_000,
	ChatFrames:       4096,
	ChatsPerToken:    20,
	SocketsPerAgent:  8,
	SocketsPerChat:   4,
	LoginFailures:    5,
	LoginsPerAddress: 30,
	LoginWindow:      time.Minute,
	HashQueue:        64,
	Sessions:         10_000,
	ClientIDs:        256,
	EndedChats:       1000,
	EndedFor:         10 * time.Minute,
	Events:           16_384,
	EventsPage:       10_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&l.SendQueue, d.SendQueue)
	pick(&l.FrameBurst, d.FrameBurst)
	pick(&l.ChatMessages, d.ChatMessages)
	pick(&l.ChatText, d.ChatText)
	pick(&l.ChatFrames, d.ChatFrames)
	pick(&l.ChatsPerToken, d.ChatsPerToken)
	pick(&l.SocketsPerAgent, d.SocketsPerAgent)
	pick(&l.SocketsPerChat, d.SocketsPerChat)
	pick(&l.LoginFailures, d.LoginFailures)
	pick(&l.LoginsPerAddress, d.LoginsPerAddress)
	pick(&l.HashQueue, d.HashQueue)
	pick(&l.Sessions, d.Sessions)
	pick(&l.ClientIDs, d.ClientIDs)
	pick(&l.EndedChats, d.EndedChats)
	pick(&l.Events, d.Events)
	pick(&l.EventsPage, d.EventsPage)
	if l.FramesPerSecond <= 0 {
		l.FramesPerSecond = d.FramesPerSecond
	}
	if l.LoginWindow <= 0 {
		l.LoginWindow = d.LoginWindow
	}
	if l.EndedFor <= 0 {
		l.EndedFor = d.EndedFor
	}
	return l
}

// bucket is a token bucket: rate tokens a second up to burst. It belongs
// to one socket's reader goroutine.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) bucket {
	return bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

func (b *bucket) take(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// window counts events in a fixed window that starts at the first one.
type window struct {
	start time.Time
	n     int
}

// loginGuard holds the login limits' counters (under mu). Entries whose
// window has passed are dropped when the maps grow, so they stay bounded
// by the attempts of one window.
type loginGuard struct {
	byLogin map[string]*window // failures
	byAddr  map[string]*window // attempts
}

func (g *loginGuard) sweep(now time.Time, win time.Duration) {
	for _, m := range []map[string]*window{g.byLogin, g.byAddr} {
		if len(m) < 4096 {
			continue
		}
		for k, w := range m {
			if now.Sub(w.start) >= win {
				delete(m, k)
			}
		}
	}
}

// retryAfter is how long until the window of w ends.
func retryAfter(w *window, now time.Time, win time.Duration) time.Duration {
	return max(w.start.Add(win).Sub(now), time.Second)
}

// current returns the window of key, a fresh one if it has passed.
func current(m map[string]*window, key string, now time.Time, win time.Duration) *window {
	w := m[key]
	if w == nil || now.Sub(w.start) >= win {
		w = &window{start: now}
		m[key] = w
	}
	return w
}
