package load

import (
	"container/heap"
	"sync"
	"time"
)

// sched is the one timer of a run: actions wait in a heap and a fixed pool
// of workers runs them when due, so ten thousand actors cost no more
// goroutines than the pool (plus one reader per socket).
type sched struct {
	mu    sync.Mutex
	h     taskHeap
	wake  chan struct{}
	ready chan task
	quit  chan struct{}
	wg    sync.WaitGroup
	seq   uint64
}

// task runs at its due time; the argument is that due time, which latency
// measurement uses as the intended time (coordinated omission).
type task struct {
	at  time.Time
	seq uint64
	fn  func(due time.Time)
}

type taskHeap []task

func (h taskHeap) Len() int { return len(h) }
func (h taskHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h taskHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *taskHeap) Push(x any)   { *h = append(*h, x.(task)) }
func (h *taskHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

func newSched(workers int) *sched {
	s := &sched{wake: make(chan struct{}, 1), ready: make(chan task, workers), quit: make(chan struct{})}
	s.wg.Add(1 + workers)
	go s.loop()
	for range workers {
		go func() {
			defer s.wg.Done()
			for t := range s.ready {
				t.fn(t.at)
			}
		}()
	}
	return s
}

// at schedules fn at t.
func (s *sched) at(t time.Time, fn func(due time.Time)) {
	s.mu.Lock()
	s.seq++
	heap.Push(&s.h, task{at: t, seq: s.seq, fn: fn})
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sched) after(d time.Duration, fn func(due time.Time)) { s.at(time.Now().Add(d), fn) }

func (s *sched) loop() {
	defer s.wg.Done()
	defer close(s.ready)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		var next time.Time
		var due []task
		now := time.Now()
		for s.h.Len() > 0 && !s.h[0].at.After(now) {
			due = append(due, heap.Pop(&s.h).(task))
		}
		if s.h.Len() > 0 {
			next = s.h[0].at
		}
		s.mu.Unlock()
		for _, t := range due {
			select {
			case s.ready <- t:
			case <-s.quit:
				return
			}
		}
		if len(due) > 0 {
			continue
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = time.Until(next)
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-s.wake:
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		case <-s.quit:
			return
		}
	}
}

// stop drops what is still scheduled and waits for running tasks.
func (s *sched) stop() {
	close(s.quit)
	s.wg.Wait()
}
