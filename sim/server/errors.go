package server

import (
	"encoding/json"
	"errors"
	"net/http"
	wb "routecheck/sim/workbench"
	"strconv"
	"time"
)

// Errors reach clients from one place: the core's sentinel errors and
// the server's limits map to an HTTP status and an error code here, for
// answers and for error frames alike (docs/protocol.md "Errors").

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // URLs and "≥" stay readable; answers are JSON, never HTML
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, rule, message string) {
	body := map[string]string{"error": code, "message": message}
	if rule != "" {
		body["rule"] = rule
	}
	writeJSON(w, status, body)
}

// statusOf maps the core's sentinel errors to HTTP statuses, in one place.
func statusOf(err error) int {
	switch {
	case errors.Is(err, wb.ErrWrongTenant), errors.Is(err, wb.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, wb.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, wb.ErrBadCredentials):
		return http.StatusUnauthorized
	case errors.Is(err, wb.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, wb.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, errGone):
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

func errCode(err error) string {
	var le *limitError
	if errors.As(err, &le) {
		return "limit"
	}
	var re *wb.RuleError
	if errors.As(err, &re) {
		return string(re.Err)
	}
	var se wb.Error
	if errors.As(err, &se) {
		return string(se)
	}
	return "internal"
}

func ruleOf(err error) string {
	var re *wb.RuleError
	if errors.As(err, &re) {
		return re.Rule
	}
	return ""
}

// reasonOf is an error's text for people: the reason alone, since the code
// and the rule travel in their own fields.
func reasonOf(err error) string {
	var le *limitError
	if errors.As(err, &le) {
		return le.Error()
	}
	var re *wb.RuleError
	if errors.As(err, &re) {
		return re.Reason
	}
	return err.Error()
}

func writeCoreError(w http.ResponseWriter, err error) {
	var le *limitError
	if errors.As(err, &le) {
		writeLimit(w, le)
		return
	}
	writeError(w, statusOf(err), errCode(err), ruleOf(err), reasonOf(err))
}

// refuseToken answers a bad entry token with its reason (R-RT-3).
func refuseToken(w http.ResponseWriter, err error) {
	msg := map[error]string{
		ErrTokenTampered:    "the entry link is not one the workbench signed: use the QR code from the CCO channel team as it is",
		ErrTokenExpired:     "the entry link has expired: ask the CCO channel team for a fresh QR code",
		ErrTokenWrongVendor: "the entry link is for another vendor's bot page",
	}[err]
	writeError(w, http.StatusForbidden, err.Error(), "R-RT-3", msg)
}

// limitError is a request or frame refused by one of the Limits. Its
// answer names the limit: HTTP 429 (with Retry-After when waiting helps)
// or an error frame with code "limit".
type limitError struct {
	limit  string
	detail string
	retry  time.Duration
}

func (e *limitError) Error() string { return "limit: " + e.limit + ": " + e.detail }

func writeLimit(w http.ResponseWriter, e *limitError) {
	if e.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.retry+time.Second-1)/time.Second)))
	}
	writeError(w, http.StatusTooManyRequests, "limit", "", "limit: "+e.limit+": "+e.detail)
}

// errGone: what was asked for was released from memory.
const errGone = wb.Error("gone")
