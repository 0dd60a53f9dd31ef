package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
)

var update = flag.Bool("update", false, "rewrite the console golden files in testdata/")

// fakeTTY is a buffer that says it is a terminal, to see what a person at
// a terminal sees.
type fakeTTY struct{ bytes.Buffer }

func (*fakeTTY) IsTerminal() bool { return true }

// normalize blanks what changes from run to run: durations and the port.
var (
	reDuration = regexp.MustCompile(`(\s)\d+(\.\d+)?(ns|µs|ms|s|m)\b`)
	rePort     = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

func normalize(s string) string {
	s = reDuration.ReplaceAllString(s, "$1<d>")
	return rePort.ReplaceAllString(s, "127.0.0.1:<port>")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("console differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// The same run on a terminal and in a pipe: colour only on the terminal,
// the same text otherwise. NO_COLOR and --no-color turn colour off.
func TestConsoleGoldens(t *testing.T) {
	t.Setenv("NO_COLOR", "") // restored after the test
	os.Unsetenv("NO_COLOR")
	t.Setenv("TERM", "xterm-256color")
	clk := atWall(time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)) // the vendor time and --at in the goldens
	run := func(stdout interface {
		Write([]byte) (int, error)
		String() string
	}, extra ...string) string {
		args := append([]string{"run", "--vendor", "broken/never-replies", "--seed", "4", "--timeout", "200ms", "--no-reports", "-q"}, extra...)
		var errb bytes.Buffer
		if code := clk.main(args, stdout, &errb); code != exitFail {
			t.Fatalf("exit %d, want 1: %s", code, errb.String())
		}
		return normalize(stdout.String())
	}
	plain := run(new(bytes.Buffer))
	tty := run(new(fakeTTY))
	golden(t, "console-plain.golden", plain)
	golden(t, "console-tty.golden", tty)
	if strings.Contains(plain, "\x1b[") {
		t.Error("escape codes in a pipe")
	}
	for _, want := range []string{"\x1b[32m✔\x1b[0m 1/5", "\x1b[31m✘ 5/5", "\x1b[90m– ", "\x1b[31;1mFAIL\x1b[0;22m"} {
		if !strings.Contains(tty, want) {
			t.Errorf("terminal output lacks %q", want)
		}
	}
	if stripped := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(tty, ""); stripped != plain {
		t.Errorf("colour changed the text:\n%s\n---\n%s", stripped, plain)
	}
	if off := run(new(fakeTTY), "--no-color"); off != plain {
		t.Errorf("--no-color on a terminal:\n%s", off)
	}
	t.Setenv("NO_COLOR", "1")
	if off := run(new(fakeTTY)); off != plain {
		t.Errorf("NO_COLOR on a terminal:\n%s", off)
	}
}

// Progress goes to stderr only on a terminal and not with --quiet; it
// names each step as it starts.
func TestProgressOnlyOnTerminal(t *testing.T) {
	args := []string{"run", "--seed", "6", "--no-reports"}
	var out bytes.Buffer
	errTTY := new(fakeTTY)
	if code := realMain(args, &out, errTTY); code != exitPass {
		t.Fatalf("exit %d: %s", code, errTTY.String())
	}
	for _, step := range []string{"1/5 测试订单与测试账号", "3/5 扫码进入小蜜", "5/5 客服回复"} {
		if !strings.Contains(errTTY.String(), step) {
			t.Errorf("no progress for %q on a terminal:\n%q", step, errTTY.String())
		}
	}
	// stderr not a terminal: no progress.
	var errb bytes.Buffer
	if code := realMain(args, &out, &errb); code != exitPass || errb.Len() != 0 {
		t.Errorf("pipe: exit %d, stderr %q", code, errb.String())
	}
	// --quiet on a terminal: no progress.
	quiet := new(fakeTTY)
	if code := realMain(append(args, "--quiet"), &out, quiet); code != exitPass || quiet.Len() != 0 {
		t.Errorf("--quiet: exit %d, stderr %q", code, quiet.String())
	}
}

// Without --out each run gets its own folder and latest points at the
// newest; --out names the exact folder; --no-reports writes none.
func TestReportFolders(t *testing.T) {
	t.Chdir(t.TempDir())
	var dirs []string
	for range 2 {
		code, out, errs := runCLI(t, "run", "--seed", "11")
		if code != exitPass {
			t.Fatalf("exit %d: %s", code, errs)
		}
		m := regexp.MustCompile(`reports: (reports/out/demo-recycle-11-\d{8}T\d{6}Z(-\d)?)/\{report.html,report.json,junit.xml\}`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no per-run folder in the summary:\n%s", out)
		}
		dirs = append(dirs, m[1])
	}
	if dirs[0] == dirs[1] {
		t.Fatalf("two runs share %s", dirs[0])
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "report.json")); err != nil {
			t.Error(err)
		}
	}
	if link, err := os.Readlink("reports/out/latest"); err != nil || link != filepath.Base(dirs[1]) {
		t.Errorf("latest -> %q (%v), want %s", link, err, filepath.Base(dirs[1]))
	}

	exact := filepath.Join(t.TempDir(), "nightly")
	for i := range 2 {
		code, out, errs := runCLI(t, "run", "--seed", "12", "--out", exact)
		if code != exitPass || !strings.Contains(out, "reports: "+exact+"/{") {
			t.Fatalf("exit %d: %s%s", code, out, errs)
		}
		if replaced := strings.Contains(out, "replaced the reports of an earlier run"); replaced != (i == 1) {
			t.Errorf("run %d: a replaced report must be said, and only then:\n%s", i, out)
		}
	}
	if _, err := os.Stat(filepath.Join(exact, "junit.xml")); err != nil {
		t.Error(err)
	}

	none := t.TempDir()
	t.Chdir(none)
	code, out, _ := runCLI(t, "run", "--seed", "13", "--no-reports", "--json")
	if code != exitPass || !strings.HasPrefix(out, "{") {
		t.Fatalf("exit %d: %s", code, out)
	}
	if entries, _ := os.ReadDir(none); len(entries) != 0 {
		t.Errorf("--no-reports wrote %v", entries)
	}
}

