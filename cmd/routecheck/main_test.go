package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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
			code, out, errs := runCLI(t, "run", "--vendor", f, "--seed", "5", "--timeout", "1s", "--out", t.TempDir())
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
		{[]string{"run", "--timeout", "soon"}, `--timeout "soon": want a duration such as 500ms, 5s, 2m or 24h`},
		{[]string{"run", "--timeout", "-1s"}, "must be positive"},
		{[]string{"run", "--target", "localhost:8080"}, "did you mean http://localhost:8080?"},
		{[]string{"run", "--target", "127.0.0.1:8080"}, "did you mean http://127.0.0.1:8080?"},
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
	// The rows a warning concerns are not ✔.
	for _, row := range []string{"R-VEN-5 lead time", "R-VEN-3 accounts"} {
		if !strings.Contains(out, "⚠ "+row) || strings.Contains(out, "✔ "+row) {
			t.Errorf("row %s is ✔ though its warning fired:\n%s", row, out)
		}
	}
	if !strings.Contains(out, "✔ R-VEN-1") {
		t.Errorf("a row without a warning lost its ✔:\n%s", out)
	}
	// What run would find, vet finds from the file, and says at which step
	// (TestVetPredictsRun holds it to what run does).
	for file, want := range map[string]string{
		"broken/wrong-tenant.yaml":           "R-TEN-1: no agent can be 在线",
		"broken/agent-on-break.yaml":         "R-WB-2: every agent who logs in stays on 小休",
		"broken/nobody-logs-in.yaml":         "R-RT-2: no agent logs in",
		"broken/outside-hours.yaml":          "rehearsal.start_at: R-VEN-4: 2026-11-25T03:00:00+08:00 (周三 03:00 on the vendor's clock) is outside the work hours",
		"broken/never-replies.yaml":          "R-RT-5: silent-agent1 never replies",
		"broken/no-online-agent-phrase.yaml": "R-RT-4: no quick phrase with transfer: true",
	} {
		code, out, _ := runCLI(t, "vet", fixturesDir+file)
		if code != exitPass || !strings.Contains(out, "⚠ "+fixturesDir+file) || !strings.Contains(out, want) || !strings.Contains(out, "the route test would fail at step") {
			t.Errorf("%s: exit %d, want the warning %q\n%s", file, code, want, out)
		}
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
	code, out, errs := runCLI(t, "run", "--browser", "--seed", "3", "--out", t.TempDir())
	if code != exitHarness || !strings.Contains(errs, "apt-get install chromium") {
		t.Fatalf("exit %d, want 3 with the install hint: %s", code, errs)
	}
	if strings.Contains(out, "1/5") {
		t.Fatalf("the steps ran before the missing Chromium was found:\n%s", out)
	}
}

// An --out that cannot be written is found before step 1, so no finished
// run is thrown away (exit 2).
func TestOutNotWritableBeforeStepOne(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	code, out, errs := runCLI(t, "run", "--seed", "3", "--out", filepath.Join(file, "reports"))
	if code != exitInput || !strings.Contains(errs, "is not writable") || strings.Contains(out, "1/5") {
		t.Fatalf("exit %d, want 2 before step 1\n%s%s", code, out, errs)
	}
}

// A target that answers but is not a routecheck workbench is exit 3
// before step 1, never a vendor diagnosis.
func TestForeignTargetExitsThree(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>hello</html>")) }))
	defer srv.Close()
	for _, target := range []string{srv.URL, srv.URL + "/some/path"} {
		code, out, errs := runCLI(t, "run", "--target", target, "--seed", "3", "--out", t.TempDir())
		if code != exitHarness || !strings.Contains(errs, "target is not a routecheck workbench: ") || strings.Contains(out, "1/5") || strings.Contains(out+errs, "fix (R-") {
			t.Fatalf("%s: exit %d, want 3 before step 1\n%s%s", target, code, out, errs)
		}
	}
}

// A --timeout too short for the harness's own round trips: exit 3, and the
// console says the harness timed out instead of giving a vendor fix.
func TestTimeoutTooShortExitsThree(t *testing.T) {
	code, out, errs := runCLI(t, "run", "--timeout", "1ns", "--seed", "3", "--out", t.TempDir())
	if code != exitHarness || !strings.Contains(out, "the harness timed out") || strings.Contains(out, "fix (R-") || !strings.Contains(out, "HARNESS ERROR") {
		t.Fatalf("exit %d, want 3 saying the harness timed out\n%s%s", code, out, errs)
	}
}

// The rerun hint repeats the whole command, not only the seed.
func TestRerunHintIsTheWholeCommand(t *testing.T) {
	dir := t.TempDir()
	f := fixturesDir + "broken/never-replies.yaml"
	clk := atWall(time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC))
	code, out, _ := clk.runCLI(t, "run", "--vendor", f, "--seed", "5", "--timeout", "1s", "--token-ttl", "2h", "--out", dir)
	// --at repeats the vendor time the run had (D-RUN-8)
	want := "repeat with: routecheck run --vendor " + f + " --seed 5 --timeout 1s --token-ttl 2h0m0s --at 2026-11-25T10:00:00+08:00 --out " + dir
	if code != exitFail || !strings.Contains(out, want) {
		t.Fatalf("exit %d, want the hint %q\n%s", code, want, out)
	}
	var rep struct {
		Rerun string `json:"rerun"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if json.Unmarshal(data, &rep) != nil || !strings.HasPrefix(rep.Rerun, "routecheck run --vendor "+f+" --seed 5 --timeout 1s") {
		t.Fatalf("report.json rerun %q", rep.Rerun)
	}
}

// Ctrl-C (SIGINT) or SIGTERM during a run: "interrupted", the reports
// written and marked interrupted, exit 130, and no vendor diagnosis.
func TestInterruptExits130(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "routecheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			// the agent answers after 45 s: the run is in step 5 for long
			cmd := exec.Command(bin, "run", "--vendor", "../../fixtures/testdata/rehearsals/late-reply.yaml", "--seed", "4", "--out", dir)
			stdout, _ := cmd.StdoutPipe()
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
			defer deadline.Stop()
			var out strings.Builder
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				out.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "4/5") {
					cmd.Process.Signal(sig)
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
			if !strings.Contains(errb.String(), "interrupted") || !strings.Contains(out.String(), "INTERRUPTED") || strings.Contains(out.String(), "fix (R-") {
				t.Fatalf("console:\n%s%s", out.String(), errb.String())
			}
			var rep struct {
				Interrupted bool `json:"interrupted"`
				ExitCode    int  `json:"exit_code"`
				Steps       []struct {
					Status    string `json:"status"`
					Diagnosis any    `json:"diagnosis"`
				} `json:"steps"`
			}
			data, err := os.ReadFile(filepath.Join(dir, "report.json"))
			if err != nil || json.Unmarshal(data, &rep) != nil {
				t.Fatalf("report.json: %v", err)
			}
			if !rep.Interrupted || rep.ExitCode != exitInterrupted || len(rep.Steps) != 5 || rep.Steps[4].Status != "error" || rep.Steps[4].Diagnosis != nil {
				t.Fatalf("report.json not marked interrupted: %s", data)
			}
		})
	}
}
