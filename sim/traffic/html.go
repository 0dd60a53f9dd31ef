package traffic

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// WriteHTML writes a self-contained report of a simulation: the verdict,
// tables per day and per hour of the week, and charts drawn by gonum/plot
// as inline SVG (queue length over time, wait-time distribution, KPIs by
// hour of the week against the thresholds, agent utilisation), plus the
// staffing heat map when there is one. The page fetches nothing.
func WriteHTML(w io.Writer, s *Summary, vendor, profile string) error {
	charts := []struct {
		title string
		draw  func(*Summary) (*plot.Plot, error)
	}{
		{"Queue length over time (first replication)", queueChart},
		{"Time in queue (all requests)", waitChart},
		{"Pickup rate by hour of the week (R-KPI-1: >= 90%)", func(s *Summary) (*plot.Plot, error) {
			return weekChart(s, "pickup rate", func(p Period) float64 { return p.PickupRate.Mean }, s.Thresholds.MinPickupRate)
		}},
		{"First response by hour of the week (R-KPI-1: < 30 s)", func(s *Summary) (*plot.Plot, error) {
			return weekChart(s, "seconds", func(p Period) float64 { return p.FirstResponseS.Mean }, s.Thresholds.MaxFirstResponseS)
		}},
		{"Satisfaction by hour of the week (R-KPI-1: >= 70%)", func(s *Summary) (*plot.Plot, error) {
			return weekChart(s, "satisfaction", func(p Period) float64 { return p.Satisfaction.Mean }, s.Thresholds.MinSatisfaction)
		}},
		{"Agent utilisation by hour of the week", func(s *Summary) (*plot.Plot, error) {
			return weekChart(s, "busy share of places", func(p Period) float64 { return p.Utilisation }, -1)
		}},
	}
	type chart struct {
		Title string
		SVG   template.HTML
	}
	var out []chart
	for _, c := range charts {
		p, err := c.draw(s)
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.title, err)
		}
		svg, err := toSVG(p)
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.title, err)
		}
		out = append(out, chart{c.title, svg})
	}
	data := map[string]any{"S": s, "Vendor": vendor, "Profile": profile, "Charts": out, "Heat": heat(s.Staffing)}
	return page.Execute(w, data)
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

func queueChart(s *Summary) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = "hours since the start", "chats waiting"
	if len(s.Queue) == 0 {
		return p, nil
	}
	t0 := s.Queue[0].At
	mean, peak := make(plotter.XYs, len(s.Queue)), make(plotter.XYs, len(s.Queue))
	for i, q := range s.Queue {
		x := q.At.Sub(t0).Hours()
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
	lp.Color = color.RGBA{R: 220, G: 120, B: 0, A: 255}
	p.Add(lp, lm)
	p.Legend.Add("largest", lp)
	p.Legend.Add("mean", lm)
	p.Legend.Top = true
	return p, nil
}

func waitChart(s *Summary) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = "seconds in queue (10 s bins; the last is 300 s and more)", "requests"
	vals := make(plotter.Values, len(s.WaitHist))
	for i, n := range s.WaitHist {
		vals[i] = float64(n)
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(10))
	if err != nil {
		return nil, err
	}
	bars.Color = color.RGBA{R: 60, G: 110, B: 200, A: 255}
	p.Add(bars)
	names := make([]string, len(vals))
	for i := range names {
		if i%3 == 0 {
			names[i] = fmt.Sprint(i * int(WaitBucket/time.Second))
		}
	}
	p.NominalX(names...)
	return p, nil
}

