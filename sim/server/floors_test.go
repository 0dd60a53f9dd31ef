package server

import (
	"testing"

	"routecheck/internal/floors"
)

// The files under state.go hold types of their own (transport, delivery,
// sessions, limits, tokens, the hash pool, clock control…) and never reach
// into Server or what the files above it define (docs/architecture.md
// "Dependencies that run back up"). plant.go is the one exception kept: the
// audit's hook names delivery's types, and delivery calls it.
func TestLowerFilesStandOnTheirOwn(t *testing.T) {
	lower := []string{
		"options.go", "clockctl.go", "limits.go", "errors.go", "text.go", "guard.go", "origin.go",
		"token.go", "logins.go", "sessions.go", "clientids.go", "refusals.go", "hashworker.go", "nice_linux.go",
		"page.go", "preflight_result.go", "frameenc.go", "cork.go", "conn.go", "delivery.go", "plant.go",
	}
	bad, err := floors.Check(".", lower)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: a file under the Server's state uses what sits above it", b)
	}
}
