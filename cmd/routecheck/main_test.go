package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

const fixturesDir = "../../fixtures/vendors/"

func TestRunDemoPasses(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "run", "--vendor", fixturesDir+"demo.yaml", "--seed", "11", "--out", dir)
	if code != exitPass {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for i := 1; i <= 5; i++ {
		if !strings.Contains(out, "✔ "+string(rune('0'+i))+"/5") {
			t.Errorf("step %d not shown as passed:\n%s", i, out)
		}
	}
	for _, f := range []string{"report.json", "junit.xml", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("report %s: %v", f, err)
		}
	}
}

// Each broken fixture exits 1 (DESIGN.md principle 4); which step and rule
// fail is the route suite's business (scenarios/route).
func TestRunBrokenFixturesExitOne(t *testing.T) {
	files, _ := filepath.Glob(fixturesDir + "broken/*.yaml")
	if len(files) < 6 {
		t.Fatalf("want the six broken fixtures, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, errs := runCLI(t, "run", "--vendor", f, "--seed", "5", "--timeout", "300ms", "--out", t.TempDir())
			if code != exitFail || !strings.Contains(out, "fix (R-") {
				t.Fatalf("exit %d, want 1 with a fix\n%s%s", code, out, errs)
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	code, out, errs := runCLI(t, "run", "--json", "--seed", "9", "--out", t.TempDir())
	if code != exitPass {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Seed   int64 `json:"seed"`
		Passed bool  `json:"passed"`
		Steps  []struct {
			Number int    `json:"number"`
			Status string `json:"status"`
		} `json:"steps"`
		KPIs map[string]any `json:"kpis"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not report.json: %v\n%s", err, out)
	}
	if rep.Seed != 9 || !rep.Passed || len(rep.Steps) != 5 || rep.KPIs["service_requests"] != 2.0 {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(errs, "PASS") {
		t.Fatalf("the console goes to stderr with --json:\n%s", errs)
	}
}

func TestBadInputExitsTwo(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("vendor:\n  id: x\n  colour: red\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--seeed", "1"}, "routecheck run: unknown flag --seeed; did you mean --seed?"},
		{[]string{"run", "--timeout", "soon"}, `invalid argument "soon" for "--timeout"`},
		{[]string{"run", "--timeout", "-1s"}, "must be positive"},
		{[]string{"run", "--vendor", bad}, "bad.yaml:3: vendor.colour"},
		{[]string{"run", "--vendor", "/nonexistent.yaml"}, "nonexistent.yaml"},
		{[]string{"vet"}, "name at least one vendor file"},
		{[]string{"serve", "--port", "70000"}, "want 0..65535"},
		{[]string{"dance"}, `unknown command "dance"`},
		{nil, "usage:"},
	}
	for _, tc := range cases {
		code, out, errs := runCLI(t, tc.args...)
		if code != exitInput || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s%s", tc.args, code, tc.want, out, errs)
		}
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"run", "vet", "serve"} {
		code, out, errs := runCLI(t, cmd, "--help")
		if code != exitPass || !strings.Contains(out+errs, "examples:") || !strings.Contains(out+errs, "routecheck "+cmd) {
			t.Errorf("%s --help: exit %d\n%s%s", cmd, code, out, errs)
		}
	}
}

func TestUnreachableTargetExitsThree(t *testing.T) {
	code, _, errs := runCLI(t, "run", "--target", "http://127.0.0.1:1", "--out", t.TempDir())
	if code != exitHarness || !strings.Contains(errs, "unreachable") {
		t.Fatalf("exit %d, want 3: %s", code, errs)
	}
}

func TestVet(t *testing.T) {
	code, out, _ := runCLI(t, "vet", fixturesDir+"demo.yaml")
	if code != exitPass || !strings.Contains(out, "READY") || strings.Contains(out, "⚠") {
		t.Fatalf("demo: exit %d\n%s", code, out)
	}
	for _, rule := range []string{"R-VEN-1", "R-VEN-2", "R-VEN-3", "R-VEN-4", "R-VEN-5"} {
		if !strings.Contains(out, "✔ "+rule) {
			t.Errorf("checklist lacks %s:\n%s", rule, out)
		}
	}
	warn := filepath.Join(t.TempDir(), "warn.yaml")
	demo, _ := os.ReadFile(fixturesDir + "demo.yaml")
	demo = bytes.Replace(demo, []byte("go_live: 2026-11-16"), []byte("go_live: 2026-11-05"), 1)
	demo = bytes.Replace(demo, []byte("role: agent, capacity: 3}"), []byte("role: agent, capacity: 8}"), 1)
	os.WriteFile(warn, demo, 0o644)
	code, out, _ = runCLI(t, "vet", warn)
	if code != exitPass || !strings.Contains(out, "READY with 2 warnings") ||
		!strings.Contains(out, "⚠") || !strings.Contains(out, "R-VEN-5") || !strings.Contains(out, "R-CAP-1") {
		t.Fatalf("warnings do not fail vet but are listed: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "vet", "../../fixtures/testdata/invalid/capacity-25.yaml")
	if code != exitInput || !strings.Contains(out, "NOT READY") || !strings.Contains(out, "R-CAP-1") {
		t.Fatalf("invalid fixture: exit %d\n%s", code, out)
	}
}

// routecheck serve is reachable with an HTTP client and a WebSocket client,
// and stops cleanly on Ctrl-C.
func TestServeReachable(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "routecheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--port", "0", "--vendor", fixturesDir+"demo.yaml")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var base, bot string
	sc := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() && (base == "" || bot == "") {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch last := f[len(f)-1]; {
		case strings.HasSuffix(last, "/workbench"):
			base = strings.TrimSuffix(last, "/workbench")
		case strings.Contains(last, "/bot?"):
			bot = last
		}
	}
	if base == "" || bot == "" {
		t.Fatal("serve did not print the workbench and bot-page URLs")
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(strings.Replace(bot, "/bot?", "/ws/customer?", 1), "http"), nil)
	if err != nil {
		t.Fatalf("customer socket: %v", err)
	}
	var hello map[string]any
	if err := ws.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("hello: %v %v", hello, err)
	}
	ws.Close()
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly on Ctrl-C: %v", err)
	}
}

// Without a Chromium, --browser cannot run: exit 3 with how to install one.
func TestBrowserWithoutChromiumExitsThree(t *testing.T) {
	t.Setenv("CHROME_PATH", "")
	t.Setenv("PATH", t.TempDir())
	code, _, errs := runCLI(t, "run", "--browser", "--seed", "3", "--out", t.TempDir())
	if code != exitHarness || !strings.Contains(errs, "apt-get install chromium") {
		t.Fatalf("exit %d, want 3 with the install hint: %s", code, errs)
	}
}
