package server

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// checkPassword runs bcrypt outside every lock, at most hashSlots at once
// (in a hash worker with Options.HashProcess); a login that would wait
// behind HashQueue others is refused.
func (s *Server) checkPassword(ctx context.Context, hash []byte, password string) (bool, error) {
	s.mu.Lock()
	if n := s.hashWaiting; n >= s.limits.HashQueue {
		s.mu.Unlock()
		return false, &limitError{"logins in progress", fmt.Sprintf("%d logins are being checked; try again in a second", n), time.Second}
	}
	s.hashWaiting++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.hashWaiting--
		s.mu.Unlock()
	}()
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	return s.compare(hash, password)
}

// niceCompare runs bcrypt on an OS thread of its own at the lowest
// priority, so a login flood takes only the CPU nobody else wants: pings and
// messages of connected clients come first. The goroutine ends still locked
// to that thread, so the runtime discards the thread rather than reuse it at
// that priority (raising it back needs privileges).
func niceCompare(hash []byte, password string) bool {
	ok := make(chan bool, 1)
	go func() {
		runtime.LockOSThread()
		lowerThreadPriority()
		ok <- bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	}()
	return <-ok
}

// compare checks a password in a worker when the server hashes in child
// processes, else (or when no worker can run) on a low-priority thread.
func (s *Server) compare(hash []byte, password string) (bool, error) {
	if !s.opts.HashProcess {
		return niceCompare(hash, password), nil
	}
	h, err := s.hashers.get()
	if err == errPoolClosed {
		return false, err
	}
	var nw *noWorker
	if errors.As(err, &nw) {
		s.hashFallback.Do(func() { s.logf("hashing passwords in the server process: %v", err) })
		return niceCompare(hash, password), nil
	}
	if err != nil {
		s.logf("hash worker: %v; this password is checked in the server process", err)
		return niceCompare(hash, password), nil
	}
	ok, err := h.compare(hash, password)
	s.hashers.put(h, err != nil)
	if err != nil && s.hashers.isClosed() {
		return false, errPoolClosed
	}
	if err != nil {
		s.logf("hash worker failed (%v); this password is checked in the server process", err)
		return niceCompare(hash, password), nil
	}
	return ok, nil
}
