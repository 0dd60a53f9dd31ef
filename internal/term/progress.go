package term

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// waitQuiet is how long a wait may run before the progress line says what
// it waits for; shorter waits are the normal pace of a step.
const waitQuiet = 2 * time.Second

// tick is how often the spinner and the elapsed time move.
const tick = 100 * time.Millisecond

// Progress is the live line on a terminal while a run works: a spinner, the
// step or browser check under way with its elapsed time and, once a wait
// passes 2 s, what it waits for ("waiting for 客服小王's reply, 4 s of 12 s").
// A nil *Progress does nothing, which is what NewProgress gives when the
// writer is not a terminal or the tester asked for --quiet. Its methods
// may be called from any goroutine.
type Progress struct {
	mu   sync.Mutex // guards everything below and every call into bar
	bar  *progressbar.ProgressBar
	now  func() time.Time
	what string // the step or check under way; "" when idle
	from time.Time
	wait []waitItem // open waits, innermost last
	stop chan struct{}
	done chan struct{}
}

type waitItem struct {
	what  string
	from  time.Time
	limit time.Duration
}

// NewProgress starts the live line on w, or returns nil when w is not a
// terminal or quiet is set.
func NewProgress(w io.Writer, quiet bool) *Progress {
	if quiet || !IsTerminal(w) {
		return nil
	}
	return newProgress(w, time.Now, tick)
}

func newProgress(w io.Writer, now func() time.Time, every time.Duration) *Progress {
	p := &Progress{
		// The bar's own ticker goroutine is off (interval 0): it reads the
		// bar's state outside its lock; we drive every render under mu.
		bar: progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionSetSpinnerChangeInterval(0),
			progressbar.OptionSetElapsedTime(false),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionSetWidth(10),
		),
		now:  now,
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go p.loop(every)
	return p
}

func (p *Progress) loop(every time.Duration) {
	defer close(p.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.render()
			p.mu.Unlock()
		}
	}
}

// render redraws the line; mu is held.
func (p *Progress) render() {
	if p.what == "" {
		return
	}
	p.bar.Describe(p.Line())
	p.bar.Add(1)
}

// Line is the text of the live line at this moment, without the spinner.
// mu is held, or p is not shared yet (tests).
func (p *Progress) Line() string {
	now := p.now()
	line := fmt.Sprintf("%s  %s", p.what, seconds(now.Sub(p.from)))
	if n := len(p.wait); n > 0 {
		w := p.wait[n-1]
		if waited := now.Sub(w.from); waited >= waitQuiet {
			line += fmt.Sprintf("  waiting for %s, %s of %s", w.what, seconds(waited), seconds(w.limit))
		}
	}
	return line
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d s", int(d.Seconds()))
}

// Start says what is under way now: a step ("3/5 扫码进入小蜜 (QR entry)") or
// a browser check. Earlier waits are forgotten.
func (p *Progress) Start(what string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.from, p.wait = what, p.now(), nil
	p.render()
}

// Wait says the current step now waits for something, at most limit; the
// returned func says the wait is over.
func (p *Progress) Wait(what string, limit time.Duration) (done func()) {
	if p == nil {
		return func() {}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	item := waitItem{what: what, from: p.now(), limit: limit}
	p.wait = append(p.wait, item)
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for i := len(p.wait) - 1; i >= 0; i-- {
			if p.wait[i] == item {
				p.wait = append(p.wait[:i], p.wait[i+1:]...)
				break
			}
		}
	}
}

// Println clears the live line, then runs print (which writes finished
// lines to the console), so the two never mix on one terminal line. The
// line comes back at the next tick.
func (p *Progress) Println(print func()) {
	if p == nil {
		print()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Clear()
	p.what = ""
	print()
}

// Close stops the line and clears it.
func (p *Progress) Close() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Clear()
	p.what = ""
}
