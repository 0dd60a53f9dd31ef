package browser_test

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/browser"
	"routecheck/sim/script"
	"routecheck/sim/server"
)

// D-SCR-6 over the real pages: what a customer does on the bot page and an
// agent in the workbench, both in Chromium, is recorded as `serve
// --record` records it (samples of the workbench every 100 ms), and the
// recording replays on a bundled workbench to the same outcome.
var _ = Describe("serve --record over the web UI and the bot page", Label("browser"), func() {
	It("D-SCR-6: a session on the bot page and in the agent's workbench, in Chromium, replays to the same outcome", func(ctx SpecContext) {
		v := fixtures.Demo()
		srv := server.New(server.Options{HashCost: bcrypt.MinCost})
		_, err := srv.AddVendor(v.Config)
		Expect(err).NotTo(HaveOccurred())
		base, err := srv.Start("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)

		rec := script.NewRecorder(v)
		var mu sync.Mutex
		var after int64
		sample := func() {
			mu.Lock()
			defer mu.Unlock()
			s := srv.RecordSample(after)
			if n := len(s.Events); n > 0 {
				after = s.Events[n-1].Seq
			}
			rec.Observe(s)
		}
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					sample()
				}
			}
		}()
		env := browser.NewEnv(base, v.Config)
		expectStatus(browser.CheckBotPage(ctx, chromium, env), reports.StatusPassed)
		expectStatus(browser.CheckAgentReply(ctx, chromium, env), reports.StatusPassed)
		close(stop)
		<-done
		sample()
		first := srv.RecordSample(0)
		Expect(first.Lost).To(BeFalse())

		file := filepath.Join(GinkgoT().TempDir(), "session.script")
		Expect(os.WriteFile(file, rec.Script("demo"), 0o644)).To(Succeed())
		src, _ := os.ReadFile(file)
		GinkgoWriter.Printf("recording:\n%s", src)
		s, rv, err := script.Load(file)
		Expect(err).NotTo(HaveOccurred(), string(src))
		start, err := script.StartTime(s, rv, time.Now())
		Expect(err).NotTo(HaveOccurred())
		b, err := script.Bundled(rv, start)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)
		r := script.Run(ctx, s, script.Options{Vendor: rv, Target: b.URL, Clock: b.Clock, Seed: GinkgoRandomSeed()})
		failed := ""
		for _, l := range r.Script.Failed() {
			failed += reports.ScriptLineText(l) + "\n"
		}
		Expect(r.Script.Status).To(Equal(reports.StatusPassed), "the replay fails its own asserts:\n%s\n%s", failed, src)

		ops := actors.NewOps(b.URL, "demo-ops")
		_, err = ops.SignIn(ctx, "demo-ops-pass")
		Expect(err).NotTo(HaveOccurred())
		replay, err := ops.Events(ctx, 0)
		Expect(err).NotTo(HaveOccurred())
		want := script.Outcome(first.Events)
		Expect(len(want)).To(BeNumerically(">=", 10), "the session did not run")
		Expect(script.SameOutcome(want, script.Outcome(replay), 100*time.Millisecond)).To(BeEmpty(), string(src))
	}, SpecTimeout(checkTimeout))
})
