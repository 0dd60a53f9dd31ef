package traffic

import (
	"fmt"
	"time"

	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// Result is what a run measured from its start (after the warm-up, which
// runs before it) to its end. Its size follows the number of simulated
// days, not the number of chats.
type Result struct {
	Seed   uint64
	Start  time.Time // the first measured instant: the warm-up runs before it
	End    time.Time
	Events int64 // core events, warm-up included
	Total  Stat
	// Days are calendar days in the vendor's zone (a clock-change day has
	// 23 or 25 hours); Week[h] is hour of the week h (0 = Monday 00:00 on
	// the vendor's wall clock), summed over the weeks simulated. KPIs go by
	// the hour of the transfer request (D-SIM-4).
	Days []Day
	Week [HoursPerWeek]Stat
	// WaitHist counts requests by time in queue: bucket i holds waits in
	// [WaitBucket·i, WaitBucket·(i+1)); the last bucket holds the rest.
	WaitHist   []int
	Queue      []QueueSample
	Violations []invariant.Violation
	Visitors   int
}

// Day is one calendar day of a run.
type Day struct {
	Date time.Time // local midnight
	Stat
}

// WaitBucket is the width of a WaitHist bucket; WaitBuckets its count.
const (
	WaitBucket  = 10 * time.Second
	WaitBuckets = 31
)

// Stat sums a stretch of simulated time: the KPI sums of the requests made
// in it, the requests the bot refused (D-RT-1), the place-seconds agents
// were busy and 在线, and one batch per hour for the intervals.
type Stat struct {
	KPI wb.KPIBin
	// OutsideHours are transfer requests made outside the work hours
	// (R-VEN-4): the bot gave the hotline, no queue. NobodyOnline were made
	// in the work hours with nobody 在线. Both are in KPI.Abandoned, as the
	// assessment counts them (D-RT-1).
	OutsideHours int
	NobodyOnline int
	BusyS        float64 // Σ open chats × seconds
	PlacesS      float64 // Σ places (capacity) of agents 在线 × seconds
	OpenS        float64 // seconds in the work hours
	Hours        int     // hours (a clock change can make one shorter)
	OnDuty       int     // Σ over its hours of agents 在线 at the start of the hour
	Batches      Moments // one batch per hour
}

// Add adds o into s.
func (s *Stat) Add(o *Stat) {
	s.KPI.Add(&o.KPI)
	s.OutsideHours += o.OutsideHours
	s.NobodyOnline += o.NobodyOnline
	s.BusyS += o.BusyS
	s.PlacesS += o.PlacesS
	s.OpenS += o.OpenS
	s.Hours += o.Hours
	s.OnDuty += o.OnDuty
	s.Batches.merge(&o.Batches)
}

// InHours is the transfer requests made in the work hours: the queue's.
func (s *Stat) InHours() int { return s.KPI.Requests - s.OutsideHours }

// QueueAbandoned is the requests that left the queue before pickup (排队放弃
// in the plain sense), without the ones the bot refused (D-RT-1).
func (s *Stat) QueueAbandoned() int { return s.KPI.Abandoned - s.OutsideHours - s.NobodyOnline }

// Utilisation is the busy share of the places on duty.
func (s *Stat) Utilisation() float64 {
	if s.PlacesS == 0 {
		return 0
	}
	return s.BusyS / s.PlacesS
}

// Moments are the batch sums of every figure the reports bound.
type Moments struct {
	PickAll Pair // picked up / service requests (R-KPI-1 as assessed, D-RT-1)
	PickIn  Pair // picked up / requests made in the work hours
	Sat     Pair // satisfied / ratings
	Resp    Pair // seconds to the first reply / chats replied to
	Wait    Pair // seconds in the queue / requests picked up or abandoned
}

// addBatch takes a stretch as one batch.
func (m *Moments) addBatch(s *Stat) {
	k := &s.KPI
	m.PickAll.add(float64(k.PickedUp), float64(k.Requests))
	m.PickIn.add(float64(k.PickedUp), float64(s.InHours()))
	m.Sat.add(float64(k.Satisfied), float64(k.Ratings))
	m.Resp.add(k.RespSum.Seconds(), float64(k.Responded))
	m.Wait.add(k.WaitSum.Seconds(), float64(k.Resolved))
}

func (m *Moments) merge(o *Moments) {
	m.PickAll.merge(&o.PickAll)
	m.PickIn.merge(&o.PickIn)
	m.Sat.merge(&o.Sat)
	m.Resp.merge(&o.Resp)
	m.Wait.merge(&o.Wait)
}

// QueueSample is the queue over a span: its mean over the samples taken and
// its largest sample.
type QueueSample struct {
	At   time.Time `json:"at"`
	Mean float64   `json:"mean"`
	Max  int       `json:"max"`
	n    int
}

// maxQueueSamples bounds the queue series: past it, neighbours merge.
const maxQueueSamples = 1024

// hourAcc is one hour of a run while its figures come in: its own counts
// when it ends, its requests' KPI bins as the stream lets them go.
type hourAcc struct {
	start, end time.Time
	how        int       // hour of the week
	date       time.Time // local midnight of its day
	st         Stat
	over       bool // the hour has ended
}

// nextHour is the next local hour boundary after t: the start of the next
// hour on the vendor's wall clock (in a half-hour zone, at :30 UTC; across a
// clock change, whatever the wall clock says).
func nextHour(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	into := time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second + time.Duration(lt.Nanosecond())
	return t.Add(time.Hour - into)
}

// localDate is the local midnight of t's calendar day.
func localDate(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
}

// drain folds the KPI bins the stream lets go into their hours, then
// closes the hours whose figures can no longer change, oldest first.
func (s *sim) drain(before time.Time) {
	st := s.wb.Stream()
	st.Drain(before, func(b wb.KPIBin) {
		for _, h := range s.pending {
			if !b.Hour.Before(h.start) && b.Hour.Before(h.end) {
				h.st.KPI.Add(&b)
				return
			}
		}
		if !b.Hour.Before(s.measure) && b.Hour.Before(s.end) && s.err == nil {
			// Bins never straddle an hour, so this cannot happen; if it
			// did, figures would be lost: stop instead.
			s.err = fmt.Errorf("traffic: the KPIs of %v came after their hour was closed", b.Hour)
		}
		// Otherwise a bin of the warm-up, or of requests made after the
		// end (a visitor still on the bot page then): not measured.
	})
	oldest := before
	for _, b := range st.Bins() {
		if b.Hour.Before(oldest) {
			oldest = b.Hour
		}
	}
	n := 0
	for _, h := range s.pending {
		if !h.over || h.end.After(oldest) {
			break
		}
		s.finish(h)
		n++
	}
	s.pending = s.pending[n:]
}

// finish adds a complete hour to the total, its day and its hour of the
// week, as one batch.
func (s *sim) finish(h *hourAcc) {
	h.st.Batches = Moments{}
	h.st.Batches.addBatch(&h.st)
	r := s.res
	if n := len(r.Days); n == 0 || !r.Days[n-1].Date.Equal(h.date) {
		r.Days = append(r.Days, Day{Date: h.date})
	}
	r.Days[len(r.Days)-1].Add(&h.st)
	r.Total.Add(&h.st)
	r.Week[h.how].Add(&h.st)
}

// sampleQueue records the queue length; past maxQueueSamples spans the
// series halves its resolution, so it stays bounded for any horizon.
func (s *sim) sampleQueue() {
	now := s.clock.Now()
	n := s.wb.QueueLength(s.cfg.Vendor.Department)
	q := s.res.Queue
	if k := len(q); k > 0 && q[k-1].n < s.queueSpan {
		last := &q[k-1]
		last.Mean = (last.Mean*float64(last.n) + float64(n)) / float64(last.n+1)
		last.Max = max(last.Max, n)
		last.n++
		return
	}
	if len(q) == maxQueueSamples {
		for i := 0; i < len(q)/2; i++ {
			a, b := q[2*i], q[2*i+1]
			q[i] = QueueSample{At: a.At, Mean: (a.Mean*float64(a.n) + b.Mean*float64(b.n)) / float64(a.n+b.n), Max: max(a.Max, b.Max), n: a.n + b.n}
		}
		q = q[:len(q)/2]
		s.queueSpan *= 2
	}
	s.res.Queue = append(q, QueueSample{At: now, Mean: float64(n), Max: n, n: 1})
}

func (s *sim) waitSeen(c *chat) {
	if !c.measured {
		return
	}
	i := min(int(c.wait/WaitBucket), WaitBuckets-1)
	s.res.WaitHist[i]++
}
