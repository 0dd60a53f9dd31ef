package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	wb "routecheck/sim/workbench"
)

// ProtocolVersion is announced in every hello.
const ProtocolVersion = 2

// upgrader accepts sockets from clients that send no Origin (programs such
// as the actors) and from the server's own pages at its public URL; never
// from an origin matched against Host (DNS rebinding).
func (s *Server) upgrader() *websocket.Upgrader {
	// The read buffer is the HTTP server's (size 0); write buffers come from
	// a pool between writes: an idle socket holds neither.
	return &websocket.Upgrader{WriteBufferPool: s.writePool,
		CheckOrigin: func(r *http.Request) bool {
			o := r.Header.Get("Origin")
			return o == "" || normOrigin(o) == s.origin
		}}
}

// handleAgentSocket is GET /ws/agent[?resume=c1:5,c2:9]: an agent's
// workbench (R-WB-1), resuming each listed chat after the cseq given.
func (s *Server) handleAgentSocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	se := s.sessionOf(r)
	s.mu.Unlock()
	if se == nil {
		s.refused.add("GET /ws/agent 401 no session")
		writeError(w, http.StatusUnauthorized, "no session", "", "log in first (POST /api/login)")
		return
	}
	login := se.login
	resume, err := parseResume(r.URL.Query().Get("resume"))
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
	c.login, c.se = login, se
	if !s.register(c, func() {
		if se.ended {
			// The session ended during the handshake (logout, expiry).
			s.later(func() {
				s.conns[c] = true
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
	s.readLoop(c, agentTypes, "a:"+login, s.agentFrame)
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

// parseResume reads "c1:5,c2:9": the last cseq seen per chat.
func parseResume(q string) (map[string]int64, error) {
	out := map[string]int64{}
	if q == "" {
		return out, nil
	}
	parts := strings.Split(q, ",")
	if len(parts) > 64 {
		return nil, fmt.Errorf("resume lists at most 64 chats, got %d", len(parts))
	}
	for _, p := range parts {
		id, n, ok := strings.Cut(p, ":")
		v, err := strconv.ParseInt(n, 10, 64)
		if !ok || id == "" || err != nil || v < 0 {
			return nil, fmt.Errorf("resume %q: want conv:cseq pairs separated by commas, e.g. c1:5,c2:9", p)
		}
		out[id] = v
	}
	return out, nil
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
	More         bool         `json:"more,omitempty"` // older messages left out (history.go)
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
	s.later(func() {
		s.agReg[c.login] = addConn(s.agReg[c.login], c)
		out := make([]helloConv, 0, len(convs))
		replay := map[string]bool{}
		for _, v := range convs {
			h := helloConv{ConvView: v, CSeq: s.cseq(v.ID)}
			h.Messages, h.More = s.page(v.Messages)
			if down[v.ID] {
				h.CustomerLink = "down"
			}
			if after, ok := resume[v.ID]; ok && s.resumable(v.ID, after) {
				h.Messages, h.More, h.Resumed = nil, false, true
				replay[v.ID] = true
			} else {
				c.seen(v.ID, h.CSeq)
			}
			out = append(out, h)
		}
		c.push(encode(map[string]any{"type": "hello", "protocol": ProtocolVersion, "agent": acc, "conversations": out}))
		for id, after := range resume {
			// Also chats taken away while the socket was gone: their
			// requeued or ended frame is in the log for this agent.
			if replay[id] || s.resumable(id, after) {
				s.replay(c, id, after, false, c.login)
			}
		}
	})
}

func (s *Server) resumable(conv string, after int64) bool {
	l := s.logs[conv]
	return l != nil && after <= l.cseq && after+1 >= l.oldest()
}

func addConn(m map[*conn]bool, c *conn) map[*conn]bool {
	if m == nil {
		m = map[*conn]bool{}
	}
	m[c] = true
	return m
}

func (s *Server) agentFrame(c *conn, f ClientFrame) error {
	switch f.Type {
	case "send":
		if err := s.chatLimit(f.Conv, f.Text); err != nil {
			return err
		}
		return s.core.AgentSend(c.login, f.Conv, f.Text)
	case "close":
		return s.core.AgentClose(c.login, f.Conv)
	case "status":
		st, ok := wb.ParseStatus(f.Status)
		if !ok {
			return &wb.RuleError{Err: wb.ErrInvalid, Rule: "R-WB-2", Reason: fmt.Sprintf("status must be 在线, 小休 or 离线, got %q", f.Status)}
		}
		if err := s.statusLimit(c.login); err != nil {
			return err
		}
		return s.core.SetStatus(c.login, st)
	case "sync":
		acc, _ := s.core.Account(c.login)
		if err := s.helloLimit(rateOf(s.helloRate, c.login, s.limits.Hellos/60, s.limits.HelloBurst), acc.Load); err != nil {
			return err
		}
		s.agentHello(c, nil)
	case "history":
		return s.historyFrame(c, c.login, f)
	}
	return nil
}

// chatLimit refuses a frame that would add to a chat at its limits: the
// messages and characters it stores, whoever wrote them (collect counts
// them from the events), so no frame type can pass them.
func (s *Server) chatLimit(conv, text string) error {
	st := s.chats[conv]
	if st == nil {
		return nil // the core answers for an unknown chat
	}
	if st.messages >= s.limits.ChatMessages {
		return &limitError{"messages per chat", fmt.Sprintf("a chat holds at most %d messages; start a new chat", s.limits.ChatMessages), 0}
	}
	if st.text+utf8.RuneCountInString(text) > s.limits.ChatText {
		return &limitError{"text per chat", fmt.Sprintf("a chat holds at most %d characters; start a new chat", s.limits.ChatText), 0}
	}
	return nil
}

// rateOf (under mu) is key's bucket in m, made on first use; the maps are
// keyed by accounts, which the configuration bounds.
func rateOf(m map[string]*bucket, key string, perSecond float64, burst int) *bucket {
	b := m[key]
	if b == nil {
		nb := newBucket(perSecond, burst)
		b = &nb
		m[key] = b
	}
	return b
}

// helloLimit (under mu) takes the cost of a snapshot from the party's
// bucket (Limits.Hellos): 1, and 1 per open chat whose page it carries.
func (s *Server) helloLimit(b *bucket, chats int) error {
	if !b.takeN(time.Now(), float64(1+chats)) {
		return &limitError{"hellos", fmt.Sprintf("at most %g snapshots a minute (a hello or sync costs 1 and 1 per open chat), bursts of %d; try again in a few seconds", s.limits.Hellos, s.limits.HelloBurst), 2 * time.Second}
	}
	return nil
}

// statusLimit (under mu) takes a token of the agent's status changes.
func (s *Server) statusLimit(login string) error {
	b := s.statusRate[login]
	if b == nil {
		nb := newBucket(s.limits.StatusChanges/60, s.limits.StatusBurst)
		b = &nb
		s.statusRate[login] = b
	}
	if !b.take(s.clock.Now()) {
		return &limitError{"status changes per agent", fmt.Sprintf("at most %g status or tenant changes a minute, bursts of %d; try again in a minute", s.limits.StatusChanges, s.limits.StatusBurst), time.Minute}
	}
	return nil
}

// tokenUse counts the chats an entry token opened (Limits.ChatsPerToken).
type tokenUse struct {
	n      int
	exp    time.Time
	hellos bucket // Limits.Hellos
}

// handleCustomerSocket is GET /ws/customer?t=TOKEN&v=VENDOR[&conv=ID[&after=CSEQ]]:
// the bot page's chat (R-RT-3). conv= joins that chat if the token's
// customer owns it and it is open; with after= it resumes it (also once
// ended, while the server keeps it) from the frame after CSEQ.
func (s *Server) handleCustomerSocket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tok := q.Get("t")
	e, err := verifyToken(s.opts.Secret, tok, q.Get("v"), s.clock.Now())
	if err != nil {
		refuseToken(w, err)
		return
	}
	after, hasAfter := int64(0), q.Has("after")
	if hasAfter {
		if after, err = strconv.ParseInt(q.Get("after"), 10, 64); err != nil || after < 0 {
			writeError(w, http.StatusBadRequest, string(wb.ErrInvalid), "", "after must be the last cseq seen, a number from 0")
			return
		}
	}
	key := q.Get("key")
	s.mu.Lock()
	id := q.Get("conv")
	join := s.canJoin(id, e, hasAfter, key)
	var lerr *limitError
	// A socket that will open a chat reserves its place in the token's
	// budget now, so concurrent handshakes cannot all pass the check; the
	// place is given back if it joins a chat or opens none after all.
	var use *tokenUse
	herr := s.helloLimit(&s.tokenUse(tok, e).hellos, 0)
	switch {
	case herr != nil:
		lerr = herr.(*limitError)
	case join && s.chatSocks[id] >= s.limits.SocketsPerChat:
		lerr = &limitError{"sockets per chat", fmt.Sprintf("at most %d open sockets per chat", s.limits.SocketsPerChat), time.Second}
	case !join && s.tokenUse(tok, e).n >= s.limits.ChatsPerToken:
		lerr = &limitError{"chats per entry token", fmt.Sprintf("one entry link opens at most %d chats; ask the CCO channel team for a fresh QR code", s.limits.ChatsPerToken), 0}
	case !join:
		use = s.tokenUse(tok, e)
		use.n++
	}
	s.mu.Unlock()
	if lerr != nil {
		s.refused.add("GET /ws/customer 429 limit: " + lerr.limit)
		writeLimit(w, lerr)
		return
	}
	giveBack := func() {
		if use != nil {
			use.n--
			use = nil
		}
	}
	ws, err := s.upgrader().Upgrade(w, r, nil)
	if err != nil {
		s.mu.Lock()
		giveBack()
		s.mu.Unlock()
		return
	}
	c := s.newConn(ws)
	entered := true
	if !s.register(c, func() {
		if s.canJoin(id, e, hasAfter, key) {
			giveBack()
		} else {
			v, err := s.core.Enter(e.Vendor, e.Customer, e.Order)
			if err != nil {
				giveBack()
				entered = false
				ef := encode(errorFrame(errCode(err), reasonOf(err), ruleOf(err), 0, ""))
				s.later(func() {
					s.conns[c] = true
					c.push(ef)
					c.kill(websocket.ClosePolicyViolation, "cannot enter")
				})
				return
			}
			if use == nil {
				// It meant to join a chat that ended meanwhile: this
				// chat counts like any other.
				s.tokenUse(tok, e).n++
			}
			id, hasAfter = v.ID, false
			s.chat(id).key = newKey()
		}
		ckey := s.chat(id).key
		c.conv = id
		s.chatSocks[id]++
		if t := s.custGrace[id]; t != nil {
			t.Stop()
			delete(s.custGrace, id)
			if a := s.convAgent[id]; a != "" {
				s.chatFrame(id, false, a, linkFrame(id, "up"))
			}
		}
		v, _ := s.core.Conversation(id)
		bot, _ := s.botView(e.Vendor)
		s.later(func() {
			s.custReg[id] = addConn(s.custReg[id], c)
			hello := map[string]any{"type": "hello", "protocol": ProtocolVersion, "conv": id, "state": v.State, "bot": bot, "key": ckey}
			resumed := hasAfter && s.resumable(id, after)
			hello["cseq"], hello["resumed"] = s.cseq(id), resumed
			if !resumed {
				msgs, more := s.page(v.Messages)
				hello["messages"] = msgs
				if more {
					hello["more"] = true
				}
			}
			c.push(encode(hello))
			if resumed {
				s.replay(c, id, after, true, "")
			} else {
				c.seen(id, s.cseq(id))
			}
		})
	}) {
		s.mu.Lock()
		giveBack()
		s.mu.Unlock()
		return
	}
	defer s.wg.Done()
	if entered {
		s.readLoop(c, customerTypes, "c:"+id, s.customerFrame)
	}
	close(c.readDone)
	s.mu.Lock()
	if c.conv != "" {
		s.chatSocks[id]--
		if s.chatSocks[id] <= 0 {
			delete(s.chatSocks, id)
			s.customerGone(id)
		}
	}
	s.unregister(c)
	s.unlock()
	<-c.done
}

// canJoin: conv is this customer's chat at the token's vendor, open, or
// ended but kept when the socket resumes. The customer is the token's, or,
// for an anonymous token, whoever holds the chat's key from its hello.
func (s *Server) canJoin(id string, e entry, resume bool, key string) bool {
	if id == "" {
		return false
	}
	v, err := s.core.Conversation(id)
	if err != nil || v.Vendor != e.Vendor || (v.State == wb.StateEnded && !resume) {
		return false
	}
	if e.Customer != "" {
		return v.Customer == e.Customer
	}
	st := s.chats[id]
	return st != nil && st.key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(st.key)) == 1
}

// newKey is a chat's resume key: 128 random bits, hex.
func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) tokenUse(tok string, e entry) *tokenUse {
	u := s.tokenChats[tok]
	if u == nil {
		if len(s.tokenChats) >= 4096 {
			now := s.clock.Now()
			for k, t := range s.tokenChats {
				if !now.Before(t.exp) {
					delete(s.tokenChats, k)
				}
			}
		}
		u = &tokenUse{exp: time.Unix(e.Exp, 0), hellos: newBucket(s.limits.Hellos/60, s.limits.HelloBurst)}
		s.tokenChats[tok] = u
	}
	return u
}

// customerGone starts the customer's grace when the last socket of an open
// chat closed or went silent: the agent is told the link is down, and the
// customer leaves (D-WS-2) only if no socket returns in time.
func (s *Server) customerGone(id string) {
	if s.closed {
		return
	}
	if v, err := s.core.Conversation(id); err != nil || v.State == wb.StateEnded {
		return
	}
	if a := s.convAgent[id]; a != "" {
		s.chatFrame(id, false, a, linkFrame(id, "down"))
	}
	s.custGrace[id] = s.clock.AfterFunc(s.opts.CustomerGrace, func() {
		s.mu.Lock()
		defer s.unlock()
		if s.closed || s.chatSocks[id] > 0 || s.custGrace[id] == nil {
			return
		}
		delete(s.custGrace, id)
		_ = s.core.CustomerLeave(id)
	})
}

func (s *Server) customerFrame(c *conn, f ClientFrame) error {
	switch f.Type {
	case "say":
		if err := s.chatLimit(c.conv, f.Text); err != nil {
			return err
		}
		return s.core.CustomerSend(c.conv, f.Text)
	case "button":
		// A tap stores the bot's answer (and may request a human): the
		// same limits as a message.
		if err := s.chatLimit(c.conv, ""); err != nil {
			return err
		}
		return s.core.PressButton(c.conv, f.Label)
	case "history":
		return s.historyFrame(c, "", f)
	case "leave":
		return s.core.CustomerLeave(c.conv)
	case "rate":
		return s.core.Rate(c.conv, wb.Rating(f.Rating))
	}
	return nil
}

// register starts a conn's writer and runs hello under mu; false if the
// server is closing. On true the caller must call s.wg.Done when its
// handler ends.
func (s *Server) register(c *conn, hello func()) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.ws.Close()
		return false
	}
	// One for the writer, one for the handler that registered: both are
	// counted under the lock, before Close can start waiting.
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		c.writePump(s.opts.PingPeriod)
	}()
	s.later(func() { s.conns[c] = true })
	hello()
	s.unlock()
	return true
}

