package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	wb "routecheck/sim/workbench"
)

const sessionCookie = "rc_session"

// maxBody bounds request bodies; the largest legitimate one is a quick-reply
// import (200 × 500 characters).
const maxBody = 1 << 20

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	m.HandleFunc("POST /api/login", s.handleLogin)
	m.HandleFunc("POST /api/logout", s.handleLogout)
	m.HandleFunc("GET /api/me", s.authed(func(r *http.Request, me string) (any, error) { return s.core.Account(me) }))
	m.HandleFunc("POST /api/status", s.authed(s.apiStatus))
	m.HandleFunc("POST /api/tenant", s.authed(s.apiTenant))
	m.HandleFunc("PUT /api/notify", s.authed(s.apiNotify))
	m.HandleFunc("PUT /api/welcome", s.authed(s.apiWelcome))
	m.HandleFunc("PUT /api/departments/{dept}/welcome", s.authed(s.apiGroupWelcome))
	m.HandleFunc("GET /api/departments/{dept}/agents", s.authed(s.apiAgents))
	m.HandleFunc("PUT /api/agents/{login}/capacity", s.authed(s.apiCapacity))
	m.HandleFunc("GET /api/quick-replies", s.authed(func(r *http.Request, me string) (any, error) {
		qs, err := s.core.QuickReplies(me)
		if qs == nil && err == nil {
			qs = []wb.QuickReply{}
		}
		return qs, err
	}))
	m.HandleFunc("POST /api/quick-replies", s.authed(s.apiAddReply))
	m.HandleFunc("POST /api/quick-replies/import", s.authed(s.apiImportReplies))
	m.HandleFunc("DELETE /api/quick-replies/{id}", s.authed(func(r *http.Request, me string) (any, error) {
		return nil, s.core.DeleteQuickReply(me, r.PathValue("id"))
	}))
	m.HandleFunc("GET /api/conversations", s.authed(func(r *http.Request, me string) (any, error) { return s.core.AgentConversations(me) }))
	m.HandleFunc("GET /api/conversations/{id}", s.authed(func(r *http.Request, me string) (any, error) {
		return s.core.ConversationFor(me, r.PathValue("id"))
	}))
	m.HandleFunc("POST /api/test-customers", s.authed(s.apiTestCustomer))
	m.HandleFunc("POST /api/test-orders", s.authed(s.apiTestOrder))
	m.HandleFunc("POST /api/entry", s.authed(s.apiEntry))
	m.HandleFunc("GET /api/qr.png", s.handleQR)
	m.HandleFunc("GET /api/bot", s.handleBot)
	m.HandleFunc("GET /api/insight", s.authed(s.apiInsight))
	m.HandleFunc("GET /api/events", s.authed(s.apiEvents))
	m.HandleFunc("GET /api/vendors", s.authed(s.apiVendors))
	m.HandleFunc("GET /ws/agent", s.handleAgentSocket)
	m.HandleFunc("GET /ws/customer", s.handleCustomerSocket)
}

// created marks an answer that is 201.
type created struct{ v any }

// authed wraps an API call that needs a session: it runs under the lock and
// answers JSON, or the error mapped to its HTTP status.
func (s *Server) authed(call func(r *http.Request, me string) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		me, ok := s.session(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "no session", "", "log in first (POST /api/login)")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		s.mu.Lock()
		out, err := call(r, me)
		s.unlock()
		if err != nil {
			s.logf("%s %s by %s: %v", r.Method, r.URL.Path, me, err)
			writeCoreError(w, err)
			return
		}
		status := http.StatusOK
		if c, ok := out.(created); ok {
			status, out = http.StatusCreated, c.v
		}
		if out == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, status, out)
	}
}

