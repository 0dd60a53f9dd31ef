package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"-v"}} {
		code, out, errs := runCLI(t, args...)
		if code != exitPass || !strings.HasPrefix(out, "routecheck ") || strings.Count(out, "\n") != 1 || errs != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "routecheck", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-27T17:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := formatVersion(bi), "routecheck v1.2.3 (commit 0123456789ab, 2026-11-27T17:00:00Z, modified) go1.26.0"; got != want {
		t.Errorf("formatVersion = %q, want %q", got, want)
	}
	// go install module@version: the module version is all the build info
	// holds. A release is its tag; a pseudo-version names its commit.
	bi.Settings = nil
	if got, want := formatVersion(bi), "routecheck v1.2.3 go1.26.0"; got != want {
		t.Errorf("a release without VCS info: %q, want %q", got, want)
	}
	bi.Main.Version = "v0.0.0-20261127171234-0b167ab6a1b2"
	if got, want := formatVersion(bi), "routecheck v0.0.0-20261127171234-0b167ab6a1b2 (commit 0b167ab6a1b2, 2026-11-27T17:12:34Z) go1.26.0"; got != want {
		t.Errorf("a pseudo-version without VCS info: %q, want %q", got, want)
	}
	bi.Main.Version = "v1.3.0-rc.1.0.20261201000000-abcdefabcdef"
	if got := formatVersion(bi); !strings.Contains(got, "(commit abcdefabcdef, 2026-12-01T00:00:00Z)") {
		t.Errorf("a pseudo-version after a pre-release: %q", got)
	}
	bi.Main.Version = "(devel)"
	if got := formatVersion(bi); !strings.Contains(got, "commit unknown") {
		t.Errorf("a devel build without VCS info: %q", got)
	}
}

// --help, -h and `help X` print the command's help on stdout and exit 0,
// for every command the root knows.
func TestHelpEveryCommand(t *testing.T) {
	root := newRootCmd(new(bytes.Buffer), new(bytes.Buffer), new(int), realClocks())
	root.InitDefaultCompletionCmd()
	var names []string
	for _, c := range root.Commands() {
		names = append(names, c.Name())
	}
	if len(names) < 7 {
		t.Fatalf("commands: %v", names)
	}
	for _, name := range names {
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}} {
			code, out, errs := runCLI(t, args...)
			if code != exitPass || !strings.Contains(out, "usage:") || errs != "" {
				t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errs)
			}
		}
	}
	code, out, _ := runCLI(t, "--help")
	if code != exitPass || !strings.Contains(out, "commands:") || !strings.Contains(out, "Exit codes") ||
		!strings.Contains(out, "reports/out/<name>-<seed>-<UTC time>/") || !strings.Contains(out, "--seed 0 picks") {
		t.Errorf("routecheck --help: exit %d\n%s", code, out)
	}
}

// A bad flag is one line on stderr naming the command, with the closest
// flag when there is one; nothing on stdout; exit 2.
func TestFlagErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--seeed", "1"}, "routecheck run: unknown flag --seeed; did you mean --seed? (see routecheck run --help)\n"},
		{[]string{"run", "-seed", "1"}, "routecheck run: unknown flag -seed; did you mean --seed?"},
		{[]string{"run", "--timout=3s"}, "did you mean --timeout?"},
		{[]string{"run", "--bogus"}, "routecheck run: unknown flag --bogus (see routecheck run --help)\n"},
		{[]string{"serve", "--prot", "1"}, "routecheck serve: unknown flag --prot; did you mean --port?"},
		{[]string{"vet", "--jsn", "x.yaml"}, "routecheck vet: unknown flag --jsn; did you mean --json?"},
		{[]string{"run", "--no-colour"}, "did you mean --no-color?"},
		{[]string{"run", "--seed"}, "routecheck run: flag needs an argument: --seed"},
		{[]string{"serve", "--port", "x"}, `routecheck serve: --port "x": want a whole number`},
		{[]string{"run", "--seed", "abc"}, `routecheck run: --seed "abc": want a whole number from 0 to 9223372036854775807 (0 picks one and prints it)`},
		{[]string{"load", "--seed", "-1"}, `routecheck load: --seed "-1": want a whole number from 0`},
		{[]string{"simulate", "--seed", "1.5"}, `routecheck simulate: --seed "1.5": want a whole number from 0`},
		{[]string{"simulate", "--days", "x"}, `routecheck simulate: --days "x": want a whole number`},
		{[]string{"erlang", "--min-pickup", "most"}, `routecheck erlang: --min-pickup "most": want a number`},
	}
	for _, tc := range cases {
		code, out, errs := runCLI(t, tc.args...)
		if code != exitInput || out != "" || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, want 2 and one line with %q\nstdout: %s\nstderr: %s", tc.args, code, tc.want, out, errs)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errs := runCLI(t, "rnu")
	if code != exitInput || !strings.Contains(errs, `unknown command "rnu"`) || !strings.Contains(errs, "did you mean run?") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// Every command that takes no arguments refuses them, with exit 2.
func TestStrayArgumentsRefused(t *testing.T) {
	t.Chdir(t.TempDir()) // a run that wrongly goes ahead writes nothing into the repository
	for _, args := range [][]string{
		{"run", "fixtures/vendors/demo.yaml"}, {"serve", "--port", "0", "8080"}, {"version", "now"}, {"fixtures", "all"},
		{"init", "a.yaml", "b.yaml"},
	} {
		code, out, errs := runCLIWithin(t, 10*time.Second, args...)
		if code != exitInput || out != "" || !strings.Contains(errs, "unexpected argument") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}

// runCLIWithin is runCLI for a command that must return at once: one that
// wrongly starts serving fails the test instead of hanging it.
func runCLIWithin(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := realMain(args, &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.errs
	case <-time.After(limit):
		t.Fatalf("%v did not return within %s", args, limit)
		return 0, "", ""
	}
}

// serve checks --token-ttl as run does, before it listens.
func TestServeValidatesTokenTTL(t *testing.T) {
	for _, ttl := range []string{"0s", "-1h"} {
		// Without the check serve would listen until Ctrl-C: fail, not hang.
		code, _, errs := runCLIWithin(t, 10*time.Second, "serve", "--port", "0", "--token-ttl", ttl)
		if code != exitInput || !strings.Contains(errs, "--token-ttl must be a positive duration") {
			t.Errorf("--token-ttl %s: exit %d: %s", ttl, code, errs)
		}
	}
}

// Completion scripts come from the flag definitions; --vendor completes
// the bundled vendors.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errs := runCLI(t, "completion", shell)
		if code != exitPass || !strings.Contains(out, "routecheck") || len(out) < 500 {
			t.Errorf("completion %s: exit %d, %d bytes: %s", shell, code, len(out), errs)
		}
	}
	_, out, _ := runCLI(t, "__complete", "run", "--")
	for _, flag := range []string{"--seed", "--vendor", "--out", "--no-reports", "--quiet", "--no-color", "--browser"} {
		if !strings.Contains(out, flag) {
			t.Errorf("run's completion lacks %s:\n%s", flag, out)
		}
	}
	_, out, _ = runCLI(t, "__complete", "run", "--vendor", "")
	for _, name := range []string{"demo", "at-capacity", "broken/wrong-tenant"} {
		if !strings.Contains(out, name+"\t") {
			t.Errorf("--vendor completion lacks %s:\n%s", name, out)
		}
	}
}
