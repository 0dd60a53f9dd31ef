package workbench_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// twin drives two workbenches with the same commands: one keeps the log,
// the other discards it (and feeds a KPI stream of its own via OnEvent).
type twin struct {
	t      *testing.T
	c1, c2 *clock.Virtual
	full   *wb.Workbench
	lean   *wb.Workbench
	stream *wb.KPIStream
}

func newTwin(t *testing.T, retain int) *twin {
	tw := &twin{t: t, c1: clock.NewVirtual(monday10), c2: clock.NewVirtual(monday10), stream: wb.NewKPIStream()}
	tw.full = wb.New(tw.c1, wb.Options{HashCost: bcrypt.MinCost})
	tw.lean = wb.New(tw.c2, wb.Options{HashCost: bcrypt.MinCost, DiscardLog: true, RetainEnded: retain, OnEvent: tw.stream.Observe})
	for _, w := range []*wb.Workbench{tw.full, tw.lean} {
		if _, err := w.AddVendor(testVendor("v1", "d1")); err != nil {
			t.Fatal(err)
		}
	}
	return tw
}

// do runs f on both and checks they agree on the error.
func (tw *twin) do(f func(w *wb.Workbench) error) {
	tw.t.Helper()
	e1, e2 := f(tw.full), f(tw.lean)
	if (e1 == nil) != (e2 == nil) {
		tw.t.Fatalf("the workbenches disagree: %v vs %v", e1, e2)
	}
}

func (tw *twin) advance(d time.Duration) { tw.c1.Advance(d); tw.c2.Advance(d) }

// play runs a random day of traffic: arrivals, transfers, agents going
// online, on break and offline, replies, closes, leaves and ratings.
func (tw *twin) play(seed uint64, steps int) {
	r := rand.New(rand.NewPCG(seed, 1))
	var convs []string
	agents := []string{"v1-a1", "v1-a2", "v1-admin"}
	statuses := []wb.Status{wb.StatusOnline, wb.StatusOnline, wb.StatusBreak, wb.StatusOffline}
	for range steps {
		tw.advance(time.Duration(r.IntN(240)) * time.Second)
		switch k := r.IntN(10); {
		case k < 3:
			v, err := tw.full.Enter("v1", "", "")
			if err != nil {
				tw.t.Fatal(err)
			}
			tw.do(func(w *wb.Workbench) error {
				if w == tw.lean {
					_, err := w.Enter("v1", "", "")
					return err
				}
				return nil
			})
			convs = append(convs, v.ID)
			tw.do(func(w *wb.Workbench) error { return w.CustomerSend(v.ID, wb.TransferText) })
		case k == 3:
			a, s := agents[r.IntN(len(agents))], statuses[r.IntN(len(statuses))]
			tw.do(func(w *wb.Workbench) error { return w.SetStatus(a, s) })
		case len(convs) == 0:
		default:
			id := convs[r.IntN(len(convs))]
			cv, err := tw.full.Conversation(id)
			if err != nil {
				tw.t.Fatal(err)
			}
			switch {
			case cv.State == wb.StateAssigned && k < 6:
				tw.do(func(w *wb.Workbench) error { return w.AgentSend(cv.Agent, id, "您好") })
			case cv.State == wb.StateAssigned && k == 6:
				tw.do(func(w *wb.Workbench) error { return w.AgentClose(cv.Agent, id) })
			case cv.State == wb.StateEnded && cv.Rating == "" && !cv.PickedAt.IsZero():
				rt := wb.Ratings()[r.IntN(len(wb.Ratings()))]
				tw.do(func(w *wb.Workbench) error { return w.Rate(id, rt) })
			case k == 7:
				tw.do(func(w *wb.Workbench) error { return w.CustomerLeave(id) })
			default:
				tw.do(func(w *wb.Workbench) error { return w.CustomerSend(id, "在吗") })
			}
		}
	}
}

