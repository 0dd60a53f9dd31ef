package route_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
	"routecheck/sim/workbench"
)

// bundled starts the in-memory workbench for v and stops it after the spec
// (or the Ordered container).
func bundled(v *fixtures.Vendor, ttl time.Duration) *routetest.Bundle {
	b, err := routetest.Bundled(v, ttl)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(b.Close)
	return b
}

// options are the route test's for the bundled workbench b: its clock
// plan (D-RUN-8), a seed from Ginkgo, a 2 s timeout.
func options(b *routetest.Bundle, v *fixtures.Vendor) routetest.Options {
	opt := b.Options(v)
	opt.Seed, opt.Timeout = GinkgoRandomSeed(), 2*time.Second
	return opt
}

func load(name string) *fixtures.Vendor {
	v, err := fixtures.Load(filepath.Join("..", "..", "fixtures", "vendors", name))
	Expect(err).NotTo(HaveOccurred())
	return v
}

// explain prints a failed step's diagnosis when an expectation on it fails.
func explain(s reports.Step) string {
	if s.Diagnosis == nil {
		return fmt.Sprintf("step %d %s: %v", s.Number, s.Status, s.Checks)
	}
	return fmt.Sprintf("step %d %s: %s; fix (%s): %s", s.Number, s.Status, s.Diagnosis.Message, s.Diagnosis.Rule, s.Diagnosis.Fix)
}

// The five steps run once, under the first node's SpecContext; each step is
// then judged by its own spec from the recorded report (actors record,
// checks judge the record).
var _ = Describe("the five steps on the demo vendor", Ordered, func() {
	var rep *reports.Run

	BeforeAll(func(ctx SpecContext) {
		v := fixtures.Demo()
		var err error
		rep, err = routetest.Run(ctx, options(bundled(v, 24*time.Hour), v))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Steps).To(HaveLen(5))
	}, NodeTimeout(time.Minute))

	// Each step's spec names its rule, so the rule-coverage table can name it.
	step := func(n int) {
		s := rep.Steps[n-1]
		Expect(s.Number).To(Equal(n), "steps run in order")
		Expect(s.Status).To(Equal(reports.StatusPassed), explain(s))
		Expect(s.Checks).NotTo(BeEmpty())
		for _, c := range s.Checks {
			Expect(c.Passed).To(BeTrue(), "%s: expected %s, saw %s", c.Name, c.Expected, c.Seen)
		}
	}
	It("R-RT-1 test order and test account are made", func() { step(1) })
	It("R-RT-2 an agent logs in, clicks 马上上班 and the router sees them 在线", func() { step(2) })
	It("R-RT-3 the QR code decodes to the bot page, which shows the fixture's knowledge and answers a FAQ", func() { step(3) })
	It("R-RT-4 转人工 and the 在线客服 quick phrase each reach a human with the skill group's welcome (R-WEL-1)", func() { step(4) })
	It("R-RT-5 the agent sees the test message with the order and replies; the tester gets the reply", func() { step(5) })

	It("R-KPI-1 judges the run on its event log: invariants clean, KPIs by the formulas", func() {
		Expect(rep.InvariantsChecked).To(BeNumerically(">", 0))
		Expect(rep.Invariants).To(BeEmpty())
		k := rep.KPIs
		Expect(k.ServiceRequests).To(Equal(2), "two transfers: by text and by quick phrase")
		Expect(k.PickedUp).To(Equal(2))
		Expect(k.PickupRate + k.AbandonmentRate).To(BeNumerically("~", 1.0, 1e-9))
		Expect(k.Ratings).To(Equal(2))
		Expect(rep.Passed).To(BeTrue())
		Expect(rep.Transcripts).To(HaveLen(2))
	})
})

