package wire

import (
	"encoding/json"
	"time"
)

// Frame is any server frame as a client decodes it: every field a client
// reads, of every type. Raw and Received are the client's own: the frame
// as it came, and when it was read.
type Frame struct {
	Type      string          `json:"type"`
	Seq       int64           `json:"seq"`
	CSeq      int64           `json:"cseq"` // per chat, across reconnects
	ID        string          `json:"id"`   // the client id an ack or error answers
	Ref       int64           `json:"ref"`
	Protocol  int             `json:"protocol"`
	Resumed   bool            `json:"resumed"`
	Key       string          `json:"key"` // a customer hello's resume key
	Duplicate bool            `json:"duplicate"`
	Conv      json.RawMessage `json:"conv"`
	MsgSeq    int             `json:"msg_seq"`
	Sender    string          `json:"sender"`
	Text      string          `json:"text"`
	State     string          `json:"state"`
	Agent     json.RawMessage `json:"agent"`
	Reason    string          `json:"reason"`
	Kind      string          `json:"kind"`
	Code      string          `json:"code"`
	Rule      string          `json:"rule"`
	Message   string          `json:"message"`
	Desktop   bool            `json:"desktop"`
	Sound     bool            `json:"sound"`
	More      bool            `json:"more"`
	Messages  []ChatMessage   `json:"messages"`
	// Conversations is an agent hello's open chats, with their history.
	Conversations []Conversation  `json:"conversations"`
	Raw           json.RawMessage `json:"-"`
	Received      time.Time       `json:"-"`
}

// ChatMessage is one chat line as snapshots carry it.
type ChatMessage struct {
	Seq    int       `json:"seq"`
	At     time.Time `json:"at"`
	Sender string    `json:"sender"`
	Agent  string    `json:"agent"`
	Text   string    `json:"text"`
}

// Conversation is a ConvView as the protocol carries it.
type Conversation struct {
	ID        string        `json:"id"`
	Vendor    string        `json:"vendor"`
	Customer  string        `json:"customer"`
	Order     string        `json:"order"`
	OrderItem string        `json:"order_item"`
	Test      bool          `json:"test"`
	State     string        `json:"state"`
	Agent     string        `json:"agent"`
	Messages  []ChatMessage `json:"messages"`
	PickedAt  time.Time     `json:"picked_at"`
	CSeq      int64         `json:"cseq"` // in an agent hello: the chat's cseq then
	Resumed   bool          `json:"resumed"`
}

// Account is the part of an AccountView a client acts on.
type Account struct {
	Login  string `json:"login"`
	Status string `json:"status"`
	Load   int    `json:"load"`
}

// ParseFrame decodes a server frame; what is not JSON is a frame of type
// TypeUndecodable with the error as its message.
func ParseFrame(data []byte) Frame {
	var f Frame
	if err := json.Unmarshal(data, &f); err != nil {
		f = Frame{Type: TypeUndecodable, Message: err.Error()}
	}
	return f
}

// TypeUndecodable marks a server frame that was not JSON: no server frame
// has this type; a client counts it (a half-written frame).
const TypeUndecodable = "undecodable"

// ConvID returns the chat a frame refers to: conv is a plain id in most
// frames and a whole conversation in assigned.
func (f Frame) ConvID() string {
	if len(f.Conv) == 0 {
		return ""
	}
	if f.Conv[0] == '"' {
		var id string
		_ = json.Unmarshal(f.Conv, &id)
		return id
	}
	var c struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(f.Conv, &c)
	return c.ID
}

// Conversation decodes the conversation carried by an assigned frame.
func (f Frame) Conversation() (Conversation, bool) {
	var c Conversation
	if err := json.Unmarshal(f.Conv, &c); err != nil || c.ID == "" {
		return Conversation{}, false
	}
	return c, true
}

// Account decodes the account of a hello or status frame.
func (f Frame) Account() (Account, bool) {
	var a Account
	if len(f.Agent) == 0 || json.Unmarshal(f.Agent, &a) != nil {
		return Account{}, false
	}
	return a, true
}

// Answers reports whether the frame answers a client frame by its id (an
// ack, or an error naming the id).
func (f Frame) Answers() bool { return (f.Type == TypeAck || f.Type == TypeError) && f.ID != "" }

// Unread reports whether the frame is an error about a frame the server
// dropped unread (the frame rate): it names no id and no seq, so the
// client cannot tell which frames it lost (Outbox.Limited).
func (f Frame) Unread() bool {
	return f.Type == TypeError && f.Code == CodeLimit && f.ID == "" && f.Ref == 0
}
