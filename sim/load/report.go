package load

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sort"
	"time"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Report is what a load run found; report.json is this, and --json
// prints it.
type Report struct {
	Target    string    `json:"target,omitempty"` // "" : the bundled workbench
	Started   time.Time `json:"started"`
	DurationS float64   `json:"duration_s"`
	Seed      int64     `json:"seed"`
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
	Pass       bool                  `json:"pass"`
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
	Spec        []string `json:"spec"`
	Injected    int64    `json:"injected"`
	SlowReaders []string `json:"slow_readers,omitempty"`
	// SlowDeliverMS: customer messages to the slow readers, send to the
	// moment the slow reader got to them (its lag).
	SlowDeliverMS *Quantiles `json:"slow_deliver_ms,omitempty"`
	// Told and Untold: sockets closed by the shutdown with 1001, or not.
	Told   int64 `json:"shutdown_told,omitempty"`
	Untold int64 `json:"shutdown_untold,omitempty"`
}

func (r *runner) report(start time.Time, evs *eventStream, series []Sample, peak uint64, memBase runtime.MemStats) *Report {
	rep := &Report{Started: start, DurationS: time.Since(start).Seconds(), Seed: r.cfg.Seed, Customers: len(r.customers),
		Agents: len(r.agents), Capacity: r.cfg.Capacity, RatePerS: r.cfg.Rate, CorrectedForCO: r.cfg.Rate > 0}
	rep.LatencyMS.Assign = r.assign.quantiles()
	rep.LatencyMS.Deliver = r.deliver.quantiles()
	rep.Messages = r.audit.Result(r.shutdown.Load())
	rep.LostSample = r.audit.Lost(20, r.shutdown.Load())
	rep.Conversations = r.assignedN.Load()
	rep.Requeued = r.requeued.Load()
	r.emu.Lock()
	rep.Errors = r.errors
	r.emu.Unlock()
	for _, c := range r.customers {
		c.mu.Lock()
		if c.conv != "" && !c.assigned {
			rep.Unassigned++
		}
		c.mu.Unlock()
	}
	if rep.DurationS > 0 {
		rep.Throughput.MessagesPerS = float64(rep.Messages.Delivered) / rep.DurationS
		rep.Throughput.ChatsPerS = float64(rep.Conversations) / rep.DurationS
	}
	if r.srv != nil {
		var peakSock int64
		for _, s := range series {
			peakSock = max(peakSock, s.Connected)
		}
		peakSock += int64(len(r.agents))
		m := &Memory{HeapBeforeMB: mb(memBase.HeapInuse), HeapPeakMB: mb(peak), PeakSockets: peakSock, IncludesClient: true}
		if peakSock > 0 && peak > memBase.HeapInuse {
			m.PerSocketKB = float64(peak-memBase.HeapInuse) / 1024 / float64(peakSock)
		}
		rep.Memory = m
	}
	n, viol, kpis := evs.result()
	rep.Invariants = InvariantResult{Events: n, Violations: viol}
	if rep.Invariants.Violations == nil {
		rep.Invariants.Violations = []invariant.Violation{}
	}
	rep.violations = viol
	rep.KPIs = kpis
	for _, f := range r.cfg.Faults {
		rep.Faults.Spec = append(rep.Faults.Spec, f.String())
	}
	rep.Faults.Injected = r.faultsDone.Load()
	for _, a := range r.agents {
		if a.slow > 0 {
			rep.Faults.SlowReaders = append(rep.Faults.SlowReaders, a.login)
		}
	}
	rep.Faults.Told, rep.Faults.Untold = r.told.Load(), r.untold.Load()
	if q := r.slow.quantiles(); q.Count > 0 {
		rep.Faults.SlowDeliverMS = &q
	}
	rep.Series = series
	rep.Histograms = map[string][]Bucket{"assign": r.assign.buckets(), "deliver": r.deliver.buckets()}
	rep.judge(r.shutdown.Load())
	return rep
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
	ps := []Property{
		{"messages.lost", m.Lost == 0, fmt.Sprintf("%d of %d messages sent were neither delivered nor refused: a message the workbench accepted must reach the other party", m.Lost, m.Sent)},
		{"messages.duplicated", m.Duplicated == 0, fmt.Sprintf("%d messages arrived twice at the same party: resends must carry the same client id and the workbench must answer them without applying them again", m.Duplicated)},
		{"messages.out_of_order", m.OutOfOrder == 0, fmt.Sprintf("%d messages arrived after a later one of the same chat and direction: frames of a chat must be delivered in cseq order", m.OutOfOrder)},
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

func violationText(v []invariant.Violation) string {
	if len(v) == 0 {
		return ""
	}
	s := fmt.Sprintf("%d routing invariant violations; first: %s", len(v), v[0])
	return s
}

// errKind shortens a dial error to a kind for the error counts.
func errKind(err error) string {
	var he *handshakeError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &he):
		return he.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &oe):
		return oe.Op + " " + oe.Err.Error()
	}
	return err.Error()
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
