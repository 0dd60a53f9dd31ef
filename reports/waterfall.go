package reports

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"
)

// Chat phases a step may time (Step.Timings "<phase> <chat title>"). They
// follow each other: the customer is in the bot until the transfer request,
// in the queue until an agent picks the chat up, then waits for the agent's
// first reply (R-KPI-1 首响).
const (
	PhaseInBot         = "in_bot"
	PhaseInQueue       = "in_queue"
	PhaseFirstResponse = "first_response"
)

// FirstResponseLimit is R-KPI-1's limit on 首响时长: the waterfall draws it
// as a line 30 s after each chat's pickup, and a first response at or
// past it as failed.
const FirstResponseLimit = 30 * time.Second

type phase struct{ key, class, label, short string }

var phases = []phase{
	{PhaseInBot, "ph-bot", "in the bot (小蜜)", "bot"},
	{PhaseInQueue, "ph-queue", "in the queue", "queue"},
	{PhaseFirstResponse, "ph-reply", "to the first response (首响)", "first response"},
}

// waterfall is the HTML time chart: every step's span against one axis
// from the start of step 1, and under the step that requested a human each
// chat's phases.
type waterfall struct {
	Ticks []wfTick
	Rows  []wfRow
	// LimitShown: some chat row draws the 30 s line; otherwise the legend
	// says every first response ended long before it.
	LimitShown bool
}

type wfTick struct {
	Style template.CSS
	Label string
	End   bool // near the right edge: label left of the mark
}

type wfRow struct {
	Label string
	Sub   bool   // a chat or timing under a step
	Class string // passed, failed, skipped
	Bars  []wfBar
	Note  string
}

type wfBar struct {
	Style template.CSS
	Class string // a phase or step class; "limit" is the 30 s line
	Title string
}

type span struct {
	start time.Time
	d     time.Duration
	class string
	title string
}

type wfChat struct {
	title  string
	dur    map[string]time.Duration
	step   map[string]int // phase -> index of the step that timed it
	anchor int            // index of the step the chat is drawn under
}

// layoutWaterfall places the bars. The report keeps durations, not
// instants, so a chat's phases are placed end to end around its transfer
// request: the first chat's request opens the step that timed it (as the
// route test's step 4 does), a later chat enters the bot when the one
// before it was picked up. Nil when no step has a start time.
func layoutWaterfall(r *Run) *waterfall {
	var origin time.Time
	for _, s := range r.Steps {
		if !s.Started.IsZero() && (origin.IsZero() || s.Started.Before(origin)) {
			origin = s.Started
		}
	}
	if origin.IsZero() {
		return nil
	}
	chats, other := splitTimings(r)
	type row struct {
		label, class, note string
		sub                bool
		spans              []span
		limit              time.Time // the 30 s line of a picked-up chat
		hasLimit           bool
	}
	var rows []row
	end := origin
	grow := func(sp span) {
		if e := sp.start.Add(sp.d); e.After(end) {
			end = e
		}
	}
	for i, s := range r.Steps {
		st := row{label: s.Title(), class: string(s.Status), note: fmtDuration(s.Duration)}
		if s.Started.IsZero() {
			st.note = string(s.Status)
			rows = append(rows, st)
			continue
		}
		sp := span{start: s.Started, d: s.Duration, class: "st-" + string(s.Status), title: s.Title() + ": " + fmtDuration(s.Duration)}
		st.spans = []span{sp}
		grow(sp)
		rows = append(rows, st)
		cursor, first := s.Started, true
		for _, c := range chats {
			if c.anchor != i {
				continue
			}
			req := cursor
			if !first {
				req = cursor.Add(c.dur[PhaseInBot])
			}
			first = false
			cr := row{label: "↳ " + orDash(c.title), sub: true, class: string(s.Status)}
			at := req.Add(-c.dur[PhaseInBot])
			var notes []string
			var pickup time.Time
			for _, p := range phases {
				d, ok := c.dur[p.key]
				if !ok {
					continue
				}
				if p.key == PhaseFirstResponse {
					pickup = at
				}
				sp := span{start: at, d: d, class: p.class, title: fmt.Sprintf("%s %s: %s", orDash(c.title), p.label, fmtDuration(d))}
				note := p.short + " " + fmtDuration(d)
				if p.key == PhaseFirstResponse && d >= FirstResponseLimit {
					sp.class += " late"
					sp.title += " ✘ at or past the 30 s limit (R-KPI-1)"
					note += " ✘ ≥ 30 s"
				}
				cr.spans = append(cr.spans, sp)
				grow(sp)
				notes = append(notes, note)
				at = at.Add(d)
			}
			_, replied := c.dur[PhaseFirstResponse]
			_, picked := c.dur[PhaseInQueue]
			if !replied {
				pickup = at
			}
			if last := lastTimedStep(r, c); !replied && picked && last.Status == StatusFailed {
				// picked up, never answered: red from pickup to the end
				// of the step that waited for the reply
				if end := last.Started.Add(last.Duration); end.After(at) {
					sp := span{start: at, d: end.Sub(at), class: "ph-noreply", title: orDash(c.title) + ": no first response ✘ (R-RT-5, R-KPI-1)"}
					cr.spans = append(cr.spans, sp)
					grow(sp)
				}
				notes = append(notes, "no reply ✘")
			}
			if picked || replied {
				cr.limit = pickup.Add(FirstResponseLimit)
				cr.hasLimit = true
			}
			cr.note = strings.Join(notes, " · ")
			rows = append(rows, cr)
			cursor = req.Add(c.dur[PhaseInQueue])
		}
		for _, k := range other[i] {
			d := s.Timings[k]
			sp := span{start: s.Started, d: d, class: "ph-other", title: k + ": " + fmtDuration(d)}
			grow(sp)
			rows = append(rows, row{label: "↳ " + k, sub: true, class: string(s.Status), note: fmtDuration(d), spans: []span{sp}})
		}
	}
	// A first response that took half the limit or more makes the limit
	// matter: the axis reaches the 30 s line so the bar is seen against it.
	for _, rw := range rows {
		for _, sp := range rw.spans {
			if rw.hasLimit && strings.HasPrefix(sp.class, "ph-reply") && 2*sp.d >= FirstResponseLimit && rw.limit.After(end) {
				end = rw.limit
			}
		}
	}
	total := end.Sub(origin)
	if total <= 0 {
		total = time.Millisecond
	}
	w := &waterfall{Ticks: ticks(total)}
	for _, rw := range rows {
		out := wfRow{Label: rw.label, Sub: rw.sub, Class: rw.class, Note: rw.note}
		if rw.hasLimit && !rw.limit.After(end) {
			w.LimitShown = true
			out.Bars = append(out.Bars, wfBar{Class: "limit", Title: "首响时长 limit: 30 s after pickup (R-KPI-1)",
				Style: template.CSS(fmt.Sprintf("left:%.2f%%", pct(rw.limit.Sub(origin), total)))})
		}
		for _, sp := range rw.spans {
			left := pct(sp.start.Sub(origin), total)
			width := max(pct(sp.d, total), 0.3) // a 0 ms phase still shows
			if left < 0 {
				width, left = max(width+left, 0.3), 0
			}
			width = min(width, 100-left)
			out.Bars = append(out.Bars, wfBar{Class: sp.class, Title: sp.title,
				Style: template.CSS(fmt.Sprintf("left:%.2f%%;width:%.2f%%", left, width))})
		}
		w.Rows = append(w.Rows, out)
	}
	return w
}

