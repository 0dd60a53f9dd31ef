package routetest_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
)

// rehearsed is a vendor with agents logins at capacity capa, the first of
// them already holding busy chats, every agent replying after delay.
func rehearsed(tb testing.TB, agents, capa, busy int, delay time.Duration) *fixtures.Vendor {
	tb.Helper()
	var accs, habits strings.Builder
	for i := 1; i <= agents; i++ {
		fmt.Fprintf(&accs, "  - {login: t-agent%d, password: t-agent%d-pass, role: agent, capacity: %d}\n", i, i, capa)
		open := 0
		if i == 1 {
			open = busy
		}
		fmt.Fprintf(&habits, "    - {login: t-agent%d, reply_delay: %s, open_chats: %d}\n", i, delay, open)
	}
	y := `vendor: {id: timing, name: 时序演练服务商, business_line: 闲鱼小程序, hotline: 400-000-1234, department: 时序演练部, welcome: 您好}
work_hours: {days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00"}
bot_page:
  robot_name: 小蜜
  card_buttons: [{label: 在线客服, kind: online_agent}]
  faq: [{title: 发货, questions: [{question: 什么时候发货?, answer: 下单后48小时内发货。}]}]
  quick_phrases: [{text: 在线客服, transfer: true}]
accounts:
` + accs.String() + `  - {login: t-ops, password: t-ops-pass, role: operations}
rehearsal:
  agents:
` + habits.String()
	v, err := fixtures.Parse("timing.yaml", []byte(y))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// world is one bundled workbench on a virtual clock that the rehearsed
// agents jump (the agents' clock is the virtual one): a 29 s reply delay costs no real time,
// yet the event log, and so 首响时长, shows 29 s. Real sleeps would make the
// table below take hours, and a sped-up real clock would multiply loopback
// latency into seconds of 首响时长 on a busy machine; the virtual clock
// measures what the rehearsal says and nothing of the harness.
type world struct {
	vc   *clock.Virtual
	base string
}

func newWorld(t *testing.T, v *fixtures.Vendor) *world {
	t.Helper()
	vc := clock.NewVirtual(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	srv, base, err := routetest.BundledOn(v, 24*time.Hour, vc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &world{vc: vc, base: base}
}

// rehearse runs the route test of v on the world's workbench.
func (w *world) rehearse(t *testing.T, v *fixtures.Vendor) *reports.Run {
	t.Helper()
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: w.base, Vendor: v, Seed: 1,
		Timeout: 3 * time.Second, Clock: w.vc})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func failure(rep *reports.Run) string {
	var b strings.Builder
	for _, s := range rep.Steps {
		if s.Status != reports.StatusPassed {
			fmt.Fprintf(&b, "step %d %s: %+v %s\n", s.Number, s.Status, s.Diagnosis, s.Error)
		}
	}
	for _, v := range rep.Verdicts {
		fmt.Fprintf(&b, "%s=%.3f measured=%v pass=%v; ", v.Name, v.Value, v.Measured, v.Pass)
	}
	return b.String() + strings.Join(rep.Notes, "; ")
}

// table is the timing proof (D-RUN-6): no valid vendor fails because of
// how the harness schedules its own chats. For every reply delay 0..29 s,
// capacity 1..6 (R-CAP-1 sets no minimum) and 1..3 agents that keep is
// true for, with the first agent's other places free, all but one busy, or
// all busy, the route test passes, and 首响时长 is exactly the rehearsed
// delay, counted from each chat's own pickup (R-KPI-1).
func table(t *testing.T, keep func(agents, capa, delay int) bool) {
	for agents := 1; agents <= 3; agents++ {
		for capa := 1; capa <= 6; capa++ {
			t.Run(fmt.Sprintf("%dx1V%d", agents, capa), func(t *testing.T) {
				t.Parallel()
				for d := range 30 {
					if !keep(agents, capa, d) {
						continue
					}
					busy := []int{0, capa - 1, capa}[d%3]
					delay := time.Duration(d) * time.Second
					// A fresh workbench each time: what one run leaves
					// behind must not decide the next.
					v := rehearsed(t, agents, capa, busy, delay)
					rep := newWorld(t, v).rehearse(t, v)
					k := rep.KPIs
					if !rep.Passed || k.Responded != 2 || math.Abs(k.FirstResponseS-delay.Seconds()) > 0.001 {
						t.Fatalf("reply delay %s, %d busy: passed=%v, 首响时长 %.3f s over %d chats (want %.0f s)\n%s",
							delay, busy, rep.Passed, k.FirstResponseS, k.Responded, delay.Seconds(), failure(rep))
					}
				}
			})
		}
	}
}

// vendorWith is the table's vendor with the given accounts and rehearsal.
func vendorWith(tb testing.TB, accounts, rehearsal string) *fixtures.Vendor {
	tb.Helper()
	y := `vendor: {id: timing, name: 时序演练服务商, business_line: 闲鱼小程序, hotline: 400-000-1234, department: 时序演练部, welcome: 您好}
work_hours: {days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00"}
bot_page:
  robot_name: 小蜜
  card_buttons: [{label: 在线客服, kind: online_agent}]
  quick_phrases: [{text: 在线客服, transfer: true}]
accounts:
` + accounts + `  - {login: t-ops, password: t-ops-pass, role: operations}
` + rehearsal
	v, err := fixtures.Parse("t.yaml", []byte(y))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// Valid set-ups beyond the table that a route test must pass.
func TestValidSetUpsPass(t *testing.T) {
	for _, tc := range []struct{ name, accounts, rehearsal string }{
		{"the only chat-taker is a department admin (default rehearsal)",
			"  - {login: t-admin, password: t-admin-pass, role: dept_admin, capacity: 1}\n", ""},
		{"an agent on 小休 holds chats, the 在线 one is at capacity: the 在线 one frees a place",
			"  - {login: t-agent1, password: t-agent1-pass, capacity: 1}\n  - {login: t-agent2, password: t-agent2-pass, capacity: 1}\n",
			"rehearsal:\n  agents:\n    - {login: t-agent1, status: 小休, open_chats: 1}\n    - {login: t-agent2, open_chats: 1, reply_delay: 29s}\n"},
		{"two agents with their own delays side by side",
			"  - {login: t-agent1, password: t-agent1-pass, capacity: 1}\n  - {login: t-agent2, password: t-agent2-pass, capacity: 1}\n",
			"rehearsal:\n  agents:\n    - {login: t-agent1, reply_delay: 29s}\n    - {login: t-agent2, reply_delay: 17s}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := vendorWith(t, tc.accounts, tc.rehearsal)
			rep := newWorld(t, v).rehearse(t, v)
			if !rep.Passed || rep.KPIs.FirstResponseS >= 30 {
				t.Fatal(failure(rep))
			}
		})
	}
}

// A workbench that lives on (routecheck serve, --target) serves one run
// after another: what a run leaves behind (chats its agents held, chats
// still queued) must not decide the next one (D-RUN-5).
func TestRunsBackToBackOnOneWorkbench(t *testing.T) {
	w := newWorld(t, rehearsed(t, 1, 6, 0, 0))
	for d := range 30 {
		busy := []int{0, 5, 6}[d%3]
		v := rehearsed(t, 1, 6, busy, time.Duration(d)*time.Second)
		if rep := w.rehearse(t, v); !rep.Passed {
			t.Fatalf("run %d (%d busy): %s", d+1, busy, failure(rep))
		}
	}
}
