//go:build !race

package routetest_test

import "testing"

// TestAnyValidCapacityAndDelayPasses is the whole table: 540 route tests.
// Under the race detector they would take minutes of CPU, so `make test`
// runs this one without it (Makefile, unit) and the race build runs
// TestAnyValidCapacityAndDelayPassesRaced instead.
func TestAnyValidCapacityAndDelayPasses(t *testing.T) {
	table(t, func(int, int, int) bool { return true })
}
