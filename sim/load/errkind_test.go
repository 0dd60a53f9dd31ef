package load

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
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
