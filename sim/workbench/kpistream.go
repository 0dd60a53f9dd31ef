package workbench

import (
	"sort"
	"time"

	"routecheck/internal/idmap"
)

// KPIStream computes the R-KPI-1 figures of ComputeKPIs as events arrive,
// so they need no event log: the traffic simulator and a workbench with
// DiscardLog use it. Requests are kept in bins by department, traffic kind
// and the hour of their transfer request; a window is the sum of its
// hours, so windows are exact when they start and end on whole hours. State
// per conversation lives from its transfer request until Forget, so memory
// follows open chats, not total chats.
type KPIStream struct {
	open  *idmap.Map[streamReq]
	bins  map[binKey]*KPIBin
	last  *KPIBin      // the bin of the previous request: most requests share it
	free  []*streamReq // forgotten requests, for reuse
	width int64        // seconds per bin: an hour unless NewKPIStreamBins
}

type binKey struct {
	dept string
	test bool
	hour int64 // Unix time / width
}

// KPIBin holds the sums of one department's requests of one hour (or one
// bin of NewKPIStreamBins).
type KPIBin struct {
	Department string
	Test       bool
	Hour       time.Time // start of the bin, UTC
	Requests   int
	PickedUp   int
	Abandoned  int
	Responded  int
	Ended      int
	Ratings    int
	Satisfied  int
	RespSum    time.Duration // Σ(first reply − pickup)
	ServSum    time.Duration // Σ(end − pickup)
	WaitSum    time.Duration // Σ time in queue until pickup or abandonment
	Resolved   int           // requests picked up or abandoned (WaitSum's count)

	refs int // requests of this bin the stream still follows
}

type streamReq struct {
	bin                       *KPIBin
	picked, resolved, replied bool
	queuedAt, pickedAt        time.Time
}

// NewKPIStream returns an empty stream with hour bins.
func NewKPIStream() *KPIStream { return NewKPIStreamBins(time.Hour) }

// NewKPIStreamBins returns an empty stream whose bins are width long (a
// divisor of an hour, counted from the Unix epoch). Quarter hours make
// every bin fall within one hour of any zone's wall clock, half-hour and
// 45-minute offsets included.
func NewKPIStreamBins(width time.Duration) *KPIStream {
	w := int64(width / time.Second)
	if w <= 0 || 3600%w != 0 {
		w = 3600
	}
	return &KPIStream{open: idmap.New[streamReq](), bins: map[binKey]*KPIBin{}, width: w}
}

// Observe takes one event, in log order. It follows ComputeKPIs rule for
// rule; TestKPIStreamMatchesLog holds them together.
func (s *KPIStream) Observe(e Event) { s.observe(&e) }

// observe is Observe without copying the event (emit calls it per event).
func (s *KPIStream) observe(e *Event) {
	if e.Type == EvMessage || e.Type == EvNotification {
		return // most events: none of the cases below
	}
	switch e.Type {
	case EvTransferRequest:
		if old := s.open.Get(e.Conv); old != nil {
			old.bin.refs--
		}
		r := s.newReq()
		*r = streamReq{bin: s.bin(e), queuedAt: e.At}
		s.open.Set(e.Conv, r)
		r.bin.Requests++
		r.bin.refs++
	case EvQueued:
		if r := s.open.Get(e.Conv); r != nil && !r.resolved {
			r.queuedAt = e.At
		}
	case EvUnserved, EvAbandoned:
		if r := s.open.Get(e.Conv); r != nil && !r.resolved {
			r.resolved = true
			r.bin.Abandoned++
			r.bin.Resolved++
			if e.Type == EvAbandoned {
				r.bin.WaitSum += e.At.Sub(r.queuedAt)
			}
		}
	case EvAssigned:
		if r := s.open.Get(e.Conv); r != nil && !r.picked {
			r.picked, r.resolved, r.pickedAt = true, true, e.At
			r.bin.PickedUp++
			r.bin.Resolved++
			r.bin.WaitSum += e.At.Sub(r.queuedAt)
		}
	case EvFirstResponse:
		if r := s.open.Get(e.Conv); r != nil && r.picked && !r.replied {
			r.replied = true
			r.bin.Responded++
			r.bin.RespSum += e.At.Sub(r.pickedAt)
		}
	case EvEnded:
		if r := s.open.Get(e.Conv); r != nil && r.picked {
			r.bin.Ended++
			r.bin.ServSum += e.At.Sub(r.pickedAt)
		}
	case EvRated:
		if r := s.open.Get(e.Conv); r != nil {
			r.bin.Ratings++
			if e.Rating.Satisfied() {
				r.bin.Satisfied++
			}
		}
	}
}

