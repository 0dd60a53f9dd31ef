package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
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
		statusRate: map[string]*bucket{}, helloRate: map[string]*bucket{},
		dummyHash: dummy,
		// Half the cores at most hash passwords, so a login flood leaves
		// the rest to everyone else.
		hashSlots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))}
	s.ids = newClientIDs(s.limits.ClientIDs)
	s.tokens = newTokenUses(opts.Clock, s.limits)
	s.sessions = newSessionTable(opts.Clock, opts.SessionIdle, opts.SessionMax, s.limits, s.guard)
	s.logins = newLoginGuard(opts.Clock, s.limits)
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
	if cc := opts.ClockControl; cc != nil {
		cc.routes(mux, func(r *http.Request) error { return crossSite(r, s.origin) }, s.openSockets)
	}
	web.Register(mux)
	s.handler = nosniff(mux)
	return s
}

// routes is the workbench's table of HTTP routes and sockets.
func (s *Server) routes(m *http.ServeMux) {
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	m.HandleFunc("POST /api/login", s.handleLogin)
	m.HandleFunc("POST /api/logout", s.handleLogout)
	m.HandleFunc("GET /api/me", s.authed(func(r *http.Request, me string) (any, error) { return s.core.Account(me) }))
	m.HandleFunc("POST /api/status", withJSON(s, s.apiStatus))
	m.HandleFunc("POST /api/tenant", withJSON(s, s.apiTenant))
	m.HandleFunc("PUT /api/notify", withJSON(s, s.apiNotify))
	m.HandleFunc("PUT /api/welcome", withJSON(s, s.apiWelcome))
	m.HandleFunc("PUT /api/departments/{dept}/welcome", withJSON(s, s.apiGroupWelcome))
	m.HandleFunc("GET /api/departments/{dept}/welcome", s.authed(s.apiGetGroupWelcome))
	m.HandleFunc("GET /api/departments/{dept}/agents", s.authed(s.apiAgents))
	m.HandleFunc("PUT /api/agents/{login}/capacity", withJSON(s, s.apiCapacity))
	m.HandleFunc("GET /api/quick-replies", s.authed(func(r *http.Request, me string) (any, error) {
		qs, err := s.core.QuickReplies(me)
		if qs == nil && err == nil {
			qs = []wb.QuickReply{}
		}
		return qs, err
	}))
	m.HandleFunc("POST /api/quick-replies", withJSON(s, s.apiAddReply))
	m.HandleFunc("POST /api/quick-replies/import", s.handle(s.prepImport, plainTextToo))
	m.HandleFunc("DELETE /api/quick-replies/{id}", s.authed(func(r *http.Request, me string) (any, error) {
		return nil, s.core.DeleteQuickReply(me, r.PathValue("id"))
	}))
	m.HandleFunc("GET /api/conversations", s.authed(s.apiConversations))
	m.HandleFunc("GET /api/conversations/{id}", s.authed(s.apiConversation))
	m.HandleFunc("POST /api/test-customers", withJSON(s, s.apiTestCustomer))
	m.HandleFunc("POST /api/test-orders", withJSON(s, s.apiTestOrder))
	m.HandleFunc("POST /api/entry", withJSON(s, s.apiEntry))
	m.HandleFunc("GET /api/qr.png", s.handleQR)
	m.HandleFunc("GET /qr", s.handleQRPage)
	m.HandleFunc("GET /api/bot", s.handleBot)
	m.HandleFunc("GET /api/insight", s.authed(s.apiInsight))
	m.HandleFunc("GET /api/events", s.authed(s.apiEvents))
	m.HandleFunc("GET /api/vendors", s.authed(s.apiVendors))
	m.HandleFunc("PUT /api/preflight", s.handle(s.prepPreflight, jsonOnly))
	m.HandleFunc("GET /api/preflight/me", s.authed(s.apiPreflightMe))
	m.HandleFunc("GET /api/preflight", s.authed(s.apiPreflightRoster))
	m.HandleFunc("GET /ws/agent", s.handleAgentSocket)
	m.HandleFunc("GET /ws/customer", s.handleCustomerSocket)
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
