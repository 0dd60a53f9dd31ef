package browser_test

import (
	"bytes"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/browser"
	"routecheck/sim/checklist"
	"routecheck/sim/routetest"
)

// The checklist page's form, as a tester uses it: ticks, a failure named,
// 保存记录; the saved JSON is a record --record turns into run's report.
var _ = Describe("the go-live checklist page", Label("browser"), func() {
	var (
		c    *checklist.Checklist
		path string
	)
	BeforeEach(func() {
		c = checklist.Build(fixtures.Demo(), checklist.Options{At: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)})
		var b bytes.Buffer
		Expect(checklist.WriteHTML(&b, c)).To(Succeed())
		path = filepath.Join(GinkgoT().TempDir(), "checklist.html")
		Expect(os.WriteFile(path, b.Bytes(), 0o644)).To(Succeed())
	})

	answers := func(upTo int, failure string) browser.ChecklistAnswers {
		a := browser.ChecklistAnswers{Fields: map[string]string{"tester": "测试同学小陈", "tested-at": "2026-11-27T10:30", "test-order": "TEST-42"},
			Failures: map[int]string{}, Notes: map[int]string{}}
		for _, it := range c.Items() {
			if it.Step < upTo {
				a.Ticked = append(a.Ticked, it.ID)
			}
		}
		if failure != "" {
			a.Failures[upTo], a.Notes[upTo] = failure, "小蜜说没有客服在线"
		}
		return a
	}
	record := func(ctx SpecContext, a browser.ChecklistAnswers) *reports.Run {
		js, err := browser.SaveChecklist(ctx, chromium, path, a)
		Expect(err).NotTo(HaveOccurred())
		rec, err := checklist.ParseRecord("saved.json", bytes.NewReader(js))
		Expect(err).NotTo(HaveOccurred(), string(js))
		Expect(rec.Matches(c)).To(Succeed())
		return rec.Run()
	}

	It("saves every tick: all ticked is a passed run", func(ctx SpecContext) {
		run := record(ctx, answers(6, ""))
		Expect(run.Passed).To(BeTrue())
		Expect(run.Notes[0]).To(ContainSubstring("测试同学小陈"))
	}, SpecTimeout(checkTimeout))

	It("saves a named failure with its note: the step has run's diagnosis", func(ctx SpecContext) {
		run := record(ctx, answers(4, routetest.FailNobodyOnline.ID))
		Expect(run.Passed).To(BeFalse())
		Expect(run.Steps[2].Status).To(Equal(reports.StatusPassed))
		d := run.Steps[3].Diagnosis
		Expect(d).NotTo(BeNil())
		Expect(d.Rule).To(Equal(routetest.FailNobodyOnline.Rule))
		Expect(d.Fix).To(Equal(routetest.FailNobodyOnline.Fix))
		Expect(d.Message).To(ContainSubstring("小蜜说没有客服在线"))
		Expect(run.Steps[4].Status).To(Equal(reports.StatusSkipped))
	}, SpecTimeout(checkTimeout))

	It("a page that drops the ticks fails the all-ticked record", func(ctx SpecContext) {
		b, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		broken := bytes.Replace(b, []byte(`'"]').checked })`), []byte(`'"]').checked && false })`), 1)
		Expect(broken).NotTo(Equal(b), "the page changed: this sabotage would test nothing")
		Expect(os.WriteFile(path, broken, 0o644)).To(Succeed())
		Expect(record(ctx, answers(6, "")).Passed).To(BeFalse())
	}, SpecTimeout(checkTimeout))
})
