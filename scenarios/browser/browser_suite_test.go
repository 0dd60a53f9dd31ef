// Package browser_test is the Ginkgo suite of the browser checks
// (sim/browser) against the bundled workbench: notifications (R-NTF-1,
// R-WB-3), the tenant 404 (R-TEN-1) and the bot page on a phone
// (R-RT-3..5), in a real headless Chromium. One Chromium serves the whole
// suite; every spec gets a fresh workbench and its own browser context.
package browser_test

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/sim/browser"
)

func TestBrowser(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Browser checks")
}

// chromium is the suite's one browser (chromedp's own tests do the same:
// one browser per process, a new tab per test).
var chromium *browser.Browser

var _ = BeforeSuite(func(ctx SpecContext) {
	fmt.Fprintf(GinkgoWriter, "browser suite seed: %d\n", GinkgoRandomSeed())
	path, err := browser.Find()
	if errors.Is(err, browser.ErrNoBrowser) {
		if os.Getenv("CI") == "true" {
			Fail("CI=true but no Chromium: the browser checks must run in CI. " + err.Error())
		}
		Skip(err.Error())
	}
	Expect(err).NotTo(HaveOccurred())
	fmt.Fprintf(GinkgoWriter, "chromium: %s\n", path)
	chromium, err = browser.Launch(ctx)
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(90*time.Second))

// No Chromium process the suite started may outlive it.
var _ = AfterSuite(func() {
	if blocking.b != nil {
		Expect(blocking.b.Close()).To(Succeed())
	}
	if chromium == nil {
		return
	}
	dir := chromium.Dir()
	Expect(chromium.Close()).To(Succeed())
	Eventually(browser.Leftovers).WithTimeout(5*time.Second).WithPolling(50*time.Millisecond).
		Should(BeEmpty(), "Chromium processes started by this suite are still alive")
	_, err := os.Stat(dir)
	Expect(os.IsNotExist(err)).To(BeTrue(), "the Chromium profile %s was not removed", dir)
})
