package load

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// The kinds of error the report counts read as one line each, without a
// doubled operation ("read read: …").
func TestErrKind(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}
	cases := []struct {
		err  error
		want string
	}{
		{reset, "read: connection reset by peer"},
		{fmt.Errorf("agent: %w", reset), "read: connection reset by peer"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}, "dial: connection refused"},
		{&net.OpError{Op: "write", Net: "tcp", Err: errors.New("broken pipe")}, "write: broken pipe"},
		{&handshakeError{status: 429}, "handshake refused: HTTP 429"},
		{errors.New("something else"), "something else"},
	}
	for _, c := range cases {
		if got := errKind(c.err); got != c.want {
			t.Errorf("errKind(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// A socket's frames may have gone missing from its last frame on, at most
// two seconds before its end (D-LOAD-11).
func TestLostSince(t *testing.T) {
	t0 := time.Unix(1000, 0)
	end := t0.Add(10 * time.Second)
	cases := []struct {
		s    wsock
		want time.Time
	}{
		{wsock{opened: t0, last: t0.Add(9 * time.Second)}, t0.Add(9 * time.Second)},
		{wsock{opened: t0, last: t0.Add(3 * time.Second)}, end.Add(-2 * time.Second)}, // D-LOAD-11: at most 2 s
		{wsock{opened: t0.Add(9500 * time.Millisecond)}, t0.Add(9500 * time.Millisecond)},
		{wsock{opened: t0}, end.Add(-2 * time.Second)},
	}
	for i, c := range cases {
		if got := c.s.lostSince(end); !got.Equal(c.want) {
			t.Errorf("case %d: %v, want %v", i, got.Sub(t0), c.want.Sub(t0))
		}
	}
}
