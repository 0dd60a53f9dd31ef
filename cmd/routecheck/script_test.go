package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"routecheck/fixtures/scripts"
)

// writeScript puts a script in dir and returns its path.
func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const passing = `# passes
vendor demo
start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
expect 买家 assigned to 小王          # R-RT-4
小王 says "您好"
expect 买家 gets "您好" from 小王       # R-RT-5
`

// D-SCR-7: exit codes as run's: 0 passed, 1 an assert failed (or the
// workbench refused an action), 2 a script that cannot run (every problem
// with file:line:col), 3 the harness could not run (never the vendor's),
// and a script by name works from any folder.
func TestScriptExitCodes(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := t.TempDir()
	ok := writeScript(t, dir, "ok.script", passing)
	failing := writeScript(t, dir, "failing.script", strings.Replace(strings.Replace(passing, "customer 买家", "customer 买家\nagent 小李 is demo-agent2", 1), "expect 买家 assigned to 小王", "expect 买家 assigned to 小李", 1))
	bad := writeScript(t, dir, "bad.script", "vendor demo\nagent 小王 is demo-agnet1\n小王 马上上斑\n")

	code, out, errs := runCLI(t, "script", "idle-close", "--no-reports")
	if code != exitPass || !strings.Contains(out, "PASS idle-close") {
		t.Errorf("a shipped script by name from another folder: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := runCLI(t, "script", ok, "--no-reports"); code != exitPass {
		t.Errorf("passing script: exit %d\n%s", code, out)
	}
	code, out, errs = runCLI(t, "script", failing, "--no-reports")
	if code != exitFail || !strings.Contains(out, "✘ 9 expect 买家 assigned to 小李") || !strings.Contains(out, "repeat with: routecheck script") {
		t.Errorf("failing script: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "script", bad, ok)
	if code != exitInput || out != "" ||
		!strings.Contains(errs, "bad.script:2:7: fixtures/vendors/demo.yaml has no account \"demo-agnet1\"; did you mean demo-agent1?") ||
		!strings.Contains(errs, "bad.script:3:1: \"小王\" is not a party of this script") && !strings.Contains(errs, "bad.script:3:4:") {
		t.Errorf("bad script: exit %d, stdout %q\n%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "script", "idle-clos"); code != exitInput || !strings.Contains(errs, "did you mean idle-close?") {
		t.Errorf("a mistyped shipped name: exit %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "script"); code != exitInput || !strings.Contains(errs, "routecheck script --list") {
		t.Errorf("no script: exit %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "script", ok, "--target", "localhost:1"); code != exitInput || !strings.Contains(errs, "did you mean http://localhost:1") {
		t.Errorf("a target without a scheme: exit %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "script", ok, "--target", "http://127.0.0.1:1", "--no-reports"); code != exitHarness || !strings.Contains(errs, "unreachable") {
		t.Errorf("an unreachable target: exit %d %s", code, errs)
	}
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer foreign.Close()
	if code, _, errs := runCLI(t, "script", ok, "--target", foreign.URL, "--no-reports"); code != exitHarness || !strings.Contains(errs, "not a routecheck workbench") {
		t.Errorf("a foreign target: exit %d %s", code, errs)
	}
	// both: a harness error wins over a failure (never the vendor's fault)
	if code, _, _ := runCLI(t, "script", "--list"); code != exitPass {
		t.Errorf("--list: exit %d", code)
	}
}

// D-SCR-7: report.json has the head every command shares; junit.xml one
// case per assert line; report.html marks every assert of the transcript.
func TestScriptReports(t *testing.T) {
	t.Chdir(t.TempDir())
	out := filepath.Join(t.TempDir(), "out")
	dir := t.TempDir()
	failing := writeScript(t, dir, "failing.script", strings.Replace(passing, `expect 买家 gets "您好" from 小王`, `expect 买家 gets "您好！" from 小王`, 1))
	code, stdout, errs := runCLI(t, "script", "idle-close", failing, "--out", out, "--seed", "9")
	if code != exitFail {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	raw, _ := os.ReadFile(filepath.Join(out, "report.json"))
	var head struct {
		Keys []string
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		head.Keys = append(head.Keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	if got := strings.Join(head.Keys[:7], ","); got != "command,seed,passed,exit_code,interrupted,rerun,started_at" {
		t.Errorf("report.json starts with %s", got)
	}
	rep := readReport(t, filepath.Join(out, "report.json"))
	if rep["command"] != "script" || rep["seed"] != float64(9) || rep["passed"] != false || rep["exit_code"] != float64(1) {
		t.Errorf("report.json head %v %v %v %v", rep["command"], rep["seed"], rep["passed"], rep["exit_code"])
	}
	if r, _ := rep["rerun"].(string); !strings.HasPrefix(r, "routecheck script --seed 9 --out ") || !strings.HasSuffix(r, "idle-close "+failing) {
		t.Errorf("rerun %q", rep["rerun"])
	}
	scriptsJSON := rep["scripts"].([]any)
	asserts := 0
	for _, s := range scriptsJSON {
		asserts += int(s.(map[string]any)["asserts"].(float64))
	}
	if asserts != 9+2 {
		t.Errorf("%d asserts in report.json, want 11", asserts)
	}
	failed := scriptsJSON[1].(map[string]any)
	if failed["status"] != "failed" {
		t.Errorf("second script %v", failed["status"])
	}
	for _, l := range failed["lines"].([]any) {
		line := l.(map[string]any)
		if line["status"] == "failed" && (line["line"] != float64(10) || line["seen"] == "" || line["frames"] == nil) {
			t.Errorf("failed line %v", line)
		}
	}

	var ju struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	jb, _ := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err := xml.Unmarshal(jb, &ju); err != nil {
		t.Fatal(err)
	}
	cases, failures := 0, 0
	for _, s := range ju.Suites {
		for _, c := range s.Cases {
			cases++
			if c.Failure != nil {
				failures++
				if !strings.Contains(c.Name, "failing.script:10 expect 买家 gets \"您好！\" from 小王 (R-RT-5)") {
					t.Errorf("failed case %q", c.Name)
				}
			}
		}
	}
	if len(ju.Suites) != 2 || cases != 11 || failures != 1 {
		t.Errorf("junit: %d suites, %d cases, %d failures; want 2, one per assert line (11), 1", len(ju.Suites), cases, failures)
	}

	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	marks := regexp.MustCompile(`<div class="e assert (passed|failed)"[^>]*><span class="at">[^<]*</span><span class="m">(✔|✘)</span>`).FindAllStringSubmatch(string(html), -1)
	pass, fail := 0, 0
	for _, m := range marks {
		if m[1] == "passed" && m[2] == "✔" {
			pass++
		} else if m[1] == "failed" && m[2] == "✘" {
			fail++
		}
	}
	if pass != 10 || fail != 1 {
		t.Errorf("report.html's transcripts mark %d asserts ✔ and %d ✘, want 10 and 1", pass, fail)
	}
	// the failed assert sits after the message it judged
	i := strings.Index(string(html), "您好</span>")
	j := strings.Index(string(html), `<div class="e assert failed"`)
	if i < 0 || j < i {
		t.Errorf("the failed assert is not next to the message around it (message at %d, assert at %d)", i, j)
	}
	if !strings.Contains(string(html), `href="#rule-R-RT-5"`) {
		t.Error("report.html does not link the rule IDs")
	}
}

// D-SCR-2: against --target the script says, before it starts, that its
// waits are real and how long they take.
func TestScriptAgainstTargetSaysItsWaitsAreReal(t *testing.T) {
	s := startServe(t, "--port", "0")
	dir := t.TempDir()
	p := writeScript(t, dir, "waits.script", strings.Replace(passing, "小王 says \"您好\"", "wait 1s\n小王 says \"您好\"", 1))
	code, out, errs := runCLI(t, "script", p, "--target", s.base, "--no-reports")
	if code != exitPass {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	note := strings.Index(out, "note: the workbench keeps its own clock, so this script's waits are real: 1s at line 9; 1s in all")
	first := strings.Index(out, "✔ 8 expect")
	if note < 0 || first < note {
		t.Errorf("the real-wait note does not come before the first line:\n%s", out)
	}
	if !strings.Contains(out, "note: line 3: start 2026-11-27 10:00 is not applied") {
		t.Errorf("no note that start is not applied:\n%s", out)
	}
}

// D-SCR-7: Ctrl-C during a real wait ends the run with 130, the reports
// written and marked interrupted; nothing is judged against the vendor.
func TestScriptInterruptExits130(t *testing.T) {
	s := startServe(t, "--port", "0")
	dir := t.TempDir()
	p := writeScript(t, dir, "long.script", strings.Replace(passing, "小王 says \"您好\"", "wait 10m\n小王 says \"您好\"", 1))
	cmd := exec.Command(routecheckBinary(t), "script", p, "--target", s.base, "--out", filepath.Join(dir, "out"))
	stdout, _ := cmd.StdoutPipe()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "✔ 8 expect") {
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, want 130\n%s%s", err, out.String(), errb.String())
	}
	rep := readReport(t, filepath.Join(dir, "out", "report.json"))
	if rep["interrupted"] != true || rep["exit_code"] != float64(130) || !strings.Contains(out.String(), "INTERRUPTED") {
		t.Fatalf("report interrupted %v exit %v\n%s", rep["interrupted"], rep["exit_code"], out.String())
	}
}

// Every shipped script is listed by --list with its first comment.
func TestScriptList(t *testing.T) {
	_, out, _ := runCLI(t, "script", "--list")
	for _, n := range scripts.Names() {
		if !strings.Contains(out, n+" ") {
			t.Errorf("--list does not name %s", n)
		}
	}
}

// A workbench at --target that serves another vendor is the harness's
// trouble, not the vendor's (exit 3, D-RUN-7).
func TestScriptTargetOfAnotherVendor(t *testing.T) {
	demo, err := os.ReadFile("../../fixtures/vendors/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	other := writeScript(t, t.TempDir(), "other.yaml", strings.Replace(string(demo), "id: demo-recycle", "id: other-vendor", 1))
	s := startServe(t, "--port", "0", "--vendor", other)
	code, out, errs := runCLI(t, "script", "idle-close", "--target", s.base, "--no-reports")
	if code != exitHarness || !strings.Contains(out+errs, "serves other-vendor, not demo-recycle") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}
