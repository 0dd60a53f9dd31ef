package script

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"routecheck/reports"
)

// runSrc runs a script's source on a bundled workbench; real runs it with
// the workbench's clock left alone, as against --target (real waits).
func runSrc(t *testing.T, src string, real bool) *Result {
	t.Helper()
	s, err := load(t, src)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := vendorOf(s)
	start, err := StartTime(s, v, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bundled(v, start)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Real waits here would be an hour: the deadline turns a wait that
	// does not fail fast into an interrupted run, which the test rejects.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opt := Options{Vendor: v, Target: b.URL, Clock: b.Clock, Seed: 1}
	if real {
		opt.Clock = nil
	}
	return Run(ctx, s, opt)
}

// failedLine is the script's failed line.
func failedLine(t *testing.T, r *Result) reports.ScriptLine {
	t.Helper()
	if r.Script.Status != reports.StatusFailed {
		explain(t, r)
		t.Fatalf("status %s, want failed", r.Script.Status)
	}
	f := r.Script.Failed()
	if len(f) != 1 {
		t.Fatalf("%d failed lines", len(f))
	}
	return f[0]
}

// D-SCR-4: a script that waits on something that can never happen fails
// at once with the reason, on the bundled clock (no workbench time passes)
// and in real time alike (the hour-long wait would run past the test's
// 20 s deadline and be reported interrupted, not failed).
func TestImpossibleWaitsFailFast(t *testing.T) {
	for _, tc := range []struct {
		name, src, line, why string
	}{
		{"no agent 在线 for a queued chat", `start 2026-11-27 10:00
ops 运营 is demo-ops
agent 小王 is demo-agent1
customer 买家A 买家B
运营 sets capacity of 小王 to 1
小王 马上上班
买家A 转人工
买家B 转人工
expect 买家B queued position 1
小王 小休
expect 买家B assigned within 1h
`, "expect 买家B assigned within 1h", "no agent of 演示回收客服部 is 在线 and none is brought 在线 while the script waits"},
		{"the named agent is not 在线", `start 2026-11-27 10:00
agent 小王 is demo-agent1
agent 小李 is demo-agent2
customer 买家
小王 马上上班
买家 转人工
expect 买家 assigned to 小李 within 1h
`, "expect 买家 assigned to 小李 within 1h", "the chat is with 小王, whose workbench is open"},
		{"a transfer past closing time", `vendor business-hours
start 2026-11-27 17:50
agent 小王 is weekday-agent1
customer 买家
小王 马上上班
at 18:05
买家 转人工
expect 买家 assigned to 小王 within 2h
`, "expect 买家 assigned to 小王 within 2h", "its transfer was refused outside the work hours"},
		{"nobody asked for a human", `start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 says "你好"
expect 买家 assigned within 1h
`, "expect 买家 assigned within 1h", "the customer has not asked for a human (转人工, R-RT-4)"},
		{"an idle warning nobody counts down to", `start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
买家 says "在吗"
expect 买家 gets idle warning within 1h
`, "expect 买家 gets idle warning within 1h", "the five minutes start at an agent's message after the customer's last one (D-IDLE-1)"},
		{"a reply nobody writes", `start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
expect 买家 gets "您好" from 小王 within 1h
`, `expect 买家 gets "您好" from 小王 within 1h`, "only a line of the script makes 小王 write"},
		{"an agent who stays on 小休", `start 2026-11-27 10:00
agent 小王 is demo-agent1
小王 小休
expect 小王 status 在线 within 1h
`, "expect 小王 status 在线 within 1h", "小王 is 小休, and only a line of the script changes an agent's status"},
		{"a chat that ended", `start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
买家 leaves
expect 买家 gets closing from system
expect 买家 gets "还在吗" within 1h
`, `expect 买家 gets "还在吗" within 1h`, "买家 has no open chat"},
	} {
		for _, real := range []bool{false, true} {
			if real && strings.Contains(tc.src, "\nat ") {
				continue // against --target an `at` waits in real time, as it must
			}
			src := tc.src
			if !strings.HasPrefix(src, "vendor ") {
				src = "vendor demo\n" + src
			}
			r := runSrc(t, src, real)
			l := failedLine(t, r)
			if l.Text != tc.line || !strings.Contains(l.Reason, tc.why) {
				t.Errorf("%s (real %v): line %q failed with why %q; want line %q, why …%s…", tc.name, real, l.Text, l.Reason, tc.line, tc.why)
			}
			if !real && l.Took != 0 {
				t.Errorf("%s: the workbench's clock moved %s before the failure; it can never happen, so no time should pass", tc.name, l.Took)
			}
		}
	}
}

// A wait that can come true waits: the queued chat is taken when the
// idle close frees the place, 5 minutes of the workbench's time later.
func TestPossibleWaitsWait(t *testing.T) {
	r := runSrc(t, `vendor demo
start 2026-11-27 10:00
ops 运营 is demo-ops
agent 小王 is demo-agent1
customer 买家A 买家B
运营 sets capacity of 小王 to 1
小王 马上上班
买家A 转人工
小王 says "请问订单号？"
买家B 转人工
expect 买家B assigned to 小王 within 6m
`, false)
	if r.Script.Status != reports.StatusPassed {
		explain(t, r)
		t.Fatal(r.Script.Status)
	}
	last := r.Script.Lines[len(r.Script.Lines)-1]
	if last.Took != 5*time.Minute {
		t.Errorf("the assignment came after %s of the workbench's time, want 5m (R-IDLE-1 frees the place)", last.Took)
	}
}

// A failed assert says what it expected and saw, and shows the last frames
// of each party it involves.
func TestFailureShowsLastFramesOfTheParties(t *testing.T) {
	r := runSrc(t, `vendor demo
start 2026-11-27 10:00
agent 小王 is demo-agent1
agent 小李 is demo-agent2
customer 买家
小王 马上上班
买家 转人工
expect 买家 assigned to 小李
`, false)
	l := failedLine(t, r)
	if !strings.Contains(l.Expected, "买家 assigned to 小李 (demo-agent2)") || !strings.Contains(l.Seen, "买家's chat is with 小王") {
		t.Errorf("expected %q, seen %q", l.Expected, l.Seen)
	}
	got := map[string]string{}
	for _, pf := range l.Frames {
		got[pf.Party] = strings.Join(pf.Frames, "\n")
	}
	if !strings.Contains(got["买家"], "state c1 assigned agent demo-agent1") {
		t.Errorf("买家's last frames:\n%s", got["买家"])
	}
	if _, ok := got["小李"]; !ok {
		t.Errorf("no frames of 小李, the other party the assert names: %v", l.Frames)
	}
}

// A negative assert watches its whole window: `gets no message within 5m`
// after the agent's question fails when the idle warning comes at 4
// minutes, and passes over a window that ends before it.
func TestNegativeAssertWatchesItsWholeWindow(t *testing.T) {
	src := `vendor demo
start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
小王 says "订单号是多少？"
expect 买家 gets "订单号是多少？"
expect 买家 gets no message within %s
`
	r := runSrc(t, fmt.Sprintf(src, "3m59s"), false)
	if r.Script.Status != reports.StatusPassed {
		explain(t, r)
		t.Fatalf("window 3m59s: %s", r.Script.Status)
	}
	if l := r.Script.Lines[len(r.Script.Lines)-1]; l.Took != 3*time.Minute+59*time.Second {
		t.Errorf("the window took %s of the workbench's time, want 3m59s", l.Took)
	}
	l := failedLine(t, runSrc(t, fmt.Sprintf(src, "5m"), false))
	if l.Took != 4*time.Minute || !strings.Contains(l.Seen, "由于您长时间未响应客服消息") {
		t.Errorf("window 5m failed after %s seeing %q; want the idle warning at 4m", l.Took, l.Seen)
	}
}

// A fast script is not failed by the workbench's frame-rate limit (20
// frames a second per socket, bursts of 40): a party whose frame is
// refused by it sends it again once the limit refills, as a person's page
// would, and the script goes on.
func TestFastScriptRidesTheFrameRateLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("vendor demo\nstart 2026-11-27 10:00\nagent 小王 is demo-agent1\ncustomer 买家\n小王 马上上班\n买家 转人工\n")
	for i := 1; i <= 45; i++ {
		fmt.Fprintf(&b, "买家 says \"第%d条\"\n", i)
	}
	b.WriteString("expect 小王 gets \"第45条\" from 买家\nexpect invariants clean\n")
	r := runSrc(t, b.String(), false)
	if r.Script.Status != reports.StatusPassed {
		explain(t, r)
		t.Fatal(r.Script.Status)
	}
}

// A KPI with nothing to measure is not 0 (D-KPI-1): no comparison holds
// for it, so `first_response_s < 30s` fails when no agent replied.
func TestUnmeasuredKPIComparesToNothing(t *testing.T) {
	l := failedLine(t, runSrc(t, `vendor demo
start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
expect kpi picked_up = 1
expect kpi first_response_s < 30s
`, false))
	if l.Line != 8 || l.Seen != "not measured: no picked-up chat got an agent's reply" {
		t.Errorf("line %d seen %q", l.Line, l.Seen)
	}
}

// A customer who left and closed the page scans the QR code again: a new
// chat, which the asserts then follow.
func TestCustomerComesBackInANewChat(t *testing.T) {
	r := runSrc(t, `vendor demo
start 2026-11-27 10:00
agent 小王 is demo-agent1
customer 买家
小王 马上上班
买家 转人工
expect 买家 assigned to 小王
买家 leaves
买家 closes page
expect 小王 holds no chat
买家 scans qr
买家 转人工
expect 买家 assigned to 小王
expect 小王 holds 1 chat
expect kpi service_requests = 2
`, false)
	if r.Script.Status != reports.StatusPassed {
		explain(t, r)
		t.Fatal(r.Script.Status)
	}
}
