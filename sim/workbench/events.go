package workbench

import "time"

// EventType names what happened.
type EventType string

// Event types. Every state change of the core is one of these.
const (
	EvAgentAdded      EventType = "agent_added"
	EvAgentStatus     EventType = "agent_status"
	EvTenantSwitched  EventType = "tenant_switched"
	EvCapacitySet     EventType = "capacity_set"
	EvEntered         EventType = "entered"
	EvMessage         EventType = "message"
	EvTransferRequest EventType = "transfer_requested"
	EvUnserved        EventType = "unserved" // request refused: outside hours or nobody online
	EvQueued          EventType = "queued"
	EvRequeued        EventType = "requeued" // back to the head of the queue
	EvAssigned        EventType = "assigned"
	EvFirstResponse   EventType = "first_response"
	EvIdleWarning     EventType = "idle_warning"
	EvAbandoned       EventType = "abandoned" // left before pickup
	EvEnded           EventType = "ended"
	EvRated           EventType = "rated"
	EvNotification    EventType = "notification"
	EvQuickReplies    EventType = "quick_replies"
	EvWelcomeSet      EventType = "welcome_set"
)

// Sender says who wrote a message.
type Sender string

// Senders. System messages (welcome, closing, idle warning) never count as
// an agent's response (R-KPI-1, R-WEL-1).
const (
	SenderCustomer Sender = "customer"
	SenderBot      Sender = "bot"
	SenderAgent    Sender = "agent"
	SenderSystem   Sender = "system"
)

// Event is one entry of the append-only log. Fields unused by a type are
// zero. Cmd groups the events of one command: invariants that must hold
// "at once" are checked at command boundaries.
type Event struct {
	Seq      int64     `json:"seq"`
	Cmd      int64     `json:"cmd"`
	At       time.Time `json:"at"`
	Type     EventType `json:"type"`
	Group    string    `json:"group,omitempty"`
	Conv     string    `json:"conv,omitempty"`
	Agent    string    `json:"agent,omitempty"`
	Customer string    `json:"customer,omitempty"`
	Order    string    `json:"order,omitempty"`
	Sender   Sender    `json:"sender,omitempty"`
	MsgSeq   int       `json:"msg_seq,omitempty"`
	Text     string    `json:"text,omitempty"`
	Status   Status    `json:"status,omitempty"`
	Tenant   string    `json:"tenant,omitempty"`
	Capacity int       `json:"capacity,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Rating   Rating    `json:"rating,omitempty"`
	Test     bool      `json:"test,omitempty"`
	Ref      int64     `json:"ref,omitempty"` // the event this one refers to
	Desktop  bool      `json:"desktop,omitempty"`
	Sound    bool      `json:"sound,omitempty"`
}

// Reasons carried by events.
const (
	ReasonOutsideHours = "outside_hours" // R-VEN-4
	ReasonNobodyOnline = "nobody_online"
	ReasonAgentClosed  = "agent_closed"
	ReasonCustomerLeft = "customer_left"
	ReasonIdleTimeout  = "idle_timeout" // R-IDLE-1
	ReasonAgentOffline = "agent_offline"

	NotifyNewMessage  = "new_message"  // R-NTF-1
	NotifyUserOnline  = "user_online"  // 新用户上线
	NotifyUserOffline = "user_offline" // 用户下线
)

// emit stamps and records an event and returns its sequence number (not
// the event: copying it back costs more than the callers need). Events are
// built in w.ev (conv.event) and handed to OnEventRef from there, without a
// copy; one built elsewhere is copied in first.
func (w *Workbench) emit(e *Event) int64 {
	if e != &w.ev {
		w.ev = *e
		e = &w.ev
	}
	w.seq++
	e.Seq = w.seq
	e.Cmd = w.cmd
	e.At = w.clock.Now()
	if !w.opts.DiscardLog {
		if n := w.opts.LogLimit; n > 0 && len(w.log) >= n+n/8+1 {
			// Drop the oldest eighth at once: eight copies per event, and
			// the log stays within 1/8 of its limit.
			w.log = append(make([]Event, 0, n+n/8+1), w.log[len(w.log)-n:]...)
		}
		w.log = append(w.log, *e)
	}
	// Every event, kept or not: figures people are assessed on never
	// depend on how much of the log is still in memory.
	w.stream.observe(e)
	if w.opts.OnEvent != nil {
		w.opts.OnEvent(*e)
	}
	if w.opts.OnEventRef != nil {
		w.opts.OnEventRef(e)
	}
	return e.Seq
}

// Events returns the events after seq (0 for all). The slice is a copy.
func (w *Workbench) Events(after int64) []Event {
	kept := w.kept()
	return append([]Event(nil), kept[w.index(after, len(kept)):]...)
}

// EventsShared returns at most n events after seq without copying them:
// the slice shares the log's memory and must only be read. It stays valid
// after the owner's lock is released, because events are never changed
// once emitted and dropping old ones moves the log to a new array.
func (w *Workbench) EventsShared(after int64, n int) []Event {
	kept := w.kept()
	evs := kept[w.index(after, len(kept)):]
	if len(evs) > n {
		evs = evs[:n]
	}
	return evs[:len(evs):len(evs)]
}

// kept is the part of the log within LogLimit, not copied.
func (w *Workbench) kept() []Event {
	if n := w.opts.LogLimit; n > 0 && len(w.log) > n {
		return w.log[len(w.log)-n:]
	}
	return w.log
}

// index is where the events after seq start in the newest n of the log.
func (w *Workbench) index(after int64, n int) int {
	first := w.seq - int64(n) + 1 // seq of the oldest of the n
	return int(min(max(after-first+1, 0), int64(n)))
}

// FirstSeq is the sequence number of the oldest event Events still has
// (LastSeq+1 when there is none).
func (w *Workbench) FirstSeq() int64 {
	return w.seq - int64(len(w.kept())) + 1
}

// LastSeq returns the sequence number of the newest event.
func (w *Workbench) LastSeq() int64 { return w.seq }
