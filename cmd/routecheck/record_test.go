package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/script"
)

// D-SCR-6: `serve --record FILE` writes what people did through the web
// UI's API and the bot page, with the waits between, as a script that
// `routecheck script` replays to the same outcome. The session here is
// driven over HTTP and WebSocket against a real `routecheck serve`: an
// agent works, operations change a capacity, a test customer asks the
// bot, asks for a human, talks and rates; an anonymous one taps the card's
// online-agent button and leaves; the agent switches tenant.
func TestServeRecordReplaysToTheSameOutcome(t *testing.T) {
	file := filepath.Join(t.TempDir(), "session.script")
	s := startServe(t, "--port", "0", "--record", file)
	if !strings.Contains(s.out, "recording to "+file) {
		t.Fatalf("serve does not say it records:\n%s", s.out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pause := func() { time.Sleep(300 * time.Millisecond) } // people take their time: the waits are recorded
	ops := actors.NewOps(s.base, "demo-ops")
	_, err := ops.SignIn(ctx, "demo-ops-pass")
	must(err)
	a1 := actors.NewAgent(s.base, "demo-agent1")
	_, err = a1.SignIn(ctx, "demo-agent1-pass")
	must(err)
	must(a1.Connect(ctx))
	must(a1.StatusWait(ctx, "在线"))
	pause()
	tc, err := ops.CreateTestCustomer(ctx, "测试买家A")
	must(err)
	ord, err := ops.CreateTestOrder(ctx, tc.ID, "iPhone 13 128G")
	must(err)
	e, err := ops.Entry(ctx, "demo-recycle", tc.ID, ord.ID)
	must(err)
	c1, err := actors.Enter(ctx, e.URL)
	must(err)
	must(c1.SayWait(ctx, "回收款什么时候到账？"))
	pause()
	must(c1.SayWait(ctx, "转人工"))
	_, _, err = a1.WaitAssigned(ctx)
	must(err)
	pause()
	must(a1.ReplyWait(ctx, c1.Conv, "您好，请提供订单号"))
	pause()
	must(c1.SayWait(ctx, "TEST-1"))
	_, err = ops.SetCapacity(ctx, "demo-agent1", 1)
	must(err)
	pause()
	c2, err := actors.Enter(ctx, s.bot)
	must(err)
	must(c2.ButtonWait(ctx, "回收在线客服")) // queued behind the full agent (1V1)
	pause()
	must(a1.CloseChatWait(ctx, c1.Conv)) // the place frees: c2 is taken
	must(c1.RateWait(ctx, "满意"))
	pause()
	must(c2.LeaveWait(ctx))
	a3 := actors.NewAgent(s.base, "demo-agent3")
	_, err = a3.SignIn(ctx, "demo-agent3-pass")
	must(err)
	_, err = a3.SwitchTenant(ctx, "淘宝BU")
	must(err)
	pause()
	must(a1.StatusWait(ctx, "离线"))
	pause()
	first, err := ops.Events(ctx, 0)
	must(err)
	c1.Close()
	c2.Close()
	a1.Close()
	s.cmd.Process.Signal(syscall.SIGINT)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("serve: %v", err)
	}

	src, err := os.ReadFile(file)
	must(err)
	sc, v, err := script.Load(file)
	if err != nil {
		t.Fatalf("the recording does not load: %v\n%s", err, src)
	}
	start, err := script.StartTime(sc, v, time.Now())
	must(err)
	b, err := script.Bundled(v, start)
	must(err)
	defer b.Close()
	r := script.Run(ctx, sc, script.Options{Vendor: v, Target: b.URL, Clock: b.Clock, Seed: 1})
	if r.Script.Status != reports.StatusPassed {
		for _, l := range r.Script.Failed() {
			t.Log(reports.ScriptLineText(l))
		}
		t.Fatalf("the replay fails its own asserts:\n%s", src)
	}
	rops := actors.NewOps(b.URL, "demo-ops")
	_, err = rops.SignIn(ctx, "demo-ops-pass")
	must(err)
	replay, err := rops.Events(ctx, 0)
	must(err)
	// The session ran on the real clock and the recording keeps its waits
	// to the millisecond: the same events, in the same order, within 50 ms.
	want, got := script.Outcome(first), script.Outcome(replay)
	if d := script.SameOutcome(want, got, 50*time.Millisecond); d != "" {
		t.Fatalf("the replay differs at %s\nrecording:\n%s", d, src)
	}
	if len(want) < 20 {
		t.Fatalf("the session's outcome has %d events; the session did not run", len(want))
	}
}
