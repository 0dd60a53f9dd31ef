package server

import (
	"bytes"
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

// created marks an answer that is 201.
type created struct{ v any }

// apiCall is the part of a request that runs under mu.
type apiCall func(r *http.Request, me string) (any, error)

// authed serves a call without a body (GET, DELETE).
func (s *Server) authed(call apiCall) http.HandlerFunc {
	return s.handle(func(*http.Request) (apiCall, error) { return call, nil }, jsonOnly)
}

// withJSON serves a call whose body is a JSON object In: the body is read
// and decoded before the lock is taken.
func withJSON[In any](s *Server, call func(r *http.Request, me string, in In) (any, error)) http.HandlerFunc {
	return s.handle(func(r *http.Request) (apiCall, error) {
		var in In
		if err := readJSON(r, &in); err != nil {
			return nil, err
		}
		return func(r *http.Request, me string) (any, error) { return call(r, me, in) }, nil
	}, jsonOnly)
}

// bodyKinds is what Content-Type a route takes, set where the route is
// registered: JSON, the only body a cross-site form cannot post without
// a preflight, or also text/plain (the quick-reply import, one per line).
type bodyKinds bool

const (
	jsonOnly     bodyKinds = false
	plainTextToo bodyKinds = true
)

// handle checks the session and the origin, lets prep read the body
// outside the lock, runs the call under it, and encodes the answer after.
func (s *Server) handle(prep func(r *http.Request) (apiCall, error), kinds bodyKinds) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := crossSite(r, s.origin); err != nil {
			writeError(w, http.StatusForbidden, "cross-site", "", err.Error())
			return
		}
		me, ok := s.session(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "no session", "", "log in first (POST /api/login)")
			return
		}
		if err := jsonBody(r, bool(kinds)); err != nil {
			writeCoreError(w, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		call, err := prep(r)
		if err != nil {
			writeCoreError(w, err)
			return
		}
		s.mu.Lock()
		out, err := call(r, me)
		s.unlock()
		if err != nil {
			s.refused.request(r, err)
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

type statusBody struct{ Status string }

func (s *Server) apiStatus(r *http.Request, me string, in statusBody) (any, error) {
	st, ok := wb.ParseStatus(in.Status)
	if !ok {
		return nil, &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-WB-2", Reason: fmt.Sprintf("status must be 在线, 小休 or 离线, got %q", in.Status)}
	}
	if err := s.statusLimit(me); err != nil {
		return nil, err
	}
	if err := s.core.SetStatus(me, st); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

type tenantBody struct{ Tenant string }

func (s *Server) apiTenant(r *http.Request, me string, in tenantBody) (any, error) {
	if err := s.statusLimit(me); err != nil {
		return nil, err
	}
	if err := s.core.SwitchTenant(me, in.Tenant); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

// apiAgents is the router's view of a department (R-RT-2): for operations
// and that department's own accounts (D-ACL-1).
func (s *Server) apiAgents(r *http.Request, me string) (any, error) {
	dept := r.PathValue("dept")
	acc, err := s.core.Account(me)
	if err != nil {
		return nil, err
	}
	// Operations too see only their own vendor's department (D-ACL-2).
	if acc.Department != dept && (acc.Role != wb.RoleOperations || s.core.Agents(dept) != nil) {
		return nil, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-KPI-2", Reason: "department " + dept + " is not yours"}
	}
	agents := s.core.Agents(dept)
	if agents == nil {
		return nil, &wb.RuleError{Err: wb.ErrNotFound, Rule: "R-VEN-3", Reason: "no department " + strconv.Quote(dept)}
	}
	return agents, nil
}

type capacityBody struct{ Capacity int }

func (s *Server) apiCapacity(r *http.Request, me string, in capacityBody) (any, error) {
	warning, err := s.core.SetCapacity(me, r.PathValue("login"), in.Capacity)
	if err != nil {
		return nil, err
	}
	return map[string]any{"capacity": in.Capacity, "warning": warning}, nil
}

type replyBody struct{ Text string }

func (s *Server) apiAddReply(r *http.Request, me string, in replyBody) (any, error) {
	q, err := s.core.AddQuickReply(me, in.Text)
	if err != nil {
		return nil, err
	}
	return created{q}, nil
}

type importBody struct{ Texts []string }

// prepImport reads {"texts": [...]} or text/plain, one per line (R-QR-1).
func (s *Server) prepImport(r *http.Request) (apiCall, error) {
	texts, err := decodeImport(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		return nil, err
	}
	return func(r *http.Request, me string) (any, error) {
		n, err := s.core.ImportQuickReplies(me, texts)
		if err != nil {
			return nil, err
		}
		return map[string]int{"added": n}, nil
	}, nil
}

// decodeImport is the import route's decoder (fuzzed).
func decodeImport(contentType string, body io.Reader) ([]string, error) {
	if strings.HasPrefix(contentType, "text/plain") {
		b, err := io.ReadAll(body)
		if err != nil {
			return nil, &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-QR-1", Reason: err.Error()}
		}
		if err := strictText(b, false); err != nil {
			return nil, err
		}
		return strings.Split(string(b), "\n"), nil
	}
	var in importBody
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	return in.Texts, nil
}

type customerBody struct{ Name string }

func (s *Server) apiTestCustomer(r *http.Request, me string, in customerBody) (any, error) {
	c, err := s.core.CreateTestCustomer(me, in.Name)
	if err != nil {
		return nil, err
	}
	return created{c}, nil
}

type orderBody struct{ Customer, Item string }

func (s *Server) apiTestOrder(r *http.Request, me string, in orderBody) (any, error) {
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

// newEntry signs an entry for operations. The URL is the configured public
// URL's, never the request's Host (which the client chooses).
func (s *Server) newEntry(r *http.Request, me, vendor, customer, order string) (entryAnswer, error) {
	if err := s.core.CheckEntry(me, vendor, customer, order); err != nil {
		return entryAnswer{}, err
	}
	exp := s.clock.Now().Add(s.opts.TokenTTL)
	tok := signToken(s.opts.Secret, entry{Vendor: vendor, Customer: customer, Order: order, Exp: exp.Unix(), Nonce: newNonce()})
	u := s.publicURL + "/bot?" + url.Values{"v": {vendor}, "t": {tok}}.Encode()
	return entryAnswer{URL: u, Token: tok, Expires: time.Unix(exp.Unix(), 0).UTC()}, nil
}

type entryBody struct{ Vendor, Customer, Order string }

func (s *Server) apiEntry(r *http.Request, me string, in entryBody) (any, error) {
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
	// Whole pixels per module (D-QR-2): 6 by default; the /qr page asks
	// for more, to be scanned from a laptop screen (D-QR-3).
	scale := qrScale
	if v := q.Get("scale"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > qrMaxScale {
			writeError(w, http.StatusBadRequest, string(wb.ErrInvalid), "", fmt.Sprintf("scale is pixels per module, 1..%d", qrMaxScale))
			return
		}
		scale = n
	}
	s.mu.Lock()
	e, err := s.newEntry(r, me, q.Get("vendor"), q.Get("customer"), q.Get("order"))
	s.unlock()
	if err != nil {
		writeCoreError(w, err)
		return
	}
	png, err := qrcode.Encode(e.URL, qrcode.Medium, -scale)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "qr", "", err.Error())
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	// When the code stops working, so a page showing it can fetch the
	// next one in time (D-QR-3).
	w.Header().Set("X-Entry-Expires", e.Expires.Format(time.RFC3339))
	w.Write(png)
}

// qrScale and qrMaxScale are pixels per QR module: the default of
// /api/qr.png, and the most it draws.
const (
	qrScale    = 6
	qrMaxScale = 16
)

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

// apiEvents pages through the event log: at most Limits.EventsPage events
// after `after`; events released from memory (Limits.Events) are gone.
// Operations read their own vendor's events (D-ACL-2): those of its
// department, and its agents' own (quick replies carry no department).
func (s *Server) apiEvents(r *http.Request, me string) (any, error) {
	if err := s.operations(me); err != nil {
		return nil, err
	}
	acc, _ := s.core.Account(me)
	mine := map[string]bool{}
	for _, a := range s.core.Agents(acc.Department) {
		mine[a.Login] = true
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if first := s.core.FirstSeq(); after+1 < first {
		return nil, &wb.RuleError{Err: errGone, Reason: fmt.Sprintf("events up to seq %d were released from memory (limit: event history, %d events); read from after=%d", first-1, s.limits.Events, first-1)}
	}
	// Shared, not copied: filtered and encoded after the lock is released.
	return vendorEvents{s.core.EventsShared(after, s.limits.EventsPage), acc.Department, mine}, nil
}

// vendorEvents is a page of the log as one vendor's operations read it;
// it is filtered while it is encoded, outside the lock.
type vendorEvents struct {
	evs    []wb.Event
	dept   string
	agents map[string]bool
}

func (v vendorEvents) MarshalJSON() ([]byte, error) {
	out := make([]wb.Event, 0, len(v.evs))
	for _, e := range v.evs {
		if e.Group == v.dept || (e.Group == "" && v.agents[e.Agent]) {
			out = append(out, e)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as writeJSON: texts arrive as they are
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
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
	acc, _ := s.core.Account(me)
	if v, err := s.core.Vendor(acc.Vendor); err == nil { // D-ACL-2: its own
		out = append(out, vendorRow{v.ID, v.Name, v.Department})
	}
	return out, nil
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
	tok := signToken(s.opts.Secret, entry{Vendor: vendor, Exp: exp.Unix(), Nonce: newNonce()})
	return s.publicURL + "/bot?" + url.Values{"v": {vendor}, "t": {tok}}.Encode(), nil
}
