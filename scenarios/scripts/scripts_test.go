package scripts_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures/scripts"
	"routecheck/reports"
	"routecheck/sim/script"
)

// edit changes the nth line (from 1) whose text before its comment is old
// into new (several lines when new holds "\n").
type edit struct {
	old string
	nth int
	new string
}

// sabotage is a change to a shipped script's actions or times, never to
// its asserts, and the line of the changed copy that must fail: the assert
// that shows the script's rule. A script whose asserts could not fail would
// pass here too, and fail this suite.
type sabotage struct {
	edits []edit
	line  int
	text  string // that line, before its comment
}

func swap(a, b string) []edit { return []edit{{a, 1, "\x00" + b}, {b, 1, a}, {"\x00" + b, 1, b}} }

var sabotages = map[string]sabotage{
	"agent-page-closed":  {[]edit{{"wait 20s", 1, "wait 31s"}}, 18, "expect 小王 status 在线"},
	"agent-silent":       {[]edit{{"wait 2m", 1, "wait 1m"}}, 22, "expect 买家 gets idle warning within 2m"},
	"break-keeps-chats":  {[]edit{{"wait 3m", 1, "wait 6m"}}, 24, "expect 小王 holds 2 chats"},
	"capacity-queue":     {[]edit{{"运营 sets capacity of 小王 to 1", 1, "运营 sets capacity of 小王 to 2"}}, 14, "expect 买家B queued position 1"},
	"closing-time":       {[]edit{{"at 17:59", 1, "at 18:00"}}, 11, "expect 买家A assigned to 小王"},
	"fifo":               {swap("买家B 转人工", "买家C 转人工"), 16, "expect 买家B queued position 1"},
	"idle-close":         {[]edit{{"wait 1s", 1, "wait 0s"}}, 17, "expect 买家 gets idle warning"},
	"kpi-first-response": {[]edit{{"wait 45s", 1, "wait 5s"}}, 18, "expect kpi first_response_s = 30s"},
	"least-loaded":       {swap("小王 马上上班", "小李 马上上班"), 14, "expect 买家A assigned to 小王"},
	"lower-capacity":     {[]edit{{"运营 sets capacity of 小王 to 1", 1, "运营 sets capacity of 小王 to 2"}}, 18, "expect 买家C queued position 1"},
	"network-drop":       {[]edit{{"wait 29s", 1, "wait 31s"}}, 22, "expect 买家 state assigned"},
	"nobody-online":      {[]edit{{"customer 买家", 1, "customer 买家\n小王 马上上班"}}, 10, "expect 买家 with bot reason nobody_online"},
	"notifications":      {[]edit{{"小王 sets notifications desktop off sound off", 1, "小王 sets notifications desktop off sound on"}}, 22, "expect 小王 not notified"},
	"offline-requeues":   {swap("买家A 转人工", "买家B 转人工"), 20, "expect 买家A queued position 1"},
	"quick-reply":        {[]edit{{"买家 转人工", 1, `买家 says "你好"`}}, 12, `expect 小王 gets "钱什么时候到？" from 买家`},
	"tenant":             {[]edit{{"小张 switches tenant 淘宝BU", 1, "小张 switches tenant 闲鱼BU"}}, 11, `expect refused "404 page not found"`},
	"transfer-phrase":    {[]edit{{`买家A taps "在线客服"`, 1, `买家A taps "回收进度"`}}, 12, "expect 买家A assigned to 小王"},
	"transfer-text":      {[]edit{{"wait 12s", 1, "wait 31s"}}, 27, "expect kpi first_response_s = 12s"},
	"welcome-precedence": {[]edit{{`主管 sets group welcome "" closing ""`, 1, `主管 sets group closing ""`}}, 17, "expect 买家B gets welcome of 小李 from system"},
}

// conversational are the rules a conversation can show (the list)
// and the decisions on queueing and re-queueing: together the shipped
// scripts must assert every one on a line that passes.
var conversational = []string{"R-RT-3", "R-RT-4", "R-RT-5", "R-WB-2", "R-CAP-1", "R-WEL-1", "R-IDLE-1", "R-KPI-1", "R-NTF-1",
	"R-TEN-1", "R-VEN-4", "D-RT-1", "D-ROUTE-1", "D-ROUTE-2", "D-ABN-1", "D-WS-1", "D-WS-2", "D-IDLE-1", "D-CAP-1", "D-KPI-1"}

