package load

import (
	"net/http"
	"time"

	"routecheck/sim/actors"
)

// newHTTPC is a session of the workbench's API for a load actor: through
// the run's shared transport, with room for a page of the event log.
func newHTTPC(base string, tr http.RoundTripper) *actors.HTTP {
	return actors.NewHTTP(base, tr, 30*time.Second, 64<<20)
}
