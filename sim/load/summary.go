package load

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// byCode lists counts by key, sorted: ": a 1, b 2", or "" for none.
func byCode(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// WriteSummary prints the report for a person on a terminal.
func (rep *Report) WriteSummary(w io.Writer) {
	verdict := "PASSED"
	if !rep.Pass {
		verdict = "FAILED"
	}
	where := "bundled workbench"
	if rep.Target != "" {
		where = rep.Target
	}
	fmt.Fprintf(w, "routecheck load %s: %d customers, %d agents (capacity %d) against %s in %.1f s, seed %d\n",
		verdict, rep.Customers, rep.Agents, rep.Capacity, where, rep.DurationS, rep.Seed)
	a, d := rep.LatencyMS.Assign, rep.LatencyMS.Deliver
	co := ""
	if rep.CorrectedForCO {
		co = " (from scheduled times: coordinated omission corrected)"
	}
	fmt.Fprintf(w, "  assignment ms  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  (%d chats)%s\n", a.P50, a.P95, a.P99, a.Max, a.Count, co)
	fmt.Fprintf(w, "  delivery ms    p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  (%d messages)\n", d.P50, d.P95, d.P99, d.Max, d.Count)
	m := rep.Messages
	fmt.Fprintf(w, "  messages: sent %d, delivered %d, lost %d, duplicated %d, out of order %d, misdelivered %d, foreign %d, refused unexpectedly %d (refused as expected %d%s, unconfirmed %d within %gs, unreached %d)\n",
		m.Sent, m.Delivered, m.Lost, m.Duplicated, m.OutOfOrder, m.Misdelivered, m.Foreign, m.RefusedUnexpected, m.Refused, byCode(m.RefusedBy), m.Unconfirmed, m.WindowS, m.Unreached)
	fr := rep.Frames
	fmt.Fprintf(w, "  chat frames: %d checked, %d out of cseq order, %d message gaps, %d misdelivered\n", fr.Checked, fr.OutOfOrder, fr.Gaps, fr.Misdelivered)
	fmt.Fprintf(w, "  throughput: %.1f messages/s, %.1f chats/s; routing invariants: %d violations over %d events\n",
		rep.Throughput.MessagesPerS, rep.Throughput.ChatsPerS, len(rep.Invariants.Violations), rep.Invariants.Events)
	if mem := rep.Memory; mem != nil {
		fmt.Fprintf(w, "  heap (workbench + generator): %.1f MB peak, %.1f kB per socket at %d sockets\n", mem.HeapPeakMB, mem.PerSocketKB, mem.PeakSockets)
	}
	for _, k := range sortedErrors(rep.Errors) {
		fmt.Fprintf(w, "  errors: %s × %d\n", k, rep.Errors[k])
	}
	if len(rep.Faults.Spec) > 0 {
		fmt.Fprintf(w, "  faults: %v, %d injected%s\n", rep.Faults.Spec, rep.Faults.Injected, byCode(rep.Faults.InjectedBy))
	}
	for _, p := range rep.Profile {
		fmt.Fprintf(w, "  cpu: %5.1f%% %s\n", p.Percent, p.Category)
	}
	for _, f := range rep.Failures {
		fmt.Fprintf(w, "  FAIL %s\n", f)
	}
}
