package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"

	"routecheck/sim/invariant"
)

// WriteHTML writes report.html: one self-contained page a person opens
// (inline CSS, screenshots as data: URIs, no script, no external asset).
// It reads top-down: the verdict with seed and trace id, a table of
// contents, what went wrong with its fix, the KPIs against thresholds and
// the invariant verdict, the five steps (timeline, waterfall of step spans
// and chat phases, each step's checks), the browser checks with their
// screenshots as thumbnails that open full size, then the transcripts.
func WriteHTML(w io.Writer, r *Run) error {
	var page bytes.Buffer
	if err := reportTemplate.Execute(&page, newHTMLView(r)); err != nil {
		return fmt.Errorf("reports: html: %w", err)
	}
	_, err := w.Write(LinkRules(page.Bytes()))
	return err
}

type htmlView struct {
	R           *Run
	Verdict     string // PASS or FAIL
	Started     string
	Duration    string
	Problems    []htmlProblem
	Steps       []htmlItem
	Waterfall   *waterfall
	Browser     []htmlItem
	Verdicts    []htmlKPI
	Invariants  []invariant.Violation
	Transcripts []htmlTranscript
}

type htmlProblem struct {
	Anchor, What, Message, Rule, Fix string
	// Consequences are failures that only follow from this one.
	Consequences []string
	step         int // the step it is about, 0 for none
}

// htmlItem is a step or a browser check.
type htmlItem struct {
	Anchor, Title, Status, Mark, Duration string
	Checks                                []Check
	Timings                               []htmlTiming
	Diagnosis                             *Diagnosis
	Fix                                   string
	// Problem is the diagnosis' message when it says more than the
	// failed checks above it; empty when it would only repeat them.
	Problem        string
	Screenshot     template.URL // data: URI
	ScreenshotLink string       // the PNG next to report.html, full size
	ScreenshotNote string
	SkipReason     string
}

type htmlTiming struct{ Name, Value string }

type htmlKPI struct {
	Label, Value, Threshold, Result, Class string
}

type htmlTranscript struct {
	Title, Conv string
	Lines       []htmlLine
}

type htmlLine struct {
	At, Sender, Who, Text string
}

