package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vetJSONLine is the documented schema of one line of `vet --json`; the
// decoder refuses any other field.
type vetJSONLine struct {
	Command  string `json:"command"`
	Passed   *bool  `json:"passed"`
	ExitCode *int   `json:"exit_code"`
	File     string `json:"file"`
	Ready    *bool  `json:"ready"`
	Vendor   *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"vendor"`
	Errors    []vetJSONProblem `json:"errors"`
	Warnings  []vetJSONProblem `json:"warnings"`
	Checklist []struct {
		Rule   string `json:"rule"`
		Status string `json:"status"`
		Text   string `json:"text"`
	} `json:"checklist"`
	FailsRouteTest *bool `json:"fails_route_test"`
	FailsAt        *struct {
		Stage   string `json:"stage"`
		Step    int    `json:"step"`
		KPI     string `json:"kpi"`
		Rule    string `json:"rule"`
		Path    string `json:"path"`
		Message string `json:"message"`
	} `json:"fails_at"`
}

type vetJSONProblem struct {
	Line    int    `json:"line"`
	Path    string `json:"path"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

func vetJSON(t *testing.T, out string) []vetJSONLine {
	t.Helper()
	var lines []vetJSONLine
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		var v vetJSONLine
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("not the vet --json schema: %v\n%s", err, l)
		}
		if v.Command != "vet" || v.Passed == nil || v.ExitCode == nil || *v.Passed != (*v.ExitCode == 0) || v.File == "" || v.Ready == nil || v.Errors == nil || v.Warnings == nil || len(v.Checklist) != 5 || v.FailsRouteTest == nil {
			t.Fatalf("missing fields: %s", l)
		}
		for i, row := range v.Checklist {
			if row.Rule != "R-VEN-"+string(rune('1'+i)) || !strings.Contains("ok warning error", row.Status) || row.Status == "" {
				t.Fatalf("checklist row %d: %+v", i, row)
			}
		}
		lines = append(lines, v)
	}
	return lines
}

func warnFile(t *testing.T) string {
	t.Helper()
	demo, _ := os.ReadFile(fixturesDir + "demo.yaml")
	demo = bytes.Replace(demo, []byte("go_live: 2026-11-16"), []byte("go_live: 2026-11-05"), 1)
	p := filepath.Join(t.TempDir(), "warn.yaml")
	os.WriteFile(p, demo, 0o644)
	return p
}

func TestVetJSON(t *testing.T) {
	code, out, errs := runCLI(t, "vet", "--json", fixturesDir+"demo.yaml", warnFile(t), "../../fixtures/testdata/invalid/capacity-25.yaml")
	if code != exitInput || errs != "" {
		t.Fatalf("an invalid file makes exit 2: exit %d %s", code, errs)
	}
	lines := vetJSON(t, out)
	if len(lines) != 3 {
		t.Fatalf("one object per file: %d\n%s", len(lines), out)
	}
	demo, warn, bad := lines[0], lines[1], lines[2]
	if *demo.ExitCode != 0 || *warn.ExitCode != 0 || *bad.ExitCode != 2 {
		t.Errorf("exit codes per file: %d %d %d, want 0 0 2", *demo.ExitCode, *warn.ExitCode, *bad.ExitCode)
	}
	if !*demo.Ready || len(demo.Errors)+len(demo.Warnings) != 0 || demo.Vendor.ID != "demo-recycle" || demo.Checklist[0].Status != "ok" {
		t.Errorf("demo: %+v", demo)
	}
	if !*warn.Ready || len(warn.Warnings) != 1 || warn.Warnings[0].Rule != "R-VEN-5" || warn.Checklist[4].Status != "warning" || warn.Checklist[3].Status != "ok" {
		t.Errorf("a warning marks its row: %+v", warn)
	}
	if *bad.Ready || len(bad.Errors) != 1 || bad.Errors[0].Rule != "R-CAP-1" || bad.Errors[0].Line != 21 ||
		bad.Errors[0].Path != "accounts[1].capacity" || bad.Checklist[2].Status != "error" || bad.Vendor != nil {
		t.Errorf("an error marks its row: %+v", bad)
	}
}

func TestVetJSONUnreadable(t *testing.T) {
	code, out, errs := runCLI(t, "vet", "--json", "/nonexistent/vendor.yaml")
	lines := vetJSON(t, out)
	if !strings.HasPrefix(errs, "routecheck vet: vendor fixture /nonexistent/vendor.yaml: no such file") || strings.Count(errs, "\n") != 1 {
		t.Errorf("a file that is not there is bad input, one line on stderr too: %q", errs)
	}
	if code != exitInput || *lines[0].Ready || len(lines[0].Errors) != 1 || !strings.Contains(lines[0].Errors[0].Message, "no such file") ||
		lines[0].Checklist[0].Status != "error" {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestVetStrict(t *testing.T) {
	warn := warnFile(t)
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"vet", warn}, exitPass},
		{[]string{"vet", "--strict", warn}, exitFail},
		{[]string{"vet", "--strict", fixturesDir + "demo.yaml"}, exitPass},
		{[]string{"vet", "--strict", warn, "../../fixtures/testdata/invalid/capacity-25.yaml"}, exitInput},
		{[]string{"vet", "--strict", "--json", warn}, exitFail},
	} {
		if code, out, errs := runCLI(t, c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", c.args, code, c.code, out, errs)
		}
	}
}

