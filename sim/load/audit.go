package load

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Audit follows every chat message the actors send to the party that
// should receive it. A message's key is its text, which is unique per run;
// it knows the chat it was written in, so a delivery into another chat is
// seen whatever the frame claims (D-LOAD-5). It judges from what the actors
// recorded only, never from the workbench's code or state.
type Audit struct {
	mu      sync.Mutex
	msgs    map[string]*sentMsg
	ords    map[stream]int64 // last ordinal sent
	last    map[lane]int64   // highest ordinal received live
	dups    int64
	ooo     int64
	foreign int64
	misdel  int64
	refused map[string]int64 // expected refusals by code (D-LOAD-6)
	badRef  int64            // refusals no rule expects
	again   int64            // sends after a limit refusal
	samples map[string][]string
	holder  map[string]string         // chat -> the agent its customer was last told holds it
	ended   map[string]time.Time      // chat -> when its customer saw it end or left
	away    map[string][]awayInterval // agent login -> its times without a socket
	known   map[string]bool           // chats some agent got a frame of
}

// awayInterval is a time an agent had no socket the network let through:
// from its socket's end to its next handshake that reached the workbench
// (open while to is zero).
type awayInterval struct{ from, to time.Time }

type sentMsg struct {
	stream    stream
	conv      string
	sender    string
	ord       int64
	at        time.Time // sent, or intended (CO correction): latency counts from it
	wire      time.Time // last written to a socket; zero: never on the wire
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

// sampleMax bounds each list of examples kept for people.
const sampleMax = 20

// NewAudit returns an empty audit.
func NewAudit() *Audit {
	return &Audit{msgs: map[string]*sentMsg{}, ords: map[stream]int64{}, last: map[lane]int64{},
		refused: map[string]int64{}, samples: map[string][]string{}, holder: map[string]string{},
		ended: map[string]time.Time{}, away: map[string][]awayInterval{}, known: map[string]bool{}}
}

// Holder records the agent a chat's customer was told holds it, so a lost
// message names who should have had it.
func (a *Audit) Holder(conv, agent string) {
	a.mu.Lock()
	a.holder[conv] = agent
	a.mu.Unlock()
}

// ChatEnded records when a chat ended for its customer (its ended state,
// or the customer leaving), the first time only.
func (a *Audit) ChatEnded(conv string, at time.Time) {
	a.mu.Lock()
	if _, ok := a.ended[conv]; !ok {
		a.ended[conv] = at
	}
	a.mu.Unlock()
}

// AgentKnows records that an agent got a frame of the chat (its assigned
// frame, a hello listing it, a live frame): from then on the workbench
// owes it the chat's messages, by resume if it was away.
func (a *Audit) AgentKnows(conv string) {
	a.mu.Lock()
	a.known[conv] = true
	a.mu.Unlock()
}

// AgentAway records that an agent's socket ended at t; AgentBack that a
// handshake of it reached the workbench at t (answered, even refused:
// the workbench had it back). D-LOAD-11.
func (a *Audit) AgentAway(agent string, t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	iv := a.away[agent]
	if n := len(iv); n > 0 && iv[n-1].to.IsZero() {
		return // away already
	}
	a.away[agent] = append(iv, awayInterval{from: t})
}

func (a *Audit) AgentBack(agent string, t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if iv := a.away[agent]; len(iv) > 0 && iv[len(iv)-1].to.IsZero() {
		iv[len(iv)-1].to = t
	}
}

// unreached reports whether m, a customer's message, could reach nobody:
// the chat was handed to an agent while it had no socket, and it had none
// from before m was sent until after the chat ended, so it never got a
// frame of the chat. Not the workbench's loss: it keeps the message in
// the chat, and the agent came back (if at all) to a chat that was over;
// a chat the agent knew is owed to it by resume, and stays judged
// (D-LOAD-11).
func (a *Audit) unreached(m *sentMsg) bool {
	if !m.stream.toAgent || m.answer != acked || a.known[m.conv] {
		return false
	}
	h, end := a.holder[m.conv], a.ended[m.conv]
	if h == "" || end.IsZero() {
		return false
	}
	for _, iv := range a.away[h] {
		if !iv.from.After(m.at) && (iv.to.IsZero() || iv.to.After(end)) {
			return true
		}
	}
	return false
}

// stream is a chat and a direction: toAgent for a customer's messages.
// Ordinals count per stream.
type stream struct {
	conv    string
	toAgent bool
}

// lane is a stream as one receiver gets it: its messages must arrive in
// their order.
type lane struct {
	stream
	receiver string
}

// Sent records a message as it is handed to the socket: written in chat
// conv by sender. Ordinals follow the order on the wire per stream; a
// resend of the same message keeps its place.
func (a *Audit) Sent(key, conv, sender string, toAgent bool, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.msgs[key]; ok {
		return
	}
	s := stream{conv, toAgent}
	a.ords[s]++
	a.msgs[key] = &sentMsg{stream: s, conv: conv, sender: sender, ord: a.ords[s], at: at}
}

// Written records that the frame carrying key went onto a socket now.
func (a *Audit) Written(key string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := a.msgs[key]; m != nil {
		m.wire = now
	}
}

// Again records a message that goes out again after a `limit`: it is a
// new send, after the ones that went out meanwhile, and waits for a new
// answer. resent says it was on the wire before (a message that only
// waited behind a limit takes its new place without counting as resent).
func (a *Audit) Again(key string, resent bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := a.msgs[key]; m != nil {
		a.ords[m.stream]++
		m.ord = a.ords[m.stream]
		m.answer = unanswered
		if resent {
			a.again++
		}
	}
}

// Acked records the workbench's ack of the frame that carried key.
func (a *Audit) Acked(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := a.msgs[key]; m != nil && m.answer == unanswered {
		m.answer = acked
	}
}

// Refused records an error answer with its code; expected says whether a
// documented rule explains it (the sender no longer held the chat, D-LOAD-6).
// Any other refusal fails the run.
func (a *Audit) Refused(key, code string, expected bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.msgs[key]
	if m == nil || m.answer != unanswered {
		return
	}
	m.answer = refused
	if expected {
		a.refused[code]++
		return
	}
	a.badRef++
	a.sample("refused", fmt.Sprintf("%q in chat %s from %s: error %q", key, m.conv, m.sender, code))
}

// Delivered records that receiver got key in a frame of chat conv: live as
// a message frame, or not live inside a history (hello, assigned), which is
// a snapshot and never a duplicate. The receiver has already checked that
// it may see conv (misdelivered otherwise); here the message itself must
// belong to conv. A chat re-queued to another agent has two receivers on
// the agent side; each must get a message at most once live, in order. It
// returns the delivery latency of the message's first live delivery.
func (a *Audit) Delivered(key, receiver, conv string, live bool, at time.Time) (time.Duration, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.msgs[key]
	if m == nil {
		a.foreign++
		a.sample("foreign", fmt.Sprintf("%q reached %s in chat %s: nobody sent it", key, receiver, conv))
		return 0, false
	}
	if m.conv != conv {
		a.misdelivered(key, m, receiver, conv)
		return 0, false
	}
	firstLive := m.delivered == 0
	if slices.Contains(m.by, receiver) {
		if live {
			a.dups++
			a.sample("duplicated", fmt.Sprintf("%q in chat %s reached %s again", key, m.conv, receiver))
		}
		return 0, false
	}
	m.by = append(m.by, receiver)
	m.delivered++
	if !live {
		return 0, false
	}
	l := lane{m.stream, receiver}
	if m.ord < a.last[l] {
		a.ooo++
		a.sample("out_of_order", fmt.Sprintf("%q in chat %s reached %s after a later message", key, m.conv, receiver))
	} else {
		a.last[l] = m.ord
	}
	if !firstLive {
		return 0, false
	}
	return at.Sub(m.at), true
}

// Echoed checks a sender's own message coming back to it (its echo, or
// its history): it must be one of the run's, in the chat it was written in.
func (a *Audit) Echoed(key, receiver, conv string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.msgs[key]
	switch {
	case m == nil:
		a.foreign++
		a.sample("foreign", fmt.Sprintf("%q reached %s in chat %s: nobody sent it", key, receiver, conv))
	case m.conv != conv:
		a.misdelivered(key, m, receiver, conv)
	}
}

// Misdelivered records that receiver got key in chat conv, a chat it may
// not see (another customer's, or one the agent does not hold).
func (a *Audit) Misdelivered(key, receiver, conv string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.msgs[key]
	if m == nil {
		a.foreign++
		a.sample("foreign", fmt.Sprintf("%q reached %s in chat %s: nobody sent it", key, receiver, conv))
		return
	}
	a.misdelivered(key, m, receiver, conv)
}

func (a *Audit) misdelivered(key string, m *sentMsg, receiver, conv string) {
	a.misdel++
	a.sample("misdelivered", fmt.Sprintf("%q of chat %s from %s reached %s (frame of chat %s)", key, m.conv, m.sender, receiver, conv))
}

// sample keeps a few examples per kind (under mu).
func (a *Audit) sample(kind, s string) {
	if len(a.samples[kind]) < sampleMax {
		a.samples[kind] = append(a.samples[kind], s)
	}
}

// Messages is the audit's account of every message sent.
type Messages struct {
	Sent       int64 `json:"sent"`
	Delivered  int64 `json:"delivered"`
	Lost       int64 `json:"lost"`
	Duplicated int64 `json:"duplicated"`
	OutOfOrder int64 `json:"out_of_order"`
	// Misdelivered: received by a party that may not see the chat, or in a
	// frame of another chat (D-LOAD-5). Foreign: texts in the run's format
	// that no actor sent.
	Misdelivered int64 `json:"misdelivered"`
	Foreign      int64 `json:"foreign"`
	// Refused: answered with an error a documented rule expects (the chat
	// had ended or was taken away), by code in RefusedBy (D-LOAD-6).
	// RefusedUnexpected: any other error answer; each fails the run.
	Refused           int64            `json:"refused"`
	ResentAfterLimit  int64            `json:"resent_after_limit"` // sends again after a `limit` refusal
	RefusedBy         map[string]int64 `json:"refused_by_code"`
	RefusedUnexpected int64            `json:"refused_unexpected"`
	// Unconfirmed: never answered, and last written within the window
	// before the shutdown or the end (or never written at all): the
	// workbench may never have read them (D-LOAD-7). Older unanswered
	// messages are lost.
	Unconfirmed int64 `json:"unconfirmed"`
	// Unreached: accepted, but the agent holding the chat had no socket
	// from before the message until after the chat ended (its handshakes
	// cut by the network, never refused by the workbench): nobody could
	// read it live, and the workbench keeps it in the chat (D-LOAD-11).
	Unreached int64   `json:"unreached"`
	WindowS   float64 `json:"unconfirmed_window_s"`
}

// Result counts the messages. cutoff is when the sockets stopped (the
// shutdown, or the end of the drain); window is D-LOAD-7's.
func (a *Audit) Result(cutoff time.Time, window time.Duration) Messages {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := Messages{Sent: int64(len(a.msgs)), Duplicated: a.dups, OutOfOrder: a.ooo, Misdelivered: a.misdel,
		Foreign: a.foreign, RefusedUnexpected: a.badRef, ResentAfterLimit: a.again, RefusedBy: map[string]int64{}, WindowS: window.Seconds()}
	for code, n := range a.refused {
		r.RefusedBy[code] = n
		r.Refused += n
	}
	for _, m := range a.msgs {
		switch {
		case m.delivered > 0:
			r.Delivered++
		case m.answer == refused:
		case a.unconfirmed(m, cutoff, window):
			r.Unconfirmed++
		case a.unreached(m):
			r.Unreached++
		default:
			r.Lost++
		}
	}
	return r
}

func (a *Audit) unconfirmed(m *sentMsg, cutoff time.Time, window time.Duration) bool {
	return m.answer == unanswered && (m.wire.IsZero() || !m.wire.Before(cutoff.Add(-window)))
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

// Oldest is the send time of the oldest message still on its way (zero if
// none): a stalled second shows its age, not an empty interval.
func (a *Audit) Oldest() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	var old time.Time
	for _, m := range a.msgs {
		if m.delivered == 0 && m.answer != refused && (old.IsZero() || m.at.Before(old)) {
			old = m.at
		}
	}
	return old
}

// Lost lists up to n lost messages with what became of them, for people
// chasing one.
func (a *Audit) Lost(n int, cutoff time.Time, window time.Duration) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for k, m := range a.msgs {
		if m.delivered > 0 || m.answer == refused || a.unconfirmed(m, cutoff, window) || a.unreached(m) {
			continue
		}
		state := "accepted (ack)"
		if m.answer == unanswered {
			state = "never answered"
		}
		to := ""
		if h := a.holder[m.conv]; h != "" && m.stream.toAgent {
			to = " to " + h
		}
		out = append(out, fmt.Sprintf("%q in chat %s from %s: %s, not delivered%s (sent %s)", k, m.conv, m.sender, state, to, m.at.Format("15:04:05.000")))
	}
	slices.Sort(out)
	return out[:min(n, len(out))]
}

// Samples are a few examples of each failure kind, sorted.
func (a *Audit) Samples() map[string][]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string][]string{}
	for k, v := range a.samples {
		out[k] = slices.Sorted(slices.Values(v))
	}
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
