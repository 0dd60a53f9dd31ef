package server

import (
	"time"
	"unicode/utf8"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// A section of the first lock (mu) ends in unlock: what the core did in it
// becomes intents, handed to delivery in order (doc.go).

// guard runs a timer's work under the lock: the core's (R-IDLE-1 timers
// fire on their own goroutine on the real clock) and the sessions'.
func (s *Server) guard(f func()) {
	s.mu.Lock()
	defer s.unlock()
	if s.closed {
		return
	}
	f()
}

// unlock ends a section of mu: it turns the section's events into frames
// and hands them over to delivery, which sends them with mu already free.
func (s *Server) unlock() {
	s.collect()
	s.releaseEnded()
	out := s.out
	s.out = nil
	s.dl.handOver(&s.mu, out)
}

func (s *Server) chat(id string) *chatState {
	st := s.chats[id]
	if st == nil {
		st = &chatState{}
		s.chats[id] = st
	}
	return st
}

func (s *Server) toChat(conv string, customer bool, agent string, f wire.ChatFrame) {
	s.out = append(s.out, intent{conv: conv, customer: customer, agent: agent, chat: f})
}

func (s *Server) toAgent(login string, f any) {
	s.out = append(s.out, intent{agent: login, frame: f})
}

// later runs f under delivery's lock after the frames of everything before
// it (the first lock is then free).
func (s *Server) later(f func(d *delivery)) {
	s.collect()
	s.out = append(s.out, intent{do: f})
}

// chatFrame queues a frame of the server's own (not from an event) in
// order after the events so far.
func (s *Server) chatFrame(conv string, customer bool, agent string, f wire.ChatFrame) {
	s.collect()
	s.toChat(conv, customer, agent, f)
}

// collect turns the events so far into intents (under mu). Views of the
// core are copied here, once; nothing is encoded.
func (s *Server) collect() {
	evs := s.pending
	s.pending = nil
	var over []string
	for i, e := range evs {
		switch e.Type {
		case wb.EvEntered:
			if c, err := s.core.Customer(e.Customer); err == nil {
				s.chat(e.Conv).customerName = c.Name
			}
		case wb.EvMessage:
			st := s.chat(e.Conv)
			if e.Sender == wb.SenderCustomer {
				st.lastCustomer = e.Text
			}
			// Every stored message counts, whoever wrote it: the limits
			// bound what the chat holds, not what one frame type adds.
			st.messages++
			st.text += utf8.RuneCountInString(e.Text)
			if st.messages == 2*s.limits.ChatMessages || (st.text >= 2*s.limits.ChatText && st.text-utf8.RuneCountInString(e.Text) < 2*s.limits.ChatText) {
				over = append(over, e.Conv)
			}
			s.toChat(e.Conv, true, s.convAgent[e.Conv], messageFrame(e))
		case wb.EvQueued:
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateQueued, "", ""))
		case wb.EvUnserved:
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateBot, "", e.Reason))
		case wb.EvAssigned:
			s.convAgent[e.Conv] = e.Agent
			if v, err := s.core.Conversation(e.Conv); err == nil {
				v.Messages = before(v.Messages, e.Conv, evs[i+1:])
				s.toChat(e.Conv, false, e.Agent, wire.Assigned{Type: wire.TypeAssigned, Conv: s.limits.pagedView(v)})
			}
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateAssigned, e.Agent, e.Reason))
			if s.custGrace[e.Conv] != nil {
				s.toChat(e.Conv, false, e.Agent, linkFrame(e.Conv, "down"))
			}
		case wb.EvRequeued:
			delete(s.convAgent, e.Conv)
			s.toChat(e.Conv, false, e.Agent, wire.Requeued{Type: wire.TypeRequeued, Conv: e.Conv, Reason: e.Reason})
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateQueued, "", e.Reason))
		case wb.EvEnded, wb.EvAbandoned:
			delete(s.convAgent, e.Conv)
			if e.Agent != "" {
				s.toChat(e.Conv, false, e.Agent, wire.Requeued{Type: wire.TypeEnded, Conv: e.Conv, Reason: e.Reason})
			}
			reason := e.Reason
			if reason == "" {
				reason = wb.ReasonCustomerLeft
			}
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateEnded, "", reason))
			if t := s.custGrace[e.Conv]; t != nil {
				t.Stop()
				delete(s.custGrace, e.Conv)
			}
			s.ended = append(s.ended, endedChat{e.Conv, e.At})
		case wb.EvRated:
			s.toChat(e.Conv, true, "", wire.Rated{Type: wire.TypeRated, Conv: e.Conv, Rating: string(e.Rating)})
		case wb.EvNotification:
			s.toChat(e.Conv, false, e.Agent, wire.Notification{Type: wire.TypeNotification, Kind: e.Reason, Conv: e.Conv,
				Desktop: e.Desktop, Sound: e.Sound, Text: s.notificationText(e)})
		case wb.EvAgentStatus, wb.EvTenantSwitched, wb.EvCapacitySet:
			if v, err := s.core.Account(e.Agent); err == nil {
				s.toAgent(e.Agent, wire.Status{Type: wire.TypeStatus, Agent: v})
			}
		}
	}
	// Only the workbench's own messages (welcome on each re-assignment,
	// closing) get a chat past its limits; at twice them it ends, so no
	// chat grows without bound (Limits.ChatMessages).
	for _, id := range over {
		_ = s.core.CustomerLeave(id)
	}
	if len(s.pending) > 0 {
		s.collect()
	}
}

