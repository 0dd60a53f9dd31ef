package server

import "golang.org/x/crypto/bcrypt"

// PasswordCost is the bcrypt cost the workbench stores passwords at: the
// default for `routecheck serve`, the lowest for the workbench a route test
// starts for itself (docs/decisions.md D-RUN-2).
func (s *Server) PasswordCost() int {
	cost, _ := bcrypt.Cost(s.dummyHash) // the dummy has the accounts' cost
	return cost
}
