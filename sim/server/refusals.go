package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// refusals counts what the server refused, by reason, and writes one log
// line per interval with the counts (Options.Logf): a client that floods
// refused frames or requests costs a map increment each, never a line each.
// Reasons come from a fixed set (frame error codes, limit names, route
// patterns with status and code), never from what a client sent, so the
// map stays small.
type refusals struct {
	mu     sync.Mutex
	counts map[string]int64
	since  time.Time
	timer  *time.Timer
	every  time.Duration
	logf   func(format string, args ...any)
	closed bool
}

// defaultRefusalLogEvery is how often counts are written while refusals
// go on: often enough to see an attack as it happens.
const defaultRefusalLogEvery = 10 * time.Second

func (r *refusals) add(reason string) {
	if r.logf == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if r.counts == nil {
		r.counts = map[string]int64{}
	}
	if len(r.counts) == 0 {
		// Wall time: the log is for people watching the server, on
		// whatever clock the workbench runs.
		r.since = time.Now()
		r.timer = time.AfterFunc(r.every, r.flush)
	}
	r.counts[reason]++
}

// flush writes the counts so far as one line and starts over.
func (r *refusals) flush() {
	r.mu.Lock()
	line := r.line()
	r.counts = map[string]int64{}
	r.timer = nil
	r.mu.Unlock()
	if line != "" {
		r.logf("%s", line)
	}
}

func (r *refusals) line() string {
	if len(r.counts) == 0 {
		return ""
	}
	keys := make([]string, 0, len(r.counts))
	var total int64
	for k, n := range r.counts {
		keys = append(keys, k)
		total += n
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, r.counts[k])
	}
	return fmt.Sprintf("refused %d in the last %s: %s", total, time.Since(r.since).Round(time.Second), strings.Join(parts, ", "))
}

// close writes what is counted and stops counting.
func (r *refusals) close() {
	r.mu.Lock()
	if r.timer != nil {
		r.timer.Stop()
	}
	r.closed = true
	line := r.line()
	r.counts = nil
	r.mu.Unlock()
	if line != "" && r.logf != nil {
		r.logf("%s", line)
	}
}

// request counts a refused request under its route (the pattern the mux
// matched, not the path a client chose), status and code.
func (r *refusals) request(req *http.Request, err error) {
	pattern := req.Pattern
	if pattern == "" {
		pattern = req.Method
	}
	status := statusOf(err)
	if errCode(err) == "limit" {
		status = http.StatusTooManyRequests
	}
	r.add(fmt.Sprintf("%s %d %s", pattern, status, errCode(err)))
}
