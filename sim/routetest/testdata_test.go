package routetest_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/routetest"
)

// step1Seen is what step 1 saw of the test account and order.
func step1Seen(t *testing.T, seed int64) (account, order string) {
	t.Helper()
	v := fixtures.Demo()
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: bundled(t, v), Vendor: v, Seed: seed, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Steps[0].Checks {
		switch c.Name {
		case "test account":
			account = c.Seen
		case "test order":
			order = c.Seen
		}
	}
	if rep.Steps[0].Status != reports.StatusPassed {
		t.Fatalf("step 1: %+v", rep.Steps[0])
	}
	return account, order
}

// R-RT-1: the test buyer and the test order of a Chinese report are
// Chinese (测试买家王思雨, 华为 Mate 40 Pro（95新）), never "测试买家 Vinnie
// Bednar" and "Game Modular Portable", and the seed repeats them.
func TestTestDataChineseAndSeeded(t *testing.T) {
	acc1, ord1 := step1Seen(t, 8)
	acc2, ord2 := step1Seen(t, 8)
	if acc1 != acc2 || ord1 != ord2 {
		t.Errorf("seed 8 twice: %q %q, then %q %q", acc1, ord1, acc2, ord2)
	}
	_, name, _ := strings.Cut(acc1, "测试买家")
	if name == "" {
		t.Fatalf("test account %q", acc1)
	}
	for _, c := range name {
		if !unicode.Is(unicode.Han, c) {
			t.Errorf("test buyer %q: %q is not a Chinese character", name, c)
		}
	}
	_, item, _ := strings.Cut(ord1, " ")
	if !strings.ContainsFunc(item, func(c rune) bool { return unicode.Is(unicode.Han, c) }) {
		t.Errorf("test order item %q has no Chinese", item)
	}
}
