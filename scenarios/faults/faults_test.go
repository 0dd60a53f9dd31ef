package faults_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/sim/load"
)

// run drives a small bundled load with one fault; the counts are small so
// the suite stays fast on two cores.
func run(ctx SpecContext, seed int64, spec string, tune func(*load.Config)) *load.Report {
	faults, err := load.ParseFaults(spec)
	Expect(err).NotTo(HaveOccurred())
	cfg := load.Config{Customers: 30, Agents: 8, Capacity: 5, Duration: 3 * time.Second, Ramp: 500 * time.Millisecond,
		Think: 250 * time.Millisecond, Reply: 50 * time.Millisecond, Drain: 8 * time.Second,
		Seed: seed, Faults: faults}
	if tune != nil {
		tune(&cfg)
	}
	rep, err := load.Run(ctx, cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		if CurrentSpecReport().Failed() {
			_ = rep.WriteJSON(GinkgoWriter)
		}
	})
	return rep
}

// audited: every message accounted for, none lost, doubled, reordered or
// misdelivered, no refusal but the expected ones, every chat frame in cseq
// order at every actor, and the routing invariants hold over the event log.
func audited(rep *load.Report) {
	m := rep.Messages
	Expect(m.Sent).To(BeNumerically(">", 0), "no message was sent")
	Expect(m.Lost).To(BeZero(), "lost messages: %v", rep.LostSample)
	Expect(m.Duplicated).To(BeZero(), "duplicated messages")
	Expect(m.OutOfOrder).To(BeZero(), "messages out of order")
	Expect(m.Misdelivered).To(BeZero(), "misdelivered messages: %v", rep.Samples)
	Expect(m.Foreign).To(BeZero(), "foreign messages")
	Expect(m.RefusedUnexpected).To(BeZero(), "unexpected refusals: %v", rep.Samples)
	Expect(rep.Refusals).To(BeEmpty(), "unexpected refusals of other frames")
	for code := range m.RefusedBy {
		Expect(code).To(BeElementOf("not allowed in the current state", "limit"), "expected refusals are by these codes only")
	}
	f := rep.Frames
	Expect(f.Checked).To(BeNumerically(">", m.Sent), "every actor checks every chat frame it gets")
	Expect(f.OutOfOrder+f.Gaps+f.Misdelivered).To(BeZero(), "chat frames: %+v", f)
	Expect(m.Delivered+m.Refused+m.Unconfirmed).To(Equal(m.Sent), "every message sent is accounted for")
	Expect(rep.Invariants.Violations).To(BeEmpty(), "routing invariants")
	Expect(rep.Invariants.Events).To(BeNumerically(">", 0))
}

// Each fault kind runs with two seeds (the suite's and the next), so a
// run of the suite checks the clean workbench twice per kind.
// Serial: each spec measures latencies of a live load against a baseline,
// so no other spec may share the cores while it runs (make scenarios runs
// the suites with two processes; these run alone, one after another).
var _ = Describe("faults under live load", Label("faults", "load"), Serial, func() {
	for _, shift := range []int64{0, 1} {
		Context(fmt.Sprintf("seed %+d", shift), func() {
			seed := func() int64 { return GinkgoRandomSeed() + shift }
			faultSpecs(seed)
		})
	}
})

