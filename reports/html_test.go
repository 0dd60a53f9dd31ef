package reports

import (
	"bytes"
	"encoding/base64"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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
		`fix (R-TEN-1):`,
		template.HTMLEscapeString(r.Steps[1].Diagnosis.Fix),
		`404 page not found under tenant 淘宝BU`,
		`class="card skipped" id="step-4"`,
		`<tr class="failed"><td>R-TEN-1</td><td>tenant</td>`,
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
