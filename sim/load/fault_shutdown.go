package load

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"
)

// shutdown: the bundled server shuts down gracefully Share of the way into
// the load. Every client must be told (close 1001), and the audit must
// account for every message sent before: delivered, refused, or
// unconfirmed when no answer came.
func (r *runner) planShutdown(start time.Time) {
	f, ok := r.cfg.fault(FaultShutdown)
	if !ok || r.srv == nil {
		return
	}
	at := start.Add(time.Duration(float64(r.end().Sub(start)) * f.Share))
	r.sched.at(at, func(time.Time) {
		r.shutdownAt = time.Now()
		r.shutdown.Store(true)
		r.inject(FaultShutdown)
		_ = r.srv.Close()
	})
}

// shutdownEnd counts how a socket learnt of the shutdown: told (close 1001
// from the server) or not (the connection just broke).
func (r *runner) shutdownEnd(err error) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && ce.Code == websocket.CloseGoingAway {
		r.told.Add(1)
	} else {
		r.untold.Add(1)
	}
}
