package server

import (
	"net/http"
	"slices"

	wb "routecheck/sim/workbench"
)

// The preflight results (the /preflight page, docs/protocol.md): each
// agent's latest result, kept under mu with the rest of the server's state.
// The store holds one result per agent account the core knows (an account
// posts only its own, and a post replaces the one before), and a result is
// bounded in size (preflight_result.go), so it never grows with traffic.
// Decoding and checking a post happen before the lock; the lock covers a
// map write; answers are built and encoded after it.

// prepPreflight reads and checks a post before the lock.
func (s *Server) prepPreflight(r *http.Request) (apiCall, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, preflightBodyMax)
	var in preflightBody
	if err := readJSON(r, &in); err != nil {
		return nil, err
	}
	res, err := checkPreflight(in)
	if err != nil {
		return nil, err
	}
	return func(r *http.Request, me string) (any, error) {
		acc, err := s.core.Account(me)
		if err != nil {
			return nil, err
		}
		if acc.Role != wb.RoleAgent && acc.Role != wb.RoleDeptAdmin {
			return nil, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-VEN-3", Reason: "the preflight checks an agent's own browser; " + me + " is not an agent account"}
		}
		res.at = s.clock.Now()
		if s.preflight == nil {
			s.preflight = map[string]*preflightResult{}
		}
		s.preflight[me] = res
		return preflightAnswer{acc: acc, res: res}, nil
	}, nil
}

// apiPreflightMe is the caller's own latest result (an agent's page on load).
func (s *Server) apiPreflightMe(r *http.Request, me string) (any, error) {
	acc, err := s.core.Account(me)
	if err != nil {
		return nil, err
	}
	if acc.Role != wb.RoleAgent && acc.Role != wb.RoleDeptAdmin {
		return nil, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-VEN-3", Reason: me + " is not an agent account: operations have no preflight of their own"}
	}
	return preflightAnswer{acc: acc, res: s.preflight[me]}, nil
}

// apiPreflightRoster lists the agents' latest results: for operations
// every department (or ?department=), for a department admin their own
// (D-PRE-4). An agent who never opened the page is listed as not checked.
func (s *Server) apiPreflightRoster(r *http.Request, me string) (any, error) {
	acc, err := s.core.Account(me)
	if err != nil {
		return nil, err
	}
	want := r.URL.Query().Get("department")
	var depts []string
	switch acc.Role {
	case wb.RoleOperations:
		for _, id := range s.core.VendorIDs() {
			v, _ := s.core.Vendor(id)
			if (want == "" || want == v.Department) && !slices.Contains(depts, v.Department) {
				depts = append(depts, v.Department)
			}
		}
		if want != "" && len(depts) == 0 {
			return nil, &wb.RuleError{Err: wb.ErrNotFound, Rule: "R-VEN-3", Reason: "no department " + want}
		}
	case wb.RoleDeptAdmin:
		if want != "" && want != acc.Department {
			return nil, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-KPI-2", Reason: "department " + want + " is not yours"}
		}
		depts = []string{acc.Department}
	default:
		return nil, &wb.RuleError{Err: wb.ErrForbidden, Rule: "R-KPI-2", Reason: "the preflight roster is for CCO operations and the department's admin"}
	}
	slices.Sort(depts)
	// Copied under the lock: the accounts (bounded by configuration) and
	// pointers to results that are never changed; the views are built
	// while the answer is encoded, after the lock.
	var roster preflightRoster
	for _, d := range depts {
		for _, a := range s.core.Agents(d) {
			roster.rows = append(roster.rows, preflightAnswer{acc: a, res: s.preflight[a.Login]})
		}
	}
	return roster, nil
}
