package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// doubled is a word said twice in a row, as a doubled prefix does
// ("erlang: erlang:", "read read"), or "" when none is.
func doubled(line string) string {
	words := strings.Fields(line)
	for i := 1; i < len(words); i++ {
		a, b := strings.Trim(words[i-1], ":;,"), strings.Trim(words[i], ":;,")
		if a != "" && strings.EqualFold(a, b) {
			return words[i-1] + " " + words[i]
		}
	}
	return ""
}

// D-CLI-7: bad input of every kind is one line on stderr, exit 2, nothing
// on stdout, each prefix said once, no parser jargon.
func TestBadInputIsOneCleanLine(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	profile := filepath.Join(dir, "p.yaml")
	os.WriteFile(profile, []byte("arrivals: {per_hour: 10}\npatience: {dist: empirical, csv: sub}\nfirst_reply: {dist: fixed, value: 1s}\ncustomer_reply: {dist: fixed, value: 1s}\nchat_duration: {dist: fixed, value: 1s}\n"), 0o644)
	for _, args := range [][]string{
		{"help", "nosuch"},
		{"nosuch"},
		{"erlang", "--per-hour", "1e300", "--agents", "1", "--service", "100000h", "--patience", "0"},
		{"erlang", "--per-hour", "1e300", "--agents", "1", "--service", "1000000h"},
		{"vet", sub},
		{"vet", filepath.Join(dir, "nosuch.yaml")},
		{"run", "--vendor", sub},
		{"run", "--vendor", filepath.Join(dir, "nosuch.yaml")},
		{"run", "--seed", "abc"},
		{"run", "--out", filepath.Join(file, "x")},
		{"simulate", "--traffic", sub},
		{"simulate", "--traffic", filepath.Join(dir, "nosuch.yaml")},
		{"simulate", "--traffic", "fixtures/traffic/demo.yaml", "--vendor", sub},
		{"load", "--out", filepath.Join(file, "x"), "--customers", "1", "--agents", "1"},
		{"load", "--faults", "nosuch:5%"},
		{"init", filepath.Join(file, "x.yaml")},
		{"rules", "R-NOPE-1"},
		{"serve", "--listen", "nonsense"},
	} {
		code, out, errs := runCLI(t, args...)
		lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
		switch {
		case code != exitInput:
			t.Errorf("%v: exit %d, want 2\n%s%s", args, code, out, errs)
		case out != "":
			t.Errorf("%v: stdout %q, want the error on stderr only", args, out)
		case len(lines) != 1 || lines[0] == "":
			t.Errorf("%v: stderr %q, want one line", args, errs)
		case doubled(lines[0]) != "":
			t.Errorf("%v: %q says %q", args, lines[0], doubled(lines[0]))
		case strings.Contains(errs, "strconv") || strings.Contains(errs, "invalid syntax"):
			t.Errorf("%v: parser jargon: %q", args, errs)
		}
	}
}

// errorLine says each prefix once: a package's own ("erlang: …") under the
// command's, and a wrapper's repeated by what it wraps ("reports: reports:").
func TestErrorLine(t *testing.T) {
	for _, tc := range []struct{ who, err, want string }{
		{"routecheck erlang", "erlang: the chain does not settle", "routecheck erlang: the chain does not settle"},
		{"routecheck load: reports", "reports: mkdir x: not a directory", "routecheck load: reports: mkdir x: not a directory"},
		{"routecheck vet", "vendor fixture a.yaml: no such file", "routecheck vet: vendor fixture a.yaml: no such file"},
	} {
		if got := errorLine(tc.who, errors.New(tc.err)); got != tc.want {
			t.Errorf("errorLine(%q, %q) = %q, want %q", tc.who, tc.err, got, tc.want)
		}
	}
}
