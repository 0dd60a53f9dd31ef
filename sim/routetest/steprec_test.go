package routetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"routecheck/reports"
	"routecheck/sim/actors"
)

// A workbench that refuses (an API error) or does not act in time is the
// vendor's to fix; a connection the harness lost is not.
func TestFailErrBlamesTheRightSide(t *testing.T) {
	for _, tc := range []struct {
		err    error
		vendor bool
	}{
		{&actors.APIError{Status: 404, Err: "404 page not found", Rule: "R-TEN-1"}, true},
		{fmt.Errorf("wrapped: %w", &actors.APIError{Status: 403, Err: "forbidden"}), true},
		{context.DeadlineExceeded, true},
		{errors.New("read tcp 127.0.0.1:1: connection reset by peer"), false},
		{fmt.Errorf("%w: EOF", actors.ErrSocketClosed), false},
	} {
		st := &stepRec{}
		st.failErr("x", "y", "", tc.err, "R-RT-2", "fix it")
		st.judge(context.Background())
		if got := st.Status == reports.StatusFailed && st.Diagnosis != nil; got != tc.vendor {
			t.Errorf("%v: status %s diagnosis %+v error %q", tc.err, st.Status, st.Diagnosis, st.Error)
		}
		if !tc.vendor && (st.Status != reports.StatusError || st.Diagnosis != nil) {
			t.Errorf("%v: harness trouble judged %s with %+v", tc.err, st.Status, st.Diagnosis)
		}
	}
}
