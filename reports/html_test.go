package reports

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"routecheck/docs"
)

var update = flag.Bool("update", false, "rewrite testdata/report.golden.html")

const golden = "testdata/report.golden.html"

func renderHTML(t *testing.T, r *Run) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLGolden(t *testing.T) {
	got := renderHTML(t, passingRun())
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update)", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Fatalf("report.html differs from %s at line %d:\n got: %s\nwant: %s\n(go test ./reports -update if intended)", golden, i+1, g[i], w[i])
		}
	}
	t.Fatalf("report.html has %d lines, %s %d (go test ./reports -update if intended)", len(g), golden, len(w))
}

func TestHTMLPassing(t *testing.T) {
	out := renderHTML(t, passingRun())
	for _, want := range []string{
		`<meta charset="utf-8">`,
		`<title>PASS · routecheck · 闲鱼示例服务商 · seed 42</title>`,
		`rt-abcdefghijkl`,
		// an attribute value: "+" comes escaped as &#43;, which browsers decode
		`src="data:image/png;base64,` + strings.ReplaceAll(base64.StdEncoding.EncodeToString(samplePNG()), "+", "&#43;") + `"`,
		`class="bar ph-bot"`, `class="bar ph-queue"`, `class="bar ph-reply"`,
		`↳ 转人工`, `↳ 在线客服 (quick phrase)`,
		`class="line agent"`,
		`您好，已收到您的测试消息（订单 o-3）&lt;b&gt;`, // chat text is escaped
		`✔ clean: no invariant violated over 57 events`,
		`接起率 pickup rate`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(out, "What went wrong") || strings.Contains(out, "ZgotmplZ") {
		t.Error("passing HTML shows a problem or a filtered value")
	}
}

func TestHTMLFailing(t *testing.T) {
	r := failingRun()
	out := renderHTML(t, r)
	for _, want := range []string{
		`<title>FAIL · routecheck`,
		`<span class="badge FAIL">FAIL</span>`,
		`What went wrong`,
		`<a href="#step-2"><b>Step 2/5 客服上线 (agent online) (R-RT-2)</b></a>`,
		template.HTMLEscapeString(r.Steps[1].Diagnosis.Message),
		`fix (` + ruleLink("R-TEN-1") + `):`,
		template.HTMLEscapeString(r.Steps[1].Diagnosis.Fix),
		`404 page not found under tenant 淘宝BU`,
		`class="card skipped" id="step-4"`,
		`<tr class="failed"><td>` + ruleLink("R-TEN-1") + `</td><td>tenant</td>`,
		`not measured`,
		`<p class="skipreason">skipped: does not apply to this vendor: no agent account has a tenant other than 闲鱼BU</p>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failing HTML lacks %q", want)
		}
	}
	if strings.Contains(out, "<title>PASS") {
		t.Error("failing run titled PASS")
	}
	// Top-down: verdict, contents, what went wrong, KPIs and invariants,
	// steps, browser checks and screenshots, transcripts.
	last := -1
	for _, h := range []string{`class="badge FAIL"`, `<nav class="toc">`, `id="problems"`, `id="kpis"`, `id="invariants"`,
		`id="steps"`, `id="waterfall"`, `id="checks"`, `id="browser"`} {
		i := strings.Index(out, h)
		if i < last {
			t.Errorf("%s is out of order (at %d, after %d)", h, i, last)
		}
		last = i
	}
	for _, a := range []string{`href="#problems"`, `href="#kpis"`, `href="#invariants"`, `href="#steps"`, `href="#browser"`} {
		if !strings.Contains(out, a) {
			t.Errorf("the contents lack %s", a)
		}
	}
}

// Screenshots are thumbnails that open full size: a checkbox toggles the
// size with CSS alone, and the PNG next to the report is linked.
func TestHTMLThumbnails(t *testing.T) {
	out := renderHTML(t, passingRun())
	for _, want := range []string{`<label class="shot" title="click to see it full size"><input type="checkbox"><img alt="screenshot of login and 马上上班 (R-WB-1)"`,
		`.shot input:checked+img{max-width:100%;max-height:none`, `.shot img{max-width:240px`,
		`<a href="browser-01-login-and.png">`, `id="transcripts"`} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Index(out, `id="browser"`) > strings.Index(out, `id="transcripts"`) {
		t.Error("screenshots come with the browser checks, before the transcripts")
	}
	if strings.Contains(out, "text-overflow:ellipsis") {
		t.Error("waterfall labels must not be cut off")
	}
}

// One self-contained page: nothing fetched, nothing scripted.
func TestHTMLSelfContained(t *testing.T) {
	out := renderHTML(t, passingRun())
	for _, re := range []string{`(?i)<script`, `(?i)<link`, `(?i)src="(?:https?:)?//`, `(?i)url\(`, `(?i)@import`} {
		if regexp.MustCompile(re).MatchString(out) {
			t.Errorf("HTML matches %s", re)
		}
	}
}

func TestWaterfall(t *testing.T) {
	w := layoutWaterfall(passingRun())
	if w == nil {
		t.Fatal("no waterfall")
	}
	var labels []string
	for _, r := range w.Rows {
		labels = append(labels, r.Label)
	}
	want := []string{"1 测试订单与测试账号 (test order & account) (R-RT-1)", "2 客服上线 (agent online) (R-RT-2)",
		"3 扫码进入小蜜 (QR entry) (R-RT-3)", "4 转人工 (transfer to human) (R-RT-4)", "↳ 转人工", "↳ 在线客服 (quick phrase)",
		"5 客服回复 (agent reply) (R-RT-5)"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("rows %q, want %q", labels, want)
	}
	// 转人工 is requested at the start of step 4 (94 ms): in the bot 30 ms
	// before, in the queue 4.2 ms, first response 88 ms after; the axis
	// runs from step 1's start to step 5's end at 231.4 ms.
	chat := w.Rows[4]
	if len(chat.Bars) != 3 || chat.Note != "bot 30ms · queue 4.2ms · first response 88ms" {
		t.Fatalf("chat row = %+v", chat)
	}
	for i, style := range []string{"left:27.66%;width:12.96%", "left:40.62%;width:1.82%", "left:42.44%;width:38.03%"} {
		if string(chat.Bars[i].Style) != style {
			t.Errorf("bar %d style %q, want %q", i, chat.Bars[i].Style, style)
		}
	}
	// the second chat enters the bot when the first was picked up (98.2 ms)
	if got := string(w.Rows[5].Bars[0].Style); got != "left:42.44%;width:4.11%" {
		t.Errorf("second chat in_bot %q", got)
	}
	if len(w.Ticks) < 2 || w.Ticks[0].Label != "0" {
		t.Errorf("ticks = %+v", w.Ticks)
	}
	if layoutWaterfall(&Run{Steps: []Step{{Number: 1, Status: StatusSkipped}}}) != nil {
		t.Error("waterfall without a started step")
	}
}

func TestWaterfallOtherTiming(t *testing.T) {
	r := &Run{Steps: []Step{{Number: 3, Name: "x", Status: StatusPassed, Started: t0, Duration: time.Second,
		Timings: map[string]time.Duration{"bot_page": 400 * time.Millisecond}}}}
	w := layoutWaterfall(r)
	if len(w.Rows) != 2 || w.Rows[1].Label != "↳ bot_page" || string(w.Rows[1].Bars[0].Style) != "left:0.00%;width:40.00%" {
		t.Errorf("rows = %+v", w.Rows)
	}
}

func TestHTMLScreenshotFileOnly(t *testing.T) {
	r := passingRun()
	r.Browser[0].Screenshot, r.Browser[0].ScreenshotFile = nil, filepath.Join("shots", "a.png")
	out := renderHTML(t, r)
	if !strings.Contains(out, "screenshot not embedded: shots/a.png") || strings.Contains(out, "data:image") {
		t.Error("a screenshot file WriteHTML cannot embed is not named")
	}
}

// ruleLink is a rule ID as report.html shows it: a link to its text.
func ruleLink(id string) string {
	r, _ := docs.Lookup(id)
	return `<a class="rule" href="#rule-` + id + `" title="` + template.HTMLEscapeString(r.Title) + `">` + id + `</a>`
}

// Every rule ID in the report's text links to its text under "Rules
// cited", once per rule, with the words of docs/rules.md; IDs inside
// attributes and other links stay as they are.
func TestHTMLLinksRules(t *testing.T) {
	out := renderHTML(t, failingRun())
	for _, id := range []string{"R-TEN-1", "R-RT-2", "R-KPI-1"} {
		r, _ := docs.Lookup(id)
		if !strings.Contains(out, ruleLink(id)) {
			t.Errorf("%s is not linked", id)
		}
		if n := strings.Count(out, `<dt id="rule-`+id+`">`); n != 1 {
			t.Errorf("%s is explained %d times under Rules cited, want once", id, n)
		}
		if !strings.Contains(out, template.HTMLEscapeString(strings.Join(strings.Fields(r.Text), " "))) {
			t.Errorf("the text of %s is missing", id)
		}
	}
	if !strings.Contains(out, `<a href="#step-2"><b>Step 2/5 客服上线 (agent online) (R-RT-2)</b></a>`) {
		t.Error("a rule ID inside a link was linked again")
	}
	if i, j := strings.Index(out, `id="rules"`), strings.Index(out, "</main>"); i < 0 || i > j {
		t.Errorf("Rules cited at %d, want inside main (ends at %d)", i, j)
	}
	if strings.Contains(out, `title="<a`) {
		t.Error("an attribute got a link")
	}
}

// R-KPI-1 in the waterfall: a first response of 45 s is drawn as failed
// and against the 30 s line, one of 2 s as passed, and a chat picked up
// but never answered (step 5 failed) as failed up to the end of step 5.
func TestWaterfallFirstResponseLimit(t *testing.T) {
	r := passingRun()
	r.Steps[4].Timings = map[string]time.Duration{
		"first_response 转人工": 45 * time.Second, "first_response 在线客服 (quick phrase)": 2 * time.Second,
	}
	r.Steps[4].Duration = 46 * time.Second
	w := layoutWaterfall(r)
	late, quick := w.Rows[4], w.Rows[5]
	classes := func(row wfRow) (out []string) {
		for _, b := range row.Bars {
			out = append(out, b.Class)
		}
		return out
	}
	if got := classes(late); !slices.Contains(got, "ph-reply late") || !slices.Contains(got, "limit") {
		t.Errorf("45 s first response drawn as %v, want a late bar and the 30 s line", got)
	}
	if !strings.Contains(late.Note, "✘") {
		t.Errorf("45 s first response noted %q, want it marked failed", late.Note)
	}
	if got := classes(quick); !slices.Contains(got, "ph-reply") || slices.Contains(got, "ph-reply late") {
		t.Errorf("2 s first response drawn as %v", got)
	}
	if !w.LimitShown {
		t.Error("the legend does not say the dashed line is the limit")
	}
	// the line sits 30 s after the pickup of 转人工 (98.2 ms from the origin)
	var line string
	for _, b := range late.Bars {
		if b.Class == "limit" {
			line = string(b.Style)
		}
	}
	total := 156*time.Millisecond + 46*time.Second
	if want := fmt.Sprintf("left:%.2f%%", pct(98200*time.Microsecond+30*time.Second, total)); line != want {
		t.Errorf("limit line at %q, want %q", line, want)
	}

	// never answered: step 5 failed waiting for the reply
	r = passingRun()
	r.Steps[4].Status, r.Steps[4].Timings = StatusFailed, nil
	w = layoutWaterfall(r)
	if got := classes(w.Rows[4]); !slices.Contains(got, "ph-noreply") || !strings.Contains(w.Rows[4].Note, "no reply") {
		t.Errorf("unanswered chat drawn as %v (%q)", got, w.Rows[4].Note)
	}
	out := renderHTML(t, r)
	if !strings.Contains(out, "lies beyond the end of this chart") {
		t.Error("a short run's legend does not say where the 30 s limit is")
	}
}

// A failed step's card says each thing once: the check table holds what
// was expected and seen, then the fix; the diagnosis' message, which only
// repeats that check, is in "What went wrong" and nowhere else.
func TestHTMLSaysEachThingOnce(t *testing.T) {
	r := failingRun()
	out := renderHTML(t, r)
	d := r.Steps[1].Diagnosis
	if n := strings.Count(out, template.HTMLEscapeString(d.Message)); n != 1 {
		t.Errorf("the diagnosis %q appears %d times, want once (What went wrong)", d.Message, n)
	}
	if n := strings.Count(out, template.HTMLEscapeString(r.Steps[1].Checks[1].Seen)); n != 2 {
		t.Errorf("what was seen appears %d times, want twice (What went wrong, the check table)", n)
	}
	if n := strings.Count(out, template.HTMLEscapeString(d.Fix)); n != 2 {
		t.Errorf("the fix appears %d times, want twice (What went wrong, the step)", n)
	}
	// a diagnosis that says more than its checks is kept
	r.Steps[1].Diagnosis = &Diagnosis{Rule: "R-TEN-1", Message: "the agent works under 淘宝BU", Fix: d.Fix}
	if out := renderHTML(t, r); strings.Count(out, "the agent works under 淘宝BU") != 2 {
		t.Error("a diagnosis with news of its own is not shown in the step")
	}
}
