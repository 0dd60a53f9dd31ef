package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"routecheck/reports"
)

// WriteFiles writes report.json, report.html and junit.xml into dir.
func (rep *Report) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, write := range map[string]func(io.Writer) error{
		"report.json": rep.WriteJSON, "report.html": rep.WriteHTML,
		"junit.xml": func(w io.Writer) error { return reports.WriteSuites(w, "routecheck load", rep.Suite()) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// Suite is the run as a JUnit suite, which reports.WriteSuites writes
// (the one JUnit writer): one test case per audited property (the suite's
// properties repeat the run); a failed one says how many, its whole
// finding with examples, and the command that repeats the run.
func (rep *Report) Suite() reports.Suite {
	s := reports.Suite{Name: "routecheck load", Timestamp: rep.Started, Time: time.Duration(rep.DurationS * float64(time.Second)),
		Properties: [][2]string{{"seed", fmt.Sprint(rep.Seed)}, {"rerun", rep.Rerun}, {"target", rep.Target},
			{"customers", fmt.Sprint(rep.Customers)}, {"agents", fmt.Sprint(rep.Agents)}, {"capacity", fmt.Sprint(rep.Capacity)},
			{"faults", strings.Join(rep.Faults.Spec, ",")}, {"interrupted", fmt.Sprint(rep.Interrupted)}}}
	for _, p := range rep.Properties(rep.Faults.Told+rep.Faults.Untold > 0 || hasShutdown(rep.Faults.Spec)) {
		// every property is judged over the whole run
		c := reports.Case{Class: "routecheck.load", Name: p.Name, Time: s.Time}
		if !p.Pass {
			c.Failure, c.FailureType = p.Name+" failed", "load audit"
			if i := strings.Index(p.Detail, ":"); i > 0 {
				c.Failure = p.Name + ": " + p.Detail[:i]
			}
			c.FailureText = p.Detail
			if rep.Rerun != "" {
				c.FailureText += "\nrepeat with: " + rep.Rerun
			}
		}
		s.Cases = append(s.Cases, c)
	}
	return s
}

func hasShutdown(spec []string) bool {
	for _, s := range spec {
		if strings.HasPrefix(s, FaultShutdown+":") {
			return true
		}
	}
	return false
}

// WriteHTML writes report.html: the verdict, the audit, latency
// histograms and the time series as inline SVG (no scripts, no network).
// Rule IDs link to their text at the end of the page (reports.LinkRules).
func (rep *Report) WriteHTML(w io.Writer) error {
	var page bytes.Buffer
	if err := htmlTmpl.Execute(&page, rep); err != nil {
		return err
	}
	_, err := w.Write(reports.LinkRules(page.Bytes()))
	return err
}

var htmlTmpl = template.Must(template.New("r").Funcs(template.FuncMap{
	"bars":   svgBars,
	"series": svgSeries,
	"errs":   sortedErrors,
	"pct":    func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>routecheck load</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
th{text-align:left}.pass{color:#070}.fail{color:#b00}svg{background:#fafafa;border:1px solid #ddd}</style></head><body>
<h1 id="verdict">routecheck load: {{if .Pass}}<span class="pass">passed</span>{{else}}<span class="fail">failed</span>{{end}}</h1>
<p>{{.Customers}} customers, {{.Agents}} agents (capacity {{.Capacity}}){{if .RatePerS}}, {{.RatePerS}} arrivals/s{{end}}, seed {{.Seed}}, {{printf "%.1f" .DurationS}} s{{if .Target}}, target {{.Target}}{{else}}, bundled workbench{{end}}.
{{if .Faults.Spec}}Faults: {{range .Faults.Spec}}{{.}} {{end}}({{.Faults.Injected}} injected{{range $k, $n := .Faults.InjectedBy}}, {{$k}} {{$n}}{{end}}).{{end}}</p>
{{if .Failures}}<ul id="failures">{{range .Failures}}<li class="fail">{{.}}</li>{{end}}</ul>{{end}}
<h2 id="audit">Message audit</h2>
<table><tr><th>sent</th><th>delivered</th><th>lost</th><th>duplicated</th><th>out of order</th><th>misdelivered</th><th>foreign</th><th>refused (expected)</th><th>refused (unexpected)</th><th>unconfirmed</th><th>unreached</th></tr>
<tr><td>{{.Messages.Sent}}</td><td>{{.Messages.Delivered}}</td><td>{{.Messages.Lost}}</td><td>{{.Messages.Duplicated}}</td><td>{{.Messages.OutOfOrder}}</td><td>{{.Messages.Misdelivered}}</td><td>{{.Messages.Foreign}}</td><td>{{.Messages.Refused}}{{range $k, $n := .Messages.RefusedBy}} ({{$k}}: {{$n}}){{end}}</td><td>{{.Messages.RefusedUnexpected}}</td><td>{{.Messages.Unconfirmed}} (within {{.Messages.WindowS}} s)</td><td>{{.Messages.Unreached}}</td></tr></table>
<p>Chat frames checked by the actors: {{.Frames.Checked}}; out of cseq order {{.Frames.OutOfOrder}}, message gaps {{.Frames.Gaps}}, misdelivered frames {{.Frames.Misdelivered}}.</p>
<h2 id="latency">Latency (ms){{if .CorrectedForCO}}, from scheduled times (coordinated omission corrected){{end}}</h2>
<table><tr><th></th><th>count</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>
<tr><th>assignment</th><td>{{.LatencyMS.Assign.Count}}</td><td>{{printf "%.2f" .LatencyMS.Assign.P50}}</td><td>{{printf "%.2f" .LatencyMS.Assign.P95}}</td><td>{{printf "%.2f" .LatencyMS.Assign.P99}}</td><td>{{printf "%.2f" .LatencyMS.Assign.Max}}</td></tr>
<tr><th>delivery</th><td>{{.LatencyMS.Deliver.Count}}</td><td>{{printf "%.2f" .LatencyMS.Deliver.P50}}</td><td>{{printf "%.2f" .LatencyMS.Deliver.P95}}</td><td>{{printf "%.2f" .LatencyMS.Deliver.P99}}</td><td>{{printf "%.2f" .LatencyMS.Deliver.Max}}</td></tr></table>
<h3 id="hist-assign">Assignment latency histogram</h3>{{bars (index .Histograms "assign")}}
<h3 id="hist-deliver">Delivery latency histogram</h3>{{bars (index .Histograms "deliver")}}
<h2 id="series">Over time</h2>
<h3>Queue length (customers waiting)</h3>{{series .Series "queue"}}
<h3>p99 assignment (<span style="color:#c33">red</span>) and delivery (<span style="color:#36c">blue</span>) latency per second (ms)</h3>{{series .Series "latency"}}
<h2 id="throughput">Throughput and errors</h2>
<p>{{printf "%.1f" .Throughput.MessagesPerS}} messages/s delivered, {{printf "%.1f" .Throughput.ChatsPerS}} chats/s assigned; {{.Conversations}} chats, {{.Unassigned}} customers never assigned.</p>
{{with .Memory}}<p>Process heap (workbench and generator): {{printf "%.1f" .HeapBeforeMB}} MB before, {{printf "%.1f" .HeapPeakMB}} MB at peak, {{printf "%.1f" .PerSocketKB}} kB per socket at {{.PeakSockets}} sockets.</p>{{end}}
{{$e := .Errors}}{{if $e}}<table id="errors"><tr><th>kind</th><th>count</th></tr>{{range errs $e}}<tr><th>{{.}}</th><td>{{index $e .}}</td></tr>{{end}}</table>{{else}}<p>No connection errors.</p>{{end}}
{{if .Profile}}<h2 id="cpu">Where the CPU went</h2><table>{{range .Profile}}<tr><th>{{.Category}}</th><td>{{printf "%.1f" .Percent}}%</td></tr>{{end}}</table>{{end}}
<h2 id="invariants">Routing invariants ({{.Invariants.Events}} events)</h2>
{{if .Invariants.Violations}}<ul>{{range .Invariants.Violations}}<li class="fail">{{.}}</li>{{end}}</ul>{{else}}<p class="pass">No violations.</p>{{end}}
<h2 id="kpis">KPIs of the load run</h2>
<p>service requests {{.KPIs.ServiceRequests}}, picked up {{.KPIs.PickedUp}}, 接起率 pickup rate {{pct .KPIs.PickupRate}}, abandoned {{.KPIs.Abandoned}} (排队放弃率 {{pct .KPIs.AbandonmentRate}}), 首响时长 first response {{printf "%.2f" .KPIs.FirstResponseS}} s (R-KPI-1).</p>
</body></html>
`))

// svgBars draws a histogram: one bar per power-of-two millisecond bucket,
// each with its count above it, a y axis of counts (0, half, the largest)
// and the buckets' upper bounds in ms along the x axis.
func svgBars(b []Bucket) template.HTML {
	if len(b) == 0 {
		return "<p>no values</p>"
	}
	const w, h, left, top = 640, 160, 48, 14
	var maxN int64
	for _, x := range b {
		maxN = max(maxN, x.Count)
	}
	bw := float64(w) / float64(len(b))
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg width="%d" height="%d" role="img" class="hist">`, w+left, top+h+34)
	// y axis: counts
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, left, top, left, top+h)
	for _, v := range []int64{0, maxN / 2, maxN} {
		y := float64(top+h) - float64(v)/float64(max(maxN, 1))*h
		fmt.Fprintf(&sb, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#888"/><text x="%d" y="%.1f" font-size="9" text-anchor="end" class="ytick">%d</text>`,
			left-3, y, left, y, left-5, y+3, v)
	}
	fmt.Fprintf(&sb, `<text x="2" y="%d" font-size="9">count</text>`, top-4)
	for i, x := range b {
		bh := float64(x.Count) / float64(max(maxN, 1)) * h
		bx := float64(left) + float64(i)*bw
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#48c"><title>≤ %g ms: %d</title></rect>`,
			bx+1, float64(top+h)-bh, bw-2, bh, x.UpToMS, x.Count)
		if x.Count > 0 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle" class="count">%d</text>`, bx+bw/2, float64(top+h)-bh-2, x.Count)
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="9" text-anchor="middle">%g</text>`, bx+bw/2, top+h+12, x.UpToMS)
	}
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="9" text-anchor="middle">latency, ms (upper bound of each bucket)</text></svg>`, left+w/2, top+h+28)
	return template.HTML(sb.String())
}

// svgSeries draws the queue length, or the p99 latencies, over time.
func svgSeries(s []Sample, which string) template.HTML {
	if len(s) == 0 {
		return "<p>no samples</p>"
	}
	const w, h = 640, 160
	// A value is nil for a second with nothing to show: the line breaks
	// there instead of dropping to 0.
	lines := map[string]func(Sample) *float64{}
	colors := map[string]string{}
	if which == "queue" {
		lines["queue"] = func(x Sample) *float64 { v := float64(x.Queue); return &v }
		colors["queue"] = "#c60"
	} else {
		lines["assign p99"] = func(x Sample) *float64 { return x.AssignP99 }
		lines["deliver p99"] = func(x Sample) *float64 { return x.DeliverP99 }
		colors["assign p99"], colors["deliver p99"] = "#c33", "#36c"
	}
	maxV, maxT := 1e-9, s[len(s)-1].AtS
	for _, f := range lines {
		for _, x := range s {
			if v := f(x); v != nil {
				maxV = max(maxV, *v)
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg width="%d" height="%d" role="img">`, w, h+20)
	for name, f := range lines {
		var runs [][]string
		var pts []string
		for _, x := range s {
			v := f(x)
			if v == nil {
				if len(pts) > 0 {
					runs, pts = append(runs, pts), nil
				}
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x.AtS/max(maxT, 1)*w, h-*v/maxV*h))
		}
		if len(pts) > 0 {
			runs = append(runs, pts)
		}
		for _, run := range runs {
			fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"><title>%s</title></polyline>`, colors[name], strings.Join(run, " "), name)
		}
	}
	fmt.Fprintf(&sb, `<text x="2" y="10" font-size="10">max %.1f</text><text x="%d" y="%d" font-size="10" text-anchor="end">%.0f s</text></svg>`, maxV, w, h+14, maxT)
	return template.HTML(sb.String())
}
