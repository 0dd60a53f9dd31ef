package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// WriteScriptHTML writes a script run's report.html: one self-contained
// page (inline CSS, no script). Per script: its verdict, what went wrong
// (expected, seen, why, the last frames each party received), the
// transcript in the order things happened, with every assert marked ✔ or
// ✘ between the messages around it, the KPIs of its chats, the invariant
// check, and its source with each line's result. Rule IDs link to their
// text (LinkRules).
func WriteScriptHTML(w io.Writer, r *ScriptRun) error {
	var page bytes.Buffer
	if err := scriptTemplate.Execute(&page, newScriptView(r)); err != nil {
		return fmt.Errorf("reports: html: %w", err)
	}
	_, err := w.Write(LinkRules(page.Bytes()))
	return err
}

type scriptView struct {
	R        *ScriptRun
	Verdict  string
	Started  string
	Duration string
	Scripts  []scriptCard
}

type scriptCard struct {
	S        *Script
	Anchor   string
	Verdict  string
	Class    string
	Asserts  string
	Took     string
	Span     string
	Start    string
	Failed   []scriptFail
	Entries  []scriptEntryView
	Verdicts []htmlKPI
	Source   []sourceLine
}

type scriptFail struct {
	Anchor, Where, Text, Expected, Seen, Reason string
	Rules                                       string
	Frames                                      []PartyFrames
}

type scriptEntryView struct {
	At, Kind, Class, Who, Text, Mark, Anchor string
	Line                                     int
}

type sourceLine struct {
	N          int
	Text, Mark string
	Class      string
	Anchor     string
}

func newScriptView(r *ScriptRun) scriptView {
	v := scriptView{R: r, Verdict: "FAIL", Duration: fmtDuration(r.Duration)}
	switch {
	case r.Interrupted:
		v.Verdict = "INTERRUPTED"
	case r.ExitCode == 2:
		v.Verdict = "SCRIPT ERROR"
	case r.ExitCode == 3:
		v.Verdict = "HARNESS ERROR"
	case r.Passed:
		v.Verdict = "PASS"
	}
	if !r.StartedAt.IsZero() {
		v.Started = r.StartedAt.Format("2006-01-02 15:04:05.000 MST")
	}
	for i := range r.Scripts {
		v.Scripts = append(v.Scripts, newScriptCard(&r.Scripts[i], i))
	}
	return v
}

func newScriptCard(s *Script, i int) scriptCard {
	passed, total := s.Asserts()
	c := scriptCard{S: s, Anchor: fmt.Sprintf("script-%d", i+1), Class: string(s.Status),
		Verdict: map[Status]string{StatusPassed: "PASS", StatusFailed: "FAIL", StatusError: "ERROR", StatusSkipped: "NOT RUN"}[s.Status],
		Asserts: fmt.Sprintf("%d of %d asserts passed", passed, total), Took: fmtDuration(s.Duration)}
	if !s.VendorStart.IsZero() {
		c.Start = vendorClock(s.VendorStart)
		if !s.VendorEnd.IsZero() {
			c.Span = fmtVirtual(s.VendorEnd.Sub(s.VendorStart))
		}
	}
	lineAnchor := func(n int) string { return fmt.Sprintf("%s-line-%d", c.Anchor, n) }
	results := map[int]ScriptLine{}
	for _, l := range s.Lines {
		results[l.Line] = l
		if l.Status == StatusFailed || l.Status == StatusError {
			c.Failed = append(c.Failed, scriptFail{Anchor: lineAnchor(l.Line), Where: fmt.Sprintf("%s:%d:%d", s.File, l.Line, l.Col),
				Text: l.Text, Expected: l.Expected, Seen: l.Seen, Reason: l.Reason, Frames: l.Frames, Rules: strings.Join(l.Rules, ", ")})
		}
	}
	for _, e := range s.Transcript {
		ev := scriptEntryView{Kind: e.Kind, Who: e.Who, Text: e.Text, Line: e.Line}
		if !e.At.IsZero() {
			ev.At = e.At.Format("15:04:05")
		}
		switch e.Kind {
		case "message":
			ev.Class = senderClass(e.Sender)
			if e.Chat != "" && e.Chat != e.Who {
				ev.Who = e.Who + " → " + e.Chat
				if e.Sender == "customer" {
					ev.Who = e.Who
				}
			}
		case "assert":
			ev.Class, ev.Mark, ev.Anchor = "assert "+string(e.Status), mark(e.Status), lineAnchor(e.Line)
		default:
			ev.Class = e.Kind
		}
		c.Entries = append(c.Entries, ev)
	}
	for _, vd := range s.Verdicts {
		k := htmlKPI{Label: kpiLabel(vd.Name), Threshold: kpiThreshold(vd), Result: verdictResult(vd), Value: "–", Class: "skipped"}
		if vd.Measured {
			k.Value = kpiValue(vd.Name, vd.Value)
			k.Class = "failed"
			if vd.Pass {
				k.Class = "passed"
			}
		}
		c.Verdicts = append(c.Verdicts, k)
	}
	for n, text := range s.Source {
		sl := sourceLine{N: n + 1, Text: text, Anchor: lineAnchor(n + 1)}
		if l, ok := results[n+1]; ok {
			sl.Mark, sl.Class = mark(l.Status), string(l.Status)
			if !l.IsAssert() && l.Status == StatusPassed {
				sl.Mark, sl.Class = "·", "done"
			}
		} else if strings.HasPrefix(strings.TrimSpace(text), "#") {
			sl.Class = "comment"
		}
		c.Source = append(c.Source, sl)
	}
	return c
}

