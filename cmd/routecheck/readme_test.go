package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// The README's CLI table names every command, and the sections of checklist
// and preflight name every flag they have: what the README promises is
// what the binary offers.
func TestReadmeNamesCommandsAndFlags(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	root := newRootCmd(new(bytes.Buffer), new(bytes.Buffer), new(int), realClocks())
	for _, c := range root.Commands() {
		if !strings.Contains(readme, "| `routecheck "+c.Name()) {
			t.Errorf("the README's CLI table has no row for routecheck %s", c.Name())
		}
		if c.Name() != "checklist" && c.Name() != "preflight" {
			continue
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !strings.Contains(readme, "`--"+f.Name) {
				t.Errorf("the README does not name routecheck %s --%s", c.Name(), f.Name)
			}
		})
	}
}

// readmeBlock is the first fenced block after a README heading.
func readmeBlock(t *testing.T, heading string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	_, after, _ = strings.Cut(after, "```\n")
	block, _, _ := strings.Cut(after, "```")
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
		cmd, _, _ := strings.Cut(l, "#")
		cmds = append(cmds, strings.TrimSpace(cmd))
	}
	return cmds
}

// README "Install" works as written: make install puts a routecheck in
// GOBIN whose version names the commit it was built from, even where
// GOFLAGS=-buildvcs=false keeps VCS data out of the build info.
func TestREADMEInstall(t *testing.T) {
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	head, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	cmds := readmeBlock(t, "## Install")
	if len(cmds) != 2 || cmds[0] != "make install" || cmds[1] != "routecheck version" {
		t.Fatalf("the Install block is %q; this test runs make install, then routecheck version", cmds)
	}
	bin := t.TempDir()
	mk := exec.Command("make", "-C", filepath.Join("..", ".."), "install")
	mk.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-buildvcs=false")
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(bin, "routecheck"), "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "(commit " + strings.TrimSpace(string(head)); !strings.Contains(string(out), want) || strings.Contains(string(out), "unknown") {
		t.Errorf("routecheck version after make install: %q, want %q", out, want)
	}
}
