package server

import (
	wb "routecheck/sim/workbench"
)

// RecordSample is what `routecheck serve --record` reads of the workbench
// at one moment, under one lock: the events after a sequence number, and
// the settings people change that the event log does not carry (each
// agent's 消息提醒 and welcome texts, each skill group's welcome and
// closing). sim/script turns samples into a script.
type RecordSample struct {
	Events   []wb.Event
	Accounts []wb.AccountView // every agent and department admin, by vendor then login
	Vendors  []wb.VendorView
	// Lost is true when events after the asked sequence number were
	// already released from memory (Limits.Events).
	Lost bool
}

// RecordSample reads the events after seq and the settings. The copy is
// of a few recent events: serve samples every fraction of a second.
func (s *Server) RecordSample(after int64) RecordSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := RecordSample{Events: s.core.Events(after), Lost: after+1 < s.core.FirstSeq()}
	for _, id := range s.core.VendorIDs() {
		v, err := s.core.Vendor(id)
		if err != nil {
			continue
		}
		out.Vendors = append(out.Vendors, v)
		out.Accounts = append(out.Accounts, s.core.Agents(v.Department)...)
	}
	return out
}
