//go:build !unix

package load

// setRecvBuffer is a no-op where the socket option is not reachable.
func setRecvBuffer(uintptr, int) error { return nil }
