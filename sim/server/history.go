package server

import (
	"fmt"
	"net/http"
	"strconv"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// Snapshots of a chat (a hello, an assigned frame, GET /api/conversations)
// carry one page of its history: the newest messages within
// Limits.HistoryBytes, and "more": true when older ones were left out.
// The history frame and ?before= read the older pages. So what one frame
// or answer holds is bounded, however long the chat.

// messageOverhead is about what a message's JSON adds to its text.
const messageOverhead = 96

// pagedConv is a chat view whose messages are one page.
type pagedConv struct {
	wb.ConvView
	More bool `json:"more,omitempty"`
}

// page returns the newest of msgs within Limits.HistoryBytes (the newest
// one at least) and whether older ones were left out.
func (s *Server) page(msgs []wb.Message) ([]wb.Message, bool) {
	size := 0
	for i := len(msgs) - 1; i >= 0; i-- {
		size += len(msgs[i].Text) + messageOverhead
		if size > s.limits.HistoryBytes && i < len(msgs)-1 {
			return msgs[i+1:], true
		}
	}
	return msgs, false
}

func (s *Server) pagedView(v wb.ConvView) pagedConv {
	var more bool
	v.Messages, more = s.page(v.Messages)
	return pagedConv{v, more}
}

// before keeps the messages older than msg_seq n (n <= 0: all).
func olderThan(msgs []wb.Message, n int) []wb.Message {
	if n <= 0 {
		return msgs
	}
	for i, m := range msgs {
		if m.Seq >= n {
			return msgs[:i]
		}
	}
	return msgs
}

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
	msgs, more := s.page(olderThan(v.Messages, f.Before))
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
	return s.pagedView(v), nil
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
		out[i] = s.pagedView(v)
	}
	return out, nil
}
