package actors

import (
	"encoding/json"
	"time"
)

// Frame is any server frame, decoded loosely: the actors only read the
// fields they need. Raw keeps the whole frame for reports.
type Frame struct {
	Type      string          `json:"type"`
	Seq       int64           `json:"seq"`
	CSeq      int64           `json:"cseq"` // per chat, across reconnects (protocol v2)
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
	Messages  []ChatMessage   `json:"messages"`
	// Conversations is an agent hello's open chats, with their history.
	Conversations []Conversation  `json:"conversations"`
	Raw           json.RawMessage `json:"-"`
	Received      time.Time       `json:"-"`
}

// ChatMessage is one chat line as the protocol carries it.
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

// ConvID returns the conversation id a frame refers to: `conv` is a plain
// id in most frames and a whole conversation in `assigned`.
func (f Frame) ConvID() string {
	if len(f.Conv) == 0 {
		return ""
	}
	var id string
	if json.Unmarshal(f.Conv, &id) == nil {
		return id
	}
	var c Conversation
	if json.Unmarshal(f.Conv, &c) == nil {
		return c.ID
	}
	return ""
}

// Conversation decodes the conversation carried by an `assigned` frame.
func (f Frame) Conversation() (Conversation, bool) {
	var c Conversation
	if err := json.Unmarshal(f.Conv, &c); err != nil || c.ID == "" {
		return Conversation{}, false
	}
	return c, true
}
