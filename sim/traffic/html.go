package traffic

import (
	"fmt"
	"html/template"
	"io"
	"time"

	"gonum.org/v1/plot"
)

// WriteHTML writes a self-contained report of a simulation: the verdict
// and its causes with their fixes, the KPIs with their intervals, the
// staffing heat map when there is one, charts drawn by gonum/plot as
// inline SVG (queue over time, time in queue, KPIs and utilisation by hour
// of the week against the thresholds), and tables per day and per hour of
// the week. The page fetches nothing.
func WriteHTML(w io.Writer, s *Summary, vendor, profile string) error {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		loc = time.UTC
	}
	pickup := func(p *Period) (float64, bool) { return p.PickupInHours.Mean, p.PickupInHours.Measured }
	first := func(p *Period) (float64, bool) { return p.FirstResponseS.Mean, p.FirstResponseS.Measured }
	sat := func(p *Period) (float64, bool) { return p.Satisfaction.Mean, p.Satisfaction.Measured }
	util := func(p *Period) (float64, bool) { return p.Utilisation, p.AgentsOnDuty > 0 }
	th := s.Thresholds
	charts := []struct {
		title, caption string
		draw           func() (*plot.Plot, error)
	}{
		{"Pickup rate in the work hours, by hour of the week (R-KPI-1: ≥ 90%)", "Blue: picked up / requests made while the vendor was open. Dashed red: the threshold. Grey: closed hours (requests get the hotline, D-RT-1).",
			func() (*plot.Plot, error) { return weekChart(s, "pickup", pickup, th.MinPickupRate, true) }},
		{"First response by hour of the week (R-KPI-1: < 30 s)", "Seconds from pickup to the agent's first reply; agents' reply speed, not their number. Dashed red: the threshold. A gap: nothing replied to that hour.",
			func() (*plot.Plot, error) { return weekChart(s, "seconds", first, th.MaxFirstResponseS, false) }},
		{"Satisfaction by hour of the week (R-KPI-1: ≥ 70%)", "Satisfied / ratings given. Dashed red: the threshold. A gap: no rating that hour.",
			func() (*plot.Plot, error) { return weekChart(s, "satisfaction", sat, th.MinSatisfaction, true) }},
		{"Agent utilisation by hour of the week", "Busy share of the places (agents × capacity) of the agents 在线.",
			func() (*plot.Plot, error) { return weekChart(s, "busy share of places", util, -1, true) }},
		{"Queue length over time (first replication)", "Blue: mean over 5 minutes; orange: the largest. Grey: closed.",
			func() (*plot.Plot, error) { return queueChart(s, loc) }},
		{"Time in the queue (every request picked up or abandoned)", "Log scale: most requests do not wait at all.",
			func() (*plot.Plot, error) { return waitChart(s) }},
	}
	type chart struct {
		Title, Caption string
		SVG            template.HTML
	}
	var out []chart
	for _, c := range charts {
		p, err := c.draw()
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.title, err)
		}
		svg, err := toSVG(p)
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.title, err)
		}
		out = append(out, chart{c.title, c.caption, svg})
	}
	data := map[string]any{"S": s, "Vendor": vendor, "Profile": profile, "Charts": out, "Heat": heat(s.Staffing)}
	return page.Execute(w, data)
}

type heatCell struct {
	Text  string
	Class string
	Color template.CSS
	Title string
}

type heatRow struct {
	Day   string
	Cells []heatCell
}

// heat is the staffing heat map: agents by hour of the week, darker for
// more; closed hours grey.
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
			hs := st.Hours[i]
			c := heatCell{Title: HourLabel(i) + ": " + hs.Status}
			if hs.Reason != "" {
				c.Title += " (" + hs.Reason + ")"
			}
			switch hs.Status {
			case "closed":
				c.Text, c.Class = "·", "closed"
			case "not simulated":
				c.Text, c.Class = "-", "closed"
			default:
				n := st.Agents[i]
				light := 97 - 55*n/most
				c.Text = fmt.Sprint(n)
				c.Color = template.CSS(fmt.Sprintf("hsl(210, 70%%, %d%%)", light))
				if light < 60 {
					c.Class = "dark"
				}
				switch hs.Status {
				case "short":
					c.Text += "!"
				case "undecided":
					c.Text += "?"
				}
			}
			r.Cells = append(r.Cells, c)
		}
		rows = append(rows, r)
	}
	return rows
}

func fmtRate(iv Interval) string {
	if !iv.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%.1f%%", 100*iv.Mean)
}

