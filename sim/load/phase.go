package load

import (
	"sync"
	"sync/atomic"
	"time"
)

// phase is where the run stands, as every actor sees it: the load's end,
// the end of the sending (D-LOAD-3), the sockets closing, the shutdown.
type phase struct {
	endNano  atomic.Int64 // when the load ends (customers leave)
	stopping atomic.Bool  // sockets are closing: no reconnect
	shutdown atomic.Bool  // the bundled server was shut down (a fault)
	// shutdownAt is written before shutdown is set, read after.
	shutdownAt time.Time
	// gate ends the sending before the drain: a send holds it shared from
	// its check of quiet until its frame is written, so once quieten
	// returns every message in the audit is on the wire.
	gate  sync.RWMutex
	quiet bool // under gate: no new frame goes out
}

func (p *phase) end() time.Time { return time.Unix(0, p.endNano.Load()) }

// over: the sockets are closing or the server is gone: no reconnect.
func (p *phase) over() bool { return p.stopping.Load() || p.shutdown.Load() }

// beginSend admits a new frame unless the load is over; after true the
// caller writes the frame, then calls endSend.
func (p *phase) beginSend() bool {
	p.gate.RLock()
	if p.quiet || p.stopping.Load() {
		p.gate.RUnlock()
		return false
	}
	return true
}

func (p *phase) endSend() { p.gate.RUnlock() }

// quieten stops new frames and waits for those being written.
func (p *phase) quieten() {
	p.gate.Lock()
	p.quiet = true
	p.gate.Unlock()
}
