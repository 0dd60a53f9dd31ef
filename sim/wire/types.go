package wire

// Frame types a client sends.
const (
	TypeSay     = "say"     // customer: a chat message (to the bot, or the agent)
	TypeButton  = "button"  // customer: a robot-card button
	TypeLeave   = "leave"   // customer: closes the bot page
	TypeRate    = "rate"    // customer: rates the ended chat
	TypeSend    = "send"    // agent: a reply in a chat it holds
	TypeClose   = "close"   // agent: ends a chat
	TypeSync    = "sync"    // agent: a fresh hello
	TypePing    = "ping"    // either: answered by pong
	TypeHistory = "history" // either: an older page of a chat
)

// Frame types the server sends; TypeStatus and TypeHistory go both ways.
const (
	TypeHello        = "hello"
	TypeMessage      = "message"
	TypeState        = "state"
	TypeAssigned     = "assigned"
	TypeRequeued     = "requeued"
	TypeEnded        = "ended"
	TypeRated        = "rated"
	TypeNotification = "notification"
	TypeCustomerLink = "customer_link"
	TypeStatus       = "status"
	TypeAck          = "ack"
	TypeError        = "error"
	TypePong         = "pong"
)

// Agent statuses as frames and AccountView carry them.
const (
	StatusOnline  = "在线"
	StatusBreak   = "小休"
	StatusOffline = "离线"
)

// Chat states of the customer's state frame.
const (
	StateBot      = "bot"
	StateQueued   = "queued"
	StateAssigned = "assigned"
	StateEnded    = "ended"
)

// Senders of a chat message.
const (
	SenderCustomer = "customer"
	SenderAgent    = "agent"
	SenderBot      = "bot"
	SenderSystem   = "system"
)

// Notification kinds.
const (
	NotifyNewMessage  = "new_message"
	NotifyUserOnline  = "user_online"
	NotifyUserOffline = "user_offline"
)

// Error codes a client acts on (docs/protocol.md "Errors", "Limits").
const (
	CodeLimit      = "limit"
	CodeNotAllowed = "not allowed in the current state"
	CodeInvalid    = "invalid"
	CodeMalformed  = "malformed"
	CodeMissing    = "missing_field"
	CodeUnknown    = "unknown_type"
	CodeTooLarge   = "too_large"
	CodeStaleSeq   = "stale_seq"
	// CodeInvalidUTF8 is the decoder's refusal of a frame that is not
	// UTF-8 text: the server closes the socket with 1007, no error frame.
	CodeInvalidUTF8 = "invalid_utf8"
)

// carriesID is the set of client frame types that change state: they carry
// a client id, are answered with ack or an error naming it, and a resent id
// is not applied again.
var carriesID = map[string]bool{TypeSay: true, TypeButton: true, TypeLeave: true, TypeRate: true,
	TypeSend: true, TypeClose: true, TypeStatus: true}

// CarriesID reports whether a client frame of this type carries a client id.
func CarriesID(typ string) bool { return carriesID[typ] }

// required lists each client frame type's fields that must not be empty.
var required = map[string][]string{
	TypeSay:     {"text"},
	TypeButton:  {"label"},
	TypeLeave:   nil,
	TypeRate:    {"rating"},
	TypePing:    nil,
	TypeSend:    {"conv", "text"},
	TypeClose:   {"conv"},
	TypeStatus:  {"status"},
	TypeSync:    nil,
	TypeHistory: nil,
}

// Which client frame types each socket takes.
var (
	customerTypes = map[string]bool{TypeSay: true, TypeButton: true, TypeLeave: true, TypeRate: true, TypePing: true, TypeHistory: true}
	agentTypes    = map[string]bool{TypeSend: true, TypeClose: true, TypeStatus: true, TypeSync: true, TypePing: true, TypeHistory: true}
)

// CustomerSends reports whether the customer socket takes a frame of typ.
func CustomerSends(typ string) bool { return customerTypes[typ] }

// AgentSends reports whether the agent socket takes a frame of typ.
func AgentSends(typ string) bool { return agentTypes[typ] }
