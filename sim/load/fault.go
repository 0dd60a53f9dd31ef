package load

import (
	"math"
	"time"
)

// pick chooses round(share*n) distinct indexes, seeded.
func (r *runner) pick(n int, share float64) []int {
	k := int(math.Round(share * float64(n)))
	if share > 0 && k == 0 {
		k = 1
	}
	r.rmu.Lock()
	defer r.rmu.Unlock()
	return r.rng.Perm(n)[:min(k, n)]
}

// planAgentFaults marks agents before they log in.
func (r *runner) planAgentFaults() { r.planSlowReaders() }

// planFaults schedules the faults that happen during the load.
func (r *runner) planFaults(start time.Time) {
	r.planCustomerReconnects()
	r.planAgentDrops(start)
	r.planShutdown(start)
}
