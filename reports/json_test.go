package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func decodeJSON(t *testing.T, r *Run) (map[string]any, string) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatalf("report.json is not JSON: %v\n%s", err, b.String())
	}
	return m, b.String()
}

func hasKeys(t *testing.T, where string, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", where, v)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q", where, k)
		}
	}
	return m
}

func TestJSONKeys(t *testing.T) {
	m, raw := decodeJSON(t, failingRun())
	hasKeys(t, "report", m, "seed", "passed", "steps", "kpis", "run_id", "trace_id", "vendor", "started_at",
		"browser", "invariants", "invariants_checked", "verdicts", "transcripts", "exit_code", "duration_ms")
	if m["seed"] != float64(42) || m["passed"] != false {
		t.Errorf("seed, passed = %v, %v", m["seed"], m["passed"])
	}
	hasKeys(t, "kpis", m["kpis"], "service_requests", "picked_up", "abandoned", "pickup_rate",
		"abandonment_rate", "first_response_s", "satisfaction")
	steps := m["steps"].([]any)
	if len(steps) != 5 {
		t.Fatalf("%d steps, want 5", len(steps))
	}
	s1 := hasKeys(t, "steps[0]", steps[0], "number", "name", "status", "duration_ms", "checks")
	if d, ok := s1["diagnosis"]; ok && d != nil {
		t.Errorf("passed step has diagnosis %v", d)
	}
	s2 := hasKeys(t, "steps[1]", steps[1], "number", "name", "status", "duration_ms", "diagnosis")
	if s2["number"] != float64(2) || s2["status"] != "failed" || s2["duration_ms"] != float64(47) {
		t.Errorf("steps[1] = %v", s2)
	}
	d := hasKeys(t, "steps[1].diagnosis", s2["diagnosis"], "rule", "message", "fix")
	if d["rule"] != "R-TEN-1" || !strings.Contains(d["message"].(string), "淘宝BU") {
		t.Errorf("diagnosis = %v", d)
	}
	check := hasKeys(t, "steps[1].checks[1]", s2["checks"].([]any)[1], "name", "passed", "expected", "seen")
	if check["passed"] != false {
		t.Errorf("check = %v", check)
	}
	b := hasKeys(t, "browser[0]", m["browser"].([]any)[0], "name", "status", "duration_ms", "diagnosis", "screenshot")
	if b["screenshot"] != "browser-01-login-and.png" {
		t.Errorf("screenshot = %v", b["screenshot"])
	}
	if strings.Contains(raw, base64.StdEncoding.EncodeToString(samplePNG())[:20]) {
		t.Error("report.json embeds the screenshot")
	}
	v := hasKeys(t, "invariants[0]", m["invariants"].([]any)[0], "invariant", "rule", "message", "events", "at")
	if v["rule"] != "R-TEN-1" {
		t.Errorf("invariant = %v", v)
	}
}

func TestJSONTimingsAndTranscripts(t *testing.T) {
	m, _ := decodeJSON(t, passingRun())
	steps := m["steps"].([]any)
	s4 := hasKeys(t, "steps[3]", steps[3], "timings_ms")
	tm := hasKeys(t, "timings_ms", s4["timings_ms"], "in_bot 转人工", "in_queue 转人工")
	if tm["in_queue 转人工"] != 4.2 {
		t.Errorf("in_queue = %v, want 4.2", tm["in_queue 转人工"])
	}
	if _, ok := steps[0].(map[string]any)["timings_ms"]; ok {
		t.Error("a step without timings has timings_ms")
	}
	tr := hasKeys(t, "transcripts[0]", m["transcripts"].([]any)[0], "conv", "title", "lines")
	line := hasKeys(t, "line", tr["lines"].([]any)[4], "at", "sender", "text")
	if line["text"] != "您好，已收到您的测试消息（订单 o-3）<b>" || line["at"] != "2025-03-14T10:00:00.186+08:00" {
		t.Errorf("line = %v", line)
	}
	if len(m["invariants"].([]any)) != 0 {
		t.Error("clean run has invariants")
	}
	if b := m["browser"].([]any)[1].(map[string]any); b["screenshot"] != nil {
		t.Errorf("check without screenshot names %v", b["screenshot"])
	}
}

func TestJSONSkipReason(t *testing.T) {
	m, _ := decodeJSON(t, failingRun())
	b := m["browser"].([]any)[1].(map[string]any)
	if b["status"] != "skipped" || b["skip_reason"] != "no agent account has a tenant other than 闲鱼BU" || b["checks"] != nil {
		t.Errorf("skipped browser check = %v", b)
	}
}

func TestJSONEmptyRun(t *testing.T) {
	m, _ := decodeJSON(t, &Run{})
	for _, k := range []string{"steps", "browser", "verdicts", "invariants", "transcripts", "notes"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s = %v, want []", k, m[k])
		}
	}
}
