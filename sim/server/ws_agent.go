package server

import (
	"fmt"
	"net/http"
	"time"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// handleAgentSocket is GET /ws/agent[?resume=c1:5,c2:9]: an agent's
// workbench (R-WB-1), resuming each listed chat after the cseq given.
func (s *Server) handleAgentSocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	se := s.sessions.of(r)
	s.mu.Unlock()
	if se == nil {
		s.refused.add("GET /ws/agent 401 no session")
		writeError(w, http.StatusUnauthorized, "no session", "", "log in first (POST /api/login)")
		return
	}
	login := se.login
	resume, err := wire.ParseResume(r.URL.Query().Get("resume"))
	if err != nil {
		writeError(w, http.StatusBadRequest, string(wb.ErrInvalid), "", err.Error())
		return
	}
	s.mu.Lock()
	acc, err := s.core.Account(login)
	open := s.agentSocks[login]
	var herr error
	if err == nil && acc.Role != wb.RoleOperations && open < s.limits.SocketsPerAgent {
		herr = s.helloLimit(rateOf(s.helloRate, login, s.limits.Hellos/60, s.limits.HelloBurst), acc.Load)
	}
	s.mu.Unlock()
	if err != nil || acc.Role == wb.RoleOperations {
		writeError(w, http.StatusForbidden, string(wb.ErrForbidden), "R-VEN-3", "the workbench socket is for agents")
		return
	}
	if herr != nil {
		s.refused.add("GET /ws/agent 429 limit: hellos")
		writeCoreError(w, herr)
		return
	}
	if open >= s.limits.SocketsPerAgent {
		s.refused.add("GET /ws/agent 429 limit")
		writeLimit(w, &limitError{"sockets per agent", fmt.Sprintf("at most %d open workbench sockets per agent", s.limits.SocketsPerAgent), time.Second})
		return
	}
	ws, err := s.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := s.newConn(ws)
	c.login = login
	if !s.register(c, func() {
		if se.ended {
			// The session ended during the handshake (logout, expiry).
			c.sessionEnded = true
			s.later(func(d *delivery) {
				d.conns[c] = true
				c.kill(CloseSessionEnded, "session ended: log in again")
			})
			return
		}
		se.conns[c] = true
		if t := s.grace[login]; t != nil {
			t.Stop()
			delete(s.grace, login)
		}
		s.agentSocks[login]++
		s.agentHello(c, resume)
	}) {
		return
	}
	defer s.wg.Done()
	s.readLoop(c, wire.AgentSends, "a:"+login, s.agentFrame)
	close(c.readDone)
	s.mu.Lock()
	if !se.conns[c] {
		s.unregister(c)
		s.unlock()
		<-c.done
		return
	}
	delete(se.conns, c)
	if len(se.conns) == 0 {
		se.used = s.clock.Now() // idle from the last socket on
	}
	s.agentSocks[login]--
	if s.agentSocks[login] <= 0 {
		delete(s.agentSocks, login)
		if !s.closed {
			// D-WS-1: a reload or a blip keeps the status; a closed or
			// silent workbench goes 离线 after the grace.
			s.grace[login] = s.clock.AfterFunc(s.opts.Grace, func() { s.graceOver(login) })
		}
	}
	s.unregister(c)
	s.unlock()
	<-c.done
}

// graceOver takes an agent who closed the workbench 离线 (R-WB-2), which
// re-queues their chats at the head of the queue (D-ROUTE-2).
func (s *Server) graceOver(login string) {
	s.mu.Lock()
	defer s.unlock()
	if s.closed || s.agentSocks[login] > 0 || s.grace[login] == nil {
		return
	}
	delete(s.grace, login)
	if acc, err := s.core.Account(login); err == nil && acc.Status != wb.StatusOffline {
		_ = s.core.SetStatus(login, wb.StatusOffline)
	}
}

// helloConv is an open chat in an agent's hello: the view, the chat's
// cseq, and no messages when the socket resumes it (they follow as frames).
// CustomerLink is "down" while the customer is in the grace, so a page
// that (re)connects without resume can still show 用户网络中断.
type helloConv struct {
	wb.ConvView
	Messages     []wb.Message `json:"messages,omitempty"`
	More         bool         `json:"more,omitempty"` // older messages left out (page.go)
	CSeq         int64        `json:"cseq"`
	Resumed      bool         `json:"resumed,omitempty"`
	CustomerLink string       `json:"customer_link,omitempty"`
}

// agentHello snapshots the agent under mu and sends hello, then the missed
// frames of resumed chats, under dmu.
func (s *Server) agentHello(c *conn, resume map[string]int64) {
	acc, err := s.core.Account(c.login)
	if err != nil {
		return
	}
	convs, _ := s.core.AgentConversations(c.login)
	down := map[string]bool{}
	for _, v := range convs {
		down[v.ID] = s.custGrace[v.ID] != nil
	}
	s.later(func(d *delivery) {
		d.addAgent(c)
		out := make([]helloConv, 0, len(convs))
		replay := map[string]bool{}
		for _, v := range convs {
			h := helloConv{ConvView: v, CSeq: d.cseq(v.ID)}
			h.Messages, h.More = s.limits.page(v.Messages)
			if down[v.ID] {
				h.CustomerLink = "down"
			}
			if after, ok := resume[v.ID]; ok && d.resumable(v.ID, after) {
				h.Messages, h.More, h.Resumed = nil, false, true
				replay[v.ID] = true
			} else {
				c.seen(v.ID, h.CSeq)
			}
			out = append(out, h)
		}
		c.push(encode(wire.AgentHello{Type: wire.TypeHello, Protocol: wire.Version, Agent: acc, Conversations: out}))
		for id, after := range resume {
			// Also chats taken away while the socket was gone: their
			// requeued or ended frame is in the log for this agent.
			if replay[id] || d.resumable(id, after) {
				d.replay(c, id, after, false, c.login)
			}
		}
	})
}

func (s *Server) agentFrame(c *conn, f wire.ClientFrame) error {
	switch f.Type {
	case wire.TypeSend:
		if err := s.chatLimit(f.Conv, f.Text); err != nil {
			return err
		}
		return s.core.AgentSend(c.login, f.Conv, f.Text)
	case wire.TypeClose:
		return s.core.AgentClose(c.login, f.Conv)
	case wire.TypeStatus:
		st, ok := wb.ParseStatus(f.Status)
		if !ok {
			return &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-WB-2", Reason: fmt.Sprintf("status must be 在线, 小休 or 离线, got %q", f.Status)}
		}
		if err := s.statusLimit(c.login); err != nil {
			return err
		}
		return s.core.SetStatus(c.login, st)
	case wire.TypeSync:
		acc, _ := s.core.Account(c.login)
		if err := s.helloLimit(rateOf(s.helloRate, c.login, s.limits.Hellos/60, s.limits.HelloBurst), acc.Load); err != nil {
			return err
		}
		s.agentHello(c, nil)
	case wire.TypeHistory:
		return s.historyFrame(c, c.login, f)
	}
	return nil
}
