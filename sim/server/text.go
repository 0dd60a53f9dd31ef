package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"unicode/utf8"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// Request bodies are read here, bounded, and text from clients is taken
// only as it was sent: valid UTF-8 and no JSON
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

// maxBody bounds request bodies; the largest legitimate one is a quick-reply
// import (200 × 500 characters).
const maxBody = 1 << 20

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := readJSON(r, v); err != nil {
		writeCoreError(w, err)
		return false
	}
	return true
}

func readJSON(r *http.Request, v any) error { return decodeJSON(r.Body, v) }

// decodeJSON reads one JSON object and nothing after it, taken only as
// sent (strictText).
func decodeJSON(body io.Reader, v any) error {
	b, err := io.ReadAll(body) // MaxBytesReader bounds it
	if err != nil {
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body: " + err.Error()}
	}
	if err := strictText(b, true); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body must be a JSON object: " + err.Error()}
	}
	if dec.More() {
		return &wb.RuleError{Err: wb.ErrInvalid, Reason: "request body must be one JSON object, with nothing after it"}
	}
	return nil
}