// code is a line before its comment.
func code(line string) string {
	if i := strings.Index(line, "  #"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

// apply makes the sabotaged copy of src.
func apply(src string, edits []edit) string {
	lines := strings.Split(src, "\n")
	for _, e := range edits {
		n, done := 0, false
		for i, l := range lines {
			if code(l) == e.old {
				if n++; n == e.nth {
					lines[i], done = e.new, true
					break
				}
			}
		}
		Expect(done).To(BeTrue(), "no line %q (occurrence %d) to sabotage", e.old, e.nth)
	}
	return strings.Join(strings.Split(strings.Join(lines, "\n"), "\x00"), "")
}

// run loads a script file and runs it on its own bundled workbench.
func run(ctx context.Context, file string) *script.Result {
	s, v, err := script.Load(file)
	Expect(err).NotTo(HaveOccurred())
	start, err := script.StartTime(s, v, time.Now())
	Expect(err).NotTo(HaveOccurred())
	b, err := script.Bundled(v, start)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(b.Close)
	return script.Run(ctx, s, script.Options{Vendor: v, Target: b.URL, Clock: b.Clock, Seed: GinkgoRandomSeed(), Timeout: 5 * time.Second})
}

func explain(r *script.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s\n", r.Script.Name, r.Script.Status, r.Script.Error)
	for _, l := range r.Script.Failed() {
		fmt.Fprintln(&b, reports.ScriptLineText(l))
	}
	return b.String()
}

var _ = Describe("the shipped conversation scripts", func() {
	DescribeTable("D-SCR-5: each passes on its own bundled workbench, and a sabotaged copy fails at the assert that shows its rule",
		func(ctx SpecContext, name string) {
			src, ok := scripts.Read(name)
			Expect(ok).To(BeTrue(), "no shipped script %s", name)
			By("running it as shipped")
			r := run(ctx, name)
			Expect(r.Script.Status).To(Equal(reports.StatusPassed), explain(r))
			_, total := r.Script.Asserts()
			Expect(total).To(BeNumerically(">=", 3), "a script with fewer asserts shows little")

			By("running a sabotaged copy")
			sb, ok := sabotages[name]
			Expect(ok).To(BeTrue(), "%s has no sabotage in this suite", name)
			changed := apply(string(src), sb.edits)
			Expect(changed).NotTo(Equal(string(src)))
			Expect(code(strings.Split(changed, "\n")[sb.line-1])).To(Equal(sb.text), "line %d of the sabotaged copy", sb.line)
			file := filepath.Join(GinkgoT().TempDir(), name+".script")
			Expect(os.WriteFile(file, []byte(changed), 0o644)).To(Succeed())
			bad := run(ctx, file)
			Expect(bad.Script.Status).To(Equal(reports.StatusFailed), explain(bad))
			failed := bad.Script.Failed()
			Expect(failed).To(HaveLen(1))
			Expect(failed[0].Line).To(Equal(sb.line), explain(bad))
			Expect(failed[0].Kind).To(Equal("expect"))
			Expect(failed[0].Rules).NotTo(BeEmpty(), "the failing assert names the rule it shows")
		},
		Entry("agent-page-closed", "agent-page-closed"),
		Entry("agent-silent", "agent-silent"),
		Entry("break-keeps-chats", "break-keeps-chats"),
		Entry("capacity-queue", "capacity-queue"),
		Entry("closing-time", "closing-time"),
		Entry("fifo", "fifo"),
		Entry("idle-close", "idle-close"),
		Entry("kpi-first-response", "kpi-first-response"),
		Entry("least-loaded", "least-loaded"),
		Entry("lower-capacity", "lower-capacity"),
		Entry("network-drop", "network-drop"),
		Entry("nobody-online", "nobody-online"),
		Entry("notifications", "notifications"),
		Entry("offline-requeues", "offline-requeues"),
		Entry("quick-reply", "quick-reply"),
		Entry("tenant", "tenant"),
		Entry("transfer-phrase", "transfer-phrase"),
		Entry("transfer-text", "transfer-text"),
		Entry("welcome-precedence", "welcome-precedence"),
	)

	It("D-SCR-5: every shipped script is in the table above, with a sabotage", func() {
		names := scripts.Names()
		Expect(len(names)).To(BeNumerically(">=", 15))
		for _, n := range names {
			Expect(sabotages).To(HaveKey(n), "%s: add it to the table with a sabotage", n)
		}
		for n := range sabotages {
			Expect(names).To(ContainElement(n), "the table names %s, which is not shipped", n)
		}
	})

	It("D-SCR-5: together the shipped scripts assert every rule a conversation can show", func() {
		shown := map[string][]string{}
		for _, n := range scripts.Names() {
			s, _, err := script.Load(n)
			Expect(err).NotTo(HaveOccurred())
			for _, st := range s.Stmts {
				if st.Kind != script.KindExpect {
					continue
				}
				for _, id := range st.Rules {
					shown[id] = append(shown[id], fmt.Sprintf("%s:%d", n, st.Pos.Line))
				}
			}
		}
		var missing []string
		for _, id := range conversational {
			if len(shown[id]) == 0 {
				missing = append(missing, id)
			}
		}
		slices.Sort(missing)
		Expect(missing).To(BeEmpty(), "no shipped script asserts these rules on an expect line")
	})
})
