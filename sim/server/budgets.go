package server

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Budgets of the first lock: what a frame or a handshake may still cost.

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
