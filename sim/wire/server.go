package wire

// Server frames, as the bundled workbench writes them. Their fields are in
// alphabetical order of their JSON names, so encoding/json writes the keys
// in the order docs/protocol.md's examples show them. Nested views (an
// account, a conversation, the bot page) are the server's own types, held
// as any: this package names no type of the workbench.

// ChatFrame is a frame numbered in its chat: the server sets its cseq
// when it delivers it (and keeps it for resume).
type ChatFrame interface {
	// Numbered returns the frame with its cseq.
	Numbered(cseq int64) ChatFrame
	// FrameType is its frame type.
	FrameType() string
}

// Message is a chat message.
type Message struct {
	Agent  string `json:"agent,omitempty"` // the agent who wrote it (sender agent)
	At     string `json:"at"`              // RFC 3339 with the clock's precision
	Conv   string `json:"conv"`
	CSeq   int64  `json:"cseq"`
	MsgSeq int    `json:"msg_seq"`
	Sender string `json:"sender"`
	Text   string `json:"text"`
	Type   string `json:"type"`
}

// State is the customer's view of the chat's state.
type State struct {
	Agent  string `json:"agent,omitempty"`
	Conv   string `json:"conv"`
	CSeq   int64  `json:"cseq"`
	Reason string `json:"reason,omitempty"`
	State  string `json:"state"`
	Type   string `json:"type"`
}

// Assigned hands a chat to an agent with one page of its history.
type Assigned struct {
	Conv any    `json:"conv"`
	CSeq int64  `json:"cseq"`
	Type string `json:"type"`
}

// Requeued takes a chat away from the agent that held it: Type is
// requeued or ended.
type Requeued struct {
	Conv   string `json:"conv"`
	CSeq   int64  `json:"cseq"`
	Reason string `json:"reason"`
	Type   string `json:"type"`
}

// Rated tells the customer's rating.
type Rated struct {
	Conv   string `json:"conv"`
	CSeq   int64  `json:"cseq"`
	Rating string `json:"rating"`
	Type   string `json:"type"`
}

// Notification is the agent's desktop notification and sound (R-NTF-1).
type Notification struct {
	Conv    string `json:"conv"`
	CSeq    int64  `json:"cseq"`
	Desktop bool   `json:"desktop"`
	Kind    string `json:"kind"`
	Sound   bool   `json:"sound"`
	Text    string `json:"text"`
	Type    string `json:"type"`
}

// CustomerLink tells the agent the customer's connection is down or up.
type CustomerLink struct {
	Conv  string `json:"conv"`
	CSeq  int64  `json:"cseq"`
	State string `json:"state"`
	Type  string `json:"type"`
}

// Status carries the agent's account after a change.
type Status struct {
	Agent any    `json:"agent"`
	Type  string `json:"type"`
}

// AgentHello opens an agent socket: the account and the open chats.
type AgentHello struct {
	Agent         any    `json:"agent"`
	Conversations any    `json:"conversations"`
	Protocol      int    `json:"protocol"`
	Type          string `json:"type"`
}

// CustomerHello opens a customer socket. Messages is left out (nil) when
// the socket resumes: the missed frames follow.
type CustomerHello struct {
	Bot      any    `json:"bot"`
	Conv     string `json:"conv"`
	CSeq     int64  `json:"cseq"`
	Key      string `json:"key"`
	Messages any    `json:"messages,omitempty"`
	More     bool   `json:"more,omitempty"`
	Protocol int    `json:"protocol"`
	Resumed  bool   `json:"resumed"`
	State    string `json:"state"`
	Type     string `json:"type"`
}

// History answers a history frame with one page of older messages.
type History struct {
	Conv     string `json:"conv"`
	Messages any    `json:"messages"`
	More     bool   `json:"more,omitempty"`
	Ref      int64  `json:"ref"`
	Type     string `json:"type"`
}

// Answer is an ack, an error or a pong: Ref is the seq of the frame it
// answers (none for a frame the server did not read), ID its client id.
type Answer struct {
	Code      string `json:"code,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
	ID        string `json:"id,omitempty"`
	Message   string `json:"message,omitempty"`
	Ref       int64  `json:"ref,omitempty"`
	Rule      string `json:"rule,omitempty"`
	Type      string `json:"type"`
}

// Ack answers a frame that was applied.
func Ack(id string, ref int64) Answer { return Answer{Type: TypeAck, ID: id, Ref: ref} }

// Error answers a frame that was refused: code for programs, message for
// people, the rule it broke if any.
func Error(code, message, rule string, ref int64, id string) Answer {
	return Answer{Type: TypeError, Code: code, Message: message, Rule: rule, Ref: ref, ID: id}
}

// Pong answers a ping.
func Pong(ref int64) Answer { return Answer{Type: TypePong, Ref: ref} }

func (f Message) FrameType() string               { return TypeMessage }
func (f Message) Numbered(n int64) ChatFrame      { f.CSeq = n; return f }
func (f State) FrameType() string                 { return TypeState }
func (f State) Numbered(n int64) ChatFrame        { f.CSeq = n; return f }
func (f Assigned) FrameType() string              { return TypeAssigned }
func (f Assigned) Numbered(n int64) ChatFrame     { f.CSeq = n; return f }
func (f Requeued) FrameType() string              { return f.Type }
func (f Requeued) Numbered(n int64) ChatFrame     { f.CSeq = n; return f }
func (f Rated) FrameType() string                 { return TypeRated }
func (f Rated) Numbered(n int64) ChatFrame        { f.CSeq = n; return f }
func (f Notification) FrameType() string          { return TypeNotification }
func (f Notification) Numbered(n int64) ChatFrame { f.CSeq = n; return f }
func (f CustomerLink) FrameType() string          { return TypeCustomerLink }
func (f CustomerLink) Numbered(n int64) ChatFrame { f.CSeq = n; return f }