var _ = DescribeTable("a broken vendor fails at the right step with the rule to fix",
	func(ctx SpecContext, file string, step int, rule, seen string) {
		v := load(filepath.Join("broken", file))
		rep, err := routetest.Run(ctx, options(bundled(v, 24*time.Hour), v))
		Expect(err).NotTo(HaveOccurred())
		failed := rep.Failed()
		Expect(failed).To(HaveLen(1), "exactly one step fails; the later ones are skipped")
		f := failed[0]
		Expect(f.Number).To(Equal(step), explain(f))
		Expect(f.Diagnosis.Rule).To(Equal(rule), explain(f))
		Expect(f.Diagnosis.Fix).NotTo(BeEmpty(), "a failure names the fix")
		Expect(f.Diagnosis.Message).To(ContainSubstring(seen))
		for _, s := range rep.Steps[step:] {
			Expect(s.Status).To(Equal(reports.StatusSkipped))
		}
		Expect(rep.Passed).To(BeFalse())
		Expect(rep.Invariants).To(BeEmpty(), "a misconfiguration never breaks the routing rules")
	},
	Entry("nobody logs in", "nobody-logs-in.yaml", 2, "R-RT-2", "no agent logged into X-Space"),
	Entry("the only agent stays on 小休", "agent-on-break.yaml", 2, "R-WB-2", "only 小休"),
	Entry("the agent's tenant is not 闲鱼BU", "wrong-tenant.yaml", 2, "R-TEN-1", "404 page not found"),
	Entry("the test runs outside work hours", "outside-hours.yaml", 4, "R-VEN-4", "服务时间"),
	Entry("the bot page has no 在线客服 quick phrase", "no-online-agent-phrase.yaml", 4, "R-RT-4", "none on the bot page"),
	Entry("the agent never replies", "never-replies.yaml", 5, "R-RT-5", "no reply within"),
)

// passes: every step passed, the KPIs measured and within R-KPI-1.
func expectPasses(rep *reports.Run) {
	for _, s := range rep.Steps {
		Expect(s.Status).To(Equal(reports.StatusPassed), explain(s))
	}
	for _, v := range rep.Verdicts {
		Expect(v.Measured && v.Pass).To(BeTrue(), "%s = %v", v.Name, v.Value)
	}
	Expect(rep.KPIs.FirstResponseS).To(BeNumerically("<", 30))
	Expect(rep.Invariants).To(BeEmpty())
	Expect(rep.Passed).To(BeTrue())
}

var _ = DescribeTable("a valid vendor passes however short its places are (D-RUN-6)",
	func(ctx SpecContext, file string, wantNote string) {
		v := load(file)
		rep, err := routetest.Run(ctx, options(bundled(v, 24*time.Hour), v))
		Expect(err).NotTo(HaveOccurred())
		expectPasses(rep)
		Expect(rep.Notes).To(ContainElement(ContainSubstring(wantNote)))
	},
	Entry("the only agent is at capacity (R-CAP-1)", "at-capacity.yaml", "all agents were at capacity"),
	Entry("the only agent works at 1V1: the second test chat waits for the first", "one-agent-1v1.yaml", "places are short"),
	Entry("one place free for two test chats: the agent ends an older chat", "busy-places.yaml", "all agents were at capacity"),
)

