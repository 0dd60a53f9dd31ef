package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/actors"
	"routecheck/sim/clock"
	"routecheck/sim/invariant"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// monday10 is inside the test vendors' hours.
var monday10 = time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)

const pw = "secret-pass"

// vendor is a small valid vendor: two agents (the second under another
// tenant), a department admin, and operations when ops is set.
func vendor(id string, ops bool) wb.VendorConfig {
	cfg := wb.VendorConfig{
		ID: id, Name: "服务商 " + id, BusinessLine: "闲鱼小程序", Hotline: "400-000-0000", Department: "部门-" + id,
		WorkHours: wb.WorkHours{Location: shanghai, Days: []time.Weekday{1, 2, 3, 4, 5}, From: 9 * time.Hour, To: 18 * time.Hour},
		BotPage: wb.BotPage{RobotName: "小蜜", Greeting: "您好",
			CardButtons:  []wb.CardButton{{Label: "热线", Kind: wb.ButtonHotline, Value: "400-1"}},
			FAQ:          []wb.FAQTopic{{Title: "回收", Questions: []wb.FAQItem{{Question: "多久到账?", Answer: "24小时内"}}}},
			QuickPhrases: []wb.QuickPhrase{{Text: wb.OnlineAgentLabel, Transfer: true}}},
		Welcome: "欢迎 " + id,
		Accounts: []wb.AccountConfig{
			{Login: id + "-a1", Password: pw, Role: wb.RoleAgent},
			{Login: id + "-a2", Password: pw, Role: wb.RoleAgent},
			{Login: id + "-tb", Password: pw, Role: wb.RoleAgent, Tenant: "淘宝BU", Tenants: []string{"淘宝BU", wb.TenantXianyu}},
			{Login: id + "-admin", Password: pw, Role: wb.RoleDeptAdmin},
		},
	}
	if ops {
		cfg.Accounts = append(cfg.Accounts, wb.AccountConfig{Login: "ops", Password: pw, Role: wb.RoleOperations})
	}
	return cfg
}

type world struct {
	t     *testing.T
	ctx   context.Context
	clock *clock.Virtual
	srv   *server.Server
	base  string
	ops   *actors.Ops
	// closed: the test closed the server itself; the cleanup has no log to read.
	closed bool
}

// newWorld starts a server on a virtual clock with vendors A (with the
// operations account) and B, and signs operations in. On cleanup it checks
// the routing invariants over the whole log.
func newWorld(t *testing.T) *world { return newWorldWith(t, nil) }

