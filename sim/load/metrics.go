package load

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// metrics is where the actors record what happened, as vegeta's Metrics
// takes Results: the message audit, the checks of the chat frames,
// latencies, counters, errors, refusals and what the faults did. Actors
// only add to it; the report reads it once the run is over.
type metrics struct {
	audit  *Audit
	frames frameTally

	assign, deliver   *hist // whole run
	assignI, deliverI *hist // since the last sample
	slow              *hist // delivery to slow-reader agents

	emu           sync.Mutex
	errors        map[string]int64
	refusals      map[string]int64 // unexpected error answers to frames other than chat messages
	refusalSample []string

	imu         sync.Mutex
	injected    map[string]int64 // what each fault did (connections cut, readers slowed…)
	slowReaders []string

	// opened and lost are the faults a socket counts for when it opens, or
	// ends unplanned (net-delay, net-reset): set before the actors start.
	opened, lost []string

	arrived, connected, waiting, assigned, delivered atomic.Int64
	told, untold, requeued                           atomic.Int64
}

func newMetrics() *metrics {
	return &metrics{audit: NewAudit(), assign: newHist(), deliver: newHist(), assignI: newHist(), deliverI: newHist(),
		slow: newHist(), errors: map[string]int64{}, refusals: map[string]int64{}, injected: map[string]int64{}}
}

// fail counts an error of the harness's view of the run, by kind.
func (m *metrics) fail(kind string) {
	m.emu.Lock()
	m.errors[kind]++
	m.emu.Unlock()
}

// refusal counts an error answer no rule expects for a frame that is not
// a chat message (a status, a transfer request, a leave).
func (m *metrics) refusal(who, what, code string) {
	m.emu.Lock()
	defer m.emu.Unlock()
	m.refusals[what+": "+code]++
	if len(m.refusalSample) < sampleMax {
		m.refusalSample = append(m.refusalSample, who+" "+what+": error "+code)
	}
}

// inject counts one thing a fault did.
func (m *metrics) inject(kind string) {
	m.imu.Lock()
	m.injected[kind]++
	m.imu.Unlock()
}

// socketOpened and socketLost count what the path's faults did to a socket.
func (m *metrics) socketOpened() {
	for _, k := range m.opened {
		m.inject(k)
	}
}

func (m *metrics) socketLost() {
	for _, k := range m.lost {
		m.inject(k)
	}
}

func (m *metrics) recordAssign(d time.Duration) {
	m.assign.record(d)
	m.assignI.record(d)
}

// deliveredTo audits a message received and records its latency.
func (m *metrics) deliveredTo(key, receiver, conv string, live bool, at time.Time) {
	if d, ok := m.audit.Delivered(key, receiver, conv, live, at); ok {
		m.deliver.record(d)
		m.deliverI.record(d)
		m.delivered.Add(1)
	}
}

// lag records how late a slow reader saw a customer's message.
func (m *metrics) lag(key string, now time.Time) {
	if at := m.audit.SentAt(key); !at.IsZero() {
		m.slow.record(now.Sub(at))
	}
}

// shutdownEnd counts how a socket learnt of the shutdown: told (close 1001
// from the server) or not (the connection just broke).
func (m *metrics) shutdownEnd(err error) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code == websocket.CloseGoingAway {
		m.told.Add(1)
	} else {
		m.untold.Add(1)
	}
}
