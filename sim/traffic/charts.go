package traffic

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The report's charts, drawn as a person reads them: a percentage on an
// axis in %, the week with a tick at every day boundary, closed hours
// shaded (never plotted as 0), a figure with nothing to measure left as a
// gap, time in queue on a log scale, no legend over the data (the captions
// say what the lines are), and the page's own font (the SVG's font is
// overridden by the page's CSS).

var (
	lineColor  = color.RGBA{R: 40, G: 90, B: 180, A: 255}
	peakColor  = color.RGBA{R: 220, G: 120, B: 0, A: 255}
	thColor    = color.RGBA{R: 200, A: 255}
	shadeColor = color.RGBA{R: 225, G: 225, B: 225, A: 255}
)

// newPlot is a plot in the report's style: sans-serif text (the page
// replaces it by its own font), light grid-free axes.
func newPlot(xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	for _, ts := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font} {
		size := ts.Size
		*ts = font.From(sans, size)
	}
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	return p
}

func toSVG(p *plot.Plot) (template.HTML, error) {
	wt, err := p.WriterTo(9*vg.Inch, 3*vg.Inch, "svg")
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return "", err
	}
	svg := b.String()
	if i := strings.Index(svg, "<svg"); i > 0 {
		svg = svg[i:] // drop the XML prolog: the SVG sits inside HTML
	}
	return template.HTML(svg), nil
}

// shade is grey bands behind the data: the hours the vendor is closed.
type shade struct{ spans [][2]float64 }

func (s shade) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, sp := range s.spans {
		x0, x1 := max(trX(sp[0]), c.Min.X), min(trX(sp[1]), c.Max.X)
		if x1 <= x0 {
			continue
		}
		c.FillPolygon(shadeColor, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
	}
}

// logBars is a histogram on a log axis: each bar rises from the axis
// floor to its count; empty buckets draw nothing.
type logBars struct {
	counts []float64
	width  float64 // in x units
}

func (b logBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, n := range b.counts {
		if n <= 0 {
			continue
		}
		x0, x1 := trX(float64(i)*b.width), trX(float64(i+1)*b.width)
		y0, y1 := c.Min.Y, trY(n)
		c.FillPolygon(lineColor, []vg.Point{{X: x0 + 1, Y: y0}, {X: x1 - 1, Y: y0}, {X: x1 - 1, Y: y1}, {X: x0 + 1, Y: y1}})
	}
}

func (b logBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), 1
	for _, n := range b.counts {
		if n > 0 {
			ymin, ymax = min(ymin, n), max(ymax, n)
		}
	}
	// The floor sits below 1, so a bucket of one request shows.
	return 0, float64(len(b.counts)) * b.width, min(ymin, 0.5), ymax
}

// weekTicks puts a labelled tick at every day boundary of the week and a
// small one every six hours.
func weekTicks() plot.Ticker {
	var ts []plot.Tick
	for h := 0; h <= HoursPerWeek; h += 6 {
		t := plot.Tick{Value: float64(h)}
		if h%24 == 0 && h < HoursPerWeek {
			t.Label = HourLabel(h)[:len("周一")]
		}
		ts = append(ts, t)
	}
	return plot.ConstantTicks(ts)
}

// percentTicks labels 0..100 in steps of 20.
func percentTicks() plot.Ticker {
	var ts []plot.Tick
	for v := 0; v <= 100; v += 10 {
		t := plot.Tick{Value: float64(v)}
		if v%20 == 0 {
			t.Label = fmt.Sprintf("%d%%", v)
		}
		ts = append(ts, t)
	}
	return plot.ConstantTicks(ts)
}

// closedSpans is the closed hours of the week as spans for shade.
func closedSpans(s *Summary) [][2]float64 {
	var out [][2]float64
	for _, p := range s.HoursOfWeek {
		if p.Open {
			continue
		}
		h := float64(p.how)
		if n := len(out); n > 0 && out[n-1][1] == h {
			out[n-1][1] = h + 1
			continue
		}
		out = append(out, [2]float64{h, h + 1})
	}
	return out
}

// weekSeries is a figure per hour of the week as line segments, one point
// per hour at its middle: an hour closed or with nothing measured ends a
// segment, so it shows as a gap and never as 0.
func weekSeries(s *Summary, f func(*Period) (float64, bool), scale float64) []plotter.XYs {
	byHour := map[int]*Period{}
	for i := range s.HoursOfWeek {
		byHour[s.HoursOfWeek[i].how] = &s.HoursOfWeek[i]
	}
	var out []plotter.XYs
	var seg plotter.XYs
	for h := range HoursPerWeek {
		per, ok := byHour[h]
		var v float64
		if ok && per.Open {
			v, ok = f(per)
		} else {
			ok = false
		}
		if !ok {
			if len(seg) > 0 {
				out = append(out, seg)
			}
			seg = nil
			continue
		}
		seg = append(seg, plotter.XY{X: float64(h) + 0.5, Y: v * scale})
	}
	if len(seg) > 0 {
		out = append(out, seg)
	}
	return out
}