// unregister (under mu) takes the conn out of delivery and closes it.
func (s *Server) unregister(c *conn) {
	s.later(func() {
		delete(s.conns, c)
		if c.login != "" {
			delete(s.agReg[c.login], c)
			if len(s.agReg[c.login]) == 0 {
				delete(s.agReg, c.login)
			}
		}
		if c.conv != "" {
			delete(s.custReg[c.conv], c)
			if len(s.custReg[c.conv]) == 0 {
				delete(s.custReg, c.conv)
			}
		}
		c.kill(websocket.CloseNormalClosure, "")
	})
}

// readLoop reads client frames until the socket closes or goes silent for
// PongWait. A bad frame gets an error frame naming the problem; the
// connection and everyone else go on. Decoding happens outside the locks.
func (s *Server) readLoop(c *conn, allowed map[string]bool, party string, handle func(*conn, ClientFrame) error) {
	s.startReading(c)
	for {
		mt, data, err := c.read(s.opts.PongWait)
		if err != nil {
			return
		}
		// The rate comes before any other work: a frame above it is not
		// even decoded (admit).
		if c.refusing() || !s.admit(c) {
			continue
		}
		if mt != websocket.TextMessage {
			s.refused.add("binary frame")
			c.kill(websocket.CloseUnsupportedData, "binary frames are not part of the protocol: send JSON text frames")
			continue
		}
		f, err := DecodeClientFrame(data)
		var ans map[string]any
		switch {
		case err != nil:
			fe := err.(*FrameError)
			s.refused.add(fe.Code)
			if fe.Code == codeInvalidUTF8 {
				c.kill(websocket.CloseInvalidFramePayloadData, "frame is not valid UTF-8 text (RFC 6455 section 8.1)")
				continue
			}
			ans = errorFrame(fe.Code, fe.Message, "", f.Seq, f.ID)
		case !allowed[f.Type]:
			s.refused.add("unknown_type")
			ans = errorFrame("unknown_type", fmt.Sprintf("frame type %q is not for this socket", f.Type), "", f.Seq, f.ID)
		case f.Seq <= c.lastSeq:
			s.refused.add("stale_seq")
			ans = errorFrame("stale_seq", fmt.Sprintf("seq %d is not above the last accepted %d; frame ignored", f.Seq, c.lastSeq), "", f.Seq, f.ID)
		case f.Type == "ping":
			c.lastSeq = f.Seq
			ans = map[string]any{"type": "pong", "ref": f.Seq}
		default:
			c.lastSeq = f.Seq
			ans = s.apply(c, f, party, handle)
		}
		if ans != nil {
			c.push(encode(ans))
		}
	}
}