func (s *KPIStream) bin(e *Event) *KPIBin {
	h := e.At.Unix() / s.width
	if b := s.last; b != nil && b.Department == e.Group && b.Test == e.Test && b.Hour.Unix()/s.width == h {
		return b
	}
	k := binKey{e.Group, e.Test, h}
	b := s.bins[k]
	if b == nil {
		b = &KPIBin{Department: e.Group, Test: e.Test, Hour: time.Unix(h*s.width, 0).UTC()}
		s.bins[k] = b
	}
	s.last = b
	return b
}

// Forget drops a conversation's request state; its figures stay in the
// bins. Call it once nothing more can happen to the request (it ended and
// was rated or can no longer be).
func (s *KPIStream) Forget(conv string) {
	if r := s.open.Get(conv); r != nil {
		r.bin.refs--
		s.open.Delete(conv)
		s.free = append(s.free, r)
	}
}

func (s *KPIStream) newReq() *streamReq {
	if n := len(s.free); n > 0 {
		r := s.free[n-1]
		s.free = s.free[:n-1]
		return r
	}
	return new(streamReq)
}

// ForgetAll forgets every request, e.g. at the end of a simulation.
func (s *KPIStream) ForgetAll() {
	for c := range s.open.All() {
		s.Forget(c)
	}
}

// Drain hands over and drops the bins of hours before t whose requests
// are all forgotten: their figures can no longer change. A long
// simulation drains as it goes, so the stream holds only recent hours;
// a workbench that answers Service Insight from the stream never drains.
func (s *KPIStream) Drain(before time.Time, f func(KPIBin)) {
	for k, b := range s.bins {
		if b.refs == 0 && b.Hour.Before(before) {
			f(*b)
			delete(s.bins, k)
			if s.last == b {
				s.last = nil
			}
		}
	}
}

// Open is the number of requests the stream still follows.
func (s *KPIStream) Open() int { return s.open.Len() }

// Bins returns the bins in time order, then department, live before test.
func (s *KPIStream) Bins() []KPIBin {
	out := make([]KPIBin, 0, len(s.bins))
	for _, b := range s.bins {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Hour.Equal(b.Hour) {
			return a.Hour.Before(b.Hour)
		}
		if a.Department != b.Department {
			return a.Department < b.Department
		}
		return !a.Test && b.Test
	})
	return out
}

// KPIs sums the bins the filter selects: its department, traffic kind and
// the hours whose start lies in [From, To).
func (s *KPIStream) KPIs(f KPIFilter) KPIs {
	var sum KPIBin
	for _, b := range s.bins {
		if f.match(Event{Group: b.Department, Test: b.Test, At: b.Hour}) {
			sum.Add(b)
		}
	}
	k := sum.KPIs()
	for _, r := range s.open.All() {
		if !r.resolved && f.match(Event{Group: r.bin.Department, Test: r.bin.Test, At: r.bin.Hour}) {
			k.Waiting++
		}
	}
	return k
}

// Add adds another bin's sums into b.
func (b *KPIBin) Add(o *KPIBin) {
	b.Requests += o.Requests
	b.PickedUp += o.PickedUp
	b.Abandoned += o.Abandoned
	b.Responded += o.Responded
	b.Ended += o.Ended
	b.Ratings += o.Ratings
	b.Satisfied += o.Satisfied
	b.RespSum += o.RespSum
	b.ServSum += o.ServSum
	b.WaitSum += o.WaitSum
	b.Resolved += o.Resolved
}

// KPIs turns the sums into R-KPI-1 figures (Waiting is not known here).
func (b *KPIBin) KPIs() KPIs {
	k := KPIs{ServiceRequests: b.Requests, PickedUp: b.PickedUp, Abandoned: b.Abandoned, Responded: b.Responded,
		Ratings: b.Ratings, Satisfied: b.Satisfied, Ended: b.Ended}
	k.PickupRate = ratio(k.PickedUp, k.ServiceRequests)
	k.AbandonmentRate = ratio(k.Abandoned, k.ServiceRequests)
	k.Satisfaction = ratio(k.Satisfied, k.Ratings)
	if k.Responded > 0 {
		k.FirstResponseS = b.RespSum.Seconds() / float64(k.Responded)
	}
	if k.Ended > 0 {
		k.ServiceS = b.ServSum.Seconds() / float64(k.Ended)
	}
	return k
}

// MeanWaitS is the mean time in queue of the requests picked up or
// abandoned; a refused request (D-RT-1) waited 0.
func (b *KPIBin) MeanWaitS() float64 {
	if b.Resolved == 0 {
		return 0
	}
	return b.WaitSum.Seconds() / float64(b.Resolved)
}
