package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// `make fuzz` runs every fuzz target of the repository, each in the package
// that defines it: `go test -fuzz` with a pattern that matches nothing only
// warns and passes, so a target that moves to another package would
// otherwise stop being fuzzed without a word.
func TestMakeFuzzRunsEveryFuzzTarget(t *testing.T) {
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`-fuzz='\^(Fuzz\w+)\$\$'.*\./([\w/]+)/`)
	run := map[string]string{} // target -> package folder
	for _, m := range line.FindAllStringSubmatch(string(mk), -1) {
		run[m[1]] = m[2]
	}
	def := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)
	defined := map[string]string{}
	err = filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != ".." || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range def.FindAllStringSubmatch(string(b), -1) {
			defined[m[1]] = filepath.ToSlash(filepath.Dir(strings.TrimPrefix(p, "../")))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(defined) == 0 {
		t.Fatal("no fuzz target found in the repository")
	}
	var names []string
	for n := range defined {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		switch got, ok := run[n]; {
		case !ok:
			t.Errorf("%s (%s) is not run by make fuzz", n, defined[n])
		case got != defined[n]:
			t.Errorf("make fuzz runs %s in ./%s/, but it is defined in ./%s/ (go test only warns and passes)", n, got, defined[n])
		}
	}
	for n, dir := range run {
		if _, ok := defined[n]; !ok {
			t.Errorf("make fuzz runs %s in ./%s/, which no test file defines", n, dir)
		}
	}
}
