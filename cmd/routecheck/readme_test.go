package main

import (
	"bytes"
	"os"
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
	root := newRootCmd(new(bytes.Buffer), new(bytes.Buffer), new(int))
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