func TestVetStdinAndNames(t *testing.T) {
	demo, _ := os.ReadFile(fixturesDir + "demo.yaml")
	var out, errb bytes.Buffer
	if code := execute([]string{"vet", "-"}, bytes.NewReader(demo), &out, &errb); code != exitPass || !strings.HasPrefix(out.String(), "stdin: READY") {
		t.Errorf("vet -: exit %d\n%s%s", code, out.String(), errb.String())
	}
	code, o, _ := runCLI(t, "vet", "broken/wrong-tenant")
	if code != exitPass || !strings.Contains(o, "fixtures/vendors/broken/wrong-tenant.yaml: READY") {
		t.Errorf("a bundled vendor by name: exit %d\n%s", code, o)
	}
}

// A binary or huge file is one short line, not the bytes it holds.
func TestVetNotYAML(t *testing.T) {
	dir := t.TempDir()
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0xff, 0x00, 0x7f}, 4000)...)
	huge := append([]byte("vendor:\n  id: x\n"), bytes.Repeat([]byte("# padding padding padding\n"), 50000)...)
	for name, data := range map[string][]byte{"logo.png": png, "huge.yaml": huge} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		code, out, _ := runCLI(t, "vet", p)
		if code != exitInput || !strings.HasPrefix(out, p+": not a YAML file") || len(out) > 400 || strings.Count(out, "\n") != 1 {
			t.Errorf("%s: exit %d, %d bytes:\n%q", name, code, len(out), out)
		}
	}
}

