package server

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"

	wb "routecheck/sim/workbench"
)

// intent is one thing to deliver, decided under mu and done under dmu.
type intent struct {
	conv     string // a chat frame: numbered in that chat and kept for resume
	customer bool   // for the chat's customer sockets
	agent    string // for this agent's sockets
	frame    map[string]any
	do       func() // instead of a frame: run under dmu (registration, release)
}

// chatState is the server's per-chat bookkeeping under mu.
type chatState struct {
	messages, text int    // stored in the chat, every sender (Limits)
	lastCustomer   string // newest customer message, for notifications
	customerName   string
	key            string // proves an anonymous customer's resume
}

type endedChat struct {
	conv string
	at   time.Time
}

// chatLog is a chat's numbered frames under dmu: cseq counts every frame of
// the chat; frames holds the newest Limits.ChatFrames for resume.
type chatLog struct {
	cseq   int64
	frames []logged
	bytes  int // of frames' data (Limits.ChatLogBytes)
}

type logged struct {
	cseq     int64
	customer bool
	agent    string
	data     []byte
}

func (l *chatLog) oldest() int64 {
	if len(l.frames) == 0 {
		return l.cseq + 1
	}
	return l.frames[0].cseq
}

func (s *Server) chat(id string) *chatState {
	st := s.chats[id]
	if st == nil {
		st = &chatState{}
		s.chats[id] = st
	}
	return st
}

func (s *Server) toChat(conv string, customer bool, agent string, f map[string]any) {
	s.out = append(s.out, intent{conv: conv, customer: customer, agent: agent, frame: f})
}

func (s *Server) toAgent(login string, f map[string]any) {
	s.out = append(s.out, intent{agent: login, frame: f})
}

// later runs f under dmu after the frames of everything before it.
func (s *Server) later(f func()) {
	s.collect()
	s.out = append(s.out, intent{do: f})
}

// chatFrame queues a frame of the server's own (not from an event) in
// order after the events so far.
func (s *Server) chatFrame(conv string, customer bool, agent string, f map[string]any) {
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
				s.toChat(e.Conv, false, e.Agent, map[string]any{"type": "assigned", "conv": s.pagedView(v)})
			}
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateAssigned, e.Agent, e.Reason))
			if s.custGrace[e.Conv] != nil {
				s.toChat(e.Conv, false, e.Agent, linkFrame(e.Conv, "down"))
			}
		case wb.EvRequeued:
			delete(s.convAgent, e.Conv)
			s.toChat(e.Conv, false, e.Agent, map[string]any{"type": "requeued", "conv": e.Conv, "reason": e.Reason})
			s.toChat(e.Conv, true, "", stateFrame(e.Conv, wb.StateQueued, "", e.Reason))
		case wb.EvEnded, wb.EvAbandoned:
			delete(s.convAgent, e.Conv)
			if e.Agent != "" {
				s.toChat(e.Conv, false, e.Agent, map[string]any{"type": "ended", "conv": e.Conv, "reason": e.Reason})
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
			s.toChat(e.Conv, true, "", map[string]any{"type": "rated", "conv": e.Conv, "rating": e.Rating})
		case wb.EvNotification:
			s.toChat(e.Conv, false, e.Agent, map[string]any{"type": "notification", "kind": e.Reason, "conv": e.Conv,
				"desktop": e.Desktop, "sound": e.Sound, "text": s.notificationText(e)})
		case wb.EvAgentStatus, wb.EvTenantSwitched, wb.EvCapacitySet:
			if v, err := s.core.Account(e.Agent); err == nil {
				s.toAgent(e.Agent, map[string]any{"type": "status", "agent": v})
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

func linkFrame(conv, state string) map[string]any {
	return map[string]any{"type": "customer_link", "conv": conv, "state": state}
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
		delete(s.ids, "c:"+e.conv)
		conv := e.conv
		s.later(func() {
			delete(s.logs, conv)
			for c := range s.custReg[conv] {
				c.kill(1000, "chat ended and released")
			}
			delete(s.custReg, conv)
		})
	}
}

// deliver runs under dmu, in the order the intents were collected.
func (s *Server) deliver(out []intent) {
	for _, in := range out {
		switch {
		case in.do != nil:
			in.do()
		case plantOn && plantChat(s, in): // the audit's mutation test only (plant_on.go)
		case in.conv != "":
			l := s.logs[in.conv]
			if l == nil {
				l = &chatLog{}
				s.logs[in.conv] = l
			}
			l.cseq++
			in.frame["cseq"] = l.cseq
			data := encode(in.frame)
			// Bounded in frames and in bytes: a resume from before the
			// oldest kept frame gets a snapshot.
			drop := 0
			for drop < len(l.frames) && (len(l.frames)-drop >= s.limits.ChatFrames || l.bytes+len(data) > s.limits.ChatLogBytes) {
				l.bytes -= len(l.frames[drop].data)
				drop++
			}
			if drop > 0 {
				n := copy(l.frames, l.frames[drop:])
				clear(l.frames[n:])
				l.frames = l.frames[:n]
			}
			l.frames = append(l.frames, logged{l.cseq, in.customer, in.agent, data})
			l.bytes += len(data)
			if in.customer {
				for c := range s.custReg[in.conv] {
					c.sendChat(in.conv, l.cseq, data)
				}
			}
			if in.agent != "" {
				for c := range s.agReg[in.agent] {
					c.sendChat(in.conv, l.cseq, data)
				}
			}
		default:
			data := encode(in.frame)
			for c := range s.agReg[in.agent] {
				c.push(data)
			}
		}
	}
}

// replay queues the frames of conv after cseq that are for this party. It
// reports false when frames after cseq were already dropped (the caller
// then sends a snapshot instead).
func (s *Server) replay(c *conn, conv string, after int64, customer bool, agent string) bool {
	l := s.logs[conv]
	if l == nil {
		return after == 0
	}
	if after+1 < l.oldest() {
		return false
	}
	for _, f := range l.frames {
		if f.cseq > after && ((customer && f.customer) || (agent != "" && f.agent == agent)) {
			if plantOn && plantReplay(f, customer) { // the audit's mutation test only
				continue
			}
			c.sendChat(conv, f.cseq, f.data)
		}
	}
	c.seen(conv, l.cseq)
	return true
}

func (s *Server) cseq(conv string) int64 {
	if l := s.logs[conv]; l != nil {
		return l.cseq
	}
	return 0
}

// encode writes a frame as docs/protocol.md says: JSON without HTML
// escaping, once per frame whoever receives it. A frame (a map) is written
// by appendFrame, byte for byte what encoding/json writes, without its
// reflection and key sorting machinery on the chat traffic's flat frames.
func encode(v any) []byte {
	if m, ok := v.(map[string]any); ok {
		if b, ok := appendFrame(make([]byte, 0, 256), m); ok {
			return b
		}
	}
	return encodeJSON(v)
}

func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"type":"error","code":"internal","message":"frame could not be encoded"}`)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func messageFrame(e wb.Event) map[string]any {
	f := map[string]any{"type": "message", "conv": e.Conv, "msg_seq": e.MsgSeq, "sender": e.Sender,
		"text": e.Text, "at": e.At.Format(time.RFC3339Nano)}
	if e.Sender == wb.SenderAgent {
		f["agent"] = e.Agent
	}
	return f
}

func stateFrame(conv string, st wb.ConvState, agent, reason string) map[string]any {
	f := map[string]any{"type": "state", "conv": conv, "state": st}
	if agent != "" {
		f["agent"] = agent
	}
	if reason != "" {
		f["reason"] = reason
	}
	return f
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