var scriptTemplate = template.Must(template.New("script").Funcs(template.FuncMap{"plural": Plural}).Parse(scriptHTML))

const scriptHTML = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Verdict}} · routecheck script · seed {{.R.Seed}}</title>
<style>
body{font:14px/1.45 -apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:12px 0 6px}
.badge{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:700;margin-right:8px;background:#9a6700}
.badge.PASS{background:#1a7f37}.badge.FAIL{background:#cf222e}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.meta dt{color:#59636e}dl.meta dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:14px 0}
.card.failed{border-left:4px solid #cf222e}.card.passed{border-left:4px solid #1a7f37}.card.error{border-left:4px solid #9a6700}
.problems{background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:8px 16px;margin:8px 0}
.problems dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}.problems dt{color:#59636e}.problems dd{margin:0}
.frames{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0 6px 0}
.passed .m,td.passed,.assert.passed .m{color:#1a7f37}.failed .m,td.failed,.assert.failed .m{color:#cf222e}.skipped .m,td.skipped{color:#8c959f}.error .m{color:#9a6700}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f6f8fa;font-weight:600}
td.num{text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
a.rule{color:inherit;text-decoration:underline dotted}section.rules dt{font-weight:600;margin-top:8px}section.rules dd{margin:2px 0 0 16px}
.tl{border:1px solid #d0d7de;border-radius:6px;padding:6px 8px;background:#fff}
.e{display:grid;grid-template-columns:70px 22px 150px 1fr;gap:8px;padding:2px 6px;border-radius:3px;margin:2px 0}
.e .at{color:#8c959f;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}.e .who{font-weight:600;overflow-wrap:anywhere}
.e.customer{background:#ddf4ff}.e.customer .who{color:#0969da}
.e.bot{background:#fbefff}.e.bot .who{color:#8250df}
.e.agent{background:#dafbe1}.e.agent .who{color:#1a7f37}
.e.system{background:#fff8c5}.e.system .who{color:#9a6700}
.e.action .text{font-family:ui-monospace,Menlo,Consolas,monospace;color:#59636e}.e.wait .text,.e.at .text{font-family:ui-monospace,Menlo,Consolas,monospace;color:#0969da}
.e.event .text{color:#59636e;font-style:italic;font-size:13px}
.e.assert{border:1px solid #d0d7de;background:#f6f8fa;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.e.assert.failed{background:#ffebe9;border-color:#ff8182}.e.assert.error{background:#fff8c5}
.e .m{font-weight:700}
pre.src{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 0;overflow-x:auto;font-size:13px;margin:6px 0}
pre.src span.l{display:block;padding:0 10px}pre.src span.l.failed{background:#ffebe9}pre.src span.l.error{background:#fff8c5}pre.src span.l.comment{color:#59636e}
pre.src i{display:inline-block;width:3em;color:#8c959f;font-style:normal;text-align:right;margin-right:6px}pre.src b{display:inline-block;width:1.2em}
nav.toc{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 16px;margin:12px 0}nav.toc ol{margin:4px 0;padding-left:20px}
.legend{font-size:12px;color:#59636e}
footer{margin-top:32px;color:#59636e;font-size:12px}
</style>
</head>
<body>
<main>
<h1><span class="badge {{.Verdict}}">{{.Verdict}}</span>routecheck conversation scripts</h1>
<dl class="meta">
<dt>seed</dt><dd>{{.R.Seed}} (--seed {{.R.Seed}} repeats the test data)</dd>
{{- with .R.Rerun}}
<dt>repeat</dt><dd>{{.}}</dd>
{{- end}}
{{- if .Started}}
<dt>started</dt><dd>{{.Started}}</dd>
{{- end}}
<dt>duration</dt><dd>{{.Duration}}</dd>
<dt>exit code</dt><dd>{{.R.ExitCode}}</dd>
</dl>
<nav class="toc"><b>Scripts</b>
<ol>
{{- range .Scripts}}
<li class="{{.Class}}"><a href="#{{.Anchor}}"><span class="m">{{.Verdict}}</span> {{.S.Name}}</a> · {{.Asserts}}</li>
{{- end}}
</ol>
</nav>
{{- range .Scripts}}
<section class="card {{.Class}}" id="{{.Anchor}}">
<h2><span class="badge {{.Verdict}}">{{.Verdict}}</span>{{.S.Name}} <small>{{.S.File}}</small></h2>
{{- with .S.Summary}}<p>{{.}}</p>{{end}}
<dl class="meta">
<dt>vendor</dt><dd>{{.S.Vendor}}{{with .S.VendorFile}} ({{.}}){{end}}</dd>
<dt>workbench</dt><dd>{{.S.Target}} · {{if eq .S.Clock "virtual"}}the script moved its clock{{else}}its own clock: waits were real{{end}}</dd>
{{- with .Start}}
<dt>vendor time</dt><dd>{{.}}</dd>
{{- end}}
{{- with .Span}}
<dt>workbench time</dt><dd>{{.}}</dd>
{{- end}}
<dt>took</dt><dd>{{.Took}}</dd>
<dt>asserts</dt><dd>{{.Asserts}}</dd>
{{- with .S.Rules}}
<dt>rules shown</dt><dd>{{range $i, $r := .}}{{if $i}}, {{end}}{{$r}}{{end}}</dd>
{{- end}}
</dl>
{{- with .S.Error}}
<div class="problems"><b>{{.}}</b></div>
{{- end}}
{{- range .S.Notes}}
<p>note: {{.}}</p>
{{- end}}
{{- range .Failed}}
<div class="problems">
<b><a href="#{{.Anchor}}">{{.Where}}</a></b> <code>{{.Text}}</code>{{with .Rules}} ({{.}}){{end}}
<dl>
<dt>expected</dt><dd>{{.Expected}}</dd>
<dt>seen</dt><dd>{{.Seen}}</dd>
{{- with .Reason}}
<dt>why</dt><dd>{{.}}</dd>
{{- end}}
</dl>
{{- range .Frames}}
<div>last frames <b>{{.Party}}</b> received:</div>
<div class="frames">{{range .Frames}}{{.}}
{{end}}</div>
{{- end}}
</div>
{{- end}}
<h3>Transcript</h3>
<p class="legend">In the order it happened on the workbench's clock: each party's action, the clock moving, every message of the script's chats (blue the customer, purple the bot, green the agent, yellow the system), what the workbench did (in italics), and each assert, ✔ or ✘, where it was judged.</p>
<div class="tl">
{{- range .Entries}}
<div class="e {{.Class}}"{{with .Anchor}} id="{{.}}-t"{{end}}><span class="at">{{.At}}</span><span class="m">{{.Mark}}</span><span class="who">{{if .Line}}line {{.Line}}{{else}}{{.Who}}{{end}}</span><span class="text">{{.Text}}</span></div>
{{- else}}
<p>nothing happened</p>
{{- end}}
</div>
<h3>KPIs of the script's chats (R-KPI-1)</h3>
{{- if .Verdicts}}
<table>
<tr><th>KPI</th><th>value</th><th>threshold</th><th>result</th></tr>
{{- range .Verdicts}}
<tr><td>{{.Label}}</td><td class="num">{{.Value}}</td><td class="num">{{.Threshold}}</td><td class="{{.Class}}">{{.Result}}</td></tr>
{{- end}}
</table>
{{- with .S.KPIs}}
<p>服务请求量 {{.ServiceRequests}} · 接起量 {{.PickedUp}} · 排队放弃量 {{.Abandoned}} · waiting {{.Waiting}} · responded {{.Responded}} · 参评量 {{.Ratings}} · 满意 {{.Satisfied}}</p>
{{- end}}
{{- else}}
<p>not measured</p>
{{- end}}
<h3>Routing invariants</h3>
{{- if .S.Invariants}}
<ul>
{{- range .S.Invariants}}
<li class="failed"><span class="m">✘</span> {{.Rule}} {{.Invariant}}: {{.Message}}</li>
{{- end}}
</ul>
{{- else if .S.InvariantsChecked}}
<p class="passed"><span class="m">✔</span> clean over {{plural .S.InvariantsChecked "event"}} of the workbench's log</p>
{{- else}}
<p>not checked</p>
{{- end}}
<h3>The script</h3>
<pre class="src">
{{- range .Source}}<span class="l {{.Class}}" id="{{.Anchor}}"><i>{{.N}}</i><b class="m">{{.Mark}}</b>{{.Text}}</span>{{end -}}
</pre>
</section>
{{- end}}
<footer>routecheck script · seed {{.R.Seed}}</footer>
</main>
</body>
</html>
`

// WriteScriptAll writes report.json, junit.xml and report.html of a script
// run into dir, each whole or not at all.
func WriteScriptAll(dir string, r *ScriptRun) error {
	return writeAll(dir, func(name string, w io.Writer) error {
		switch name {
		case JSONFile:
			return WriteScriptJSON(w, r)
		case JUnitFile:
			return WriteScriptJUnit(w, r)
		}
		return WriteScriptHTML(w, r)
	})
}
