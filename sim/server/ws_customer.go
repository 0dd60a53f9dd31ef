package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

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
	herr := s.helloLimit(&s.tokens.of(tok, e).hellos, 0)
	switch {
	case herr != nil:
		lerr = herr.(*limitError)
	case join && s.chatSocks[id] >= s.limits.SocketsPerChat:
		lerr = &limitError{"sockets per chat", fmt.Sprintf("at most %d open sockets per chat", s.limits.SocketsPerChat), time.Second}
	case !join && s.tokens.of(tok, e).n >= s.limits.ChatsPerToken:
		lerr = &limitError{"chats per entry token", fmt.Sprintf("one entry link opens at most %d chats; ask the CCO channel team for a fresh QR code", s.limits.ChatsPerToken), 0}
	case !join:
		use = s.tokens.of(tok, e)
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
				ef := encode(wire.Error(errCode(err), reasonOf(err), ruleOf(err), 0, ""))
				s.later(func(d *delivery) {
					d.conns[c] = true
					c.push(ef)
					c.kill(websocket.ClosePolicyViolation, "cannot enter")
				})
				return
			}
			if use == nil {
				// It meant to join a chat that ended meanwhile: this
				// chat counts like any other.
				s.tokens.of(tok, e).n++
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
		s.later(func(d *delivery) {
			d.addCustomer(c)
			resumed := hasAfter && d.resumable(id, after)
			hello := wire.CustomerHello{Type: wire.TypeHello, Protocol: wire.Version, Conv: id, State: string(v.State), Bot: bot, Key: ckey,
				CSeq: d.cseq(id), Resumed: resumed}
			if !resumed {
				hello.Messages, hello.More = s.limits.page(v.Messages)
			}
			c.push(encode(hello))
			if resumed {
				d.replay(c, id, after, true, "")
			} else {
				c.seen(id, d.cseq(id))
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
		s.readLoop(c, wire.CustomerSends, "c:"+id, s.customerFrame)
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

func (s *Server) customerFrame(c *conn, f wire.ClientFrame) error {
	switch f.Type {
	case wire.TypeSay:
		if err := s.chatLimit(c.conv, f.Text); err != nil {
			return err
		}
		return s.core.CustomerSend(c.conv, f.Text)
	case wire.TypeButton:
		// A tap stores the bot's answer (and may request a human): the
		// same limits as a message.
		if err := s.chatLimit(c.conv, ""); err != nil {
			return err
		}
		return s.core.PressButton(c.conv, f.Label)
	case wire.TypeHistory:
		return s.historyFrame(c, "", f)
	case wire.TypeLeave:
		return s.core.CustomerLeave(c.conv)
	case wire.TypeRate:
		return s.core.Rate(c.conv, wb.Rating(f.Rating))
	}
	return nil
}
