package load

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"routecheck/sim/actors"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// eventStream follows GET /api/events as operations during the run, so a
// bounded log on the server loses nothing the invariant check needs. Each
// event goes through the streaming invariant checker and KPI aggregator at
// once; nothing keeps the whole log, so memory follows open chats.
type eventStream struct {
	ops   *actors.HTTP
	mu    sync.Mutex
	chk   *invariant.Checker
	kpis  *wb.KPIStream
	n     int
	after int64
	errs  int
	onErr func(error) // e.g. 410 gone: the log moved on before it was read
}

func newEventStream(ops *actors.HTTP, onErr func(error)) *eventStream {
	return &eventStream{ops: ops, onErr: onErr, chk: invariant.New(), kpis: wb.NewKPIStream()}
}

func (s *eventStream) follow(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.poll(ctx)
		}
	}
}

// poll reads every page after the last event seen.
func (s *eventStream) poll(ctx context.Context) {
	for range 1000 { // pages; bounded
		var page []wb.Event
		s.mu.Lock()
		after := s.after
		s.mu.Unlock()
		if err := s.ops.Do(ctx, http.MethodGet, "/api/events?after="+strconv.FormatInt(after, 10), nil, &page); err != nil {
			s.mu.Lock()
			s.errs++
			s.mu.Unlock()
			if s.onErr != nil && ctx.Err() == nil {
				s.onErr(err)
			}
			return
		}
		if len(page) == 0 {
			return
		}
		s.mu.Lock()
		for _, e := range page {
			s.chk.Observe(e)
			s.kpis.Observe(e)
		}
		s.n += len(page)
		s.after = page[len(page)-1].Seq
		s.mu.Unlock()
	}
}

// result is what the stream judged: events seen, invariant violations and
// the KPIs of the run (R-KPI-1, all traffic).
func (s *eventStream) result() (int, []invariant.Violation, wb.KPIs) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, s.chk.Violations(), s.kpis.KPIs(wb.KPIFilter{Traffic: wb.TrafficAll})
}
