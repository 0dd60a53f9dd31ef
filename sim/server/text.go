package server

import (
	"unicode/utf8"

	wb "routecheck/sim/workbench"
)

// Text from clients is taken only as it was sent: valid UTF-8 and no JSON
// escape of a lone UTF-16 surrogate. Go's decoders turn either into U+FFFD
// without a word, so two different ids, texts or quick replies would
// become one (a real message acked as a duplicate of another).

// loneSurrogate returns the offset of the first \uD800-\uDFFF escape in
// JSON text that is not a high surrogate followed by a low one, or -1.
// Escapes occur only inside strings, so the scan needs no parser; text
// that is not JSON at all is refused by the decoder anyway.
func loneSurrogate(data []byte) int {
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

// strictText refuses a request body that is not valid UTF-8 or holds a
// lone surrogate escape (400 invalid request).
func strictText(body []byte, json bool) error {
	if !utf8.Valid(body) {
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body is not valid UTF-8"}
	}
	if json {
		if at := loneSurrogate(body); at >= 0 {
			return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body holds the escape of a lone UTF-16 surrogate, which is no character"}
		}
	}
	return nil
}
