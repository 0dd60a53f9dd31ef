package server

import (
	"time"

	wb "routecheck/sim/workbench"
)

// flush turns the events of the last locked section into frames, in event
// order. Every customer message reaches the chat's agent exactly once: a
// conn remembers the highest msg_seq it has sent per chat, and a chat
// handed over (assigned, hello) carries its history up to then.
func (s *Server) flush() {
	evs := s.pending
	s.pending = nil
	for _, e := range evs {
		switch e.Type {
		case wb.EvMessage:
			m := messageFrame(e)
			for c := range s.custConns[e.Conv] {
				c.sendMessage(e.Conv, e.MsgSeq, m)
			}
			for c := range s.agentConns[s.convAgent[e.Conv]] {
				c.sendMessage(e.Conv, e.MsgSeq, m)
			}
		case wb.EvQueued:
			s.toCustomer(e.Conv, stateFrame(e.Conv, wb.StateQueued, "", ""))
		case wb.EvUnserved:
			s.toCustomer(e.Conv, stateFrame(e.Conv, wb.StateBot, "", e.Reason))
		case wb.EvAssigned:
			s.convAgent[e.Conv] = e.Agent
			if v, err := s.core.Conversation(e.Conv); err == nil {
				for c := range s.agentConns[e.Agent] {
					c.handOver(v)
					c.push(map[string]any{"type": "assigned", "conv": v})
				}
			}
			s.toCustomer(e.Conv, stateFrame(e.Conv, wb.StateAssigned, e.Agent, e.Reason))
		case wb.EvRequeued:
			delete(s.convAgent, e.Conv)
			s.toAgent(e.Agent, map[string]any{"type": "requeued", "conv": e.Conv, "reason": e.Reason})
			s.toCustomer(e.Conv, stateFrame(e.Conv, wb.StateQueued, "", e.Reason))
		case wb.EvEnded, wb.EvAbandoned:
			delete(s.convAgent, e.Conv)
			if e.Agent != "" {
				s.toAgent(e.Agent, map[string]any{"type": "ended", "conv": e.Conv, "reason": e.Reason})
			}
			reason := e.Reason
			if reason == "" {
				reason = wb.ReasonCustomerLeft
			}
			s.toCustomer(e.Conv, stateFrame(e.Conv, wb.StateEnded, "", reason))
		case wb.EvRated:
			s.toCustomer(e.Conv, map[string]any{"type": "rated", "conv": e.Conv, "rating": e.Rating})
		case wb.EvNotification:
			s.toAgent(e.Agent, map[string]any{"type": "notification", "kind": e.Reason, "conv": e.Conv,
				"desktop": e.Desktop, "sound": e.Sound, "text": s.notificationText(e)})
		case wb.EvAgentStatus, wb.EvTenantSwitched, wb.EvCapacitySet:
			if v, err := s.core.Account(e.Agent); err == nil {
				s.toAgent(e.Agent, map[string]any{"type": "status", "agent": v})
			}
		}
	}
}

func (s *Server) toAgent(login string, f map[string]any) {
	for c := range s.agentConns[login] {
		c.push(clone(f))
	}
}

func (s *Server) toCustomer(conv string, f map[string]any) {
	for c := range s.custConns[conv] {
		c.push(clone(f))
	}
}

// clone gives each conn its own frame: push writes the conn's seq into it.
func clone(f map[string]any) map[string]any {
	out := make(map[string]any, len(f)+1)
	for k, v := range f {
		out[k] = v
	}
	return out
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

// notificationText is what a desktop notification says (R-NTF-1).
func (s *Server) notificationText(e wb.Event) string {
	v, err := s.core.Conversation(e.Conv)
	if err != nil {
		return ""
	}
	who := v.CustomerName
	switch e.Reason {
	case wb.NotifyUserOnline:
		return "新用户上线: " + who
	case wb.NotifyUserOffline:
		return "用户下线: " + who
	}
	for i := len(v.Messages) - 1; i >= 0; i-- {
		if v.Messages[i].Sender == wb.SenderCustomer {
			return who + ": " + v.Messages[i].Text
		}
	}
	return "新消息: " + who
}

// sendMessage pushes a chat message unless this conn already has it.
func (c *conn) sendMessage(conv string, msgSeq int, f map[string]any) {
	if msgSeq <= c.sent[conv] {
		return
	}
	c.sent[conv] = msgSeq
	c.push(clone(f))
}

// handOver records that a chat's history up to now is in a frame.
func (c *conn) handOver(v wb.ConvView) {
	if n := len(v.Messages); n > 0 && v.Messages[n-1].Seq > c.sent[v.ID] {
		c.sent[v.ID] = v.Messages[n-1].Seq
	}
}
