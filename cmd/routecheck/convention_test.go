package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
)

// readReport decodes a report.json's head: the names every command's
// report starts with (D-CLI-5).
func readReport(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// D-CLI-4..6: run, load and simulate follow one convention. Without
// --out each writes report.json, report.html and junit.xml to a new
// folder reports/out/<name>-<seed>-<UTC time>/ and moves latest there;
// without --seed each picks a seed, prints it and records it; report.json
// starts with command, seed, passed, exit_code, interrupted, rerun and
// started_at, and exit_code is what the command exited with.
func TestOneConvention(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		name string // folder name before -<seed>-
		args []string
	}{
		{"demo-recycle", []string{"run"}},
		{"load", []string{"load", "--customers", "4", "--agents", "2", "--duration", "1s", "--ramp", "200ms", "--drain", "2s"}},
		{"simulate-demo-recycle", []string{"simulate", "--traffic", trafficPath(t), "--always-open", "--agents", "12", "--capacity", "3", "--hours", "2", "--replications", "2"}},
		{"script-idle-close", []string{"script", "idle-close"}},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			var code int
			var out, errs, dir, seed string
			// twice: a seed picked, not a fixed default, differs
			for i := range 2 {
				prev := seed
				code, out, errs = runCLI(t, tc.args...)
				if code != exitPass && code != exitFail {
					t.Fatalf("exit %d\n%s%s", code, out, errs)
				}
				m := regexp.MustCompile(`reports: (reports/out/` + regexp.QuoteMeta(tc.name) + `-(\d+)-\d{8}T\d{6}Z(?:-\d+)?)/\{report.html,report.json,junit.xml\}`).FindStringSubmatch(out + errs)
				if m == nil {
					t.Fatalf("no reports line naming reports/out/%s-<seed>-<UTC time>/:\n%s%s", tc.name, out, errs)
				}
				dir, seed = m[1], m[2]
				if i == 1 && seed == prev {
					t.Errorf("two runs without --seed both used seed %s: the default must pick one", seed)
				}
			}
			if seed == "0" || !strings.Contains(out+errs, "seed "+seed) {
				t.Errorf("the seed picked (%s) is not printed:\n%s", seed, out)
			}
			for _, f := range []string{"report.json", "report.html", "junit.xml"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
			if link, err := os.Readlink("reports/out/latest"); err != nil || link != filepath.Base(dir) {
				t.Errorf("latest -> %q (%v), want %s", link, err, filepath.Base(dir))
			}
			rep := readReport(t, filepath.Join(dir, "report.json"))
			if rep["command"] != tc.args[0] || rep["seed"] != json.Number(seed) && rep["seed"] != mustFloat(seed) ||
				rep["exit_code"] != float64(code) || rep["passed"] != (code == exitPass) || rep["interrupted"] != false {
				t.Errorf("report.json head: command %v seed %v passed %v exit_code %v interrupted %v; want %s, %s, exit %d",
					rep["command"], rep["seed"], rep["passed"], rep["exit_code"], rep["interrupted"], tc.args[0], seed, code)
			}
			if r, _ := rep["rerun"].(string); !strings.HasPrefix(r, "routecheck "+tc.args[0]+" ") || !strings.Contains(r, "--seed "+seed) {
				t.Errorf("rerun %q: want the whole command with --seed %s", rep["rerun"], seed)
			}
			if at, err := time.Parse(time.RFC3339, rep["started_at"].(string)); err != nil || time.Since(at) > time.Hour {
				t.Errorf("started_at %v: %v", rep["started_at"], err)
			}
			ju, _ := os.ReadFile(filepath.Join(dir, "junit.xml"))
			if !strings.Contains(string(ju), `<property name="seed" value="`+seed+`">`) {
				t.Errorf("junit.xml does not carry the seed as a property")
			}
		})
	}
	// --out is shown without a default in every command's help: giving
	// reports/out writes exactly there, not giving it does not.
	for _, cmd := range []string{"run", "load", "simulate", "checklist", "script"} {
		_, help, _ := runCLI(t, cmd, "--help")
		if strings.Contains(help, `(default "reports/out`) || !strings.Contains(help, "reports/out/<") {
			t.Errorf("%s --help shows --out as:\n%s", cmd, grepLine(help, "--out"))
		}
	}
}

func mustFloat(s string) float64 {
	var f float64
	_ = json.Unmarshal([]byte(s), &f)
	return f
}

func grepLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// trafficPath is the pure-queueing profile as an absolute path, for tests
// that leave the package folder.
func trafficPath(t *testing.T) string {
	t.Helper()
	return trafficAbs
}

var trafficAbs, _ = filepath.Abs(trafficDir + "pure-queueing.yaml")

// D-OUT-1, D-CLI-4: --out DIR reused: the earlier run's reports and
// screenshots are removed before this run writes (and it says so), other
// files stay; the same for load and simulate.
func TestOutReusedLeavesNothingOfTheEarlierRun(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--seed", "5"},
		{"simulate", "--traffic", trafficAbs, "--always-open", "--agents", "12", "--capacity", "3", "--hours", "1", "--replications", "2", "--seed", "5"},
	} {
		dir := t.TempDir()
		stale := filepath.Join(dir, "browser-3.png")
		keep := filepath.Join(dir, "notes.txt")
		os.WriteFile(stale, []byte("an earlier run's screenshot"), 0o644)
		os.WriteFile(filepath.Join(dir, "report.json"), []byte("{}"), 0o644)
		os.WriteFile(keep, []byte("mine"), 0o644)
		code, out, errs := runCLI(t, append(args, "--out", dir)...)
		if code != exitPass && code != exitFail {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
		if _, err := os.Stat(stale); err == nil {
			t.Errorf("%s: the earlier run's browser-3.png is still in --out", args[0])
		}
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s: a file that is not a report was removed", args[0])
		}
		if !strings.Contains(out+errs, "replaced the reports of an earlier run in "+dir) {
			t.Errorf("%s: the replaced reports are not said:\n%s", args[0], out)
		}
		if rep := readReport(t, filepath.Join(dir, "report.json")); rep["command"] != args[0] {
			t.Errorf("%s: report.json is not this run's: %v", args[0], rep["command"])
		}
	}
}

// D-SEC-1: no password of the vendor appears on the console or in any
// report a run writes, passing or failing; nor load's.
func TestNoPasswordInReportsOrConsole(t *testing.T) {
	check := func(name, dir, console string, passwords []string) {
		t.Helper()
		texts := map[string]string{"console": console}
		for _, f := range []string{"report.json", "report.html", "junit.xml"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			texts[f] = string(b)
		}
		for where, text := range texts {
			for _, pw := range passwords {
				if strings.Contains(text, pw) {
					t.Errorf("%s: %s shows the password %q", name, where, pw)
				}
			}
		}
	}
	for _, vendor := range []string{"demo", "broken/wrong-tenant"} {
		v, err := fixtures.Open(vendor)
		if err != nil {
			t.Fatal(err)
		}
		var pws []string
		for _, a := range v.Config.Accounts {
			pws = append(pws, a.Password)
		}
		dir := t.TempDir()
		_, out, errs := runCLI(t, "run", "--vendor", vendor, "--seed", "3", "--timeout", "2s", "--out", dir)
		check(vendor, dir, out+errs, pws)
	}
	dir := t.TempDir()
	_, out, errs := runCLI(t, "load", "--customers", "4", "--agents", "2", "--duration", "1s", "--ramp", "200ms", "--drain", "2s",
		"--ops-password", "load-pass", "--out", dir)
	check("load", dir, out+errs, []string{"load-pass"})
}
