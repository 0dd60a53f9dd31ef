package script

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// D-SCR-2: only a workbench started for a script run has clock control.
// The server's own tests aside, no code outside sim/script sets
// server.Options.ClockControl: serve, run, load and every other mode start
// their workbench without it.
func TestOnlyScriptRunsStartClockControl(t *testing.T) {
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "ClockControl: &") || strings.Contains(string(b), ".ClockControl = ") {
			found = append(found, filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator))))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != "sim/script/bundled.go" {
		t.Fatalf("server.Options.ClockControl is set in %v; only sim/script/bundled.go may (D-SCR-2)", found)
	}
}