// weekChart plots a figure per hour of the week with the threshold as a
// red line (none when threshold < 0).
func weekChart(s *Summary, ylabel string, f func(Period) float64, threshold float64) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = "hour of the week (0 = Monday 00:00)", ylabel
	var pts plotter.XYs
	byLabel := map[string]Period{}
	for _, h := range s.HoursOfWeek {
		byLabel[h.Label] = h
	}
	for h := range HoursPerWeek {
		if per, ok := byLabel[HourLabel(h)]; ok && per.Requests > 0 {
			pts = append(pts, plotter.XY{X: float64(h), Y: f(per)})
		}
	}
	if len(pts) > 0 {
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(1.5)
		p.Add(l, sc)
	}
	if threshold >= 0 {
		th := plotter.NewFunction(func(float64) float64 { return threshold })
		th.Color = color.RGBA{R: 200, A: 255}
		th.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(th)
		p.Legend.Add("threshold", th)
		p.Legend.Top = true
	}
	p.X.Min, p.X.Max = 0, HoursPerWeek
	// Keep the threshold in view, however far the figures are from it.
	p.Y.Min = 0
	if threshold >= 0 {
		p.Y.Max = max(p.Y.Max, threshold*1.1)
	}
	return p, nil
}

type heatCell struct {
	N     int
	Color template.CSS
	Flag  string
}

type heatRow struct {
	Day   string
	Cells []heatCell
}

// heat is the staffing heat map: agents by hour of the week, darker for more.
func heat(st *Staffing) []heatRow {
	if st == nil {
		return nil
	}
	most := 1
	for _, n := range st.Agents {
		most = max(most, n)
	}
	var rows []heatRow
	for d := range 7 {
		r := heatRow{Day: HourLabel(d * 24)[:len("周一")]}
		for h := range 24 {
			i := d*24 + h
			n := st.Agents[i]
			light := 97 - 55*n/most
			c := heatCell{N: n, Color: template.CSS(fmt.Sprintf("hsl(210, 70%%, %d%%)", light))}
			switch {
			case st.Short[i]:
				c.Flag = "!"
			case st.Undecided[i]:
				c.Flag = "?"
			case !st.Confirmed[i]:
				c.Flag = "-"
			}
			r.Cells = append(r.Cells, c)
		}
		rows = append(rows, r)
	}
	return rows
}

