package load

import (
	"fmt"
	"sort"
	"time"

	"routecheck/sim/invariant"
	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// Report is what a load run found; report.json is this, and --json
// prints it.
type Report struct {
	// The names every report.json starts with (docs/decisions.md D-CLI-5);
	// the CLI sets Command, ExitCode, Interrupted and Rerun.
	Command     string `json:"command"`
	Seed        int64  `json:"seed"`
	Pass        bool   `json:"passed"`
	ExitCode    int    `json:"exit_code"`
	Interrupted bool   `json:"interrupted"`
	Rerun       string `json:"rerun,omitempty"`

	Target    string    `json:"target,omitempty"` // "" : the bundled workbench
	Started   time.Time `json:"started_at"`
	DurationS float64   `json:"duration_s"`
	Customers int       `json:"customers"`
	Agents    int       `json:"agents"`
	Capacity  int       `json:"capacity"`
	RatePerS  float64   `json:"rate_per_s,omitempty"`
	// LatencyMS: assignment (transfer request to the assigned state frame
	// at the customer) and delivery (send to receipt by the other party).
	LatencyMS struct {
		Assign  Quantiles `json:"assign"`
		Deliver Quantiles `json:"deliver"`
	} `json:"latency_ms"`
	// CorrectedForCO says latencies count from the scheduled time (--rate).
	CorrectedForCO bool     `json:"corrected_for_coordinated_omission"`
	Messages       Messages `json:"messages"`
	LostSample     []string `json:"lost_sample,omitempty"` // up to 20 lost messages
	// Samples: up to 20 examples of each other failure of the audit
	// (misdelivered, foreign, duplicated, out_of_order, refused).
	Samples map[string][]string `json:"samples,omitempty"`
	// Frames is what the actors found in the chat frames themselves: cseq
	// order, message gaps, frames of chats they may not see (D-LOAD-8).
	Frames FrameChecks `json:"frames"`
	// Refusals: error answers no rule expects to frames that are not chat
	// messages (status, transfer request, leave), by frame type and code.
	Refusals      map[string]int64 `json:"refusals_unexpected"`
	RefusalSample []string         `json:"refusal_sample,omitempty"`
	// Conversations is how many chats an agent took.
	Conversations int64            `json:"conversations"`
	Unassigned    int64            `json:"unassigned"` // customers who connected and never got an agent
	Requeued      int64            `json:"requeued"`   // chats re-queued because their agent went 离线
	Errors        map[string]int64 `json:"errors"`
	Throughput    struct {
		MessagesPerS float64 `json:"messages_per_s"`
		ChatsPerS    float64 `json:"chats_per_s"`
	} `json:"throughput"`
	Memory     *Memory             `json:"memory,omitempty"`
	Invariants InvariantResult     `json:"invariants"`
	KPIs       wb.KPIs             `json:"kpis"`
	Faults     FaultResult         `json:"faults"`
	Series     []Sample            `json:"series"`
	Histograms map[string][]Bucket `json:"histograms"`
	// Profile is where the CPU went (--find-max, the largest passing step).
	Profile    []ProfileShare        `json:"cpu_profile,omitempty"`
	Failures   []string              `json:"failures"`
	violations []invariant.Violation // also in Invariants
}

// Memory is the process's heap when the workbench is bundled: it holds
// the server and the generator, so per-connection figures are an upper
// bound for the server alone.
type Memory struct {
	HeapBeforeMB   float64 `json:"heap_before_mb"`
	HeapPeakMB     float64 `json:"heap_peak_mb"`
	PeakSockets    int64   `json:"peak_sockets"`
	PerSocketKB    float64 `json:"per_socket_kb"`
	IncludesClient bool    `json:"includes_generator"`
}

// InvariantResult is the routing invariants over the event log.
type InvariantResult struct {
	Events     int                   `json:"events"`
	Violations []invariant.Violation `json:"violations"`
}

// FaultResult says which faults ran and what they did.
type FaultResult struct {
	Spec []string `json:"spec"`
	// Injected counts what the faults did, not that they were on:
	// connections cut (agent-drop, customer-reconnect, net-reset), readers
	// that paused (slow-reader), sockets through the delayed path
	// (net-delay), the shutdown; InjectedBy by kind.
	Injected    int64            `json:"injected"`
	InjectedBy  map[string]int64 `json:"injected_by_kind"`
	SlowReaders []string         `json:"slow_readers,omitempty"`
	// SlowDeliverMS: customer messages to the slow readers, send to the
	// moment the slow reader got to them (its lag).
	SlowDeliverMS *Quantiles `json:"slow_deliver_ms,omitempty"`
	// Told and Untold: sockets closed by the shutdown with 1001, or not.
	Told   int64 `json:"shutdown_told,omitempty"`
	Untold int64 `json:"shutdown_untold,omitempty"`
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// judge lists every audited property that failed; the run passes with none.
func (rep *Report) judge(shutdown bool) {
	rep.Failures = []string{}
	for _, p := range rep.Properties(shutdown) {
		if !p.Pass {
			rep.Failures = append(rep.Failures, p.Name+": "+p.Detail)
		}
	}
	rep.Pass = len(rep.Failures) == 0
}

// Property is one audited property: a junit test case.
type Property struct {
	Name   string
	Pass   bool
	Detail string
}

// Properties are the audited properties of a run, each with why it
// failed.
func (rep *Report) Properties(shutdown bool) []Property {
	m := rep.Messages
	fr := rep.Frames
	var refusals int64
	for _, n := range rep.Refusals {
		refusals += n
	}
	ps := []Property{
		{"messages.lost", m.Lost == 0, fmt.Sprintf("%d of %d messages sent were neither delivered nor refused, nor sent within %gs of the %s (unconfirmed): a message the workbench accepted, or was given long enough before, must reach the other party; e.g. %s",
			m.Lost, m.Sent, m.WindowS, cutoffName(shutdown), firstOf(rep.LostSample))},
		{"messages.duplicated", m.Duplicated == 0, fmt.Sprintf("%d messages arrived twice at the same party: resends must carry the same client id and the workbench must answer them without applying them again; e.g. %s", m.Duplicated, firstOf(rep.Samples["duplicated"]))},
		{"messages.out_of_order", m.OutOfOrder == 0, fmt.Sprintf("%d messages arrived after a later one of the same chat and direction: the workbench must deliver a chat's messages in the order they were sent; e.g. %s", m.OutOfOrder, firstOf(rep.Samples["out_of_order"]))},
		{"messages.misdelivered", m.Misdelivered == 0 && fr.Misdelivered == 0, fmt.Sprintf("%d messages and %d frames reached a party that may not see their chat (a customer gets only its own chat, an agent only chats it holds, D-LOAD-5); e.g. %s",
			m.Misdelivered, fr.Misdelivered, firstOf(append(rep.Samples["misdelivered"], fr.Samples["misdelivered"]...)))},
		{"messages.foreign", m.Foreign == 0, fmt.Sprintf("%d messages in the run's format reached a party though no actor sent them; e.g. %s", m.Foreign, firstOf(rep.Samples["foreign"]))},
		{"refusals.unexpected", m.RefusedUnexpected == 0 && refusals == 0, fmt.Sprintf("%d chat messages and %d other frames were refused with an error no rule expects (only %q once the chat had ended or was taken away, and %q, sent again, are expected, D-LOAD-6); e.g. %s",
			m.RefusedUnexpected, refusals, wire.CodeNotAllowed, wire.CodeLimit, firstOf(append(rep.Samples["refused"], rep.RefusalSample...)))},
		{"frames.cseq_order", fr.OutOfOrder == 0, fmt.Sprintf("%d chat frames came with a cseq not above the last one of their chat at that party: each party must get a chat's frames in cseq order, every frame with its own cseq (D-LOAD-8); e.g. %s", fr.OutOfOrder, firstOf(fr.Samples["out_of_order"]))},
		{"frames.gaps", fr.Gaps == 0, fmt.Sprintf("%d times a party got a chat message with an earlier one of the chat missing (msg_seq skipped): a party must get every message of a chat while it may see it (D-LOAD-8); e.g. %s", fr.Gaps, firstOf(fr.Samples["gap"]))},
		{"messages.sent", m.Sent > 0 || shutdown, "no chat message was sent: the load never reached the chats (see errors)"},
		{"routing.invariants", len(rep.Invariants.Violations) == 0, violationText(rep.Invariants.Violations)},
	}
	if !shutdown {
		ps = append(ps, Property{"customers.assigned", rep.Unassigned == 0,
			fmt.Sprintf("%d customers who asked for a human never got one: with enough agents 在线 every transfer must be assigned", rep.Unassigned)})
	} else {
		ps = append(ps, Property{"shutdown.told", rep.Faults.Untold == 0,
			fmt.Sprintf("%d sockets lost their connection at the shutdown without a close frame (1001): every client must be told", rep.Faults.Untold)})
	}
	return ps
}

func cutoffName(shutdown bool) string {
	if shutdown {
		return "shutdown"
	}
	return "end"
}

// firstOf is the first example, or "-".
func firstOf(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return s[0]
}

func violationText(v []invariant.Violation) string {
	if len(v) == 0 {
		return ""
	}
	s := fmt.Sprintf("%d routing invariant violations; first: %s", len(v), v[0])
	return s
}

// sortedErrors lists error kinds by count, most first.
func sortedErrors(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// ProfileShare is the share of CPU samples in one category.
type ProfileShare struct {
	Category string  `json:"category"`
	Percent  float64 `json:"percent"`
}

// Sample is one point of the time series.
type Sample struct {
	AtS       float64 `json:"at_s"`
	Connected int64   `json:"connected"`
	Queue     int64   `json:"queue"` // customers waiting for an agent
	Assigned  int64   `json:"assigned"`
	// AssignP99 and DeliverP99: the second's p99, and at least the age of
	// the oldest transfer or message still waiting, so a stalled second
	// shows its stall; null when nothing completed and nothing waited.
	AssignP99  *float64 `json:"assign_p99_ms"`
	DeliverP99 *float64 `json:"deliver_p99_ms"`
	Delivered  int64    `json:"delivered_per_s"`
	HeapMB     float64  `json:"heap_mb"`
}
