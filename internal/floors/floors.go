// Package floors checks the layering inside one Go package: the files of
// its lower floor use no name that its other files define, so what they
// hold stands on its own and the dependencies run one way, down
// (docs/architecture.md). Tests of sim/server and sim/load call it.
package floors

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Check parses the package in dir (its files for this platform and build
// tags, tests left out) and returns one line per name that a file of lower
// uses and a file outside lower defines, e.g. "sessions.go uses Server
// (state.go)". Methods are reached through a value, so a method of a type
// above shows as the use of that type. A file of lower that dir does not
// hold is an error too: the list must follow the files.
func Check(dir string, lower []string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files[name] = f
	}
	definedIn := map[string]string{} // top-level name -> file above
	for name, f := range files {
		if slices.Contains(lower, name) {
			continue
		}
		for _, n := range topLevel(f) {
			definedIn[n] = name
		}
	}
	var out []string
	for _, name := range lower {
		f, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: no such file in %s (for this platform)", name, dir)
		}
		seen := map[string]bool{}
		// Unresolved: the names the file uses and does not declare itself.
		for _, id := range f.Unresolved {
			if above, ok := definedIn[id.Name]; ok && !seen[id.Name] {
				seen[id.Name] = true
				out = append(out, fmt.Sprintf("%s uses %s (%s)", name, id.Name, above))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// topLevel lists a file's package-level names: types, functions, constants
// and variables (not methods).
func topLevel(f *ast.File) []string {
	var out []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "init" {
				out = append(out, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out = append(out, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						out = append(out, n.Name)
					}
				}
			}
		}
	}
	return out
}
