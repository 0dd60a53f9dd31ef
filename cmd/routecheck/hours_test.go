package main

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
	"routecheck/sim/server"
)

// atWall is the harness with its clock stopped at at: the run plans the
// bundled workbench's time of day from it (D-RUN-8), and the vendor time
// and --at in the output do not depend on how long a run took.
func atWall(at time.Time) harnessClocks {
	c := realClocks()
	c.wall = func() time.Time { return at }
	return c
}

// runCLI runs one command line in-process on the clocks c.
func (c harnessClocks) runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = c.main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// main is realMain on the clocks c.
func (c harnessClocks) main(args []string, stdout, stderr io.Writer) int {
	return executeWith(c, args, os.Stdin, stdout, stderr)
}

var vendorTimeLine = regexp.MustCompile(`(?m)^vendor time (\S+) (\d{4}-\d\d-\d\d \d\d:\d\d) (\S+), (.*)$`)

// vendorTimeOf is the time the console says the test ran at.
func vendorTimeOf(t *testing.T, out string) time.Time {
	t.Helper()
	m := vendorTimeLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the console does not state the vendor time:\n%s", out)
	}
	loc, err := time.LoadLocation(m[3])
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", m[2], loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// A vendor that keeps business hours passes whatever hour the harness runs
// at, and the console says when, on the vendor's clock, the test ran: every
// three hours of a week (nightly CI's 03:00 Shanghai among them), the
// minute before closing, and on the weekend (D-RUN-8, R-VEN-4).
func TestBusinessHoursVendorPassesAtAnyHarnessHour(t *testing.T) {
	v, err := fixtures.Open("business-hours")
	if err != nil {
		t.Fatal(err)
	}
	h, loc := v.Config.WorkHours, v.Config.WorkHours.Location
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, loc)
	walls := []time.Time{monday.Add(17*time.Hour + 59*time.Minute), monday.Add(4*24*time.Hour + 17*time.Hour + 58*time.Minute)}
	for hr := 0; hr < 7*24; hr += 3 {
		walls = append(walls, monday.Add(time.Duration(hr)*time.Hour+7*time.Minute))
	}
	for _, wall := range walls {
		clk := atWall(wall)
		code, out, errs := clk.runCLI(t, "run", "--vendor", "business-hours", "--seed", "7", "--no-reports", "--timeout", "2s")
		if code != exitPass {
			t.Fatalf("harness at %s: exit %d\n%s%s", wall.Format("Mon 15:04"), code, out, errs)
		}
		at := vendorTimeOf(t, out)
		if !h.InWorkHours(at, loc) || at.Before(wall.Truncate(time.Minute)) {
			t.Fatalf("harness at %s: the console says the test ran at %s, outside %s or before the harness's time", wall.Format("Mon 15:04"), at, h)
		}
	}
}

