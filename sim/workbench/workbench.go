package workbench

import (
	"time"

	"routecheck/internal/idmap"
	"routecheck/sim/clock"
)

// Options tune a Workbench.
type Options struct {
	// HashCost is the bcrypt cost for stored passwords; 0 means
	// bcrypt.DefaultCost. Tests use bcrypt.MinCost. Below 0 no password is
	// stored and every login is refused: the traffic simulator never logs
	// in, and hashing its agents' passwords took a tenth of a staffing
	// search.
	HashCost int
	// Guard runs a timer callback; the owner takes its lock in it. Nil runs
	// the callback directly (virtual clock, single goroutine).
	Guard func(func())
	// OnEvent, if set, sees every event as it is emitted.
	OnEvent func(Event)
	// OnEventRef, if set, sees every event as it is emitted, without a
	// copy per call: *e is valid only until it returns and must not be
	// changed (the traffic simulator and its checker read 30 million
	// events a month).
	OnEventRef func(e *Event)
	// DiscardLog keeps no log and no transcripts in memory (long
	// simulations use OnEvent). Ended chats and their anonymous customers
	// are then released after the RetainEnded most recent ones, so memory
	// follows open chats.
	DiscardLog bool
	// LogLimit, if above 0, keeps only the newest LogLimit events in memory
	// (a long-running server) for Events; Service Insight never reads the
	// log (see Stream).
	LogLimit int
	// RetainEnded is how many ended chats stay readable (for a late rating
	// or a last look) with DiscardLog; 0 means 10,000.
	RetainEnded int
	// KPIBin is the width of the KPI stream's bins: 0 means a quarter
	// hour, so Service Insight's local days and hours start on a bin in
	// every zone (half-hour and 45-minute offsets included).
	KPIBin time.Duration
}

// Workbench is the whole simulated workbench: vendors, accounts, customers,
// conversations and the router. See the package doc for its concurrency rule.
type Workbench struct {
	clock clock.Clock
	opts  Options

	seq   int64
	cmd   int64
	log   []Event
	ev    Event  // the event being built and emitted
	dummy []byte // see dummyHash

	vendors   map[string]*vendor // by vendor ID
	groups    map[string]*group  // by department name
	groupList []*group           // sorted by name
	accounts  *idmap.Map[account]
	customers map[string]*Customer
	orders    map[string]*Order
	// test customers and orders in creation order (MaxTestCustomers)
	testCustomers, testOrders []string
	convs                     *idmap.Map[conv]

	nextCustomer, nextOrder, nextConv, nextReply int

	// The running KPI aggregates behind Service Insight, fed by every event;
	// with DiscardLog also the ring of recently ended chats.
	stream *KPIStream
	ended  []*conv
	endedN int
	spare  []*conv // released chats, for reuse
}

// New returns an empty workbench on the given clock.
func New(c clock.Clock, opts Options) *Workbench {
	return &Workbench{
		clock:     c,
		opts:      opts,
		vendors:   map[string]*vendor{},
		groups:    map[string]*group{},
		accounts:  idmap.New[account](),
		customers: map[string]*Customer{},
		orders:    map[string]*Order{},
		convs:     idmap.New[conv](),
		stream:    NewKPIStreamBins(kpiBin(opts.KPIBin)),
	}
}

// Stream is the KPI stream every event updates: Service Insight's figures
// (R-KPI-2) per department, traffic kind and hour, whatever the log keeps.
func (w *Workbench) Stream() *KPIStream { return w.stream }

// kpiBin is the width of the KPI stream's bins: a quarter hour unless the
// options ask for another divisor of an hour. Every zone's offset is a
// multiple of 15 minutes, so a local day or hour is whole bins.
func kpiBin(width time.Duration) time.Duration {
	if width <= 0 {
		return 15 * time.Minute
	}
	return width
}

// retire is called when a chat ends. With DiscardLog the chat joins a ring
// of recently ended chats; the one it pushes out is forgotten with its
// anonymous customer, so memory follows open chats, not total chats.
func (w *Workbench) retire(c *conv) {
	if !w.opts.DiscardLog {
		return
	}
	n := w.opts.RetainEnded
	if n <= 0 {
		n = 10_000
	}
	if len(w.ended) < n {
		w.ended = append(w.ended, c)
		return
	}
	i := w.endedN % n
	old := w.ended[i]
	w.ended[i] = c
	w.endedN++
	w.convs.Delete(old.id)
	if !old.customer.Test && old.order == nil {
		delete(w.customers, old.customer.ID)
	}
	w.stream.Forget(old.id)
	// Nothing refers to old now but its pending idle timer, which its
	// generation disarms: reuse it for a later chat.
	w.spare = append(w.spare, old)
}

// newConv returns a cleared chat struct, a released one if there is one.
func (w *Workbench) newConv() *conv {
	n := len(w.spare)
	if n == 0 {
		return new(conv)
	}
	c := w.spare[n-1]
	w.spare = w.spare[:n-1]
	*c = conv{gen: c.gen + 1}
	return c
}

// Now is the workbench's time.
func (w *Workbench) Now() time.Time { return w.clock.Now() }

// begin opens a command: its events share one Cmd number. Every exported
// mutating method calls it first and w.settle last.
func (w *Workbench) begin() { w.cmd++ }

// settle hands freed capacity to the head of every queue before a command
// returns, so no customer waits while an agent could take them (R-CAP-1).
// Groups go in name order (groupList is kept sorted) so runs repeat.
func (w *Workbench) settle() {
	for _, g := range w.groupList {
		w.dispatch(g)
	}
}

// later schedules f on the clock, through the owner's guard.
func (w *Workbench) later(d time.Duration, f func()) clock.Timer {
	return w.clock.AfterFunc(d, func() {
		run := func() {
			w.begin()
			f()
			w.settle()
		}
		if w.opts.Guard != nil {
			w.opts.Guard(run)
		} else {
			run()
		}
	})
}