func TestInitTemplate(t *testing.T) {
	code, tmpl, _ := runCLI(t, "init")
	if code != exitPass || !strings.Contains(tmpl, "R-CAP-1") {
		t.Fatalf("init: exit %d", code)
	}
	p := filepath.Join(t.TempDir(), "new.yaml")
	if code, out, errs := runCLI(t, "init", p); code != exitPass || !strings.Contains(out, "routecheck vet "+p) {
		t.Fatalf("init FILE: exit %d %s%s", code, out, errs)
	}
	if written, _ := os.ReadFile(p); string(written) != tmpl {
		t.Error("init FILE and init > FILE differ")
	}
	if code, out, _ := runCLI(t, "vet", "--json", p); code != exitPass || !*vetJSON(t, out)[0].Ready {
		t.Errorf("the template as written passes vet: exit %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "init", p); code != exitInput || !strings.Contains(errs, "already exists") {
		t.Errorf("init must not overwrite: exit %d %s", code, errs)
	}
}

func TestFixturesCommand(t *testing.T) {
	code, out, _ := runCLI(t, "fixtures")
	files, _ := filepath.Glob(fixturesDir + "*.yaml")
	broken, _ := filepath.Glob(fixturesDir + "broken/*.yaml")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitPass || len(lines) != len(files)+len(broken) || !strings.HasPrefix(lines[0], "demo ") {
		t.Fatalf("one line per bundled vendor (%d files): exit %d\n%s", len(files)+len(broken), code, out)
	}
	for _, l := range lines {
		name := strings.Fields(l)[0]
		if c, o, e := runCLI(t, "vet", name); c != exitPass {
			t.Errorf("listed vendor %s does not load by name: %s%s", name, o, e)
		}
	}
}

// Every bundled vendor runs from a folder with no fixtures in it.
func TestRunBundledByNameOutsideRepo(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errs := runCLI(t, "run", "--vendor", "broken/wrong-tenant", "--seed", "2", "--timeout", "300ms", "--no-reports")
	if code != exitFail || !strings.Contains(out, "R-TEN-1") || !strings.Contains(out, "(fixtures/vendors/broken/wrong-tenant.yaml)") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = runCLI(t, "run", "--vendor", "broken/no-such", "--no-reports")
	if code != exitInput || !strings.Contains(errs, "bundled: demo, at-capacity, broken/") {
		t.Errorf("an unknown name lists the bundled vendors: exit %d %s", code, errs)
	}
}

// vet colours its checklist on a terminal only.
func TestVetColour(t *testing.T) {
	t.Setenv("NO_COLOR", "") // restored after the test
	os.Unsetenv("NO_COLOR")
	t.Setenv("TERM", "xterm-256color")
	tty := new(fakeTTY)
	if code := realMain([]string{"vet", warnFile(t)}, tty, new(bytes.Buffer)); code != exitPass {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(tty.String(), "\x1b[32m✔\x1b[0m R-VEN-1") || !strings.Contains(tty.String(), "\x1b[33m⚠\x1b[0m R-VEN-5") {
		t.Errorf("no colour on a terminal:\n%q", tty.String())
	}
	_, plain, _ := runCLI(t, "vet", "--no-color", warnFile(t))
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("escape codes in a pipe:\n%q", plain)
	}
}

// fails_route_test says where: the step and rule (or the KPI, or that run
// refuses the file) and the field to change; absent when run passes.
func TestVetJSONSaysWhereRunFails(t *testing.T) {
	for file, want := range map[string]string{
		fixturesDir + "broken/no-online-agent-phrase.yaml":            "step 4 R-RT-4 bot_page.quick_phrases",
		fixturesDir + "broken/never-replies.yaml":                     "step 5 R-RT-5 rehearsal.agents[0].replies",
		"../../fixtures/testdata/rehearsals/late-reply.yaml":          "kpi 0 R-KPI-1 rehearsal.agents[0].reply_delay first_response_s",
		"../../fixtures/testdata/routes/no-operations-account.yaml":   "start 0 R-RT-1 accounts",
		"../../fixtures/testdata/routes/faq-shadowed-by-phrase.yaml":  "step 3 R-VEN-2 bot_page.faq[0].questions[0].question",
		"../../fixtures/testdata/routes/only-admin-under-xianyu.yaml": "step 2 R-TEN-1 accounts",
		"../../fixtures/testdata/routes/second-agent-silent.yaml":     "step 5 R-RT-5 rehearsal.agents[1].replies",
		fixturesDir + "demo.yaml":                                     "",
		"../../fixtures/testdata/routes/third-agent-silent.yaml":      "",
		"../../fixtures/testdata/routes/unlisted-agent-covers.yaml":   "",
	} {
		_, out, _ := runCLI(t, "vet", "--json", file)
		v := vetJSON(t, out)[0]
		got := ""
		if f := v.FailsAt; f != nil {
			got = strings.TrimSpace(strings.Join([]string{f.Stage, fmt.Sprint(f.Step), f.Rule, f.Path, f.KPI}, " "))
			if f.Message == "" {
				t.Errorf("%s: fails_at without a message", file)
			}
		}
		if got != want || *v.FailsRouteTest != (want != "") {
			t.Errorf("%s: fails_route_test %v at %q, want %q", file, *v.FailsRouteTest, got, want)
		}
	}
}

// A file vet could not read as YAML has no checklist row checked: every
// row is an error, in the console and in --json.
func TestVetSyntaxErrorChecksNoRow(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.yaml")
	os.WriteFile(p, []byte("vendor:\n  id: x\n  name: [unclosed\n"), 0o644)
	code, out, _ := runCLI(t, "vet", "--json", p)
	lines := vetJSON(t, out)
	if code != exitInput || len(lines[0].Errors) != 1 || !strings.Contains(lines[0].Errors[0].Message, "YAML syntax error") {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, row := range lines[0].Checklist {
		if row.Status != "error" {
			t.Errorf("checklist %s is %q after a syntax error, want error", row.Rule, row.Status)
		}
	}
}

// D-SEC-1: the rerun line names every flag given, with a password as its
// ${NAME} reference or <password>, never its value.
func TestRerunNeverPrintsAPassword(t *testing.T) {
	root := newRootCmd(new(bytes.Buffer), new(bytes.Buffer), new(int), realClocks())
	cmd, _, err := root.Find([]string{"load"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags([]string{"--ops-password", "s3cret-ops-pw", "--agent-password", "${RC_AGENTS_PW}", "--customers", "30", "--json"}); err != nil {
		t.Fatal(err)
	}
	got := rerunOf(cmd, 77)
	for _, want := range []string{"routecheck load", "--customers 30", "--seed 77", "--json", "--ops-password '<password>'", "--agent-password '${RC_AGENTS_PW}'"} {
		if !strings.Contains(got, want) {
			t.Errorf("rerun %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "s3cret") {
		t.Errorf("rerun prints a password: %q", got)
	}
	_, help, _ := runCLI(t, "load", "--help")
	if strings.Contains(help, "load-pass") {
		t.Error("load --help prints the default password")
	}
}

// D-SEC-1: load's passwords may be ${NAME}; an unset one is bad input
// naming the flag and the variable.
func TestLoadPasswordFromEnvironment(t *testing.T) {
	f := smallLoad(t.TempDir())
	f.opsPass = "${RC_TEST_LOAD_OPS_PW}"
	var out, errb bytes.Buffer
	if code := runLoad(t.Context(), f, &out, &errb); code != exitInput || !strings.Contains(errb.String(), "--ops-password ${RC_TEST_LOAD_OPS_PW}: not set") {
		t.Errorf("unset: exit %d, %q", code, errb.String())
	}
	t.Setenv("RC_TEST_LOAD_OPS_PW", f.agentPass) // the bundled load vendor's
	out.Reset()
	errb.Reset()
	if code := runLoad(t.Context(), f, &out, &errb); code != exitPass {
		t.Errorf("set: exit %d\n%s", code, errb.String())
	}
}
