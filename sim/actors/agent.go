package actors

import (
	"context"
	"net/http"
	"net/url"

	"routecheck/sim/wire"
)

// Account is an AccountView as the protocol carries it.
type Account struct {
	Login      string   `json:"login"`
	Name       string   `json:"name"`
	Role       string   `json:"role"`
	Vendor     string   `json:"vendor"`
	Department string   `json:"department"`
	Tenant     string   `json:"tenant"`
	Tenants    []string `json:"tenants"`
	Capacity   int      `json:"capacity"`
	Status     string   `json:"status"`
	Load       int      `json:"load"`
	Desktop    bool     `json:"desktop"`
	Sound      bool     `json:"sound"`
}

// Agent is a simulated agent using X-Space: login, 马上上班, the agent
// socket, replies.
type Agent struct {
	c      *client
	Login  string
	sock   *socket
	cursor int
	rec    *record
}

// NewAgent returns an agent for the workbench at base (http://host:port).
func NewAgent(base, login string) *Agent {
	return &Agent{c: newClient(base), Login: login, rec: newRecord()}
}

// SignIn logs in (R-WB-1).
func (a *Agent) SignIn(ctx context.Context, password string) (Account, error) {
	return a.c.signIn(ctx, a.Login, password)
}

// Me returns the account as the server sees it now.
func (a *Agent) Me(ctx context.Context) (Account, error) {
	var acc Account
	err := a.c.do(ctx, http.MethodGet, "/api/me", nil, &acc)
	return acc, err
}

// Connect opens the agent socket and waits for its hello.
func (a *Agent) Connect(ctx context.Context) error {
	from := len(a.Frames())
	s, _, err := dial(ctx, a.c.wsURL("/ws/agent"), a.c.cookieHeader("/ws/agent"), a.rec)
	if err != nil {
		return err
	}
	a.sock = s
	if err := s.attach(); err != nil {
		return err
	}
	_, a.cursor, err = s.wait(ctx, from, func(f Frame) bool { return f.Type == wire.TypeHello })
	return err
}

// Reconnect opens a new workbench socket that resumes every chat the agent
// has seen from its last cseq, then sends again what was not answered
// (protocol v2).
func (a *Agent) Reconnect(ctx context.Context) error {
	if a.sock != nil {
		a.sock.close()
	}
	from := len(a.Frames())
	s, resp, err := dial(ctx, a.c.wsURL("/ws/agent?resume="+url.QueryEscape(a.rec.ob.Resume())), a.c.cookieHeader("/ws/agent"), a.rec)
	if err != nil {
		if resp != nil && resp.StatusCode >= 300 {
			return &APIError{Status: resp.StatusCode, Err: "refused", Message: readBody(resp)}
		}
		return err
	}
	a.sock = s
	if _, _, err := s.wait(ctx, from, func(f Frame) bool { return f.Type == wire.TypeHello }); err != nil {
		return err
	}
	return s.attach()
}

// Drop cuts the workbench's connection as a network failure would.
func (a *Agent) Drop() { a.sock.drop() }

// SetStatus sets 在线 / 小休 / 离线; 在线 is 马上上班 (R-WB-2).
func (a *Agent) SetStatus(ctx context.Context, status string) (Account, error) {
	var acc Account
	err := a.c.do(ctx, http.MethodPost, "/api/status", map[string]string{"status": status}, &acc)
	return acc, err
}

// SwitchTenant selects a tenant (R-TEN-1).
func (a *Agent) SwitchTenant(ctx context.Context, tenant string) (Account, error) {
	var acc Account
	err := a.c.do(ctx, http.MethodPost, "/api/tenant", map[string]string{"tenant": tenant}, &acc)
	return acc, err
}

// RouterView lists the department's agents as the router sees them.
func (a *Agent) RouterView(ctx context.Context, dept string) ([]Account, error) {
	var out []Account
	err := a.c.do(ctx, http.MethodGet, "/api/departments/"+url.PathEscape(dept)+"/agents", nil, &out)
	return out, err
}

// WaitAssigned waits for the next chat handed to this agent.
func (a *Agent) WaitAssigned(ctx context.Context) (Conversation, Frame, error) {
	f, next, err := a.sock.wait(ctx, a.cursor, func(f Frame) bool { return f.Type == wire.TypeAssigned })
	if err != nil {
		return Conversation{}, f, err
	}
	a.cursor = next
	c, _ := f.Conversation()
	return c, f, nil
}

// WaitMessage waits for a chat message on conv from sender that matches.
// It scans everything received, so a message that came early still counts.
func (a *Agent) WaitMessage(ctx context.Context, conv, sender string, match func(text string) bool) (Frame, error) {
	f, _, err := a.sock.wait(ctx, 0, func(f Frame) bool {
		return f.Type == wire.TypeMessage && f.ConvID() == conv && f.Sender == sender && (match == nil || match(f.Text))
	})
	return f, err
}

// Reply sends a message to a customer (R-RT-5).
func (a *Agent) Reply(conv, text string) error {
	return a.sock.send(wire.ClientFrame{Type: wire.TypeSend, Conv: conv, Text: text})
}

// CloseChat ends a chat from the agent's side.
func (a *Agent) CloseChat(conv string) error {
	return a.sock.send(wire.ClientFrame{Type: wire.TypeClose, Conv: conv})
}

// WaitFrame waits for any frame that matches, from the start of the record.
func (a *Agent) WaitFrame(ctx context.Context, match func(Frame) bool) (Frame, error) {
	f, _, err := a.sock.wait(ctx, 0, match)
	return f, err
}

// Frames is everything the agent's socket received.
func (a *Agent) Frames() []Frame {
	a.rec.mu.Lock()
	defer a.rec.mu.Unlock()
	return append([]Frame(nil), a.rec.frames...)
}

// Close closes the socket (the agent closes the page).
func (a *Agent) Close() error {
	if a.sock == nil {
		return nil
	}
	return a.sock.close()
}

// API calls any workbench route with the agent's session, for checks that
// go beyond the route test (access control, settings).
func (a *Agent) API(ctx context.Context, method, path string, in, out any) error {
	return a.c.do(ctx, method, path, in, out)
}
