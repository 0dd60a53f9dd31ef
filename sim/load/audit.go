package load

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Audit follows every chat message the actors send to the party that
// should receive it. A message's key is its text, which is unique per run.
type Audit struct {
	mu      sync.Mutex
	msgs    map[string]*sentMsg
	ords    map[string]int64 // stream -> last ordinal sent
	last    map[string]int64 // stream and receiver -> highest ordinal received live
	dups    int64
	ooo     int64
	foreign int64
}

type sentMsg struct {
	stream    string
	ord       int64
	at        time.Time // sent, or intended (CO correction)
	answer    answer
	delivered int
	by        []string // receivers so far (one, or a few after a re-queue)
}

type answer uint8

const (
	unanswered answer = iota
	acked
	refused
)

// NewAudit returns an empty audit.
func NewAudit() *Audit {
	return &Audit{msgs: map[string]*sentMsg{}, ords: map[string]int64{}, last: map[string]int64{}}
}

// Sent records a message as it is written to the socket; stream is the
// chat and direction, so ordinals follow the order on the wire.
func (a *Audit) Sent(key, stream string, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.msgs[key]; ok {
		return // a resend of the same message
	}
	a.ords[stream]++
	a.msgs[key] = &sentMsg{stream: stream, ord: a.ords[stream], at: at}
}

// Answered records the server's answer to the frame that carried key.
func (a *Audit) Answered(key string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.msgs[key]
	if m == nil || m.answer != unanswered {
		return
	}
	if ok {
		m.answer = acked
	} else {
		m.answer = refused
	}
}

// Delivered records that receiver (a customer, or one agent) got key:
// live as a message frame, or not live inside a history (hello,
// assigned), which is a snapshot and never a duplicate. A chat re-queued
// to another agent has two receivers on the agent side; each must get a
// message at most once live, in order. It returns the delivery latency of
// the message's first live delivery, else false.
func (a *Audit) Delivered(key, receiver string, live bool, at time.Time) (time.Duration, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.msgs[key]
	if m == nil {
		a.foreign++
		return 0, false
	}
	first := m.delivered == 0
	if slices.Contains(m.by, receiver) {
		if live {
			a.dups++
		}
		return 0, false
	}
	m.by = append(m.by, receiver)
	m.delivered++
	if !live {
		return 0, false
	}
	lane := m.stream + "|" + receiver
	if m.ord < a.last[lane] {
		a.ooo++
	} else {
		a.last[lane] = m.ord
	}
	if !first {
		return 0, false
	}
	return at.Sub(m.at), true
}

// Messages is the audit's account of every message sent.
type Messages struct {
	Sent        int64 `json:"sent"`
	Delivered   int64 `json:"delivered"`
	Lost        int64 `json:"lost"`
	Duplicated  int64 `json:"duplicated"`
	OutOfOrder  int64 `json:"out_of_order"`
	Refused     int64 `json:"refused"`     // answered with an error (e.g. the chat had ended): not expected to arrive
	Unconfirmed int64 `json:"unconfirmed"` // no answer when the server shut down: it may never have had them
}

// Result counts the messages. Without a shutdown a message that was never
// answered and never delivered is lost; after a shutdown it is
// unconfirmed, since the server may have closed before reading it.
func (a *Audit) Result(shutdown bool) Messages {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := Messages{Sent: int64(len(a.msgs)), Duplicated: a.dups, OutOfOrder: a.ooo}
	for _, m := range a.msgs {
		switch {
		case m.delivered > 0:
			r.Delivered++
		case m.answer == refused:
			r.Refused++
		case m.answer == unanswered && shutdown:
			r.Unconfirmed++
		default:
			r.Lost++
		}
	}
	return r
}

// Outstanding counts messages still on their way: accepted (or not yet
// answered) and not delivered to anyone.
func (a *Audit) Outstanding() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, m := range a.msgs {
		if m.delivered == 0 && m.answer != refused {
			n++
		}
	}
	return n
}

// Lost lists up to n lost messages with what became of them, for people
// chasing one.
func (a *Audit) Lost(n int, shutdown bool) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for k, m := range a.msgs {
		if len(out) >= n {
			break
		}
		if m.delivered == 0 && m.answer != refused && (m.answer == acked || !shutdown) {
			state := "accepted (ack)"
			if m.answer == unanswered {
				state = "never answered"
			}
			out = append(out, fmt.Sprintf("%q in %s: %s, not delivered (sent %s)", k, m.stream, state, m.at.Format("15:04:05.000")))
		}
	}
	slices.Sort(out)
	return out
}

// SentAt is when key was sent (zero if unknown).
func (a *Audit) SentAt(key string) time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := a.msgs[key]; m != nil {
		return m.at
	}
	return time.Time{}
}
