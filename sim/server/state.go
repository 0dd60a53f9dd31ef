package server

import (
	"net"
	"net/http"
	"sync"
	"time"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// The server's state, as each lock guards it (doc.go). The files above
// this one are what the server does with it; server.go makes it.

// Server is the bundled workbench. See the package doc for its locks.
type Server struct {
	opts   Options
	limits Limits
	clock  clock.Clock

	mu         sync.Mutex // first lock: the core and the state below
	core       *wb.Workbench
	pending    []wb.Event
	out        []intent
	convAgent  map[string]string // who holds each assigned chat
	agentSocks map[string]int    // open sockets per agent
	chatSocks  map[string]int    // open customer sockets per chat
	grace      map[string]clock.Timer
	custGrace  map[string]clock.Timer
	chats      map[string]*chatState
	ended      []endedChat
	ids        clientIDs                   // answers to client ids, per party
	tokens     tokenUses                   // what each entry token opened
	preflight  map[string]*preflightResult // each agent's latest preflight
	sessions   sessionTable
	logins     loginGuard
	statusRate map[string]*bucket // per agent (Limits.StatusChanges)
	helloRate  map[string]*bucket // per agent (Limits.Hellos)

	closed      bool
	dummyHash   []byte
	hashSlots   chan struct{}
	hashWaiting int

	// The hash workers have a lock of their own, never held with mu.
	hashers      hashPool
	hashFallback sync.Once // says once that no worker could start

	dl *delivery // the second lock and what it guards (delivery.go)

	refused   refusals // the aggregated refusal log
	rateFrame []byte   // the answer to a frame above the rate

	publicURL string
	origin    string // normalised (origin.go)
	secure    bool   // the public URL is https: the cookie is Secure
	writePool *sync.Pool
	handler   http.Handler
	http      *http.Server
	ln        net.Listener
	wg        sync.WaitGroup
	served    chan error
}

// chatState is the server's per-chat bookkeeping under mu.
type chatState struct {
	messages, text int    // stored in the chat, every sender (Limits)
	lastCustomer   string // newest customer message, for notifications
	customerName   string
	key            string // proves an anonymous customer's resume
}

// endedChat is a chat that ended, kept until Limits.EndedChats or
// Limits.EndedFor release it (collect.go).
type endedChat struct {
	conv string
	at   time.Time
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