// weekChart plots a figure per hour of the week (weekSeries) over the
// closed hours shaded; the threshold is a dashed red line (none when
// threshold < 0).
func weekChart(s *Summary, ylabel string, f func(*Period) (float64, bool), threshold float64, percent bool) (*plot.Plot, error) {
	p := newPlot("hour of the week (vendor's wall clock; grey: closed)", ylabel)
	p.Add(shade{closedSpans(s)})
	scale := 1.0
	if percent {
		scale = 100
	}
	top := 0.0
	for _, seg := range weekSeries(s, f, scale) {
		l, sc, err := plotter.NewLinePoints(seg)
		if err != nil {
			return nil, err
		}
		l.Color, sc.Color = lineColor, lineColor
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(1.5)
		p.Add(l, sc)
		for _, pt := range seg {
			top = max(top, pt.Y)
		}
	}
	p.X.Min, p.X.Max = 0, HoursPerWeek
	p.X.Tick.Marker = weekTicks()
	p.Y.Min = 0
	if percent {
		p.Y.Max = 100
		p.Y.Tick.Marker = percentTicks()
		threshold *= 100
	} else {
		p.Y.Max = max(top, threshold) * 1.1
	}
	if threshold >= 0 {
		th := plotter.NewFunction(func(float64) float64 { return threshold })
		th.Color = thColor
		th.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(th)
	}
	return p, nil
}

// queueChart is the queue over the first replication, its mean and its
// largest sample, with the closed hours shaded and a tick at every local
// midnight.
func queueChart(s *Summary, loc *time.Location) (*plot.Plot, error) {
	p := newPlot("day (vendor's wall clock; grey: closed)", "chats waiting")
	if len(s.Queue) == 0 {
		return p, nil
	}
	t0 := s.Queue[0].At
	hours := func(t time.Time) float64 { return t.Sub(t0).Hours() }
	end := s.Queue[len(s.Queue)-1].At.Add(time.Hour)
	// Closed stretches: the hours of the week that are closed, laid on
	// the run's own timeline.
	open := map[int]bool{}
	for _, per := range s.HoursOfWeek {
		open[per.how] = per.Open
	}
	var spans [][2]float64
	for t := t0; t.Before(end); t = nextHour(t, loc) {
		if o, ok := open[HourOfWeek(t, loc)]; ok && !o {
			x0, x1 := hours(t), hours(nextHour(t, loc))
			if n := len(spans); n > 0 && spans[n-1][1] == x0 {
				spans[n-1][1] = x1
			} else {
				spans = append(spans, [2]float64{x0, x1})
			}
		}
	}
	p.Add(shade{spans})
	mean, peak := make(plotter.XYs, len(s.Queue)), make(plotter.XYs, len(s.Queue))
	for i, q := range s.Queue {
		x := hours(q.At)
		mean[i] = plotter.XY{X: x, Y: q.Mean}
		peak[i] = plotter.XY{X: x, Y: float64(q.Max)}
	}
	lm, err := plotter.NewLine(mean)
	if err != nil {
		return nil, err
	}
	lp, err := plotter.NewLine(peak)
	if err != nil {
		return nil, err
	}
	lm.Color, lp.Color = lineColor, peakColor
	p.Add(lp, lm)
	// A tick at every local midnight, labelled with the date; on long
	// runs only every few days are labelled.
	days := int(end.Sub(t0).Hours()/24) + 1
	every := max(1, days/10)
	var ts []plot.Tick
	i := 0
	for d := localDate(t0, loc); d.Before(end); d = d.AddDate(0, 0, 1) {
		if d.Before(t0) {
			continue
		}
		tk := plot.Tick{Value: hours(d)}
		if i%every == 0 && end.Sub(d) > 12*time.Hour {
			tk.Label = d.Format("01-02") + " " + HourLabel((int(d.Weekday()) + 6) % 7 * 24)[:len("周一")]
		}
		ts = append(ts, tk)
		i++
	}
	p.X.Tick.Marker = plot.ConstantTicks(ts)
	p.X.Min, p.X.Max = 0, hours(end)
	p.Y.Min = 0
	p.Y.Max = max(p.Y.Max, 1)
	return p, nil
}

// waitChart is the time in queue of every request picked up or
// abandoned, in 10 s buckets, on a log scale: most requests wait not at
// all, and the few that wait long would vanish on a linear one.
func waitChart(s *Summary) (*plot.Plot, error) {
	p := newPlot("seconds in the queue (10 s buckets; the last is 300 s and more)", "requests (log scale)")
	counts := make([]float64, len(s.WaitHist))
	for i, n := range s.WaitHist {
		counts[i] = float64(n)
	}
	b := logBars{counts: counts, width: WaitBucket.Seconds()}
	p.Add(b)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	_, _, ymin, ymax := b.DataRange()
	p.Y.Min, p.Y.Max = ymin, ymax*1.5
	p.X.Min, p.X.Max = 0, float64(len(counts))*b.width
	var ts []plot.Tick
	for x := 0; x <= len(counts)*int(b.width); x += 30 {
		ts = append(ts, plot.Tick{Value: float64(x), Label: fmt.Sprint(x)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ts)
	return p, nil
}
