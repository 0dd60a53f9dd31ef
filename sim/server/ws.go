package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/websocket"

	wb "routecheck/sim/workbench"
)

// The default origin check stays on: only the workbench's own pages (or
// clients that send no Origin, like the actors) may open sockets.
var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}

// handleAgentSocket is GET /ws/agent: an agent's workbench (R-WB-1).
func (s *Server) handleAgentSocket(w http.ResponseWriter, r *http.Request) {
	login, ok := s.session(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "no session", "", "log in first (POST /api/login)")
		return
	}
	s.mu.Lock()
	acc, err := s.core.Account(login)
	s.mu.Unlock()
	if err != nil || acc.Role == wb.RoleOperations {
		writeError(w, http.StatusForbidden, string(wb.ErrForbidden), "R-VEN-3", "the workbench socket is for agents")
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := newConn(ws)
	c.login = login
	if !s.register(c, func() {
		if t := s.grace[login]; t != nil {
			t.Stop()
			delete(s.grace, login)
		}
		if s.agentConns[login] == nil {
			s.agentConns[login] = map[*conn]bool{}
		}
		s.agentConns[login][c] = true
		s.agentHello(c)
	}) {
		return
	}
	defer s.wg.Done()
	s.readLoop(c, agentTypes, s.agentFrame)
	s.mu.Lock()
	delete(s.agentConns[login], c)
	if len(s.agentConns[login]) == 0 && !s.closed {
		s.grace[login] = s.clock.AfterFunc(s.opts.Grace, func() { s.graceOver(login) })
	}
	s.unregister(c)
	s.unlock()
	<-c.done
}

// graceOver takes an agent who closed the workbench 离线 (R-WB-2), which
// re-queues their chats at the head of the queue.
func (s *Server) graceOver(login string) {
	s.mu.Lock()
	defer s.unlock()
	if s.closed || len(s.agentConns[login]) > 0 || s.grace[login] == nil {
		return
	}
	delete(s.grace, login)
	if acc, err := s.core.Account(login); err == nil && acc.Status != wb.StatusOffline {
		_ = s.core.SetStatus(login, wb.StatusOffline)
	}
}

func (s *Server) agentHello(c *conn) {
	acc, err := s.core.Account(c.login)
	if err != nil {
		return
	}
	convs, _ := s.core.AgentConversations(c.login)
	for _, v := range convs {
		c.handOver(v)
	}
	if convs == nil {
		convs = []wb.ConvView{}
	}
	c.push(map[string]any{"type": "hello", "agent": acc, "conversations": convs})
}

func (s *Server) agentFrame(c *conn, f ClientFrame) error {
	switch f.Type {
	case "send":
		return s.core.AgentSend(c.login, f.Conv, f.Text)
	case "close":
		return s.core.AgentClose(c.login, f.Conv)
	case "status":
		st, ok := wb.ParseStatus(f.Status)
		if !ok {
			return &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-WB-2", Reason: fmt.Sprintf("status must be 在线, 小休 or 离线, got %q", f.Status)}
		}
		return s.core.SetStatus(c.login, st)
	case "sync":
		s.agentHello(c)
	case "ping":
		c.push(map[string]any{"type": "pong", "ref": f.Seq})
	}
	return nil
}

