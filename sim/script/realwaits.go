package script

import (
	"fmt"
	"strings"
	"time"
)

// RealWaits says, before a script runs against a workbench with its own
// clock (--target), how long its waits will take in real time: each wait,
// each `at`, and each assert that may wait (`within`). "" when it never
// waits.
func RealWaits(s *Script, now time.Time, loc *time.Location) string {
	var parts []string
	var total, upTo time.Duration
	clock := now
	for _, st := range s.Stmts {
		switch {
		case st.Kind == KindWait:
			parts = append(parts, fmt.Sprintf("%s at line %d", st.Wait, st.Pos.Line))
			total += st.Wait
			clock = clock.Add(st.Wait)
		case st.Kind == KindAt:
			t, err := resolve(st.At, clock, loc)
			if err != nil {
				parts = append(parts, fmt.Sprintf("until %s at line %d", st.At.Text, st.Pos.Line))
				continue
			}
			d := t.Sub(clock)
			parts = append(parts, fmt.Sprintf("until %s (%s) at line %d", t.Format("01-02 15:04 MST"), d.Round(time.Second), st.Pos.Line))
			total += d
			clock = t
		case st.Kind == KindExpect && st.Expect.HasWithin:
			upTo += st.Expect.Within
		}
	}
	if total == 0 && upTo == 0 {
		return ""
	}
	msg := "the workbench keeps its own clock, so this script's waits are real"
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, ", ") + fmt.Sprintf("; %s in all", total.Round(time.Second))
	}
	if upTo > 0 {
		msg += fmt.Sprintf("; asserts with `within` may wait up to %s more", upTo.Round(time.Second))
	}
	return msg
}
