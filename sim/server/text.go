package server

import (
	"unicode/utf8"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// Text from clients is taken only as it was sent: valid UTF-8 and no JSON
// escape of a lone UTF-16 surrogate (wire.LoneSurrogate). Go's decoders
// turn either into U+FFFD without a word, so two different ids, texts or
// quick replies would become one (a real message acked as a duplicate of
// another).

// strictText refuses a request body that is not valid UTF-8 or holds a
// lone surrogate escape (400 invalid request).
func strictText(body []byte, json bool) error {
	if !utf8.Valid(body) {
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body is not valid UTF-8"}
	}
	if json {
		if at := wire.LoneSurrogate(body); at >= 0 {
			return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body holds the escape of a lone UTF-16 surrogate, which is no character"}
		}
	}
	return nil
}
