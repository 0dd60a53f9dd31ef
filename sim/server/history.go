package server

import (
	"fmt"
	"net/http"
	"strconv"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// The history frame and ?before= read a chat's older pages (page.go).

// historyFrame answers a history frame (under mu) with the page of the
// chat's messages before `before`: the customer's own chat, or for an
// agent a chat the agent may read (D-ACL-1).
func (s *Server) historyFrame(c *conn, agent string, f wire.ClientFrame) error {
	var v wb.ConvView
	var err error
	switch {
	case agent != "" && f.Conv == "":
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "history frame needs \"conv\""}
	case agent != "":
		v, err = s.core.ConversationFor(agent, f.Conv)
	case f.Conv != "" && f.Conv != c.conv:
		err = wb.ErrNotFound
	default:
		v, err = s.core.Conversation(c.conv)
	}
	if err != nil {
		return err
	}
	msgs, more := s.limits.page(olderThan(v.Messages, f.Before))
	frame := wire.History{Type: wire.TypeHistory, Conv: v.ID, Messages: msgs, More: more, Ref: f.Seq}
	s.later(func(*delivery) { c.push(encode(frame)) })
	return nil
}

// apiConversation is GET /api/conversations/{id}[?before=SEQ]: one page.
func (s *Server) apiConversation(r *http.Request, me string) (any, error) {
	before := 0
	if q := r.URL.Query().Get("before"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			return nil, &wb.RuleError{Err: wb.ErrInvalid, Reason: fmt.Sprintf("before must be a message seq from 1, got %q", q)}
		}
		before = n
	}
	v, err := s.core.ConversationFor(me, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	v.Messages = olderThan(v.Messages, before)
	return s.limits.pagedView(v), nil
}

// apiConversations is GET /api/conversations: the agent's open chats, a
// page each.
func (s *Server) apiConversations(r *http.Request, me string) (any, error) {
	vs, err := s.core.AgentConversations(me)
	if err != nil {
		return nil, err
	}
	out := make([]pagedConv, len(vs))
	for i, v := range vs {
		out[i] = s.limits.pagedView(v)
	}
	return out, nil
}
