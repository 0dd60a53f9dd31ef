package server

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"routecheck/sim/clock"
	"routecheck/sim/server/web"
	wb "routecheck/sim/workbench"
)

// Options configure a Server. Zero values are the defaults.
type Options struct {
	Clock    clock.Clock   // nil: the real clock
	Secret   []byte        // signs entry tokens; nil: random per start
	TokenTTL time.Duration // entry tokens live this long; 0: 24h
	HashCost int           // bcrypt cost; 0: bcrypt.DefaultCost
	// Grace is how long an agent whose last workbench socket closed stays
	// in their status before going 离线 (a reload must not re-queue chats); 0: 30 s.
	Grace time.Duration
	// Logf, if set, gets one line per refused request or frame.
	Logf func(format string, args ...any)
}

// Server is the bundled workbench.
type Server struct {
	opts  Options
	clock clock.Clock

	mu         sync.Mutex // owns everything below and the core
	core       *wb.Workbench
	pending    []wb.Event
	convAgent  map[string]string // who holds each assigned chat, as the frames have told it
	agentConns map[string]map[*conn]bool
	custConns  map[string]map[*conn]bool
	grace      map[string]clock.Timer
	sessions   map[string]string // session id -> login
	conns      map[*conn]bool
	closed     bool

	mux    *http.ServeMux
	http   *http.Server
	ln     net.Listener
	wg     sync.WaitGroup
	served chan error
}

// New returns a server with no vendors.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	if opts.Grace <= 0 {
		opts.Grace = 30 * time.Second
	}
	if len(opts.Secret) == 0 {
		opts.Secret = make([]byte, 32)
		_, _ = rand.Read(opts.Secret)
	}
	s := &Server{opts: opts, clock: opts.Clock,
		convAgent: map[string]string{}, agentConns: map[string]map[*conn]bool{},
		custConns: map[string]map[*conn]bool{}, grace: map[string]clock.Timer{},
		sessions: map[string]string{}, conns: map[*conn]bool{}}
	s.core = wb.New(opts.Clock, wb.Options{
		HashCost: opts.HashCost,
		Guard:    s.guard,
		OnEvent:  func(e wb.Event) { s.pending = append(s.pending, e) },
	})
	s.mux = http.NewServeMux()
	s.routes()
	web.Register(s.mux)
	return s
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

// unlock sends the frames for the events the locked section produced, then
// releases the lock, so frames go out in event order.
func (s *Server) unlock() {
	s.flush()
	s.mu.Unlock()
}

// AddVendor registers a vendor with its accounts (configuration, before
// anyone connects). It returns the core's warnings.
func (s *Server) AddVendor(cfg wb.VendorConfig) ([]string, error) {
	s.mu.Lock()
	defer s.unlock()
	return s.core.AddVendor(cfg)
}

// Handler serves the whole workbench: API, sockets and web UI.
func (s *Server) Handler() http.Handler { return s.mux }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
// It returns the base URL, e.g. http://127.0.0.1:41234.
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	s.ln = ln
	s.http = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// URL is the base URL once started.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops listening, closes every socket and waits for their
// goroutines. Pending timers do nothing afterwards. A second Close does
// nothing.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for c := range s.conns {
		c.shut(1001, "server shutting down")
	}
	for _, t := range s.grace {
		t.Stop()
	}
	s.mu.Unlock()
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
	return err
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
