package load

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	wb "routecheck/sim/workbench"
)

// eventStream follows GET /api/events as operations during the run, so a
// bounded log on the server loses nothing the invariant check needs.
type eventStream struct {
	ops    *httpc
	mu     sync.Mutex
	events []wb.Event
	after  int64
	errs   int
	onErr  func(error) // e.g. 410 gone: the log moved on before it was read
}

func newEventStream(ops *httpc, onErr func(error)) *eventStream {
	return &eventStream{ops: ops, onErr: onErr}
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
		if err := s.ops.do(ctx, http.MethodGet, "/api/events?after="+strconv.FormatInt(after, 10), nil, &page); err != nil {
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
		s.events = append(s.events, page...)
		s.after = page[len(page)-1].Seq
		s.mu.Unlock()
	}
}

func (s *eventStream) all() []wb.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events
}
