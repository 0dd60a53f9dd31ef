package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestConsolePassing(t *testing.T) {
	r := passingRun()
	r.OutDir = "reports/out/demo-42"
	var b bytes.Buffer
	if err := WriteConsole(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	t.Log("\n" + out)
	for _, want := range []string{
		"run demo-42  seed 42",
		"vendor 闲鱼示例服务商 (fixtures/vendors/demo.yaml)  target http://127.0.0.1:39001  trace rt-abcdefghijkl",
		"\nvendor time 周五 2025-03-14 09:00 Asia/Shanghai, the next in-hours instant",
		"✔ 1/5 测试订单与测试账号 (test order & account) (R-RT-1) ",
		" 12ms\n",
		"✔ 5/5 客服回复 (agent reply) (R-RT-5) ",
		"✔ login and 马上上班 (R-WB-1) ",
		"接起率 pickup rate",
		"100.0%",
		"≥ 90%",
		"0.08 s",
		"< 30 s",
		"✔ invariants: clean over 57 events",
		"note: all agents were at capacity",
		"PASS  run demo-42  seed 42  in 232ms",
		"reports: reports/out/demo-42/{report.html,report.json,junit.xml}",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q", want)
		}
	}
	for _, bad := range []string{"expected:", "fix (", "FAIL"} {
		if strings.Contains(out, bad) {
			t.Errorf("passing run shows %q", bad)
		}
	}
}

func TestConsoleFailing(t *testing.T) {
	var b bytes.Buffer
	if err := WriteConsole(&b, failingRun()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	t.Log("\n" + out)
	for _, want := range []string{
		"seed 42",
		"✔ 1/5 测试订单与测试账号 (test order & account) (R-RT-1) ",
		"✘ 2/5 客服上线 (agent online) (R-RT-2) ",
		"\n    check:    马上上班 agent-1\n",
		"\n    expected: status 在线 under tenant 闲鱼BU\n",
		"\n    seen:     404 page not found under tenant 淘宝BU\n",
		"\n    fix (R-TEN-1): switch the agent's tenant (avatar → tenant) to 闲鱼BU and refresh\n",
		"– 3/5 扫码进入小蜜 (QR entry) (R-RT-3) ",
		" skipped\n",
		"✘ login and 马上上班 (R-TEN-1) ",
		"\n    problem:  the left menu has no 在线工作台\n    fix (R-TEN-1): switch the tenant to 闲鱼BU\n",
		"✘ invariants: 1 violated over 9 events",
		"R-TEN-1 tenant at 10:00:00.040",
		"not measured",
		"FAIL  run demo-42  seed 42  in 70ms  at step 2/5 客服上线 (agent online) (R-RT-2)",
		"repeat with --seed 42",
		// a browser check that does not apply says why, under a skip mark
		"– 租户不是闲鱼BU时无法上班 (R-TEN-1) ",
		" skipped\n    reason:   no agent account has a tenant other than 闲鱼BU\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q", want)
		}
	}
	if strings.Contains(out, "PASS") {
		t.Error("failing run shows PASS")
	}
	if strings.Contains(out, "reports:") {
		t.Error("reports line without OutDir")
	}
}

// The live progress lines and the summary are the same format code.
func TestStepLineIsConsoleLine(t *testing.T) {
	r := failingRun()
	var b bytes.Buffer
	if err := WriteConsole(&b, r); err != nil {
		t.Fatal(err)
	}
	var live bytes.Buffer
	if err := WriteHeader(&live, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Steps {
		live.WriteString(StepLine(s) + "\n")
	}
	if err := WriteSummary(&live, r); err != nil {
		t.Fatal(err)
	}
	if live.String() != b.String() {
		t.Errorf("header + StepLine + summary differs from WriteConsole:\n%s\nvs\n%s", live.String(), b.String())
	}
	if got := StepLine(r.Steps[0]); strings.Contains(got, "\n") {
		t.Errorf("passed step line has more than one line: %q", got)
	}
}

// Step durations line up although CJK characters take two columns.
func TestStepLineAligned(t *testing.T) {
	r := passingRun()
	col := -1
	for _, s := range r.Steps {
		line := StepLine(s)
		head, _, _ := strings.Cut(line, " ..")
		dots := strings.TrimLeft(line[len(head)+1:], ".")
		w := displayWidth(line) - displayWidth(dots)
		if col >= 0 && w != col {
			t.Errorf("%q ends its dots at column %d, want %d", line, w, col)
		}
		col = w
	}
}

func TestFmtDuration(t *testing.T) {
	for d, want := range map[float64]string{0.4: "400µs", 3.44: "3.4ms", 7.96: "8.0ms", 231.5: "232ms", 12.3: "12ms", 999: "999ms", 1250: "1.25s", 61000: "1m1s"} {
		if got := fmtDuration(msd(d)); got != want {
			t.Errorf("fmtDuration(%vms) = %q, want %q", d, got, want)
		}
	}
}

// One is singular: "1 service request", "over 1 event".
func TestConsolePlurals(t *testing.T) {
	r := passingRun()
	r.KPIs.ServiceRequests, r.InvariantsChecked = 1, 1
	var b bytes.Buffer
	WriteConsole(&b, r)
	for _, want := range []string{"over 1 service request:", "clean over 1 event\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("console lacks %q:\n%s", want, b.String())
		}
	}
	r.KPIs.ServiceRequests, r.InvariantsChecked = 0, 2
	b.Reset()
	WriteConsole(&b, r)
	for _, want := range []string{"over 0 service requests:", "clean over 2 events\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("console lacks %q:\n%s", want, b.String())
		}
	}
}