// newWorldWith is newWorld with options changed by tune.
func newWorldWith(t *testing.T, tune func(*server.Options)) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	w := &world{t: t, ctx: ctx, clock: clock.NewVirtual(monday10)}
	opts := server.Options{Clock: w.clock, HashCost: bcrypt.MinCost, TokenTTL: time.Hour,
		// Tests move the virtual clock by hours; sessions must outlive them.
		SessionIdle: 48 * time.Hour, SessionMax: 48 * time.Hour}
	if tune != nil {
		tune(&opts)
	}
	w.srv = server.New(opts)
	for _, cfg := range []wb.VendorConfig{vendor("A", true), vendor("B", false)} {
		if _, err := w.srv.AddVendor(cfg); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	w.base = "http://" + w.srv.ListenAddr() // the public URL may name another host
	w.ops = actors.NewOps(w.base, "ops")
	w.must(w.ops.SignIn(ctx, pw))
	t.Cleanup(func() {
		if w.closed {
			return
		}
		evs, err := w.ops.Events(context.Background(), 0)
		if err != nil {
			t.Errorf("event log: %v", err)
		}
		for _, v := range invariant.Check(evs) {
			t.Errorf("invariant: %v", v)
		}
		if err := w.srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return w
}

func (w *world) must(_ any, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// agent signs in, opens the workbench and goes 在线.
func (w *world) agent(login string) *actors.Agent {
	w.t.Helper()
	a := actors.NewAgent(w.base, login)
	w.must(a.SignIn(w.ctx, pw))
	if err := a.Connect(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { a.Close() })
	w.must(a.SetStatus(w.ctx, "在线"))
	return a
}

// customer enters vendor's bot page through a fresh entry URL.
func (w *world) customer(vendor string) *actors.Customer {
	w.t.Helper()
	e, err := w.ops.Entry(w.ctx, vendor, "", "")
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := actors.Enter(w.ctx, e.URL)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { c.Close() })
	return c
}

// transferred is a customer of vendor whose 转人工 an agent took.
func (w *world) transferred(vendor string, a *actors.Agent) (*actors.Customer, actors.Conversation) {
	w.t.Helper()
	c := w.customer(vendor)
	if err := c.Say(wb.TransferText); err != nil {
		w.t.Fatal(err)
	}
	conv, _, err := a.WaitAssigned(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	if conv.ID != c.Conv {
		w.t.Fatalf("agent got %s, want %s", conv.ID, c.Conv)
	}
	return c, conv
}

// customerSeqs counts, per msg_seq, the customer messages of conv that a
// set of frames delivers (in hello/assigned history or as message frames).
func customerSeqs(frames []actors.Frame, conv string) map[int]int {
	n := map[int]int{}
	for _, f := range frames {
		switch f.Type {
		case "message":
			if f.ConvID() == conv && f.Sender == "customer" {
				n[f.MsgSeq]++
			}
		case "assigned", "hello":
			convs := f.Conversations
			if c, ok := f.Conversation(); ok {
				convs = append(convs, c)
			}
			for _, c := range convs {
				if c.ID != conv {
					continue
				}
				for _, m := range c.Messages {
					if m.Sender == "customer" {
						n[m.Seq]++
					}
				}
			}
		}
	}
	return n
}

// waitEvent polls the event log until match holds for one event.
func waitEvent(t *testing.T, w *world, what string, match func(wb.Event) bool) wb.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	for {
		evs, err := w.ops.Events(ctx, 0)
		if err == nil {
			for _, e := range evs {
				if match(e) {
					return e
				}
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("no event: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// countEvents counts the events of the log that match, now.
func countEvents(t *testing.T, w *world, match func(wb.Event) bool) int {
	t.Helper()
	evs, err := w.ops.Events(w.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if match(e) {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, w *world, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	for !cond() {
		if ctx.Err() != nil {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func raws(fs []actors.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Raw))
	}
	return out
}

// allSeqs counts, per msg_seq, every message of conv a socket received,
// whoever wrote it: message frames and the history in hello and assigned.
func allSeqs(frames []actors.Frame, conv string) map[int]int {
	n := map[int]int{}
	for _, f := range frames {
		var msgs []actors.ChatMessage
		switch f.Type {
		case "message":
			if f.ConvID() == conv {
				n[f.MsgSeq]++
			}
		case "hello":
			if f.ConvID() == conv { // the bot page
				msgs = f.Messages
			}
			for _, c := range f.Conversations { // the workbench
				if c.ID == conv {
					msgs = append(msgs, c.Messages...)
				}
			}
		case "assigned":
			if c, ok := f.Conversation(); ok && c.ID == conv {
				msgs = c.Messages
			}
		}
		for _, m := range msgs {
			n[m.Seq]++
		}
	}
	return n
}

func refOf(f actors.Frame) int64 {
	var x struct {
		Ref int64 `json:"ref"`
	}
	_ = json.Unmarshal(f.Raw, &x)
	return x.Ref
}

// rawAgent is an agent socket that sends frames exactly as given (its own
// seq numbers), for tests of what the server refuses.
type rawAgent struct {
	t   *testing.T
	ctx context.Context
	ws  *websocket.Conn
	mu  sync.Mutex
	rec []actors.Frame
	got chan struct{}
}

// dialAgent logs in over HTTP and opens the agent socket with the session.
func dialAgent(t *testing.T, w *world, login string) *rawAgent {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	body := strings.NewReader(`{"login":"` + login + `","password":"` + pw + `"}`)
	resp, err := hc.Post(w.base+"/api/login", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: HTTP %d", login, resp.StatusCode)
	}
	u, _ := url.Parse(w.base + "/ws/agent")
	h := http.Header{}
	for _, ck := range jar.Cookies(u) {
		h.Add("Cookie", ck.String())
	}
	ws, _, err := websocket.DefaultDialer.DialContext(w.ctx, "ws"+strings.TrimPrefix(w.base, "http")+"/ws/agent", h)
	if err != nil {
		t.Fatal(err)
	}
	r := &rawAgent{t: t, ctx: w.ctx, ws: ws, got: make(chan struct{}, 1)}
	t.Cleanup(func() { ws.Close() })
	go func() {
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var f actors.Frame
			if json.Unmarshal(data, &f) != nil {
				continue
			}
			f.Raw = data
			r.mu.Lock()
			r.rec = append(r.rec, f)
			r.mu.Unlock()
			select {
			case r.got <- struct{}{}:
			default:
			}
		}
	}()
	r.wait(func(f actors.Frame) bool { return f.Type == "hello" })
	return r
}

func (r *rawAgent) send(f map[string]any) {
	r.t.Helper()
	if err := r.ws.WriteJSON(f); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawAgent) frames() []actors.Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]actors.Frame(nil), r.rec...)
}

func (r *rawAgent) count(match func(actors.Frame) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, f := range r.rec {
		if match(f) {
			n++
		}
	}
	return n
}

// wait returns the first received frame that matches, waiting for it.
func (r *rawAgent) wait(match func(actors.Frame) bool) actors.Frame {
	r.t.Helper()
	for {
		r.mu.Lock()
		for _, f := range r.rec {
			if match(f) {
				r.mu.Unlock()
				return f
			}
		}
		r.mu.Unlock()
		select {
		case <-r.got:
		case <-r.ctx.Done():
			r.t.Fatal("agent socket: the frame did not come")
		}
	}
}
