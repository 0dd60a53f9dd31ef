package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain fails the package when a test wrote reports into the source
// tree: a run, load or simulate under test writes to a temporary folder
// (--out, --no-reports or t.Chdir), never to cmd/routecheck/reports.
func TestMain(m *testing.M) {
	_, before := os.Stat("reports")
	code := m.Run()
	if _, err := os.Stat("reports"); err == nil && before != nil {
		fmt.Fprintln(os.Stderr, "a test wrote reports into cmd/routecheck/reports: give it --out t.TempDir(), --no-reports or t.Chdir")
		os.RemoveAll("reports")
		code = 1
	}
	os.Exit(code)
}
