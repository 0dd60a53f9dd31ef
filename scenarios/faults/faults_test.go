package faults_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/sim/load"
)

// run drives a small bundled load with one fault; the counts are small so
// the suite stays fast on two cores.
func run(ctx SpecContext, spec string, tune func(*load.Config)) *load.Report {
	faults, err := load.ParseFaults(spec)
	Expect(err).NotTo(HaveOccurred())
	cfg := load.Config{Customers: 30, Agents: 8, Capacity: 5, Duration: 3 * time.Second, Ramp: 500 * time.Millisecond,
		Think: 250 * time.Millisecond, Reply: 50 * time.Millisecond, Drain: 8 * time.Second,
		Seed: GinkgoRandomSeed(), Faults: faults}
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

// audited: every message accounted for, none lost, doubled or reordered,
// and the routing invariants hold over the event log.
func audited(rep *load.Report) {
	m := rep.Messages
	Expect(m.Sent).To(BeNumerically(">", 0), "no message was sent")
	Expect(m.Lost).To(BeZero(), "lost messages")
	Expect(m.Duplicated).To(BeZero(), "duplicated messages")
	Expect(m.OutOfOrder).To(BeZero(), "messages out of order")
	Expect(m.Delivered+m.Refused+m.Unconfirmed).To(Equal(m.Sent), "every message sent is accounted for")
	Expect(rep.Invariants.Violations).To(BeEmpty(), "routing invariants")
	Expect(rep.Invariants.Events).To(BeNumerically(">", 0))
}

var _ = Describe("faults under live load", Label("faults", "load"), func() {
	It("an agent whose connection drops and returns within the grace resumes its chats", func(ctx SpecContext) {
		rep := run(ctx, "agent-drop:25%:500ms", nil)
		audited(rep)
		Expect(rep.Faults.Injected).To(BeNumerically(">=", 2))
		Expect(rep.Requeued).To(BeZero(), "a drop within the grace must not re-queue chats")
		Expect(rep.Unassigned).To(BeZero())
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("an agent away longer than the grace has its chats re-queued and served by others", func(ctx SpecContext) {
		rep := run(ctx, "agent-drop:25%:3s", func(c *load.Config) {
			c.Grace = time.Second
			c.Duration = 5 * time.Second
		})
		audited(rep)
		Expect(rep.Requeued).To(BeNumerically(">", 0), "chats of agents gone past the grace are re-queued (D-ROUTE-2)")
		Expect(rep.Unassigned).To(BeZero())
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("a customer whose connection drops resumes with nothing missing and nothing doubled", func(ctx SpecContext) {
		rep := run(ctx, "customer-reconnect:30%", nil)
		audited(rep)
		Expect(rep.Faults.Injected).To(BeNumerically(">=", 5))
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("an agent that reads slowly lags on its own and never stalls routing for others", func(ctx SpecContext) {
		const pause = 500 * time.Millisecond
		longer := func(c *load.Config) { c.Duration = 4 * time.Second }
		base := run(ctx, "", longer)
		rep := run(ctx, "slow-reader:50%:500ms", longer)
		audited(rep)
		Expect(rep.Faults.SlowReaders).NotTo(BeEmpty())
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
		rep := run(ctx, "net-delay:40ms±10ms", nil)
		audited(rep)
		// Customer → server → agent crosses the proxy twice, each way
		// delayed by 40±10 ms: the median cannot be under one delay.
		Expect(rep.LatencyMS.Deliver.P50).To(BeNumerically(">=", 30.0))
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("connections reset on the path are resumed with nothing lost", func(ctx SpecContext) {
		rep := run(ctx, "net-reset:20%", nil)
		audited(rep)
		Expect(rep.Errors).To(ContainElement(BeNumerically(">", 0)), "the proxy reset connections")
		resets := 0
		for kind := range rep.Errors {
			if strings.Contains(kind, "reset") || strings.Contains(kind, "connection lost") {
				resets++
			}
		}
		Expect(resets).To(BeNumerically(">", 0), "errors %v: no connection was reset", rep.Errors)
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))

	It("a graceful shutdown mid-load tells every client and accounts for every message", func(ctx SpecContext) {
		rep := run(ctx, "shutdown:50%", nil)
		audited(rep)
		Expect(rep.Faults.Told).To(BeNumerically(">", 0))
		Expect(rep.Faults.Untold).To(BeZero(), "every socket is closed with 1001, none just breaks")
		Expect(rep.Errors).NotTo(HaveKey("undecodable frame from the workbench"), "nothing half-written")
		Expect(rep.Pass).To(BeTrue(), "%v", rep.Failures)
	}, SpecTimeout(time.Minute))
})