// apply runs a frame under mu, once per client id: a resent id gets the
// first answer again, marked duplicate, and changes nothing.
func (s *Server) apply(c *conn, f ClientFrame, party string, handle func(*conn, ClientFrame) error) map[string]any {
	if ans, ok := plantApply(c, f); plantOn && ok {
		return ans
	}
	s.mu.Lock()
	defer s.unlock()
	if c.se != nil && c.se.ended {
		// Ended between the read and the lock: the socket is closing.
		return errorFrame("no session", "the session has ended: log in again", "", f.Seq, f.ID)
	}
	if f.ID != "" {
		if prev, ok := s.idCache(party).get(f.ID); ok {
			ans := make(map[string]any, len(prev)+2)
			for k, v := range prev {
				ans[k] = v
			}
			ans["ref"], ans["duplicate"] = f.Seq, true
			return ans
		}
	}
	var ans map[string]any
	if err := handle(c, f); err != nil {
		s.refused.add("frame " + f.Type + ": " + errCode(err))
		ans = errorFrame(errCode(err), reasonOf(err), ruleOf(err), f.Seq, f.ID)
	} else if f.Type == "history" {
		return nil // answered by its page
	} else if f.ID != "" {
		ans = map[string]any{"type": "ack", "id": f.ID, "ref": f.Seq}
	}
	if f.ID != "" {
		s.idCache(party).put(f.ID, ans, s.limits.ClientIDs)
	}
	return ans
}

// idCache remembers the answers to a party's newest client ids.
type idCache struct {
	order   []string
	answers map[string]map[string]any
}

func (s *Server) idCache(party string) *idCache {
	c := s.ids[party]
	if c == nil {
		c = &idCache{answers: map[string]map[string]any{}}
		s.ids[party] = c
	}
	return c
}

func (c *idCache) get(id string) (map[string]any, bool) {
	a, ok := c.answers[id]
	return a, ok
}

func (c *idCache) put(id string, ans map[string]any, limit int) {
	if len(c.order) >= limit {
		delete(c.answers, c.order[0])
		c.order = append(c.order[:0], c.order[1:]...)
	}
	c.order = append(c.order, id)
	c.answers[id] = ans
}
