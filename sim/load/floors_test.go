package load

import (
	"testing"

	"routecheck/internal/floors"
)

// What the actors stand on (the link, the env, metrics, the audit, the
// order checks, sockets, scheduler, phase) never reaches back up into the
// actors, the faults or the runner (docs/architecture.md "Dependencies that
// run back up"): the runner and the faults drive the actors, the actors
// record into the metrics, and nothing below calls back.
func TestLowerFilesStandOnTheirOwn(t *testing.T) {
	lower := []string{
		"link.go", "env.go", "metrics.go", "audit.go", "order.go", "hist.go", "wsconn.go", "sockopt_unix.go",
		"sched.go", "phase.go", "events.go", "netpath.go", "httpc.go", "errors.go",
	}
	bad, err := floors.Check(".", lower)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: a file under the actors uses what sits above it", b)
	}
}
