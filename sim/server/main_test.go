package server

import (
	"os"
	"testing"
)

// TestMain lets this test binary serve as the hash worker of the servers
// its tests start with Options.HashProcess.
func TestMain(m *testing.M) {
	RunHashWorkerIfAsked()
	os.Exit(m.Run())
}
