package workbench_test

import (
	"testing"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// HashCost below 0 stores no password, and every login is refused (the
// traffic simulator's agents never log in).
func TestNoHashRefusesLogins(t *testing.T) {
	w := wb.New(clock.NewVirtual(monday10), wb.Options{HashCost: -1})
	v := testVendor("v1", "d1")
	if _, err := w.AddVendor(v); err != nil {
		t.Fatal(err)
	}
	a := v.Accounts[0]
	if hash, ok := w.PasswordHash(a.Login); !ok || len(hash) != 0 {
		t.Errorf("hash %q", hash)
	}
	if _, err := w.Login(a.Login, a.Password); err == nil {
		t.Error("a login with the right password succeeded with no hash stored")
	}
	if _, err := w.Login("nobody", "x"); err == nil {
		t.Error("an unknown login succeeded")
	}
}
