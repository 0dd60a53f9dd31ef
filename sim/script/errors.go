package script

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"routecheck/internal/suggest"
)

// Error is one problem of a script, at a line and column.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Errors are all the problems found in a script, in line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders the problems by line and column, at most maxErrors.
func (es Errors) sorted() Errors {
	slices.SortStableFunc(es, func(a, b *Error) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	if len(es) > maxErrors {
		es = es[:maxErrors]
	}
	return es
}

// AsErrors returns the script problems err holds, if it holds any.
func AsErrors(err error) (Errors, bool) {
	var es Errors
	if errors.As(err, &es) {
		return es, true
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}, true
	}
	return nil, false
}

// maxErrors: past this many problems, the rest would only follow from them.
const maxErrors = 20

// didYouMean is "; did you mean X?" for the name closest to typed, or "".
func didYouMean(typed string, names []string) string {
	low := strings.ToLower(typed)
	names = slices.Clone(names)
	slices.Sort(names) // ties go the same way every run
	lowNames := make([]string, len(names))
	for i, n := range names {
		lowNames[i] = strings.ToLower(n)
	}
	edits := 2
	if n := len([]rune(typed)); n <= 2 {
		edits = 1
	}
	if best := suggest.Closest(low, lowNames, edits); best != "" {
		for i, n := range lowNames {
			if n == best {
				return fmt.Sprintf("; did you mean %s?", names[i])
			}
		}
	}
	// a longer phrase that starts with what was typed ("clos" → closes page)
	for _, n := range names {
		if len([]rune(typed)) >= 3 && strings.HasPrefix(strings.ToLower(n), low) {
			return fmt.Sprintf("; did you mean %s?", n)
		}
	}
	return ""
}