func (s *Server) session(r *http.Request) (string, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	login, ok := s.sessions[ck.Value]
	return login, ok
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in struct{ Login, Password string }
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	acc, err := s.core.Login(in.Login, in.Password)
	var id string
	if err == nil {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
		s.sessions[id] = acc.Login
	}
	s.unlock()
	if err != nil {
		writeCoreError(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, acc)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		delete(s.sessions, ck.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiStatus(r *http.Request, me string) (any, error) {
	var in struct{ Status string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	st, ok := wb.ParseStatus(in.Status)
	if !ok {
		return nil, &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-WB-2", Reason: fmt.Sprintf("status must be 在线, 小休 or 离线, got %q", in.Status)}
	}
	if err := s.core.SetStatus(me, st); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

func (s *Server) apiTenant(r *http.Request, me string) (any, error) {
	var in struct{ Tenant string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.core.SwitchTenant(me, in.Tenant); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

func (s *Server) apiNotify(r *http.Request, me string) (any, error) {
	var in struct{ Desktop, Sound bool }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.core.SetNotify(me, in.Desktop, in.Sound); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

func (s *Server) apiWelcome(r *http.Request, me string) (any, error) {
	var in struct{ Welcome, Closing string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.core.SetPersonalWelcome(me, in.Welcome, in.Closing); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

func (s *Server) apiGroupWelcome(r *http.Request, me string) (any, error) {
	var in struct{ Welcome, Closing string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	return nil, s.core.SetGroupWelcome(me, r.PathValue("dept"), in.Welcome, in.Closing)
}

// apiAgents is the router's view of a department (R-RT-2): for operations
// and that department's own accounts (D-ACL-1).
func (s *Server) apiAgents(r *http.Request, me string) (any, error) {
	dept := r.PathValue("dept")
	acc, err := s.core.Account(me)
	if err != nil {
		return nil, err
	}
	if acc.Role != wb.RoleOperations && acc.Department != dept {
		return nil, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-KPI-2", Reason: "department " + dept + " is not yours"}
	}
	agents := s.core.Agents(dept)
	if agents == nil {
		return nil, &wb.RuleError{Err: wb.ErrNotFound, Rule: "R-VEN-3", Reason: "no department " + strconv.Quote(dept)}
	}
	return agents, nil
}

func (s *Server) apiCapacity(r *http.Request, me string) (any, error) {
	var in struct{ Capacity int }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	warning, err := s.core.SetCapacity(me, r.PathValue("login"), in.Capacity)
	if err != nil {
		return nil, err
	}
	return map[string]any{"capacity": in.Capacity, "warning": warning}, nil
}

func (s *Server) apiAddReply(r *http.Request, me string) (any, error) {
	var in struct{ Text string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	q, err := s.core.AddQuickReply(me, in.Text)
	if err != nil {
		return nil, err
	}
	return created{q}, nil
}

// apiImportReplies takes {"texts": [...]} or text/plain, one per line (R-QR-1).
func (s *Server) apiImportReplies(r *http.Request, me string) (any, error) {
	var texts []string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-QR-1", Reason: err.Error()}
		}
		texts = strings.Split(string(b), "\n")
	} else {
		var in struct{ Texts []string }
		if err := readJSON(r, &in); err != nil {
			return nil, err
		}
		texts = in.Texts
	}
	n, err := s.core.ImportQuickReplies(me, texts)
	if err != nil {
		return nil, err
	}
	return map[string]int{"added": n}, nil
}

func (s *Server) apiTestCustomer(r *http.Request, me string) (any, error) {
	var in struct{ Name string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	c, err := s.core.CreateTestCustomer(me, in.Name)
	if err != nil {
		return nil, err
	}
	return created{c}, nil
}

func (s *Server) apiTestOrder(r *http.Request, me string) (any, error) {
	var in struct{ Customer, Item string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	o, err := s.core.CreateTestOrder(me, in.Customer, in.Item)
	if err != nil {
		return nil, err
	}
	return created{o}, nil
}

// entryAnswer is a fresh entry URL (R-RT-3).
type entryAnswer struct {
	URL     string    `json:"url"`
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

// newEntry signs an entry for operations. The URL's host is the one the
// caller reached us by, so the QR code works from where it was fetched.
func (s *Server) newEntry(r *http.Request, me, vendor, customer, order string) (entryAnswer, error) {
	acc, err := s.core.Account(me)
	if err != nil || acc.Role != wb.RoleOperations {
		return entryAnswer{}, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-RT-3", Reason: "entry QR codes come from CCO operations"}
	}
	if _, err := s.core.Vendor(vendor); err != nil {
		return entryAnswer{}, &wb.RuleError{Err: wb.ErrNotFound, Rule: "R-VEN-1", Reason: "no vendor " + strconv.Quote(vendor)}
	}
	if customer != "" {
		if _, err := s.core.Customer(customer); err != nil {
			return entryAnswer{}, err
		}
	}
	if order != "" {
		if o, err := s.core.Order(order); err != nil || o.Customer != customer {
			return entryAnswer{}, &wb.RuleError{Err: wb.ErrNotFound, Rule: "R-RT-1", Reason: "order " + order + " is not the customer's"}
		}
	}
	exp := s.clock.Now().Add(s.opts.TokenTTL)
	tok := signToken(s.opts.Secret, entry{Vendor: vendor, Customer: customer, Order: order, Exp: exp.Unix()})
	u := "http://" + r.Host + "/bot?" + url.Values{"v": {vendor}, "t": {tok}}.Encode()
	return entryAnswer{URL: u, Token: tok, Expires: time.Unix(exp.Unix(), 0).UTC()}, nil
}

func (s *Server) apiEntry(r *http.Request, me string) (any, error) {
	var in struct{ Vendor, Customer, Order string }
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	e, err := s.newEntry(r, me, in.Vendor, in.Customer, in.Order)
	if err != nil {
		return nil, err
	}
	return created{e}, nil
}

// handleQR answers the entry URL as a QR code PNG, as the CCO channel team
// hands it to testers (R-RT-3).
func (s *Server) handleQR(w http.ResponseWriter, r *http.Request) {
	me, ok := s.session(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "no session", "", "log in first (POST /api/login)")
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	e, err := s.newEntry(r, me, q.Get("vendor"), q.Get("customer"), q.Get("order"))
	s.unlock()
	if err != nil {
		writeCoreError(w, err)
		return
	}
	// Whole pixels per module: scaled codes defeat some readers.
	png, err := qrcode.Encode(e.URL, qrcode.Medium, -6)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "qr", "", err.Error())
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}

// BotView is the bot page (小蜜) as GET /api/bot answers it (R-VEN-2).
type BotView struct {
	Vendor       string      `json:"vendor"`
	Name         string      `json:"name"`
	RobotName    string      `json:"robot_name"`
	Greeting     string      `json:"greeting"`
	CardButtons  []botButton `json:"card_buttons"`
	FAQ          []botTopic  `json:"faq"`
	QuickPhrases []botPhrase `json:"quick_phrases"`
}

type botButton struct {
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

type botTopic struct {
	Title     string        `json:"title"`
	Questions []botQuestion `json:"questions"`
}

type botQuestion struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

type botPhrase struct {
	Text     string `json:"text"`
	Transfer bool   `json:"transfer"`
}

func (s *Server) botView(vendor string) (BotView, error) {
	v, err := s.core.Vendor(vendor)
	if err != nil {
		return BotView{}, err
	}
	p := v.BotPage
	out := BotView{Vendor: v.ID, Name: v.Name, RobotName: p.RobotName, Greeting: p.Greeting,
		CardButtons: []botButton{}, FAQ: []botTopic{}, QuickPhrases: []botPhrase{}}
	for _, b := range p.CardButtons {
		out.CardButtons = append(out.CardButtons, botButton{b.Label, string(b.Kind), b.Value})
	}
	for _, t := range p.FAQ {
		bt := botTopic{Title: t.Title, Questions: []botQuestion{}}
		for _, q := range t.Questions {
			bt.Questions = append(bt.Questions, botQuestion{q.Question, q.Answer})
		}
		out.FAQ = append(out.FAQ, bt)
	}
	for _, q := range p.QuickPhrases {
		out.QuickPhrases = append(out.QuickPhrases, botPhrase{q.Text, q.Transfer})
	}
	return out, nil
}

// handleBot is GET /api/bot?t=TOKEN: the token is the only credential.
func (s *Server) handleBot(w http.ResponseWriter, r *http.Request) {
	e, err := verifyToken(s.opts.Secret, r.URL.Query().Get("t"), r.URL.Query().Get("v"), s.clock.Now())
	if err != nil {
		refuseToken(w, err)
		return
	}
	s.mu.Lock()
	v, err := s.botView(e.Vendor)
	s.unlock()
	if err != nil {
		writeCoreError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiInsight(r *http.Request, me string) (any, error) {
	q := r.URL.Query()
	from, err1 := parseTime(q.Get("from"), time.Time{})
	to, err2 := parseTime(q.Get("to"), s.clock.Now().Add(time.Second))
	if err := errors.Join(err1, err2); err != nil {
		return nil, &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-KPI-2", Reason: err.Error()}
	}
	return s.core.ServiceInsight(me, q.Get("department"), from, to)
}

func parseTime(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want RFC 3339, e.g. 2026-11-27T00:00:00+08:00", s)
	}
	return t, nil
}

func (s *Server) operations(me string) error {
	if acc, err := s.core.Account(me); err != nil || acc.Role != wb.RoleOperations {
		return &wb.RuleError{Err: wb.ErrForbidden, Reason: "for CCO operations only"}
	}
	return nil
}

func (s *Server) apiEvents(r *http.Request, me string) (any, error) {
	if err := s.operations(me); err != nil {
		return nil, err
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	evs := s.core.Events(after)
	if evs == nil {
		evs = []wb.Event{}
	}
	return evs, nil
}

func (s *Server) apiVendors(r *http.Request, me string) (any, error) {
	if err := s.operations(me); err != nil {
		return nil, err
	}
	type vendorRow struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Department string `json:"department"`
	}
	out := []vendorRow{}
	for _, id := range s.core.VendorIDs() {
		v, _ := s.core.Vendor(id)
		out = append(out, vendorRow{v.ID, v.Name, v.Department})
	}
	return out, nil
}

// ---- answers ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // URLs and "≥" stay readable; answers are JSON, never HTML
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, rule, message string) {
	body := map[string]string{"error": code, "message": message}
	if rule != "" {
		body["rule"] = rule
	}
	writeJSON(w, status, body)
}

// statusOf maps the core's sentinel errors to HTTP statuses, in one place.
func statusOf(err error) int {
	switch {
	case errors.Is(err, wb.ErrWrongTenant), errors.Is(err, wb.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, wb.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, wb.ErrBadCredentials):
		return http.StatusUnauthorized
	case errors.Is(err, wb.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, wb.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func errCode(err error) string {
	var re *wb.RuleError
	if errors.As(err, &re) {
		return string(re.Err)
	}
	var se wb.Error
	if errors.As(err, &se) {
		return string(se)
	}
	return "internal"
}

func ruleOf(err error) string {
	var re *wb.RuleError
	if errors.As(err, &re) {
		return re.Rule
	}
	return ""
}

// reasonOf is an error's text for people: the reason alone, since the code
// and the rule travel in their own fields.
func reasonOf(err error) string {
	var re *wb.RuleError
	if errors.As(err, &re) {
		return re.Reason
	}
	return err.Error()
}

func writeCoreError(w http.ResponseWriter, err error) {
	writeError(w, statusOf(err), errCode(err), ruleOf(err), reasonOf(err))
}

// refuseToken answers a bad entry token with its reason (R-RT-3).
func refuseToken(w http.ResponseWriter, err error) {
	msg := map[error]string{
		ErrTokenTampered:    "the entry link is not one the workbench signed: use the QR code from the CCO channel team as it is",
		ErrTokenExpired:     "the entry link has expired: ask the CCO channel team for a fresh QR code",
		ErrTokenWrongVendor: "the entry link is for another vendor's bot page",
	}[err]
	writeError(w, http.StatusForbidden, err.Error(), "R-RT-3", msg)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := readJSON(r, v); err != nil {
		writeCoreError(w, err)
		return false
	}
	return true
}

func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body must be a JSON object: " + err.Error()}
	}
	return nil
}

// EntryURL signs an entry to a vendor's bot page for an anonymous live
// customer, as `routecheck serve` prints it for people to open.
func (s *Server) EntryURL(vendor string) (string, error) {
	s.mu.Lock()
	defer s.unlock()
	if _, err := s.core.Vendor(vendor); err != nil {
		return "", err
	}
	exp := s.clock.Now().Add(s.opts.TokenTTL)
	tok := signToken(s.opts.Secret, entry{Vendor: vendor, Exp: exp.Unix()})
	return s.URL() + "/bot?" + url.Values{"v": {vendor}, "t": {tok}}.Encode(), nil
}