// The stream is the log's KPIs without the log: over whole hours it must
// give exactly what ComputeKPIs gives from the event log (R-KPI-1).
func TestKPIStreamMatchesLog(t *testing.T) {
	for seed := range uint64(4) {
		tw := newTwin(t, 0)
		tw.play(seed, 400)
		events := tw.full.Events(0)
		from := monday10
		windows := []wb.KPIFilter{{}, {Department: "d1"}, {Traffic: wb.TrafficAll}}
		for h := 0; h < 30; h += 3 {
			windows = append(windows, wb.KPIFilter{From: from.Add(time.Duration(h) * time.Hour), To: from.Add(time.Duration(h+3) * time.Hour)})
		}
		for _, f := range windows {
			want, got := wb.ComputeKPIs(events, f), tw.stream.KPIs(f)
			if want != got {
				t.Fatalf("seed %d window %v..%v: log %+v\nstream %+v", seed, f.From, f.To, want, got)
			}
		}
		if all := wb.ComputeKPIs(events, wb.KPIFilter{}); all.ServiceRequests < 50 || all.PickedUp == 0 || all.Abandoned == 0 || all.Ratings == 0 {
			t.Fatalf("seed %d: the random day exercised too little: %+v", seed, all)
		}
		// Service Insight, with the log on or off, comes from the
		// workbench's own running aggregates and agrees with the figures
		// computed from the log (the oracle) over whole hours.
		for h := 0; h < 30; h += 6 {
			lo, hi := from.Add(time.Duration(h)*time.Hour), from.Add(time.Duration(h+6)*time.Hour)
			live := wb.ComputeKPIs(events, wb.KPIFilter{Department: "d1", From: lo, To: hi, Traffic: wb.TrafficLive})
			test := wb.ComputeKPIs(events, wb.KPIFilter{Department: "d1", From: lo, To: hi, Traffic: wb.TrafficTest})
			for _, w := range []*wb.Workbench{tw.full, tw.lean} {
				in, err := w.ServiceInsight("v1-admin", "d1", lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				if in.Assessed != live || in.Test != test {
					t.Fatalf("Service Insight %+v / %+v, from the log %+v / %+v", in.Assessed, in.Test, live, test)
				}
			}
		}
	}
}

// With the log off, ended chats and their anonymous customers are released
// past the retention ring, so memory follows open chats.
func TestDiscardLogReleasesEndedChats(t *testing.T) {
	tw := newTwin(t, 5)
	tw.do(func(w *wb.Workbench) error { return w.SetStatus("v1-a1", wb.StatusOnline) })
	var ids, custs []string
	for range 12 {
		v, err := tw.lean.Enter("v1", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tw.full.Enter("v1", "", ""); err != nil {
			t.Fatal(err)
		}
		ids, custs = append(ids, v.ID), append(custs, v.Customer)
		tw.do(func(w *wb.Workbench) error { return w.CustomerSend(v.ID, wb.TransferText) })
		tw.do(func(w *wb.Workbench) error { return w.AgentClose("v1-a1", v.ID) })
	}
	for i, id := range ids {
		_, err := tw.lean.Conversation(id)
		_, cerr := tw.lean.Customer(custs[i])
		if kept := i >= len(ids)-5; kept != (err == nil) || kept != (cerr == nil) {
			t.Errorf("chat %d of %d: kept=%v, conversation err %v, customer err %v", i+1, len(ids), kept, err, cerr)
		}
		if err != nil && !errors.Is(err, wb.ErrNotFound) {
			t.Errorf("released chat: %v, want ErrNotFound", err)
		}
	}
	if n := tw.lean.Stream().Open(); n > 5 {
		t.Errorf("the stream still follows %d requests, want at most the 5 retained", n)
	}
	// The log-on workbench keeps everything, as before.
	if _, err := tw.full.Conversation(ids[0]); err != nil {
		t.Errorf("with the log on the first chat must stay: %v", err)
	}
	in, err := tw.lean.ServiceInsight("v1-admin", "d1", time.Time{}, time.Time{})
	if err != nil || in.Assessed.ServiceRequests != 12 || in.Assessed.PickedUp != 12 {
		t.Errorf("Service Insight with the log off: %+v, %v; want 12 requests picked up", in.Assessed, err)
	}
}
