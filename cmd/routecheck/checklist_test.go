package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	cl "routecheck/sim/checklist"
)

// checklist writes the printable page and the Markdown to --out, and warns
// when the planned time is outside the work hours.
func TestChecklistCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "checklist", "--vendor", "broken/outside-hours", "--at", "2026-11-28 10:00", "--tz", "Europe/Berlin", "--out", dir)
	if code != exitPass || errs != "" {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"2026-11-28 周六 10:00 (Europe/Berlin, UTC+01:00)", "outside the work hours", "next opening 2026-11-30 周一 02:00",
		filepath.Join(dir, "checklist.html"), filepath.Join(dir, "checklist.md")} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"checklist.html", "checklist.md"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(b), "当前没有人工客服在线") && !strings.Contains(string(b), "服务时间") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestChecklistBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"checklist", "--tz", "Mars/Olympus"}, `routecheck checklist: --tz "Mars/Olympus": not a time zone`},
		{[]string{"checklist", "--at", "soon"}, `routecheck checklist: --at "soon": want RFC 3339`},
		{[]string{"checklist", "--vendor", "broken/wrong-tenent"}, "did you mean broken/wrong-tenant?"},
		{[]string{"checklist", "--record", "no-such.json"}, "routecheck checklist --record: open no-such.json"},
		{[]string{"checklist", "--record", "r.json", "--at", "2026-11-27 10:00"}, "--at makes a new checklist; it does not go with --record"},
		{[]string{"checklist", "--json"}, "--json goes with --record FILE"},
	} {
		code, out, errs := runCLI(t, tc.args...)
		if code != exitInput || out != "" || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line with %q", tc.args, code, out, errs, tc.want)
		}
	}
}

// writeRecord saves the demo checklist's record with every item ticked but
// those of the steps in failed.
func writeRecord(t *testing.T, dir string, failed int) string {
	t.Helper()
	at := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	c := cl.Build(fixtures.Demo(), cl.Options{At: at})
	r := c.Blank()
	r.TestedAt = at.Format(time.RFC3339)
	for i := range r.Items {
		r.Items[i].Seen = failed == 0 || r.Items[i].Step < failed
	}
	b, _ := json.Marshal(r)
	path := filepath.Join(dir, "record.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// --record writes the same reports as run and exits as run does: 0 when
// the five steps passed, 1 when one failed, 2 for a bad record or one
// made from another configuration of --vendor.
func TestChecklistRecord(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report")
	code, stdout, errs := runCLI(t, "checklist", "--record", writeRecord(t, dir, 0), "--vendor", "demo", "--out", out)
	if code != exitPass || !strings.Contains(stdout, "PASS") {
		t.Fatalf("all ticked: exit %d\n%s%s", code, stdout, errs)
	}
	for _, f := range []string{"report.json", "junit.xml", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	// D-CLI-5: a record's report.json names its command.
	if rep := readReport(t, filepath.Join(out, "report.json")); rep["command"] != "checklist" || rep["exit_code"] != float64(exitPass) {
		t.Errorf("report.json: command %v, exit_code %v; want checklist, 0", rep["command"], rep["exit_code"])
	}
	none := filepath.Join(dir, "none")
	if code, js, errs := runCLI(t, "checklist", "--record", writeRecord(t, dir, 0), "--no-reports", "--json", "--out", none); code != exitPass || !strings.Contains(js, `"command": "checklist"`) {
		t.Errorf("--no-reports --json: exit %d\n%s%s", code, js, errs)
	}
	if _, err := os.Stat(none); err == nil {
		t.Error("--no-reports wrote a folder")
	}
	code, stdout, _ = runCLI(t, "checklist", "--record", writeRecord(t, dir, 4), "--out", out)
	if code != exitFail || !strings.Contains(stdout, "FAIL") || !strings.Contains(stdout, "step 4/5") {
		t.Errorf("step 4 not ticked: exit %d\n%s", code, stdout)
	}
	code, _, errs = runCLI(t, "checklist", "--record", writeRecord(t, dir, 0), "--vendor", "broken/wrong-tenant", "--out", out)
	if code != exitInput || !strings.Contains(errs, "the record's items differ") {
		t.Errorf("another vendor: exit %d %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format": "x"}`), 0o644)
	code, _, errs = runCLI(t, "checklist", "--record", bad)
	if code != exitInput || !strings.Contains(errs, "format") {
		t.Errorf("bad record: exit %d %s", code, errs)
	}
}
