package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"routecheck/sim/load"
	"strings"
	"testing"
	"time"
)

func smallLoad(out string) loadFlags {
	return loadFlags{customers: 20, agents: 5, capacity: 5, duration: 1500 * time.Millisecond, ramp: 300 * time.Millisecond,
		think: 200 * time.Millisecond, reply: 50 * time.Millisecond, seed: 3, outFlags: outFlags{out: out, exact: true},
		vendor: "load-vendor", opsLogin: "load-ops", opsPass: "load-pass", agentLogin: "load-agent-%d", agentPass: "load-pass"}
}

func TestLoadJSONHasTheDocumentedKeys(t *testing.T) {
	dir := t.TempDir()
	f := smallLoad(dir)
	f.json = true
	var out, errb bytes.Buffer
	if code := runLoad(context.Background(), f, &out, &errb); code != exitPass {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	var head map[string]any
	if err := json.Unmarshal(out.Bytes(), &head); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out.String())
	}
	// D-CLI-5: the names every report.json starts with
	for k, want := range map[string]any{"command": "load", "seed": float64(3), "passed": true, "exit_code": float64(0), "interrupted": false} {
		if head[k] != want {
			t.Errorf("report.json %s = %v, want %v", k, head[k], want)
		}
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(head["started_at"])); err != nil || head["pass"] != nil || head["started"] != nil {
		t.Errorf("started_at %v (%v); the old names pass %v, started %v must be gone", head["started_at"], err, head["pass"], head["started"])
	}
	var rep struct {
		Latency map[string]map[string]*float64 `json:"latency_ms"`
		Msgs    map[string]json.RawMessage     `json:"messages"`
		Convs   *int64                         `json:"conversations"`
		Errors  map[string]int64               `json:"errors"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out.String())
	}
	for _, kind := range []string{"assign", "deliver"} {
		for _, q := range []string{"p50", "p95", "p99", "max"} {
			if rep.Latency[kind][q] == nil {
				t.Errorf("latency_ms.%s.%s missing", kind, q)
			}
		}
	}
	for _, k := range []string{"sent", "delivered", "lost", "duplicated", "out_of_order", "misdelivered", "foreign", "refused", "refused_unexpected", "unconfirmed"} {
		if rep.Msgs[k] == nil {
			t.Errorf("messages.%s missing", k)
		}
	}
	if rep.Convs == nil || *rep.Convs != 20 || rep.Errors == nil {
		t.Errorf("conversations %v, errors %v: want 20 chats and an errors object", rep.Convs, rep.Errors)
	}
	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite>testcase"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil || xml.Unmarshal(data, &ju) != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	names := map[string]bool{}
	for _, c := range ju.Cases {
		names[c.Name] = true
	}
	for _, want := range []string{"messages.lost", "messages.duplicated", "messages.out_of_order", "messages.misdelivered", "messages.foreign",
		"refusals.unexpected", "frames.cseq_order", "frames.gaps", "routing.invariants"} {
		if !names[want] {
			t.Errorf("junit.xml has no case %s: %+v", want, ju.Cases)
		}
	}
	if ju.Failures != 0 {
		t.Errorf("junit.xml: %d failures on a passing run", ju.Failures)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, want := range []string{`id="hist-assign"`, "<svg", `id="series"`, "passed"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	if !strings.Contains(errb.String(), "reports:") {
		t.Errorf("no reports line on stderr with --json:\n%s", errb.String())
	}
}

func TestLoadBadInputExits2(t *testing.T) {
	for name, mod := range map[string]func(*loadFlags){
		"rate":      func(f *loadFlags) { f.rate = "fast" },
		"faults":    func(f *loadFlags) { f.faults = "agent-drop:lots" },
		"customers": func(f *loadFlags) { f.customers = 0 },
		"shutdown":  func(f *loadFlags) { f.faults = "shutdown:50%"; f.target = "http://127.0.0.1:1" },
		"export":    func(f *loadFlags) { f.export = "jmeter" },
		"agents":    func(f *loadFlags) { f.agentLogin = "agent-%s" },
		// D-LOAD-9: agents away 40 s cannot come back inside a 1.8 s load.
		"agent-drop away": func(f *loadFlags) { f.faults = "agent-drop:10%:40s" },
	} {
		t.Run(name, func(t *testing.T) {
			f := smallLoad(t.TempDir())
			mod(&f)
			var out, errb bytes.Buffer
			code := runLoad(context.Background(), f, &out, &errb)
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if code != exitInput || len(lines) != 1 || !strings.HasPrefix(lines[0], "routecheck load") {
				t.Fatalf("exit %d, stderr %q: want exit 2 and one line", code, errb.String())
			}
		})
	}
}

// D-LOAD-9: with the default ramp and duration (25 s of load) agents away
// 40 s would return after the end; the run is refused before it starts,
// saying what would fit, and a time away that fits is accepted.
func TestLoadAgentDropBeyondTheLoadRefused(t *testing.T) {
	f := smallLoad(t.TempDir())
	f.duration, f.ramp, f.faults = 20*time.Second, 5*time.Second, "agent-drop:10%:40s"
	var out, errb bytes.Buffer
	if code := runLoad(context.Background(), f, &out, &errb); code != exitInput {
		t.Fatalf("exit %d, want 2: %s", code, errb.String())
	}
	for _, want := range []string{"agents away 40s would come back after the load ends", "--duration at least 50s", "time away at most 17.7s"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr %q lacks %q", errb.String(), want)
		}
	}
	faults, err := load.ParseFaults("agent-drop:10%:17s")
	if err != nil {
		t.Fatal(err)
	}
	cfg := load.Config{Customers: 1, Agents: 1, Duration: 20 * time.Second, Ramp: 5 * time.Second, Faults: faults}
	if err := cfg.Validate(); err != nil {
		t.Errorf("17 s away in a 25 s load fits: %v", err)
	}
}

func TestLoadUnreachableTargetIsHarnessTrouble(t *testing.T) {
	f := smallLoad(t.TempDir())
	f.target = "http://127.0.0.1:1"
	var out, errb bytes.Buffer
	if code := runLoad(context.Background(), f, &out, &errb); code != exitHarness {
		t.Fatalf("exit %d, stderr %q: want 3", code, errb.String())
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]float64{"100/s": 100, "100": 100, "600/m": 10, "": 0} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"0", "-3/s", "5/h", "x/s"} {
		if _, err := parseRate(bad); err == nil {
			t.Errorf("parseRate(%q) accepted", bad)
		}
	}
}
