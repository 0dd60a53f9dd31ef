package server

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// An unknown login is checked against a hash of the accounts' own cost, so
// its answer takes as long as a wrong password's.
func TestDummyHashHasTheAccountsCost(t *testing.T) {
	for _, cost := range []int{bcrypt.MinCost, bcrypt.MinCost + 2} {
		s := New(Options{HashCost: cost})
		if got, err := bcrypt.Cost(s.dummyHash); err != nil || got != cost {
			t.Errorf("dummy hash cost %d (%v), want %d", got, err, cost)
		}
	}
}
