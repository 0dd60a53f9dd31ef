package wire

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// ClientFrame is a frame from a customer or an agent. Seq numbers a
// socket's frames (the outbox sets it); ID is the client id of a frame
// that changes state (CarriesID).
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

// Decode parses and checks one client frame: size, UTF-8, JSON, type,
// sequence number present, client id where the type carries one, required
// fields. It never panics; an error is a *FrameError.
func Decode(data []byte) (ClientFrame, error) {
	var f ClientFrame
	if len(data) > MaxFrame {
		return f, &FrameError{CodeTooLarge, fmt.Sprintf("frame of %d bytes; at most %d", len(data), MaxFrame)}
	}
	// encoding/json would replace bad bytes and lone surrogates with
	// U+FFFD: two different ids or texts would decode alike.
	if !utf8.Valid(data) {
		return f, &FrameError{CodeInvalidUTF8, "frame is not valid UTF-8 text"}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return ClientFrame{}, &FrameError{CodeMalformed, "not a JSON frame object: " + err.Error()}
	}
	if at := LoneSurrogate(data); at >= 0 {
		return ClientFrame{Type: f.Type, Seq: f.Seq}, &FrameError{CodeInvalid, fmt.Sprintf("a string holds the escape of a lone UTF-16 surrogate (byte %d), which is no character", at)}
	}
	fields, ok := required[f.Type]
	if !ok {
		if f.Type == "" {
			return f, &FrameError{CodeMissing, "frame has no type"}
		}
		return f, &FrameError{CodeUnknown, fmt.Sprintf("unknown frame type %q", f.Type)}
	}
	if f.Seq <= 0 {
		return f, &FrameError{CodeMissing, "frame needs seq, a positive number increasing per connection"}
	}
	if CarriesID(f.Type) && f.ID == "" {
		return f, &FrameError{CodeMissing, fmt.Sprintf("%s frame needs \"id\", a client id unique per sender (protocol v2)", f.Type)}
	}
	if len(f.ID) > MaxID {
		return ClientFrame{Type: f.Type, Seq: f.Seq}, &FrameError{CodeInvalid, fmt.Sprintf("id of %d bytes; at most %d", len(f.ID), MaxID)}
	}
	for _, name := range fields {
		if f.field(name) == "" {
			return f, &FrameError{CodeMissing, fmt.Sprintf("%s frame needs %q", f.Type, name)}
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

// LoneSurrogate returns the offset of the first \uD800-\uDFFF escape in
// JSON text that is not a high surrogate followed by a low one, or -1.
// Escapes occur only inside strings, so the scan needs no parser; text
// that is not JSON at all is refused by the decoder anyway. Go's decoders
// turn such an escape into U+FFFD without a word, so two different ids or
// texts would become one.
func LoneSurrogate(data []byte) int {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		if i+1 >= len(data) || data[i+1] != 'u' {
			i++ // \" \\ \n …: skip the escaped byte
			continue
		}
		v, ok := hex4(data, i+2)
		if !ok {
			continue // not an escape JSON accepts: the decoder refuses it
		}
		switch {
		case v >= 0xDC00 && v <= 0xDFFF:
			return i
		case v >= 0xD800 && v <= 0xDBFF:
			if i+11 >= len(data) || data[i+6] != '\\' || data[i+7] != 'u' {
				return i
			}
			if lo, ok := hex4(data, i+8); !ok || lo < 0xDC00 || lo > 0xDFFF {
				return i
			}
			i += 11
		default:
			i += 5
		}
	}
	return -1
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var v rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