func TestRunDirNeverReused(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "out")
	now := time.Date(2026, 11, 27, 17, 5, 9, 0, time.FixedZone("CST", 8*3600))
	seen := map[string]bool{}
	for i := range 3 {
		dir, err := makeRunDir(parent, "demo-recycle-7", now)
		if err != nil || seen[dir] {
			t.Fatalf("run %d: %s %v", i, dir, err)
		}
		seen[dir] = true
		want := "demo-recycle-7-20261127T090509Z" // UTC
		if i > 0 {
			want += "-" + string(rune('1'+i))
		}
		if filepath.Base(dir) != want {
			t.Errorf("run %d: folder %s, want %s", i, filepath.Base(dir), want)
		}
	}
}

// Each browser check shows on the progress line as it starts.
func TestProgressFollowsBrowserChecks(t *testing.T) {
	errTTY := new(fakeTTY)
	l := newLive(new(bytes.Buffer), errTTY, false, true)
	env := l.browserEnv("http://127.0.0.1:1", fixtures.Demo())
	env.OnCheck("租户不是闲鱼BU时无法上班 (R-TEN-1)")
	l.close()
	if !strings.Contains(errTTY.String(), "browser: 租户不是闲鱼BU时无法上班 (R-TEN-1)") {
		t.Errorf("progress line: %q", errTTY.String())
	}
}

// A wait longer than 2 s says on the progress line what it waits for.
func TestProgressSaysWhatItWaitsFor(t *testing.T) {
	errTTY := new(fakeTTY)
	code := realMain([]string{"run", "--vendor", "broken/never-replies", "--seed", "4", "--timeout", "2600ms", "--no-reports"}, new(bytes.Buffer), errTTY)
	if code != exitFail {
		t.Fatalf("exit %d", code)
	}
	if !regexp.MustCompile(`waiting for 客服\S+'s reply, 2\.\d s of 2\.6 s`).MatchString(errTTY.String()) {
		t.Errorf("no wait on the progress line:\n%q", errTTY.String())
	}
}