var page = template.Must(template.New("sim").Funcs(template.FuncMap{
	"pct":  func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
	"f1":   func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"mark": func(ok bool) string { return map[bool]string{true: "✔", false: "✘"}[ok] },
	"hours": func() []int {
		h := make([]int, 24)
		for i := range h {
			h[i] = i
		}
		return h
	},
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>routecheck simulate — {{.Vendor}}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:70em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
th{background:#f3f3f3}td.l{text-align:left}.pass{color:#070}.fail{color:#b00}
.heat td{width:2em;text-align:center;font-size:.85em}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Traffic simulation: {{.Vendor}}</h1>
<p>Profile <code>{{.Profile}}</code>; seed {{.S.Seed}} (repeat with <code>--seed {{.S.Seed}}</code>); {{.S.Replications}} replications of {{f1 .S.Hours}} simulated hours;
{{.S.KPIs.ServiceRequests}} service requests, {{.S.Events}} core events in {{f1 .S.WallS}} s.</p>
<h2 class="{{if .S.Pass}}pass{{else}}fail{{end}}">{{if .S.Pass}}PASS: every R-KPI-1 threshold met overall and on every day{{else}}FAIL: a R-KPI-1 threshold is missed{{end}}</h2>
<table><tr><th>KPI (R-KPI-1)</th><th>value</th><th>95% CI across replications</th><th>threshold</th><th></th></tr>
<tr><td class="l">pickup rate 接起率</td><td>{{pct .S.KPIs.PickupRate}}</td><td>{{pct .S.CI.PickupRate.Low}} – {{pct .S.CI.PickupRate.High}}</td><td>&gt;= {{pct .S.Thresholds.MinPickupRate}}</td><td>{{mark (index .S.Verdicts 0).Pass}}</td></tr>
<tr><td class="l">first response 首响时长</td><td>{{f1 .S.KPIs.FirstResponseS}} s</td><td>{{f1 .S.CI.FirstResponseS.Low}} – {{f1 .S.CI.FirstResponseS.High}} s</td><td>&lt; {{f1 .S.Thresholds.MaxFirstResponseS}} s</td><td>{{mark (index .S.Verdicts 1).Pass}}</td></tr>
<tr><td class="l">satisfaction 即时满意度</td><td>{{pct .S.KPIs.Satisfaction}}</td><td>{{pct .S.CI.Satisfaction.Low}} – {{pct .S.CI.Satisfaction.High}}</td><td>&gt;= {{pct .S.Thresholds.MinSatisfaction}}</td><td>{{mark (index .S.Verdicts 2).Pass}}</td></tr>
<tr><td class="l">abandonment 排队放弃率</td><td>{{pct .S.KPIs.AbandonmentRate}}</td><td>{{pct .S.CI.AbandonmentRate.Low}} – {{pct .S.CI.AbandonmentRate.High}}</td><td></td><td></td></tr>
<tr><td class="l">mean wait in queue</td><td>{{f1 .S.MeanWaitS}} s</td><td>{{f1 .S.CI.MeanWaitS.Low}} – {{f1 .S.CI.MeanWaitS.High}} s</td><td></td><td></td></tr>
<tr><td class="l">agent utilisation</td><td>{{pct .S.Utilisation}}</td><td></td><td></td><td></td></tr>
</table>
{{if .Heat}}<h2>Staffing: fewest agents (1V{{.S.Staffing.Capacity}}) by hour of the week</h2>
<p>{{.S.Staffing.Runs}} simulations, starting from Erlang-A. Confidence: {{.S.Staffing.Confidence}}. "?": too few requests that hour to say (simulate longer); "!": still short when the search stopped; "-": not simulated.</p>
<table class="heat"><tr><th></th>{{range hours}}<th>{{.}}</th>{{end}}</tr>
{{range .Heat}}<tr><th>{{.Day}}</th>{{range .Cells}}<td style="background:{{.Color}}">{{.N}}{{.Flag}}</td>{{end}}</tr>
{{end}}</table>{{end}}
{{range .Charts}}<h3>{{.Title}}</h3>
{{.SVG}}
{{end}}
<h2>Per day</h2>
<table><tr><th>day</th><th>requests</th><th>pickup</th><th>first response</th><th>satisfaction</th><th>mean wait</th><th>utilisation</th><th>agents 在线</th><th></th></tr>
{{range .S.Days}}<tr><td class="l">{{.Label}}</td><td>{{.Requests}}</td><td>{{pct .PickupRate.Mean}}</td><td>{{f1 .FirstResponseS.Mean}} s</td><td>{{pct .Satisfaction.Mean}}</td><td>{{f1 .MeanWaitS.Mean}} s</td><td>{{pct .Utilisation}}</td><td>{{f1 .AgentsOnDuty}}</td><td class="{{if .Pass}}pass{{else}}fail{{end}}">{{mark .Pass}} {{range .Missed}}{{.}} {{end}}</td></tr>
{{end}}</table>
<h2>Per hour of the week</h2>
<table><tr><th>hour</th><th>requests</th><th>pickup (95% CI)</th><th>first response</th><th>satisfaction</th><th>mean wait</th><th>utilisation</th><th>agents 在线</th><th></th></tr>
{{range .S.HoursOfWeek}}<tr><td class="l">{{.Label}}</td><td>{{.Requests}}</td><td>{{pct .PickupRate.Mean}} ({{pct .PickupRate.Low}} – {{pct .PickupRate.High}})</td><td>{{f1 .FirstResponseS.Mean}} s</td><td>{{pct .Satisfaction.Mean}}</td><td>{{f1 .MeanWaitS.Mean}} s</td><td>{{pct .Utilisation}}</td><td>{{f1 .AgentsOnDuty}}</td><td class="{{if .Pass}}pass{{else}}fail{{end}}">{{mark .Pass}} {{range .Missed}}{{.}} {{end}}</td></tr>
{{end}}</table>
{{if .S.Violations}}<h2 class="fail">Routing invariants violated</h2><ul>{{range .S.Violations}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`))