func newHTMLView(r *Run) htmlView {
	v := htmlView{R: r, Verdict: "FAIL", Duration: fmtDuration(r.Duration),
		Waterfall: layoutWaterfall(r), Invariants: r.Invariants}
	_, broken := r.errorStep()
	switch {
	case r.Interrupted:
		v.Verdict = "INTERRUPTED"
	case broken:
		v.Verdict = "HARNESS ERROR"
	case r.Passed:
		v.Verdict = "PASS"
	}
	if !r.StartedAt.IsZero() {
		v.Started = r.StartedAt.Format("2006-01-02 15:04:05.000 MST")
	}
	for _, s := range r.Steps {
		it := htmlItem{Anchor: fmt.Sprintf("step-%d", s.Number), Title: s.Title(), Status: string(s.Status),
			Mark: mark(s.Status), Duration: fmtDuration(s.Duration), Checks: s.Checks, Diagnosis: s.Diagnosis}
		keys := make([]string, 0, len(s.Timings))
		for k := range s.Timings {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			it.Timings = append(it.Timings, htmlTiming{k, fmtDuration(s.Timings[k])})
		}
		if s.Status == StatusError {
			v.Problems = append(v.Problems, htmlProblem{Anchor: it.Anchor, What: fmt.Sprintf("Step %d/%d %s", s.Number, RouteSteps, nameRule(s.Name, s.Rule)),
				Message: s.Error, Fix: "harness trouble, not the vendor's: nothing to change in the vendor's configuration", step: s.Number})
		}
		if s.Status == StatusFailed {
			it.Fix, it.Problem = fixText(s.Diagnosis), newMessage(s.Diagnosis, s.Checks)
			p := problem(it.Anchor, fmt.Sprintf("Step %d/%d %s", s.Number, RouteSteps, nameRule(s.Name, s.Rule)), s.Checks, s.Diagnosis)
			p.step = s.Number
			v.Problems = append(v.Problems, p)
		}
		v.Steps = append(v.Steps, it)
	}
	for i, b := range r.Browser {
		it := htmlItem{Anchor: fmt.Sprintf("browser-%d", i+1), Title: b.Title(), Status: string(b.Status),
			Mark: mark(b.Status), Duration: fmtDuration(b.Duration), Checks: b.Checks, Diagnosis: b.Diagnosis,
			SkipReason: b.SkipReason, ScreenshotLink: screenshotName(i, b)}
		if b.Status == StatusFailed {
			it.Fix, it.Problem = fixText(b.Diagnosis), newMessage(b.Diagnosis, b.Checks)
			v.Problems = append(v.Problems, problem(it.Anchor, "Browser check "+b.Title(), b.Checks, b.Diagnosis))
		}
		switch mime := http.DetectContentType(b.Screenshot); {
		case len(b.Screenshot) > 0 && strings.HasPrefix(mime, "image/"):
			// safe: built here from image bytes, never from text
			it.Screenshot = template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b.Screenshot))
		case len(b.Screenshot) > 0:
			it.ScreenshotNote = "screenshot is not an image (" + mime + ")"
		case b.ScreenshotFile != "":
			it.ScreenshotNote = "screenshot not embedded: " + b.ScreenshotFile
		}
		v.Browser = append(v.Browser, it)
	}
	if len(r.Invariants) > 0 {
		v.Problems = append(v.Problems, htmlProblem{Anchor: "invariants", What: "Routing invariants",
			Message: fmt.Sprintf("%d violated: %s", len(r.Invariants), r.Invariants[0]), Rule: r.Invariants[0].Rule,
			Fix: "a routing bug in the workbench, not a vendor configuration: report it with the seed and the event numbers"})
	}
	for _, vd := range r.Verdicts {
		k := htmlKPI{Label: kpiLabel(vd.Name), Value: kpiValue(vd.Name, vd.Value), Threshold: kpiThreshold(vd),
			Result: verdictResult(vd), Class: "passed"}
		switch {
		case !vd.Measured:
			k.Value, k.Class = "—", "skipped"
		case !vd.Pass:
			k.Class = "failed"
			what := fmt.Sprintf("KPI %s %s, must be %s", k.Label, k.Value, k.Threshold)
			if s, ok := r.followsFrom(vd.Name); ok {
				// a consequence, listed under its cause with no fix of its own
				k.Result = "FAIL, follows from step " + fmt.Sprint(s.Number)
				for i := range v.Problems {
					if v.Problems[i].step == s.Number {
						v.Problems[i].Consequences = append(v.Problems[i].Consequences, what+": "+consequence(s))
					}
				}
				break
			}
			v.Problems = append(v.Problems, htmlProblem{Anchor: "kpis", What: "KPI " + k.Label, Rule: "R-KPI-1",
				Message: fmt.Sprintf("%s, must be %s", k.Value, k.Threshold), Fix: kpiFix(vd.Name)})
		}
		v.Verdicts = append(v.Verdicts, k)
	}
	for _, t := range r.Transcripts {
		ht := htmlTranscript{Title: orDash(t.Title), Conv: t.Conv}
		for _, l := range t.Lines {
			hl := htmlLine{Sender: senderClass(l.Sender), Who: senderLabel(l.Sender), Text: l.Text}
			if !l.At.IsZero() {
				hl.At = l.At.Format("15:04:05.000")
			}
			ht.Lines = append(ht.Lines, hl)
		}
		v.Transcripts = append(v.Transcripts, ht)
	}
	return v
}

// newMessage is the diagnosis' message unless a failed check already says
// it (a step's diagnosis is often "check: expected X, saw Y"): the card
// shows each thing once, the check table and then the fix.
func newMessage(d *Diagnosis, checks []Check) string {
	if d == nil || d.Message == "" {
		return ""
	}
	for _, c := range failedChecks(checks) {
		if strings.Contains(d.Message, c.Seen) && strings.Contains(d.Message, c.Expected) {
			return ""
		}
	}
	return d.Message
}

