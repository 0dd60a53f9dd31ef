package load

// customer-reconnect: a share of the customers drop their connection once,
// soon after an agent takes the chat, and resume with the last cseq they
// saw (a phone changing network): nothing may be missing or doubled.
func (r *runner) planCustomerReconnects() {
	f, ok := r.cfg.fault(FaultCustomerReconnect)
	if !ok {
		return
	}
	for _, i := range r.pick(len(r.customers), f.Share) {
		r.customers[i].dropPlan = true
	}
}
