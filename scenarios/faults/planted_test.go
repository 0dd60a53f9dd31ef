package faults_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/sim/load"
)

// The audit's own mutation test (docs/testing.md): routecheck built with
// the routecheck_plant tag carries defects in its bundled workbench
// (sim/server/plant_on.go), one per run, chosen by ROUTECHECK_PLANT. Each
// must fail `routecheck load` (exit 1) with the right figure, judged from
// what the actors recorded over real sockets. A normal build has neither
// the defects nor their switch.
var _ = Describe("the load audit's own mutation test", Label("faults", "load", "plant"), Ordered, Serial, func() {
	var plain, planted string

	BeforeAll(func(ctx SpecContext) {
		root := moduleRoot()
		dir, err := os.MkdirTemp("", "routecheck-plant-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, dir)
		plain, planted = filepath.Join(dir, "routecheck"), filepath.Join(dir, "routecheck-plant")
		errs := make(chan error, 2)
		for _, b := range [][]string{{"-o", plain}, {"-tags", "routecheck_plant", "-o", planted}} {
			go func() {
				cmd := exec.CommandContext(ctx, "go", append(append([]string{"build"}, b...), "./cmd/routecheck")...)
				cmd.Dir = root
				out, err := cmd.CombinedOutput()
				if err != nil {
					err = fmt.Errorf("go build %v: %v\n%s", b, err, out)
				}
				errs <- err
			}()
		}
		Expect(<-errs).NotTo(HaveOccurred())
		Expect(<-errs).NotTo(HaveOccurred())
	}, NodeTimeout(5*time.Minute))

	It("a normal build has neither the planted defects nor their switch", func(ctx SpecContext) {
		for bin, want := range map[string]bool{plain: false, planted: true} {
			data, err := os.ReadFile(bin)
			Expect(err).NotTo(HaveOccurred())
			Expect(bytes.Contains(data, []byte("ROUTECHECK_PLANT"))).To(Equal(want), "%s: the switch's name", bin)
			syms, err := exec.CommandContext(ctx, "go", "tool", "nm", bin).Output()
			Expect(err).NotTo(HaveOccurred())
			Expect(strings.Contains(string(syms), "routecheck/sim/server.logChat")).To(Equal(want), "%s: the defects' code", bin)
		}
	}, SpecTimeout(time.Minute))

	// defect runs the planted build with one defect and returns its report.
	defect := func(ctx SpecContext, name string, args ...string) *load.Report {
		out := GinkgoT().TempDir()
		base := []string{"load", "--customers", "30", "--agents", "8", "--capacity", "5", "--duration", "3s", "--ramp", "500ms",
			"--think", "250ms", "--reply", "50ms", "--drain", "3s", "--seed", fmt.Sprint(GinkgoRandomSeed()), "--out", out}
		cmd := exec.CommandContext(ctx, planted, append(base, args...)...)
		cmd.Env = append(os.Environ(), "ROUTECHECK_PLANT="+name)
		console, err := cmd.Output()
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "%s: routecheck load passed (exit 0), want exit 1:\n%s", name, console)
		Expect(exit.ExitCode()).To(Equal(1), "%s: exit code\n%s\n%s", name, console, exit.Stderr)
		data, err := os.ReadFile(filepath.Join(out, "report.json"))
		Expect(err).NotTo(HaveOccurred())
		var rep load.Report
		Expect(json.Unmarshal(data, &rep)).To(Succeed())
		DeferCleanup(func() {
			if CurrentSpecReport().Failed() {
				GinkgoWriter.Printf("%s\n", console)
			}
		})
		return &rep
	}
	failed := func(rep *load.Report, property string) {
		Expect(rep.Failures).To(ContainElement(HavePrefix(property+":")), "%s must fail", property)
	}

	It("a dropped reply is lost", func(ctx SpecContext) {
		rep := defect(ctx, "drop")
		Expect(rep.Messages.Lost).To(BeEquivalentTo(1))
		failed(rep, "messages.lost")
	}, SpecTimeout(time.Minute))

	It("a reply delivered twice is one duplicate (the agent answers a message once)", func(ctx SpecContext) {
		rep := defect(ctx, "duplicate")
		Expect(rep.Messages.Duplicated).To(BeEquivalentTo(1))
		failed(rep, "messages.duplicated")
	}, SpecTimeout(time.Minute))

	It("a customer's message delivered twice to its agent is one duplicate, answered once", func(ctx SpecContext) {
		rep := defect(ctx, "duplicate-to-agent")
		Expect(rep.Messages.Duplicated).To(BeEquivalentTo(1), "a second answer would count a second duplicate at the customer")
		failed(rep, "messages.duplicated")
	}, SpecTimeout(time.Minute))

	It("two replies swapped in one lane are out of order", func(ctx SpecContext) {
		rep := defect(ctx, "swap-lane")
		Expect(rep.Messages.OutOfOrder).To(BeEquivalentTo(1))
		Expect(rep.Frames.OutOfOrder).To(BeEquivalentTo(1))
		failed(rep, "messages.out_of_order")
		failed(rep, "frames.cseq_order")
	}, SpecTimeout(time.Minute))

	It("a message behind its own notification is out of cseq order", func(ctx SpecContext) {
		rep := defect(ctx, "swap-types")
		Expect(rep.Messages.OutOfOrder).To(BeZero(), "no two messages swapped")
		Expect(rep.Frames.OutOfOrder).To(BeEquivalentTo(1))
		failed(rep, "frames.cseq_order")
	}, SpecTimeout(time.Minute))

	It("a frame numbered with the cseq of the frame before is out of cseq order", func(ctx SpecContext) {
		rep := defect(ctx, "cseq-reuse")
		Expect(rep.Frames.OutOfOrder).To(BeEquivalentTo(1))
		failed(rep, "frames.cseq_order")
	}, SpecTimeout(time.Minute))

	It("a reply also delivered to another chat's customer is misdelivered", func(ctx SpecContext) {
		rep := defect(ctx, "misdeliver-chat")
		Expect(rep.Messages.Misdelivered).To(BeEquivalentTo(1))
		Expect(rep.Samples["misdelivered"]).To(ContainElement(MatchRegexp(`"load c\d+ r\d+" of chat c\d+ from agent load-agent-\d+ reached customer c\d+`)))
		failed(rep, "messages.misdelivered")
	}, SpecTimeout(time.Minute))

	It("a customer's message also delivered to another agent is misdelivered", func(ctx SpecContext) {
		rep := defect(ctx, "misdeliver-agent")
		Expect(rep.Messages.Misdelivered).To(BeEquivalentTo(1))
		Expect(rep.Samples["misdelivered"]).To(ContainElement(MatchRegexp(`"load c\d+ m\d+" of chat c\d+ from customer c\d+ reached agent load-agent-\d+`)))
		failed(rep, "messages.misdelivered")
	}, SpecTimeout(time.Minute))

	It("an error frame instead of a delivery is an unexpected refusal", func(ctx SpecContext) {
		rep := defect(ctx, "error")
		Expect(rep.Messages.RefusedUnexpected).To(BeEquivalentTo(1))
		Expect(rep.Messages.RefusedBy).NotTo(HaveKey("internal"))
		failed(rep, "refusals.unexpected")
	}, SpecTimeout(time.Minute))

	It("messages swallowed long before a shutdown are lost, not unconfirmed", func(ctx SpecContext) {
		rep := defect(ctx, "swallow", "--faults", "shutdown:80%", "--duration", "6s")
		Expect(rep.Messages.Lost).To(BeEquivalentTo(3))
		failed(rep, "messages.lost")
	}, SpecTimeout(time.Minute))

	It("a resume whose replay skips a reply loses it", func(ctx SpecContext) {
		rep := defect(ctx, "replay-skip", "--faults", "customer-reconnect:30%")
		Expect(rep.Messages.Lost).To(BeEquivalentTo(1))
		failed(rep, "messages.lost")
	}, SpecTimeout(time.Minute))
})

// moduleRoot is the directory of go.mod.
func moduleRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	Expect(err).NotTo(HaveOccurred())
	return filepath.Dir(strings.TrimSpace(string(out)))
}