// handleCustomerSocket is GET /ws/customer?t=TOKEN: the bot page's chat
// (R-RT-3). With conv= it resumes that chat if the token's customer owns it.
func (s *Server) handleCustomerSocket(w http.ResponseWriter, r *http.Request) {
	e, err := verifyToken(s.opts.Secret, r.URL.Query().Get("t"), r.URL.Query().Get("v"), s.clock.Now())
	if err != nil {
		refuseToken(w, err)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := newConn(ws)
	var enterErr error
	if !s.register(c, func() {
		id := r.URL.Query().Get("conv")
		if v, err := s.core.Conversation(id); id == "" || err != nil || v.Customer != e.Customer || v.Vendor != e.Vendor || v.State == wb.StateEnded {
			v, enterErr = s.core.Enter(e.Vendor, e.Customer, e.Order)
			if enterErr != nil {
				c.push(errorFrame(errCode(enterErr), reasonOf(enterErr), ruleOf(enterErr), 0))
				c.shut(websocket.ClosePolicyViolation, "cannot enter")
				return
			}
			id = v.ID
		}
		c.conv = id
		if s.custConns[id] == nil {
			s.custConns[id] = map[*conn]bool{}
		}
		s.custConns[id][c] = true
		v, _ := s.core.Conversation(id)
		c.handOver(v)
		bot, _ := s.botView(e.Vendor)
		c.push(map[string]any{"type": "hello", "conv": id, "state": v.State, "messages": v.Messages, "bot": bot})
	}) {
		return
	}
	defer s.wg.Done()
	if enterErr == nil {
		s.readLoop(c, customerTypes, s.customerFrame)
	}
	s.mu.Lock()
	if c.conv != "" {
		delete(s.custConns[c.conv], c)
		// Closing the bot page leaves the chat (用户下线, R-NTF-1); in the
		// queue that is an abandonment (R-KPI-1).
		if len(s.custConns[c.conv]) == 0 && !s.closed {
			delete(s.custConns, c.conv)
			_ = s.core.CustomerLeave(c.conv)
		}
	}
	s.unregister(c)
	s.unlock()
	<-c.done
}

func (s *Server) customerFrame(c *conn, f ClientFrame) error {
	switch f.Type {
	case "say":
		return s.core.CustomerSend(c.conv, f.Text)
	case "button":
		return s.core.PressButton(c.conv, f.Label)
	case "leave":
		return s.core.CustomerLeave(c.conv)
	case "rate":
		return s.core.Rate(c.conv, wb.Rating(f.Rating))
	case "ping":
		c.push(map[string]any{"type": "pong", "ref": f.Seq})
	}
	return nil
}

// register adds a conn and runs hello under the lock; false if the server
// is closing. On true the caller must call s.wg.Done when its handler ends.
func (s *Server) register(c *conn, hello func()) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.ws.Close()
		return false
	}
	s.conns[c] = true
	// One for the writer, one for the handler that registered: both are
	// counted under the lock, before Close can start waiting.
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		c.writeLoop()
	}()
	hello()
	s.unlock()
	return true
}

func (s *Server) unregister(c *conn) {
	delete(s.conns, c)
	c.shut(websocket.CloseNormalClosure, "")
}

// readLoop reads client frames until the socket closes. A bad frame gets an
// error frame naming the problem; the connection and everyone else go on.
func (s *Server) readLoop(c *conn, allowed map[string]bool, handle func(*conn, ClientFrame) error) {
	c.ws.SetReadLimit(hardFrameLimit)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.shut(websocket.CloseMessageTooBig, "frame above 1 MiB")
			}
			return
		}
		f, err := DecodeClientFrame(data)
		s.mu.Lock()
		switch {
		case err != nil:
			var fe *FrameError
			errors.As(err, &fe)
			c.push(errorFrame(fe.Code, fe.Message, "", f.Seq))
			s.logf("refused frame: %v", err)
		case !allowed[f.Type]:
			c.push(errorFrame("unknown_type", fmt.Sprintf("frame type %q is not for this socket", f.Type), "", f.Seq))
		case f.Seq <= c.lastSeq:
			c.push(errorFrame("stale_seq", fmt.Sprintf("seq %d is not above the last accepted %d; frame ignored", f.Seq, c.lastSeq), "", f.Seq))
		default:
			c.lastSeq = f.Seq
			if herr := handle(c, f); herr != nil {
				c.push(errorFrame(errCode(herr), reasonOf(herr), ruleOf(herr), f.Seq))
			}
		}
		s.unlock()
	}
}