// lastTimedStep is the last step that timed a phase of chat c: the one
// that waited for its first response, or gave up on it.
func lastTimedStep(r *Run, c wfChat) Step {
	last := -1
	for _, i := range c.step {
		last = max(last, i)
	}
	if last+1 < len(r.Steps) && r.Steps[last+1].Status == StatusFailed && !r.Steps[last+1].Started.IsZero() {
		last++ // timed its queue in step 4, waited in vain in step 5
	}
	if last < 0 {
		return Step{}
	}
	return r.Steps[last]
}

// splitTimings sorts the steps' timings into chats (known phases, grouped
// by chat title, in transcript order) and other timings per step (by name).
func splitTimings(r *Run) ([]wfChat, map[int][]string) {
	byTitle := map[string]*wfChat{}
	other := map[int][]string{}
	for i, s := range r.Steps {
		for k, d := range s.Timings {
			ph, title, _ := strings.Cut(k, " ")
			if !slices.ContainsFunc(phases, func(p phase) bool { return p.key == ph }) {
				other[i] = append(other[i], k)
				continue
			}
			c := byTitle[title]
			if c == nil {
				c = &wfChat{title: title, dur: map[string]time.Duration{}, step: map[string]int{}}
				byTitle[title] = c
			}
			c.dur[ph], c.step[ph] = d, i
		}
	}
	// a chat is drawn under the step that requested a human: the one that
	// timed its queue, else its time in the bot, else its first response
	for _, c := range byTitle {
		c.anchor = c.step[PhaseFirstResponse]
		for _, ph := range []string{PhaseInBot, PhaseInQueue} {
			if i, ok := c.step[ph]; ok {
				c.anchor = i
			}
		}
	}
	for i := range other {
		slices.Sort(other[i])
	}
	order := map[string]int{}
	for i, t := range r.Transcripts {
		if _, ok := order[t.Title]; !ok {
			order[t.Title] = i
		}
	}
	chats := make([]wfChat, 0, len(byTitle))
	for _, c := range byTitle {
		chats = append(chats, *c)
	}
	slices.SortFunc(chats, func(a, b wfChat) int {
		ia, oka := order[a.title]
		ib, okb := order[b.title]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a.title, b.title)
	})
	return chats, other
}

func pct(d, total time.Duration) float64 {
	return float64(d) / float64(total) * 100
}

// ticks are axis marks at a round step (1, 2 or 5 × 10ⁿ) giving at most
// six intervals.
func ticks(total time.Duration) []wfTick {
	raw := float64(total) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []wfTick
	for t := 0.0; t <= float64(total)+1; t += step {
		d := time.Duration(t)
		label := fmtDuration(d)
		if d == 0 {
			label = "0"
		}
		out = append(out, wfTick{Label: label, End: pct(d, total) > 90,
			Style: template.CSS(fmt.Sprintf("left:%.2f%%", pct(d, total)))})
	}
	return out
}
