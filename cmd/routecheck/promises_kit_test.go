package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
	wb "routecheck/sim/workbench"
)

// The test kit of the template's promises (promises_test.go).

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// wed10 is a Wednesday, 10:00 in Shanghai: in the template's hours.
var wed10 = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)

// tmpl is the template with old->new replacements; a missing old fails.
func tmpl(t *testing.T, pairs ...string) string {
	t.Helper()
	s := string(fixtures.Template())
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%q is not in the template", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func parsed(t *testing.T, src string) *fixtures.Vendor {
	t.Helper()
	v, err := fixtures.Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatalf("the template, edited, is invalid: %v", err)
	}
	return v
}

// refused expects src to be refused with a problem at path naming rule.
func refused(t *testing.T, src, path, rule string) {
	t.Helper()
	_, err := fixtures.Parse("template.yaml", []byte(src))
	var ps fixtures.Problems
	if !errors.As(err, &ps) || !slices.ContainsFunc(ps, func(p fixtures.Problem) bool { return p.Path == path && p.Rule == rule }) {
		t.Errorf("want a problem at %s (%s), got %v", path, rule, err)
	}
}

// warned says whether v's vet warnings include one at path naming rule.
func warned(v *fixtures.Vendor, path, rule string) bool {
	return slices.ContainsFunc(v.Warnings(), func(p fixtures.Problem) bool { return p.Path == path && p.Rule == rule })
}

// core is the workbench core serving v on a virtual clock at wed10.
func core(t *testing.T, v *fixtures.Vendor, at time.Time) *wb.Workbench {
	t.Helper()
	w := wb.New(clock.NewVirtual(at), wb.Options{HashCost: bcrypt.MinCost})
	if _, err := w.AddVendor(v.Config); err != nil {
		t.Fatal(err)
	}
	return w
}

// say has a new customer on v's bot page say text and returns the chat.
func say(t *testing.T, w *wb.Workbench, v *fixtures.Vendor, text string) wb.ConvView {
	t.Helper()
	c, err := w.Enter(v.Config.ID, "", "")
	if err == nil {
		err = w.CustomerSend(c.ID, text)
	}
	if err != nil {
		t.Fatal(err)
	}
	c, _ = w.Conversation(c.ID)
	return c
}

func lastFrom(c wb.ConvView, s wb.Sender) string {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].Sender == s {
			return c.Messages[i].Text
		}
	}
	return ""
}

// rehearse runs the route test of v on the bundled workbench, planned as
// run plans it with the harness at wed10, on a virtual clock the rehearsed
// agents jump.
func rehearse(t *testing.T, v *fixtures.Vendor) *reports.Run {
	t.Helper()
	plan := routetest.PlanClock(v, time.Time{}, wed10, time.Minute)
	vc := clock.NewVirtual(plan.Start)
	b, err := routetest.BundledClock(v, time.Hour, plan, vc)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	opt := b.Options(v)
	opt.Seed, opt.Timeout, opt.Clock = 1, 2*time.Second, vc
	rep, err := routetest.Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func passes(t *testing.T, rep *reports.Run) {
	t.Helper()
	if !rep.Passed {
		var b strings.Builder
		reports.WriteConsole(&b, rep)
		t.Fatalf("the route test fails:\n%s", b.String())
	}
}

// seen is what the checks of step n named name (a prefix) saw.
func seen(rep *reports.Run, n int, name string) []string {
	var out []string
	for _, c := range rep.Steps[n-1].Checks {
		if strings.HasPrefix(c.Name, name) {
			out = append(out, c.Seen)
		}
	}
	return out
}

func checkNames(rep *reports.Run, n int) []string {
	var out []string
	for _, c := range rep.Steps[n-1].Checks {
		out = append(out, c.Name)
	}
	return out
}