func faultSpecs(seed func() int64) {
	It("an agent whose connection drops and returns within the grace resumes its chats", func(ctx SpecContext) {
		rep := run(ctx, seed(), "agent-drop:25%:500ms", nil)
		audited(rep)
		Expect(rep.Faults.InjectedBy["agent-drop"]).To(BeNumerically(">=", 1), "agents whose connection was cut")
		Expect(rep.Requeued).To(BeZero(), "a drop within the grace must not re-queue chats")
		Expect(rep.Unassigned).To(BeZero())
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("an agent away longer than the grace has its chats re-queued and served by others", func(ctx SpecContext) {
		rep := run(ctx, seed(), "agent-drop:25%:3s", func(c *load.Config) {
			c.Grace = time.Second
			c.Duration = 5 * time.Second
		})
		audited(rep)
		Expect(rep.Requeued).To(BeNumerically(">", 0), "chats of agents gone past the grace are re-queued (D-ROUTE-2)")
		Expect(rep.Unassigned).To(BeZero())
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("an agent away about as long as the grace never blames the workbench, whichever comes first", func(ctx SpecContext) {
		rep := run(ctx, seed(), "agent-drop:25%:1s", func(c *load.Config) { c.Grace = time.Second })
		audited(rep)
		Expect(rep.Faults.InjectedBy["agent-drop"]).To(BeNumerically(">=", 1))
		Expect(rep.Unassigned).To(BeZero())
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("a customer whose connection drops resumes with nothing missing and nothing doubled", func(ctx SpecContext) {
		rep := run(ctx, seed(), "customer-reconnect:30%", nil)
		audited(rep)
		Expect(rep.Faults.InjectedBy["customer-reconnect"]).To(BeNumerically(">=", 5), "customers whose connection was cut")
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("an agent that reads slowly lags on its own and never stalls routing for others", func(ctx SpecContext) {
		const pause = 500 * time.Millisecond
		longer := func(c *load.Config) { c.Duration = 4 * time.Second }
		base := run(ctx, seed(), "", longer)
		rep := run(ctx, seed(), "slow-reader:50%:500ms", longer)
		audited(rep)
		Expect(rep.Faults.SlowReaders).NotTo(BeEmpty())
		Expect(rep.Faults.InjectedBy["slow-reader"]).To(BeNumerically(">=", 1), "readers that paused")
		// The fault took effect: customers' messages reached the slow
		// readers at least one pause late...
		Expect(rep.Faults.SlowDeliverMS).NotTo(BeNil())
		Expect(rep.Faults.SlowDeliverMS.P99).To(BeNumerically(">=", float64(pause.Milliseconds())))
		// ...while assignment, which every customer waits for, stayed near
		// the run without slow readers: a server that waited for a slow
		// reader would hold it for several of its reads. (If a slow
		// reader's send queue fills, the server closes it with 1013 and it
		// reloads; the kernel's socket buffers usually absorb this much.)
		Expect(rep.LatencyMS.Assign.P99).To(BeNumerically("<", max(10*base.LatencyMS.Assign.P99, float64(pause.Milliseconds()))),
			"p99 assignment with slow readers vs %.2f ms without", base.LatencyMS.Assign.P99)
		Expect(rep.Unassigned).To(BeZero())
	}, SpecTimeout(time.Minute))

	It("latency on the path (a real TCP proxy) slows delivery but loses nothing", func(ctx SpecContext) {
		rep := run(ctx, seed(), "net-delay:40ms±10ms", nil)
		audited(rep)
		// Customer → server → agent crosses the proxy twice, each way
		// delayed by 40±10 ms: the median cannot be under one delay.
		Expect(rep.LatencyMS.Deliver.P50).To(BeNumerically(">=", 30.0))
		Expect(rep.Faults.InjectedBy["net-delay"]).To(BeNumerically(">=", 38), "every socket went through the delayed path")
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("connections reset on the path are resumed with nothing lost", func(ctx SpecContext) {
		rep := run(ctx, seed(), "net-reset:20%", nil)
		audited(rep)
		Expect(rep.Errors).To(ContainElement(BeNumerically(">", 0)), "the proxy reset connections")
		resets := 0
		for kind := range rep.Errors {
			if strings.Contains(kind, "reset") || strings.Contains(kind, "connection lost") {
				resets++
			}
		}
		Expect(resets).To(BeNumerically(">", 0), "errors %v: no connection was reset", rep.Errors)
		Expect(rep.Faults.InjectedBy["net-reset"]).To(BeNumerically(">", 0), "connections the path cut")
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("a graceful shutdown mid-load tells every client and accounts for every message", func(ctx SpecContext) {
		rep := run(ctx, seed(), "shutdown:50%", nil)
		audited(rep)
		Expect(rep.Faults.Told).To(BeNumerically(">", 0))
		Expect(rep.Faults.InjectedBy).To(Equal(map[string]int64{"shutdown": 1}))
		Expect(rep.Faults.Untold).To(BeZero(), "every socket is closed with 1001, none just breaks")
		Expect(rep.Errors).NotTo(HaveKey("undecodable frame from the workbench"), "nothing half-written")
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))
}
