package workbench

import "fmt"

// Error is a sentinel error of the core. The transport maps each to an HTTP
// status in one place.
type Error string

func (e Error) Error() string { return string(e) }

// Sentinel errors.
const (
	ErrNotFound       Error = "not found"
	ErrForbidden      Error = "forbidden"
	ErrBadCredentials Error = "wrong login or password"
	ErrInvalid        Error = "invalid request"
	ErrConflict       Error = "not allowed in the current state"
	ErrWrongTenant    Error = "404 page not found" // R-TEN-1: what the agent sees
)

// RuleError is a sentinel error with the rule and the reason, for people.
type RuleError struct {
	Err    Error
	Rule   string
	Reason string
}

func (e *RuleError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("%s: %s", e.Err, e.Reason)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Err, e.Reason, e.Rule)
}

// Unwrap lets errors.Is match the sentinel.
func (e *RuleError) Unwrap() error { return e.Err }

func ruleErr(err Error, rule, format string, args ...any) error {
	return &RuleError{Err: err, Rule: rule, Reason: fmt.Sprintf(format, args...)}
}
