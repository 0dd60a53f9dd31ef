package browser

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routecheck/reports"
	wb "routecheck/sim/workbench"
)

func TestFindHonoursCHROME_PATH(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "chrome")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHROME_PATH", exe)
	if got, err := Find(); err != nil || got != exe {
		t.Fatalf("Find() = %q, %v; want %q", got, err, exe)
	}

	plain := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHROME_PATH", plain)
	if _, err := Find(); !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("Find() with a non-executable CHROME_PATH: %v, want ErrNoBrowser", err)
	}
}

func TestFindWithoutBrowser(t *testing.T) {
	t.Setenv("CHROME_PATH", "")
	t.Setenv("PATH", t.TempDir())
	_, err := Find()
	if !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("Find() = %v, want ErrNoBrowser", err)
	}
	// The message tells a person what to do.
	for _, hint := range []string{"apt-get install chromium", "CHROME_PATH"} {
		if !strings.Contains(err.Error(), hint) {
			t.Errorf("error %q does not say %q", err, hint)
		}
	}
}

func demoLike() wb.VendorConfig {
	return wb.VendorConfig{ID: "v", Department: "d", Accounts: []wb.AccountConfig{
		{Login: "ops", Role: wb.RoleOperations},
		{Login: "a1", Role: wb.RoleAgent},
		{Login: "a2", Role: wb.RoleAgent, Tenant: wb.TenantXianyu},
		{Login: "a3", Role: wb.RoleAgent, Tenant: wb.TenantXianyu, Tenants: []string{wb.TenantXianyu, "淘宝BU"}},
		{Login: "boss", Role: wb.RoleDeptAdmin},
	}}
}

// Each check gets its own agent, so their statuses do not interfere.
func TestAccountChoice(t *testing.T) {
	env := NewEnv("http://x", demoLike())
	for _, c := range []struct {
		name string
		pick func() (wb.AccountConfig, error)
		want string
	}{
		{"notify", env.notifyAgent, "a1"},
		{"tenant", env.tenantAgent, "a3"},
		{"reply", env.replyAgent, "a2"},
	} {
		a, err := c.pick()
		if err != nil || a.Login != c.want {
			t.Errorf("%s agent = %q, %v; want %q", c.name, a.Login, err, c.want)
		}
	}
	env.TenantAgent = "nobody"
	if _, err := env.tenantAgent(); err == nil {
		t.Error("a named account that does not exist must be an error")
	}
}

func TestNoTenantAgentSkips(t *testing.T) {
	cfg := demoLike()
	cfg.Accounts = cfg.Accounts[:3] // no agent with a second tenant
	bc := CheckTenant(context.Background(), nil, NewEnv("http://x", cfg))
	if bc.Status != reports.StatusSkipped {
		t.Fatalf("status %s, want skipped: %+v", bc.Status, bc)
	}
	// The reason is the skip's, not a passed check (D-BR-1).
	if !strings.Contains(bc.SkipReason, "no agent account has a tenant other than") || len(bc.Checks) != 0 {
		t.Errorf("skip reason %q, checks %+v", bc.SkipReason, bc.Checks)
	}
}

// A check stops at its first failure and keeps the first diagnosis.
func TestRecordFirstFailureWins(t *testing.T) {
	r := newRecord("n", "R-X-1")
	r.check("a", true, "e", "s", nil)
	r.check("b", false, "e", "s", diag("R-A-1", "first", ""))
	r.check("c", false, "e", "s", diag("R-B-1", "second", ""))
	bc := r.done(nil)
	if bc.Status != reports.StatusFailed || bc.Diagnosis.Rule != "R-A-1" || len(bc.Checks) != 3 {
		t.Fatalf("got %+v", bc)
	}
}

// Launch and Close leave no process and no profile directory behind.
func TestLaunchClose(t *testing.T) {
	if _, err := Find(); err != nil {
		// make test installs Chromium; only a machine without one skips,
		// and CI may not (the browser checks must run there).
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no Chromium: %v", err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Launch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.PID() == 0 || len(processesUsing(b.Dir())) == 0 {
		t.Errorf("no Chromium process seen for %s (pid %d)", b.Dir(), b.PID())
	}
	tb, err := b.newTab(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var two int
	if err := tb.eval(`1 + 1`, &two); err != nil || two != 2 {
		t.Errorf("eval 1 + 1 = %d, %v", two, err)
	}
	tb.close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if ps := Leftovers(); len(ps) != 0 {
		t.Errorf("Chromium still running after Close: %+v", ps)
	}
	if _, err := os.Stat(b.Dir()); !os.IsNotExist(err) {
		t.Errorf("profile %s not removed: %v", b.Dir(), err)
	}
}