// before leaves out of an assigned frame's history the messages whose own
// frames follow it (the welcome sent on assignment): the view is read after
// the whole command, and each message must reach the agent exactly once.
func before(msgs []wb.Message, conv string, later []wb.Event) []wb.Message {
	after := map[int]bool{}
	for _, e := range later {
		if e.Type == wb.EvMessage && e.Conv == conv {
			after[e.MsgSeq] = true
		}
	}
	if len(after) == 0 {
		return msgs
	}
	out := make([]wb.Message, 0, len(msgs))
	for _, m := range msgs {
		if !after[m.Seq] {
			out = append(out, m)
		}
	}
	return out
}

func linkFrame(conv, state string) wire.ChatFrame {
	return wire.CustomerLink{Type: wire.TypeCustomerLink, Conv: conv, State: state}
}

// releaseEnded forgets ended chats beyond Limits.EndedChats or older than
// Limits.EndedFor, in the core and here, so memory follows open chats.
func (s *Server) releaseEnded() {
	s.collect()
	now := s.clock.Now()
	for len(s.ended) > 0 {
		e := s.ended[0]
		if len(s.ended) <= s.limits.EndedChats && now.Sub(e.at) < s.limits.EndedFor {
			return
		}
		s.ended[0] = endedChat{}
		s.ended = s.ended[1:]
		if len(s.ended) == 0 {
			s.ended = nil // let the backing array go
		}
		_ = s.core.Release(e.conv)
		delete(s.chats, e.conv)
		s.ids.forget("c:" + e.conv)
		conv := e.conv
		s.later(func(d *delivery) { d.release(conv) })
	}
}

func messageFrame(e wb.Event) wire.Message {
	f := wire.Message{Type: wire.TypeMessage, Conv: e.Conv, MsgSeq: e.MsgSeq, Sender: string(e.Sender),
		Text: e.Text, At: e.At.Format(time.RFC3339Nano)}
	if e.Sender == wb.SenderAgent {
		f.Agent = e.Agent
	}
	return f
}

func stateFrame(conv string, st wb.ConvState, agent, reason string) wire.State {
	return wire.State{Type: wire.TypeState, Conv: conv, State: string(st), Agent: agent, Reason: reason}
}

// notificationText is what a desktop notification says (R-NTF-1), from
// what the server already tracks: no copy of the chat.
func (s *Server) notificationText(e wb.Event) string {
	st := s.chat(e.Conv)
	who := st.customerName
	switch e.Reason {
	case wb.NotifyUserOnline:
		return "新用户上线: " + who
	case wb.NotifyUserOffline:
		return "用户下线: " + who
	}
	if st.lastCustomer != "" {
		return who + ": " + st.lastCustomer
	}
	return "新消息: " + who
}