var _ = Describe("a slow vendor is a KPI failure, not a broken route", func() {
	It("R-KPI-1 a reply after 45 s reaches the customer: step 5 passes, 首响时长 is measured at 45 s and fails", func(ctx SpecContext) {
		v, err := fixtures.Load(filepath.Join("..", "..", "fixtures", "testdata", "rehearsals", "late-reply.yaml"))
		Expect(err).NotTo(HaveOccurred())
		// The agents' 45 s are virtual: the agents move the
		// workbench's clock when a rehearsed agent waits.
		vc := clock.NewVirtual(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
		srv, base, err := routetest.BundledOn(v, 24*time.Hour, vc)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		opt := routetest.Options{Target: base, Vendor: v, Seed: GinkgoRandomSeed(), Timeout: 2 * time.Second,
			Clock: vc, WorkbenchNow: vc.Now}
		rep, err := routetest.Run(ctx, opt)
		Expect(err).NotTo(HaveOccurred())
		for _, s := range rep.Steps {
			Expect(s.Status).To(Equal(reports.StatusPassed), explain(s))
		}
		Expect(rep.KPIs.Responded).To(Equal(2))
		Expect(rep.KPIs.FirstResponseS).To(BeNumerically("~", 45, 0.01))
		var fr *workbench.Verdict
		for i := range rep.Verdicts {
			if rep.Verdicts[i].Name == "first_response_s" {
				fr = &rep.Verdicts[i]
			}
		}
		Expect(fr).NotTo(BeNil())
		Expect(fr.Measured).To(BeTrue())
		Expect(fr.Pass).To(BeFalse())
		Expect(rep.Passed).To(BeFalse())
		var out strings.Builder
		Expect(reports.WriteConsole(&out, rep)).To(Succeed())
		Expect(out.String()).To(ContainSubstring("首响时长 first response        45.00 s"))
		Expect(out.String()).To(ContainSubstring("fix (R-KPI-1): agents must send a first reply within 30 s"))
		Expect(out.String()).To(ContainSubstring("on KPI 首响时长"))
		Expect(out.String()).NotTo(ContainSubstring("did not reach the bot page"))
	})
})

var _ = Describe("what is not a failure but must behave right", func() {
	It("R-RT-3 an expired entry token is refused at step 3 with the reason", func(ctx SpecContext) {
		v := fixtures.Demo()
		rep, err := routetest.Run(ctx, options(bundled(v, time.Nanosecond), v))
		Expect(err).NotTo(HaveOccurred())
		expectRefusedAtStep3(rep, "expired")
	})

	It("R-RT-3 a tampered entry token is refused at step 3 with the reason", func(ctx SpecContext) {
		v := fixtures.Demo()
		opt := options(bundled(v, 24*time.Hour), v)
		opt.TamperEntry = func(u string) string {
			i := strings.Index(u, "t=") + 2
			b := []byte(u)
			b[i] = map[bool]byte{true: 'f', false: 'e'}[b[i] == 'e'] // the payload changes, the signature does not
			return string(b)
		}
		rep, err := routetest.Run(ctx, opt)
		Expect(err).NotTo(HaveOccurred())
		expectRefusedAtStep3(rep, "tampered")
	})
})

// expectRefusedAtStep3: only the QR entry fails, citing R-RT-3 and the reason.
func expectRefusedAtStep3(rep *reports.Run, reason string) {
	f := rep.Failed()
	Expect(f).To(HaveLen(1))
	Expect(f[0].Number).To(Equal(3), explain(f[0]))
	Expect(f[0].Diagnosis.Rule).To(Equal("R-RT-3"))
	Expect(f[0].Diagnosis.Message).To(ContainSubstring(reason))
}

// minimalVendor is onboarding data as a vendor hands it over (R-VEN-1..4):
// nothing else, no code.
const minimalVendor = `
vendor: {id: minimal, name: 新服务商, business_line: 闲鱼小程序, hotline: 400-000-1234, department: 新服务商客服部}
work_hours: {days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00"}
bot_page:
  robot_name: 小蜜
  card_buttons: [{label: 在线客服, kind: online_agent}]
  faq: [{title: 发货, questions: [{question: 什么时候发货?, answer: 下单后48小时内发货。}]}]
  quick_phrases: [{text: 在线客服, transfer: true}]
accounts:
  - {login: new-agent, password: new-agent-pass, role: agent}
  - {login: new-ops, password: new-ops-pass, role: operations}
`

var _ = It("R-DEV-1 a new vendor is configuration, not development: its onboarding data alone passes the five steps", func(ctx SpecContext) {
	v, err := fixtures.Parse("minimal.yaml", []byte(minimalVendor))
	Expect(err).NotTo(HaveOccurred())
	rep, err := routetest.Run(ctx, options(bundled(v, time.Hour), v))
	Expect(err).NotTo(HaveOccurred())
	for _, s := range rep.Steps {
		Expect(s.Status).To(Equal(reports.StatusPassed), explain(s))
	}
	Expect(rep.Passed).To(BeTrue())
})

var _ = It("R-RT-3 reports never show a whole entry token: the QR code is confidential", func(ctx SpecContext) {
	v := fixtures.Demo()
	rep, err := routetest.Run(ctx, options(bundled(v, time.Hour), v))
	Expect(err).NotTo(HaveOccurred())
	var qr reports.Check
	for _, c := range rep.Steps[2].Checks {
		if c.Name == "QR code" {
			qr = c
		}
	}
	Expect(qr.Seen).To(ContainSubstring("/bot?"))
	Expect(qr.Seen).To(MatchRegexp(`t=[^&]{8}…`), "the token is cut to 8 characters and …")
})