// docs/nightly-ci.yml, as written, passes a business-hours vendor on every
// night of a week: its schedule's hour, its run command with the vendor in
// $VENDOR (the browser checks are left to the browser suite).
func TestNightlyWorkflowPassesABusinessHoursVendor(t *testing.T) {
	yml, err := os.ReadFile("../../docs/nightly-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	cron := regexp.MustCompile(`cron: "(\d+) (\d+) \* \* \*"`).FindStringSubmatch(string(yml))
	run := regexp.MustCompile(`(?m)^\s*run: \./bin/routecheck run (.*)$`).FindStringSubmatch(string(yml))
	if cron == nil || run == nil {
		t.Fatalf("nightly-ci.yml has no daily cron or no routecheck run step")
	}
	minute, _ := strconv.Atoi(cron[1])
	hour, _ := strconv.Atoi(cron[2])
	var args []string
	for _, a := range strings.Fields(run[1]) {
		switch a {
		case `"$VENDOR"`:
			a = "business-hours"
		case "--browser":
			continue
		}
		args = append(args, a)
	}
	args = append([]string{"run"}, args...)
	for i, a := range args {
		if a == "--out" {
			args[i+1] = t.TempDir()
		}
	}
	for day := range 7 {
		wall := time.Date(2026, 11, 23+day, hour, minute, 0, 0, time.UTC) // GitHub's cron is UTC
		clk := atWall(wall)
		code, out, errs := clk.runCLI(t, append(args, "--seed", strconv.Itoa(day+1))...)
		if code != exitPass {
			t.Fatalf("nightly at %s UTC (%v): exit %d\n%s%s", wall.Format("Mon 15:04"), args, code, out, errs)
		}
	}
}

// Against --target the harness cannot move the workbench's clock: a
// transfer refused outside the vendor's hours is not judged (exit 3, never
// a vendor fix), and the console said before step 1 when the hours open. A
// refusal inside the confirmed hours is the vendor's: X-Space keeps other
// hours than those confirmed (exit 1, R-VEN-4).
func TestTargetOutsideHoursIsNotTheVendorsFault(t *testing.T) {
	v, err := fixtures.Open("business-hours")
	if err != nil {
		t.Fatal(err)
	}
	loc := v.Config.WorkHours.Location
	night := time.Date(2026, 11, 25, 3, 0, 0, 0, loc) // Wednesday 03:00
	vc := clock.NewVirtual(night)
	srv, base, err := routetest.BundledOn(v, time.Hour, vc)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	clk := atWall(night)
	code, out, errs := clk.runCLI(t, "run", "--vendor", "business-hours", "--target", base, "--seed", "3", "--no-reports", "--timeout", "2s")
	if code != exitHarness || !strings.Contains(out, "not judged") || strings.Contains(out, "fix (R-VEN-4)") ||
		!strings.Contains(out, "the hours open 周三 2026-11-25 09:00") || !strings.Contains(out, "HARNESS ERROR") {
		t.Fatalf("exit %d, want 3, not judged, no vendor fix, when the hours open\n%s%s", code, out, errs)
	}

	// The workbench keeps other hours than the fixture's: Saturday only.
	other, _ := fixtures.Open("business-hours")
	other.Config.WorkHours.Days = []time.Weekday{time.Saturday}
	noon := time.Date(2026, 11, 25, 12, 0, 0, 0, loc)
	srv2, base2, err := routetest.BundledOn(other, time.Hour, clock.NewVirtual(noon))
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	clk = atWall(noon)
	code, out, errs = clk.runCLI(t, "run", "--vendor", "business-hours", "--target", base2, "--seed", "3", "--no-reports", "--timeout", "2s")
	if code != exitFail || !strings.Contains(out, "fix (R-VEN-4)") || !strings.Contains(out, "differ from those confirmed") {
		t.Fatalf("exit %d, want 1 with R-VEN-4: the configured hours differ\n%s%s", code, out, errs)
	}
}

// --at rehearses a time the tester chose: outside the hours it fails step
// 4 with R-VEN-4 like rehearsal.start_at, and the rerun repeats the instant.
func TestAtOutsideHoursRehearsesTheWrongTime(t *testing.T) {
	clk := atWall(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	code, out, errs := clk.runCLI(t, "run", "--vendor", "business-hours", "--at", "2026-11-28 10:00", "--seed", "3", "--no-reports", "--timeout", "2s")
	if code != exitFail || !strings.Contains(out, "✘ 4/5") || !strings.Contains(out, "fix (R-VEN-4)") ||
		!strings.Contains(out, "--at 2026-11-28T10:00:00+08:00") || !strings.Contains(out, "chosen by --at") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, bad := range [][]string{{"--at", "tomorrow"}, {"--at", "10:00", "--target", "http://127.0.0.1:1"}} {
		code, _, errs := clk.runCLI(t, append([]string{"run", "--vendor", "business-hours", "--no-reports"}, bad...)...)
		if code != exitInput || strings.Count(strings.TrimSpace(errs), "\n") > 0 || !strings.Contains(errs, "--at") {
			t.Errorf("%v: exit %d, want 2 with one line naming --at: %q", bad, code, errs)
		}
	}
}

// D-RUN-2: the workbench a route test starts hashes passwords at bcrypt's
// lowest cost; `routecheck serve` at the default cost.
func TestPasswordCosts(t *testing.T) {
	v, err := fixtures.Open("demo")
	if err != nil {
		t.Fatal(err)
	}
	b, err := routetest.Bundled(v, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := b.PasswordCost(); got != bcrypt.MinCost {
		t.Errorf("the bundled workbench hashes at cost %d, want %d", got, bcrypt.MinCost)
	}
	opts := serveOptions(time.Hour, "", "", io.Discard)
	opts.HashProcess = false // no worker processes for a test that hashes nothing
	srv := server.New(opts)
	defer srv.Close()
	if got := srv.PasswordCost(); got != bcrypt.DefaultCost {
		t.Errorf("routecheck serve hashes at cost %d, want %d", got, bcrypt.DefaultCost)
	}
}
