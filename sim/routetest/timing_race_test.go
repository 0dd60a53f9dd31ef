//go:build race

package routetest_test

import "testing"

// TestAnyValidCapacityAndDelayPassesRaced runs the table's chats side by
// side under the race detector: every delay once, spread over the 18
// (agents, capacity) pairs. The whole table runs without -race.
func TestAnyValidCapacityAndDelayPassesRaced(t *testing.T) {
	table(t, func(agents, capa, delay int) bool { return delay%18 == (agents-1)*6+capa-1 })
}
