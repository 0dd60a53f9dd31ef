package server

import (
	"time"
)

// Limits bound everything a network client can make the server hold
// (docs/protocol.md "Limits"). Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// SendQueue and SendQueueBytes bound the frames and the bytes waiting
	// for a socket's writer; a socket whose queue would pass either is a
	// slow reader and is closed with 1013.
	SendQueue      int
	SendQueueBytes int
	// FramesPerSecond and FrameBurst rate-limit everything a client sends
	// on a socket, WebSocket pings and pongs included (a token bucket),
	// before any other work: a frame above it is dropped unread and the
	// first of a run is answered with an error frame; after RefusedFrames
	// of them in a row the socket is paced, read no faster than the rate.
	FramesPerSecond float64
	FrameBurst      int
	RefusedFrames   int
	// ChatMessages and ChatText bound the messages and the characters a
	// chat stores, whoever wrote them (customer, agent, bot, system): a
	// frame that would add to a chat at either bound is refused. Only the
	// workbench's own messages (welcome, closing) can pass them; a chat at
	// twice either bound is ended (customer_left).
	ChatMessages int
	ChatText     int
	// ChatFrames and ChatLogBytes bound the frames a chat keeps for
	// resume; a resume from before the oldest gets a snapshot instead.
	ChatFrames   int
	ChatLogBytes int
	// HistoryBytes bounds the message text of one snapshot of a chat (a
	// hello, an assigned frame, a history page, GET /api/conversations):
	// it carries the newest messages within it and "more": true; older
	// ones come page by page (the history frame, ?before=).
	HistoryBytes int
	// StatusChanges and StatusBurst rate-limit an agent's status and
	// tenant changes, by HTTP and socket together (each re-queue and
	// re-assignment adds frames and a welcome message to chats).
	StatusChanges float64 // per minute
	StatusBurst   int
	// Hellos and HelloBurst rate-limit the snapshots one party can make
	// the server build (per minute): an agent's socket handshakes and
	// syncs cost 1 + the agent's open chats (a page each), an entry
	// token's customer socket handshakes 1.
	Hellos     float64
	HelloBurst int

	// ChatsPerToken bounds the chats one entry token opens in its life.
	ChatsPerToken int
	// SocketsPerAgent and SocketsPerChat bound open sockets per agent
	// account and per customer chat.
	SocketsPerAgent int
	SocketsPerChat  int
	// LoginFailures wrong passwords per login within LoginWindow lock that
	// login until the window ends; LoginsPerAddress failed attempts per
	// client address (an IPv6 /64) within LoginWindow lock the address,
	// except for logins that succeeded from it in the last 24 h (D-LOGIN-1).
	// Both are counted before the password is hashed, so parallel guesses
	// cannot pass them.
	LoginFailures    int
	LoginsPerAddress int
	LoginWindow      time.Duration
	// HashQueue bounds logins waiting for a bcrypt check.
	HashQueue int
	// Sessions bounds signed-in sessions, SessionsPerAccount those of one
	// account: a new one ends the account's oldest; when all Sessions are
	// taken, the oldest of the account holding the most ends (D-SES-1).
	Sessions           int
	SessionsPerAccount int
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
func DefaultLimits() Limits { return defaultLimits }

var defaultLimits = Limits{
	SendQueue:       1024,
	SendQueueBytes:  4 << 20,
	FramesPerSecond: 20,
	FrameBurst:      40,
	RefusedFrames:   40,
	ChatMessages:    1000,
	ChatText:        200_000,
	ChatFrames:      4096,
	ChatLogBytes:    1 << 20,
	HistoryBytes:    64 << 10,
	StatusChanges:   30,
	StatusBurst:     20,
	Hellos:          120,
	HelloBurst:      120,

	ChatsPerToken:      20,
	SocketsPerAgent:    8,
	SocketsPerChat:     4,
	LoginFailures:      5,
	LoginsPerAddress:   30,
	LoginWindow:        time.Minute,
	HashQueue:          64,
	Sessions:           10_000,
	SessionsPerAccount: 16,
	ClientIDs:          256,
	EndedChats:         1000,
	EndedFor:           10 * time.Minute,
	Events:             16_384,
	EventsPage:         10_000,
}

func (l Limits) withDefaults() Limits {
	d := defaultLimits
	pick := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&l.SendQueue, d.SendQueue)
	pick(&l.SendQueueBytes, d.SendQueueBytes)
	pick(&l.FrameBurst, d.FrameBurst)
	pick(&l.RefusedFrames, d.RefusedFrames)
	pick(&l.ChatMessages, d.ChatMessages)
	pick(&l.ChatText, d.ChatText)
	pick(&l.ChatFrames, d.ChatFrames)
	pick(&l.ChatLogBytes, d.ChatLogBytes)
	pick(&l.HistoryBytes, d.HistoryBytes)
	pick(&l.StatusBurst, d.StatusBurst)
	pick(&l.HelloBurst, d.HelloBurst)

	pick(&l.SessionsPerAccount, d.SessionsPerAccount)
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
	if l.StatusChanges <= 0 {
		l.StatusChanges = d.StatusChanges
	}
	if l.Hellos <= 0 {
		l.Hellos = d.Hellos
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

// level is the tokens the bucket holds at now.
func (b *bucket) level(now time.Time) float64 {
	if b.last.IsZero() {
		return b.tokens
	}
	return min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
}

// due is how long until the bucket holds a token.
func (b *bucket) due(now time.Time) time.Duration {
	if l := b.level(now); l < 1 {
		return time.Duration((1 - l) / b.rate * float64(time.Second))
	}
	return 0
}

func (b *bucket) take(now time.Time) bool { return b.takeN(now, 1) }

// takeN takes n tokens at once, or none.
func (b *bucket) takeN(now time.Time, n float64) bool {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}
