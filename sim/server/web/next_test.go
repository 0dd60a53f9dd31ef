package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// After login the page follows next= only to its own site: the check is
// static/next.js, run here under Node.js, whose URL parser is the WHATWG
// one browsers use. Each case is the login page's query string, read as
// login.js reads it.
func TestLoginNextStaysOnSite(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no node on PATH: CI machines have Node.js 20, which runs the login page's next= check")
		}
		t.Skip("no node on PATH: install Node.js to run the login page's next= check")
	}
	const origin, fallback = "http://127.0.0.1:8080", "/workbench"
	cases := map[string]string{
		"next=%2Fsettings%23config":          "/settings#config",
		"next=/insight?department=x":         "/insight?department=x",
		"next=http://127.0.0.1:8080/insight": "/insight",
		"next=/%5Cevil.example/":             fallback,
		"next=%2F%09%2Fevil.example/":        fallback,
		"next=%2F%2Fevil.example/":           fallback,
		"next=%5C%5Cevil.example/":           fallback,
		"next=https://evil.example/":         fallback,
		"next=javascript:alert(1)":           fallback,
		"next=%0A//evil.example":             fallback,
		"next=":                              fallback,
		"":                                   fallback,
	}
	queries := make([]string, 0, len(cases))
	for q := range cases {
		queries = append(queries, q)
	}
	src, err := filepath.Abs("static/next.js")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(queries)
	script := `
const vm = require('vm'), fs = require('fs');
vm.runInThisContext(fs.readFileSync(process.argv[1], 'utf8') + '\nglobalThis.rcSafeNext = rcSafeNext;');
const out = {};
for (const q of JSON.parse(process.argv[2])) {
  out[q] = rcSafeNext(new URLSearchParams(q).get('next'), process.argv[3], process.argv[4]);
}
process.stdout.write(JSON.stringify(out));
`
	got, err := exec.Command(node, "-e", script, src, string(in), origin, fallback).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var res map[string]string
	if err := json.Unmarshal(got, &res); err != nil {
		t.Fatalf("node said %q: %v", got, err)
	}
	for q, want := range cases {
		if res[q] != want {
			t.Errorf("/login?%s: the page goes to %q, want %q", q, res[q], want)
		}
	}
}
