package server

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"routecheck/sim/wire"
)

// encode writes a frame as docs/protocol.md says: JSON without HTML
// escaping, once per frame whoever receives it, byte for byte what
// encoding/json writes. The frames of the chat traffic (messages, states,
// notifications, answers) are written here without encoding/json's
// reflection; the rest go through it. A frame's fields are in the
// alphabetical order of their keys (sim/wire), so both write the same.
func encode(v any) []byte {
	b := make([]byte, 0, 256)
	switch f := v.(type) {
	case wire.Message:
		return appendMessage(b, f)
	case wire.State:
		return appendState(b, f)
	case wire.Notification:
		return appendNotification(b, f)
	case wire.Answer:
		return appendAnswer(b, f)
	}
	return encodeJSON(v)
}

func encodeJSON(v any) []byte {
	var w bytesWriter
	enc := json.NewEncoder(&w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"type":"error","code":"internal","message":"frame could not be encoded"}`)
	}
	return w.b[:len(w.b)-1] // without Encode's newline
}

// obj writes one JSON object's members in the order they are added.
type obj struct {
	b     []byte
	first bool
}

func newObj(b []byte) obj { return obj{append(b, '{'), true} }

func (o *obj) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *obj) str(k, v string) { o.key(k); o.b = appendJSONString(o.b, v) }

// opt writes a string left out when empty (omitempty).
func (o *obj) opt(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *obj) num(k string, v int64) { o.key(k); o.b = strconv.AppendInt(o.b, v, 10) }

func (o *obj) flag(k string, v bool) { o.key(k); o.b = strconv.AppendBool(o.b, v) }

func (o *obj) close() []byte { return append(o.b, '}') }

func appendMessage(b []byte, f wire.Message) []byte {
	o := newObj(b)
	o.opt("agent", f.Agent)
	o.str("at", f.At)
	o.str("conv", f.Conv)
	o.num("cseq", f.CSeq)
	o.num("msg_seq", int64(f.MsgSeq))
	o.str("sender", f.Sender)
	o.str("text", f.Text)
	o.str("type", f.Type)
	return o.close()
}

func appendState(b []byte, f wire.State) []byte {
	o := newObj(b)
	o.opt("agent", f.Agent)
	o.str("conv", f.Conv)
	o.num("cseq", f.CSeq)
	o.opt("reason", f.Reason)
	o.str("state", f.State)
	o.str("type", f.Type)
	return o.close()
}

func appendNotification(b []byte, f wire.Notification) []byte {
	o := newObj(b)
	o.str("conv", f.Conv)
	o.num("cseq", f.CSeq)
	o.flag("desktop", f.Desktop)
	o.str("kind", f.Kind)
	o.flag("sound", f.Sound)
	o.str("text", f.Text)
	o.str("type", f.Type)
	return o.close()
}

func appendAnswer(b []byte, f wire.Answer) []byte {
	o := newObj(b)
	o.opt("code", f.Code)
	if f.Duplicate {
		o.flag("duplicate", true)
	}
	o.opt("id", f.ID)
	o.opt("message", f.Message)
	if f.Ref != 0 {
		o.num("ref", f.Ref)
	}
	o.opt("rule", f.Rule)
	o.str("type", f.Type)
	return o.close()
}

type bytesWriter struct{ b []byte }

func (w *bytesWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString is encoding/json's string encoding without HTML
// escaping: quotes, backslashes and control characters escaped, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, src string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if c := src[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}
