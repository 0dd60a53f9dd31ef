package server

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// ClientFrame is a frame from a customer or an agent (docs/protocol.md).
type ClientFrame struct {
	Type   string `json:"type"`
	Seq    int64  `json:"seq"`
	ID     string `json:"id,omitempty"`
	Text   string `json:"text,omitempty"`
	Label  string `json:"label,omitempty"`
	Rating string `json:"rating,omitempty"`
	Conv   string `json:"conv,omitempty"`
	Status string `json:"status,omitempty"`
	Before int    `json:"before,omitempty"` // history: messages before this msg_seq
}

// FrameError is why a client frame was refused; Code goes into the error
// frame for programs, Message for people.
type FrameError struct {
	Code    string
	Message string
}

func (e *FrameError) Error() string { return e.Code + ": " + e.Message }

// maxID bounds a client frame id.
const maxID = 64

// changes lists the frame types that change state: they carry a client id
// (protocol v2), so a resend is answered, not applied again.
var changes = map[string]bool{"say": true, "button": true, "leave": true, "rate": true,
	"send": true, "close": true, "status": true}

// required fields per frame type, for both sides.
var frameFields = map[string][]string{
	"say":     {"text"},
	"button":  {"label"},
	"leave":   nil,
	"rate":    {"rating"},
	"ping":    nil,
	"send":    {"conv", "text"},
	"close":   {"conv"},
	"status":  {"status"},
	"sync":    nil,
	"history": nil,
}

// codeInvalidUTF8 is the decoder's refusal of a frame that is not UTF-8
// text: the socket is closed with 1007 (RFC 6455 section 8.1).
const codeInvalidUTF8 = "invalid_utf8"

// DecodeClientFrame parses and checks one client frame: size, JSON, type,
// sequence number present, required fields. It never panics.
func DecodeClientFrame(data []byte) (ClientFrame, error) {
	var f ClientFrame
	if len(data) > MaxFrame {
		return f, &FrameError{"too_large", fmt.Sprintf("frame of %d bytes; at most %d", len(data), MaxFrame)}
	}
	// encoding/json would replace bad bytes and lone surrogates with
	// U+FFFD: two different ids or texts would decode alike.
	if !utf8.Valid(data) {
		return f, &FrameError{codeInvalidUTF8, "frame is not valid UTF-8 text"}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return ClientFrame{}, &FrameError{"malformed", "not a JSON frame object: " + err.Error()}
	}
	if at := loneSurrogate(data); at >= 0 {
		return ClientFrame{Type: f.Type, Seq: f.Seq}, &FrameError{"invalid", fmt.Sprintf("a string holds the escape of a lone UTF-16 surrogate (byte %d), which is no character", at)}
	}
	fields, ok := frameFields[f.Type]
	if !ok {
		if f.Type == "" {
			return f, &FrameError{"missing_field", "frame has no type"}
		}
		return f, &FrameError{"unknown_type", fmt.Sprintf("unknown frame type %q", f.Type)}
	}
	if f.Seq <= 0 {
		return f, &FrameError{"missing_field", "frame needs seq, a positive number increasing per connection"}
	}
	if changes[f.Type] && f.ID == "" {
		return f, &FrameError{"missing_field", fmt.Sprintf("%s frame needs \"id\", a client id unique per sender (protocol v2)", f.Type)}
	}
	if len(f.ID) > maxID {
		return ClientFrame{Type: f.Type, Seq: f.Seq}, &FrameError{"invalid", fmt.Sprintf("id of %d bytes; at most %d", len(f.ID), maxID)}
	}
	for _, name := range fields {
		if f.field(name) == "" {
			return f, &FrameError{"missing_field", fmt.Sprintf("%s frame needs %q", f.Type, name)}
		}
	}
	return f, nil
}

func (f ClientFrame) field(name string) string {
	switch name {
	case "text":
		return f.Text
	case "label":
		return f.Label
	case "rating":
		return f.Rating
	case "conv":
		return f.Conv
	case "status":
		return f.Status
	}
	return ""
}

// customerTypes and agentTypes: which frame types each side may send.
var (
	customerTypes = map[string]bool{"say": true, "button": true, "leave": true, "rate": true, "ping": true, "history": true}
	agentTypes    = map[string]bool{"send": true, "close": true, "status": true, "sync": true, "ping": true, "history": true}
)
