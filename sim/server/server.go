package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	"routecheck/sim/server/web"
	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
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
	ids        map[string]*idCache
	tokenChats map[string]*tokenUse
	preflight  map[string]*preflightResult // each agent's latest preflight (preflight.go)
	sessions   map[string]*session
	byAccount  map[string][]*session // each account's sessions, oldest first
	sessionN   int64
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

// New returns a server with no vendors.
func New(opts Options) *Server {
	if cc := opts.ClockControl; cc != nil {
		if opts.Clock == nil {
			opts.Clock = cc.Clock
		}
		if opts.Clock != clock.Clock(cc.Clock) || len(cc.Secret) < 16 {
			panic("server: ClockControl needs Options.Clock to be its clock and a secret of at least 16 bytes")
		}
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.Grace, 30*time.Second)
	def(&opts.CustomerGrace, 30*time.Second)
	def(&opts.PingPeriod, defaultPingPeriod)
	def(&opts.PongWait, defaultPongWait)
	def(&opts.SessionIdle, 30*time.Minute)
	def(&opts.SessionMax, 12*time.Hour)
	if len(opts.Secret) == 0 {
		opts.Secret = make([]byte, 32)
		_, _ = rand.Read(opts.Secret)
	}
	cost := opts.HashCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	// The dummy has the accounts' cost, so an unknown login takes as long
	// as a wrong password.
	dummy, _ := bcrypt.GenerateFromPassword([]byte("no such login"), cost)
	s := &Server{opts: opts, limits: opts.Limits.withDefaults(), clock: opts.Clock,
		convAgent: map[string]string{}, agentSocks: map[string]int{}, chatSocks: map[string]int{},
		grace: map[string]clock.Timer{}, custGrace: map[string]clock.Timer{}, chats: map[string]*chatState{},
		ids: map[string]*idCache{}, tokenChats: map[string]*tokenUse{}, sessions: map[string]*session{},
		byAccount: map[string][]*session{}, statusRate: map[string]*bucket{},
		helloRate: map[string]*bucket{},
		logins:    newLoginGuard(),
		dummyHash: dummy,
		// Half the cores at most hash passwords, so a login flood leaves
		// the rest to everyone else.
		hashSlots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))}
	s.dl = newDelivery(s.limits)
	s.writePool = &sync.Pool{}
	s.refused = refusals{every: cmp.Or(opts.RefusalLogEvery, defaultRefusalLogEvery), logf: opts.Logf}
	s.rateFrame = encode(wire.Error(wire.CodeLimit, fmt.Sprintf("limit: frames per second per socket (%g/s, bursts of %d); frames above it are dropped unread: send them again later", s.limits.FramesPerSecond, s.limits.FrameBurst), "", 0, ""))
	s.core = wb.New(opts.Clock, wb.Options{
		HashCost: opts.HashCost,
		Guard:    s.guard,
		OnEvent:  func(e wb.Event) { s.pending = append(s.pending, e) },
		LogLimit: s.limits.Events,
	})
	if opts.PublicURL != "" {
		s.setPublicURL(opts.PublicURL)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	if opts.ClockControl != nil {
		s.clockRoutes(mux)
	}
	web.Register(mux)
	s.handler = nosniff(mux)
	return s
}

func (s *Server) setPublicURL(u string) {
	s.publicURL = strings.TrimRight(u, "/")
	if p, err := url.Parse(s.publicURL); err == nil {
		s.origin = normOrigin(p.Scheme + "://" + p.Host)
		s.secure = strings.EqualFold(p.Scheme, "https")
		p.Scheme, p.Host = "", ""
		s.publicURL = s.origin + strings.TrimRight(p.String(), "/")
	}
}

// guard runs a core timer callback under the lock (R-IDLE-1 timers fire on
// their own goroutine on the real clock).
func (s *Server) guard(f func()) {
	s.mu.Lock()
	defer s.unlock()
	if s.closed {
		return
	}
	f()
}

// unlock ends a section of mu: it turns the section's events into frames
// and hands them over to delivery, which sends them with mu already free.
func (s *Server) unlock() {
	s.collect()
	s.releaseEnded()
	out := s.out
	s.out = nil
	s.dl.handOver(&s.mu, out)
}

// AddVendor registers a vendor with its accounts (configuration, before
// anyone connects). It returns the core's warnings.
func (s *Server) AddVendor(cfg wb.VendorConfig) ([]string, error) {
	s.mu.Lock()
	defer s.unlock()
	return s.core.AddVendor(cfg)
}

// Handler serves the whole workbench: API, sockets and web UI.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
// It returns the base URL, e.g. http://127.0.0.1:41234 (PublicURL if set).
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	s.ln = ln
	if s.publicURL == "" {
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		if s.opts.PublicHost != "" {
			host = s.opts.PublicHost
		}
		s.setPublicURL("http://" + net.JoinHostPort(host, port))
	}
	s.http = &http.Server{
		Handler: s.handler,
		// A client must send its headers within 5 s and its body within
		// 15 s; a half-sent request then ends instead of holding a goroutine.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second, // QR PNGs and event pages are the biggest answers
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(corkListener{ln}) }()
	return s.publicURL, nil
}

// ListenAddr is the address the server listens on, once started.
func (s *Server) ListenAddr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL is the base URL once started (PublicURL if set).
func (s *Server) URL() string { return s.publicURL }

// Close tells every socket (1001), stops listening, waits for the socket
// goroutines and stops the hash workers. Pending timers do nothing
// afterwards. A second Close does nothing.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, t := range s.grace {
		t.Stop()
	}
	for _, t := range s.custGrace {
		t.Stop()
	}
	s.dl.handOver(&s.mu, []intent{{do: func(d *delivery) { d.closeAll(websocket.CloseGoingAway, "server shutting down") }}})
	var err error
	if s.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.http.Shutdown(ctx)
		cancel()
		if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	s.wg.Wait()
	s.hashers.close()
	s.refused.close()
	return err
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