func problem(anchor, what string, checks []Check, d *Diagnosis) htmlProblem {
	p := htmlProblem{Anchor: anchor, What: what, Fix: fixText(d)}
	if d != nil {
		p.Message, p.Rule = d.Message, d.Rule
	}
	if fc := failedChecks(checks); p.Message == "" && len(fc) > 0 {
		p.Message = fmt.Sprintf("%s: expected %s, saw %s", fc[0].Name, fc[0].Expected, fc[0].Seen)
	}
	return p
}

func senderClass(s string) string {
	switch s {
	case "customer", "bot", "agent", "system":
		return s
	}
	return "other"
}

func senderLabel(s string) string {
	switch s {
	case "customer":
		return "顾客 customer"
	case "bot":
		return "小蜜 bot"
	case "agent":
		return "客服 agent"
	case "system":
		return "系统 system"
	}
	return s
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"plural": Plural}).Parse(reportHTML))

const reportHTML = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Verdict}} · routecheck · {{.R.Vendor}} · seed {{.R.Seed}}</title>
<style>
body{font:14px/1.45 -apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:0 0 6px}
.badge{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:700;margin-right:8px}
.badge.PASS{background:#1a7f37}.badge.FAIL{background:#cf222e}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.meta dt{color:#59636e}dl.meta dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:10px 0}
.card.failed{border-left:4px solid #cf222e}.card.passed{border-left:4px solid #1a7f37}.card.skipped{border-left:4px solid #8c959f;color:#59636e}
.problems{background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:8px 16px}
.problems li{margin:6px 0}
.fix{background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:6px 10px;margin-top:6px}
.diag{margin:8px 0 0}
.passed .m,td.passed{color:#1a7f37}.failed .m,td.failed{color:#cf222e}.skipped .m,td.skipped{color:#8c959f}
p.m.passed,td.m.passed{color:#1a7f37}p.m.failed,td.m.failed{color:#cf222e}td.m.skipped{color:#8c959f}
ol.timeline{display:flex;list-style:none;padding:0;margin:8px 0;gap:6px}
ol.timeline li{flex:1;background:#fff;border:1px solid #d0d7de;border-top:4px solid #8c959f;border-radius:4px;padding:6px 8px;font-size:13px}
ol.timeline li.passed{border-top-color:#1a7f37}ol.timeline li.failed{border-top-color:#cf222e;background:#fff5f5}
ol.timeline a{color:inherit;text-decoration:none}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#f6f8fa;font-weight:600}
.scroll{overflow-x:auto}table.checks{table-layout:fixed;min-width:640px}table.checks col.mk{width:2em}table.checks col.nm{width:22%}
table.checks th,table.checks td{overflow-wrap:break-word}table.checks td:nth-child(3),table.checks td:nth-child(4){overflow-wrap:anywhere}
a.rule{color:inherit;text-decoration:underline dotted}section.rules dt{font-weight:600;margin-top:8px}section.rules dd{margin:2px 0 0 16px}
td.num{text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
tr.failed td{background:#fff5f5}
.wf{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px}
.wf .row{display:grid;grid-template-columns:280px 1fr 240px;gap:8px;align-items:center;min-height:22px}
.wf .lbl{overflow-wrap:anywhere}.wf .sub .lbl{padding-left:14px;color:#59636e;font-size:13px}
.wf .note{font-size:12px;color:#59636e}
.wf .track{position:relative;height:18px;background:#f6f8fa;border-radius:2px}
.wf .axis .track{background:none;height:16px;border-bottom:1px solid #8c959f}
.wf .tick{position:absolute;top:0;font-size:11px;color:#59636e;border-left:1px solid #8c959f;padding-left:2px;height:15px;white-space:nowrap}
.wf .tick.end{border-left:none;border-right:1px solid #8c959f;padding:0 2px 0 0;transform:translateX(-100%)}
.wf .bar{position:absolute;top:3px;height:12px;border-radius:2px;min-width:2px}
.st-passed{background:#4ac26b}.st-failed{background:#ff8182}.st-skipped{background:#d0d7de}
.ph-bot{background:#8250df}.ph-queue{background:#d4a72c}.ph-reply{background:#0969da}.ph-other{background:#8c959f}
.ph-reply.late,.ph-noreply{background:repeating-linear-gradient(45deg,#cf222e 0 4px,#ff8182 4px 8px)}
.wf .bar.limit{top:0;height:18px;width:0;min-width:0;border-left:2px dashed #cf222e;border-radius:0}
.legend span{display:inline-block;margin-right:14px;font-size:12px;color:#59636e}.legend i{display:inline-block;width:12px;height:10px;margin-right:4px;border-radius:2px;vertical-align:middle}
.chat{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:8px 0}
.line{display:grid;grid-template-columns:95px 110px 1fr;gap:8px;padding:2px 6px;border-radius:3px;margin:2px 0}
.line .at{color:#8c959f;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}.line .who{font-weight:600}
.line.customer{background:#ddf4ff}.line.customer .who{color:#0969da}
.line.bot{background:#fbefff}.line.bot .who{color:#8250df}
.line.agent{background:#dafbe1}.line.agent .who{color:#1a7f37}
.line.system{background:#fff8c5}.line.system .who{color:#9a6700}
.line.other{background:#f6f8fa}
.shot{display:inline-block;margin-top:8px;cursor:zoom-in}.shot input{display:none}
.shot img{max-width:240px;max-height:180px;border:1px solid #d0d7de;vertical-align:top}
.shot input:checked+img{max-width:100%;max-height:none;cursor:zoom-out}
nav.toc{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 16px;margin:12px 0}nav.toc ol{margin:4px 0;padding-left:20px}nav.toc li{margin:2px 0}
.skipreason{color:#59636e;margin:4px 0}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace}
footer{margin-top:32px;color:#59636e;font-size:12px}
</style>
</head>
<body>
<main>
<h1><span class="badge {{.Verdict}}">{{.Verdict}}</span>routecheck route test · {{.R.Vendor}}</h1>
<dl class="meta">
<dt>seed</dt><dd>{{.R.Seed}} (the same seed repeats the run: --seed {{.R.Seed}})</dd>
{{- with .R.Rerun}}
<dt>repeat</dt><dd class="mono">{{.}}</dd>
{{- end}}
<dt>vendor</dt><dd>{{.R.Vendor}}{{if .R.VendorFile}} ({{.R.VendorFile}}){{end}}</dd>
<dt>target</dt><dd>{{.R.Target}}</dd>
<dt>trace id</dt><dd>{{.R.TraceID}}</dd>
{{- with .R.VendorTimeHow}}
<dt>vendor time</dt><dd>{{.}}</dd>
{{- end}}
<dt>run id</dt><dd>{{.R.ID}}</dd>
{{- if .Started}}
<dt>started</dt><dd>{{.Started}}</dd>
{{- end}}
<dt>duration</dt><dd>{{.Duration}}</dd>
<dt>exit code</dt><dd>{{.R.ExitCode}}</dd>
</dl>
<nav class="toc"><b>Contents</b>
<ol>
{{- if .Problems}}
<li><a href="#problems">What went wrong</a></li>
{{- end}}
<li><a href="#kpis">KPIs against thresholds</a></li>
<li><a href="#invariants">Routing invariants</a></li>
<li><a href="#steps">Steps</a>: <a href="#waterfall">waterfall</a>, <a href="#checks">checks of each step</a></li>
{{- if .Browser}}
<li><a href="#browser">Browser checks and screenshots</a></li>
{{- end}}
{{- if .Transcripts}}
<li><a href="#transcripts">Transcripts</a></li>
{{- end}}
{{- if .R.Notes}}
<li><a href="#notes">Notes</a></li>
{{- end}}
</ol>
</nav>
{{- if .Problems}}
<div class="problems" id="problems">
<h2>What went wrong</h2>
<ul>
{{- range .Problems}}
<li><a href="#{{.Anchor}}"><b>{{.What}}</b></a>{{if .Message}}: {{.Message}}{{end}}<br>fix{{if .Rule}} ({{.Rule}}){{end}}: {{.Fix}}
{{- with .Consequences}}
<ul class="consequences">
{{- range .}}
<li>consequence: {{.}}</li>
{{- end}}
</ul>
{{- end}}</li>
{{- end}}
</ul>
</div>
{{- end}}

<h2 id="kpis">KPIs against thresholds (R-KPI-1)</h2>
{{- if .Verdicts}}
<table>
<tr><th>KPI</th><th>value</th><th>threshold</th><th>result</th></tr>
{{- range .Verdicts}}
<tr><td>{{.Label}}</td><td class="num">{{.Value}}</td><td class="num">{{.Threshold}}</td><td class="{{.Class}}">{{.Result}}</td></tr>
{{- end}}
</table>
{{- else}}
<p>not assessed</p>
{{- end}}
{{- with .R.KPIs}}
<table>
<tr><th>服务请求量 service requests</th><th>接起量 picked up</th><th>排队放弃量 abandoned</th><th>waiting</th><th>responded</th><th>参评量 ratings</th><th>满意 satisfied</th></tr>
<tr><td class="num">{{.ServiceRequests}}</td><td class="num">{{.PickedUp}}</td><td class="num">{{.Abandoned}}</td><td class="num">{{.Waiting}}</td><td class="num">{{.Responded}}</td><td class="num">{{.Ratings}}</td><td class="num">{{.Satisfied}}</td></tr>
</table>
{{- end}}

<h2 id="invariants">Routing invariants</h2>
{{- if .Invariants}}
<table>
<tr><th>rule</th><th>invariant</th><th>at</th><th>what</th><th>events</th></tr>
{{- range .Invariants}}
<tr class="failed"><td>{{.Rule}}</td><td>{{.Invariant}}</td><td class="num">{{.At.Format "15:04:05.000"}}</td><td>{{.Message}}</td><td class="num">{{range $i, $e := .Events}}{{if $i}}, {{end}}#{{$e}}{{end}}</td></tr>
{{- end}}
</table>
<p class="m failed">✘ {{len .Invariants}} violated over {{plural .R.InvariantsChecked "event"}}.</p>
{{- else if .R.InvariantsChecked}}
<p class="m passed">✔ clean: no invariant violated over {{plural .R.InvariantsChecked "event"}} (capacity, status, tenant, single owner, FIFO, head at once, welcome is not a reply).</p>
{{- else}}
<p>not checked</p>
{{- end}}

<h2 id="steps">Steps</h2>
<ol class="timeline">
{{- range .Steps}}
<li class="{{.Status}}"><a href="#{{.Anchor}}"><span class="m">{{.Mark}}</span> {{.Title}}<br><small>{{if eq .Status "skipped"}}skipped{{else}}{{.Duration}}{{end}}</small></a></li>
{{- end}}
</ol>

<h3 id="waterfall">Waterfall</h3>
{{- with .Waterfall}}
<div class="wf">
<div class="row axis"><div class="lbl"></div><div class="track">
{{- range .Ticks}}<span class="tick{{if .End}} end{{end}}" style="{{.Style}}">{{.Label}}</span>{{end -}}
</div><div class="note">from the start of step 1</div></div>
{{- range .Rows}}
<div class="row {{.Class}}{{if .Sub}} sub{{end}}"><div class="lbl" title="{{.Label}}">{{.Label}}</div><div class="track">
{{- range .Bars}}<span class="bar {{.Class}}" style="{{.Style}}" title="{{.Title}}"></span>{{end -}}
</div><div class="note" title="{{.Note}}">{{.Note}}</div></div>
{{- end}}
<p class="legend"><span><i class="st-passed"></i>step passed</span><span><i class="st-failed"></i>step failed</span><span><i class="ph-bot"></i>in the bot (小蜜)</span><span><i class="ph-queue"></i>in the queue</span><span><i class="ph-reply"></i>to the first response (首响)</span><span><i class="ph-noreply"></i>first response ≥ 30 s or none</span><span><i class="ph-other"></i>other timing</span></p>
<p class="legend"><span>{{if .LimitShown}}The dashed red line is the 首响时长 limit, 30 s after each chat's pickup (R-KPI-1).{{else}}The 首响时长 limit, 30 s after each chat's pickup (R-KPI-1), lies beyond the end of this chart.{{end}}</span></p>
<p class="legend"><span>A chat's phases are drawn end to end from its transfer request; their place within a step is approximate, their lengths are measured.</span></p>
</div>
{{- else}}
<p>No step ran.</p>
{{- end}}

<h3 id="checks">Checks of each step</h3>
{{- range .Steps}}
<div class="card {{.Status}}" id="{{.Anchor}}">
<h3><span class="m">{{.Mark}}</span> Step {{.Title}} <small>· {{.Status}}{{if ne .Status "skipped"}} · {{.Duration}}{{end}}</small></h3>
{{- template "item" .}}
{{- if .Timings}}
<p>timings:{{range .Timings}} <span class="mono">{{.Name}} {{.Value}}</span>;{{end}}</p>
{{- end}}
</div>
{{- end}}
{{- if .Browser}}

<h2 id="browser">Browser checks and screenshots</h2>
{{- range .Browser}}
<div class="card {{.Status}}" id="{{.Anchor}}">
<h3><span class="m">{{.Mark}}</span> {{.Title}} <small>· {{.Status}}{{if ne .Status "skipped"}} · {{.Duration}}{{end}}</small></h3>
{{- if .SkipReason}}
<p class="skipreason">skipped: does not apply to this vendor: {{.SkipReason}}</p>
{{- end}}
{{- template "item" .}}
{{- if .Screenshot}}
<label class="shot" title="click to see it full size"><input type="checkbox"><img alt="screenshot of {{.Title}}" src="{{.Screenshot}}"></label>
{{- if .ScreenshotLink}}
<p><a href="{{.ScreenshotLink}}">{{.ScreenshotLink}}</a> (full size, next to this report)</p>
{{- end}}
{{- else if .ScreenshotNote}}
<p>{{.ScreenshotNote}}</p>
{{- end}}
</div>
{{- end}}
{{- end}}
{{- if .Transcripts}}

<h2 id="transcripts">Transcripts</h2>
{{- range .Transcripts}}
<div class="chat">
<h3>{{.Title}} <small class="mono">{{.Conv}}</small></h3>
{{- range .Lines}}
<div class="line {{.Sender}}"><span class="at">{{.At}}</span><span class="who">{{.Who}}</span><span class="text">{{.Text}}</span></div>
{{- else}}
<p>no messages</p>
{{- end}}
</div>
{{- end}}
{{- end}}
{{- if .R.Notes}}

<h2 id="notes">Notes</h2>
<ul>
{{- range .R.Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
<footer>routecheck · run {{.R.ID}} · seed {{.R.Seed}} · trace {{.R.TraceID}}</footer>
</main>
</body>
</html>
{{define "item"}}
{{- if .Checks}}
<div class="scroll"><table class="checks"><colgroup><col class="mk"><col class="nm"><col><col></colgroup>
<tr><th></th><th>check</th><th>expected</th><th>seen</th></tr>
{{- range .Checks}}
{{- if eq $.Status "skipped"}}
<tr><td class="m skipped">–</td>
{{- else if .Passed}}
<tr><td class="m passed">✔</td>
{{- else}}
<tr class="failed"><td class="m failed">✘</td>
{{- end}}<td>{{.Name}}</td><td>{{.Expected}}</td><td>{{.Seen}}</td></tr>
{{- end}}
</table></div>
{{- end}}
{{- if .Fix}}
<div class="diag">
{{- if .Problem}}<p>{{.Problem}}</p>{{end}}
<div class="fix"><b>fix{{with .Diagnosis}}{{if .Rule}} ({{.Rule}}){{end}}{{end}}:</b> {{.Fix}}</div>
</div>
{{- end}}
{{- end}}`