func fmtRateCI(iv Interval) string {
	if !iv.Bounded {
		return ""
	}
	return fmt.Sprintf("%.1f%% – %.1f%%", 100*iv.Low, 100*iv.High)
}

func fmtSecs(iv Interval) string {
	if !iv.Measured {
		return "not measured"
	}
	return fmt.Sprintf("%.1f s", iv.Mean)
}

func fmtSecsCI(iv Interval) string {
	if !iv.Bounded {
		return ""
	}
	return fmt.Sprintf("%.1f – %.1f s", iv.Low, iv.High)
}

var page = template.Must(template.New("sim").Funcs(template.FuncMap{
	"rate": fmtRate, "rateCI": fmtRateCI, "secs": fmtSecs, "secsCI": fmtSecsCI,
	"pct": func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
	"f1":  func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"share": func(n, of int) string {
		if of == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
	},
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
body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:72em}
svg text{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif !important}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
th{background:#f3f3f3}td.l{text-align:left;white-space:nowrap}.pass{color:#070}.fail{color:#b00}.muted{color:#888}
.heat td{width:2em;text-align:center;font-size:.85em}.heat td.closed{background:#e6e6e6;color:#888}.heat td.dark{color:#fff}
svg{max-width:100%;height:auto}p.cap{color:#555;font-size:.9em;margin:.2em 0 .4em}
ul.causes li{margin:.4em 0}
</style></head><body>
<h1>Traffic simulation: {{.Vendor}}</h1>
<p>Profile <code>{{.Profile}}</code>; work hours {{.S.WorkHours}} ({{.S.Zone}}); seed {{.S.Seed}} (repeat with <code>--seed {{.S.Seed}}</code>); {{.S.Replications}} replications of {{f1 .S.Hours}} simulated hours;
{{.S.KPIs.ServiceRequests}} service requests, {{.S.Events}} core events in {{f1 .S.WallS}} s.</p>
<h2 class="{{if .S.Pass}}pass{{else}}fail{{end}}">{{.S.Verdict}}</h2>
{{if .S.Causes}}<ul class="causes">{{range .S.Causes}}<li><b>{{.Kind}}</b>: {{.Text}}.<br>Fix: {{.Fix}}.</li>{{end}}</ul>{{end}}
<table><tr><th>KPI (R-KPI-1), as assessed</th><th>value</th><th>95% CI across replications</th><th>threshold</th><th></th></tr>
<tr><td class="l">pickup rate 接起率</td><td>{{rate .S.CI.PickupRate}}</td><td>{{rateCI .S.CI.PickupRate}}</td><td>≥ {{pct .S.Thresholds.MinPickupRate}}</td><td>{{mark (index .S.Verdicts 0).Pass}}</td></tr>
<tr><td class="l">first response 首响时长</td><td>{{secs .S.CI.FirstResponseS}}</td><td>{{secsCI .S.CI.FirstResponseS}}</td><td>&lt; {{f1 .S.Thresholds.MaxFirstResponseS}} s</td><td>{{mark (index .S.Verdicts 1).Pass}}</td></tr>
<tr><td class="l">satisfaction 即时满意度</td><td>{{rate .S.CI.Satisfaction}}</td><td>{{rateCI .S.CI.Satisfaction}}</td><td>≥ {{pct .S.Thresholds.MinSatisfaction}}</td><td>{{mark (index .S.Verdicts 2).Pass}}</td></tr>
</table>
<table><tr><th>service requests</th><th>count</th><th>share</th><th></th></tr>
<tr><td class="l">picked up 接起</td><td>{{.S.KPIs.PickedUp}}</td><td>{{share .S.KPIs.PickedUp .S.KPIs.ServiceRequests}}</td><td class="l"></td></tr>
<tr><td class="l">abandoned in the queue 排队放弃</td><td>{{.S.KPIs.AbandonedInQueue}}</td><td>{{share .S.KPIs.AbandonedInQueue .S.KPIs.ServiceRequests}}</td><td class="l">agents can change this</td></tr>
<tr><td class="l">outside the work hours</td><td>{{.S.KPIs.OutsideHours}}</td><td>{{share .S.KPIs.OutsideHours .S.KPIs.ServiceRequests}}</td><td class="l">the bot gave the hotline {{.S.Hotline}} (D-RT-1); counted as not picked up; the work hours change this, agents do not</td></tr>
<tr><td class="l">in the work hours with nobody 在线</td><td>{{.S.KPIs.NobodyOnline}}</td><td>{{share .S.KPIs.NobodyOnline .S.KPIs.ServiceRequests}}</td><td class="l">the bot gave the hotline (D-RT-1)</td></tr>
<tr><td class="l">all</td><td>{{.S.KPIs.ServiceRequests}}</td><td></td><td></td></tr>
</table>
<p>In the work hours: pickup {{rate .S.CI.PickupInHours}} ({{rateCI .S.CI.PickupInHours}}) of {{.S.KPIs.InHours}} requests; mean wait in the queue {{f1 .S.MeanWaitS}} s; agent utilisation {{pct .S.Utilisation}}.</p>
{{if .Heat}}<h2>Staffing: fewest agents (1V{{.S.Staffing.Capacity}}) by hour of the week</h2>
<p>{{.S.Staffing.Runs}} simulations of {{.S.Staffing.Replications}} replications, starting from Erlang-A; every count was simulated in the last one. Confidence: {{.S.Staffing.Confidence}}.
No mark: confirmed. "?": undecided (hover for why; the count is the fewest that met the thresholds, or the best guess). "!": still short at that count. Grey "·": closed (outside the work hours: no agents).</p>
<table class="heat"><tr><th></th>{{range hours}}<th>{{.}}</th>{{end}}</tr>
{{range .Heat}}<tr><th>{{.Day}}</th>{{range .Cells}}<td class="{{.Class}}" style="{{if .Color}}background:{{.Color}}{{end}}" title="{{.Title}}">{{.Text}}</td>{{end}}</tr>
{{end}}</table>
{{range .S.Staffing.Unreachable}}<p class="fail">Agents cannot meet {{.KPI}} in {{.Hours}}: {{.Reason}}.</p>{{end}}{{end}}
{{range .Charts}}<h3>{{.Title}}</h3>
<p class="cap">{{.Caption}}</p>
{{.SVG}}
{{end}}
<h2>Per calendar day ({{.S.Zone}})</h2>
<table><tr><th>day</th><th>hours</th><th>requests</th><th>pickup (as assessed)</th><th>pickup in the work hours</th><th>outside the hours</th><th>first response</th><th>satisfaction</th><th>mean wait</th><th>utilisation</th><th>agents 在线</th><th></th></tr>
{{range .S.Days}}<tr><td class="l">{{.Label}}</td><td>{{.Hours}}</td><td>{{.Requests}}</td><td>{{rate .PickupRate}}</td><td>{{rate .PickupInHours}}</td><td>{{.OutsideHours}}</td><td>{{secs .FirstResponseS}}</td><td>{{rate .Satisfaction}}</td><td>{{secs .MeanWaitS}}</td><td>{{pct .Utilisation}}</td><td>{{f1 .AgentsOnDuty}}</td><td class="{{if .Pass}}pass{{else}}fail{{end}}">{{mark .Pass}} {{range .Missed}}{{.}} {{end}}</td></tr>
{{end}}</table>
<h2>Per hour of the week</h2>
{{if .S.Staffing}}<p class="cap">With the staffing search, each hour shows every simulation of it at its answer's count (between the same neighbours), pooled: what its mark was judged on.</p>{{end}}
<table><tr><th>hour</th><th>requests</th><th>pickup in the work hours (95% CI)</th><th>outside the hours</th><th>first response</th><th>satisfaction</th><th>mean wait</th><th>utilisation</th><th>agents 在线</th><th></th></tr>
{{range .S.HoursOfWeek}}{{if eq .Status "closed"}}<tr class="muted"><td class="l">{{.Label}}</td><td>{{.Requests}}</td><td class="l" colspan="7">closed: {{.OutsideHours}} requests got the hotline</td><td>·</td></tr>
{{else}}<tr><td class="l">{{.Label}}</td><td>{{.Requests}}</td><td>{{rate .PickupInHours}} {{with rateCI .PickupInHours}}({{.}}){{end}}</td><td>{{.OutsideHours}}</td><td>{{secs .FirstResponseS}}</td><td>{{rate .Satisfaction}}</td><td>{{secs .MeanWaitS}}</td><td>{{pct .Utilisation}}</td><td>{{f1 .AgentsOnDuty}}</td><td class="{{if .Pass}}pass{{else}}fail{{end}}">{{if eq .Status "not measured"}}–{{else}}{{mark .Pass}}{{end}} {{range .Missed}}{{.}} {{end}}</td></tr>
{{end}}{{end}}</table>
{{if .S.Violations}}<h2 class="fail">Routing invariants violated</h2><ul>{{range .S.Violations}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`))
