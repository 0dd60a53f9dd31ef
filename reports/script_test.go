package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func sampleScriptRun() *ScriptRun {
	at := time.Date(2026, 11, 27, 10, 4, 0, 0, time.FixedZone("CST", 8*3600))
	return &ScriptRun{Seed: 7, ExitCode: 3, Rerun: "routecheck script --seed 7 a.script b.script", Scripts: []Script{
		{Name: "a", File: "a.script", Status: StatusFailed, Clock: "virtual", VendorStart: at.Add(-4 * time.Minute), VendorEnd: at,
			Source: []string{"vendor demo", "expect 买家 gets \"<b>hi</b>\"", "expect 买家 assigned"},
			Lines: []ScriptLine{
				{Line: 2, Col: 1, Kind: "expect", Text: `expect 买家 gets "<b>hi</b>"`, Rules: []string{"R-RT-5"}, Status: StatusFailed, At: at,
					Expected: `买家 gets "<b>hi</b>"`, Seen: "no message", Reason: "only a line of the script makes 小王 write",
					Frames: []PartyFrames{{Party: "买家", Frames: []string{"state c1 assigned agent demo-agent1"}}}},
				{Line: 3, Col: 1, Kind: "expect", Text: "expect 买家 assigned", Status: StatusSkipped},
			},
			Transcript: []ScriptEntry{{At: at, Kind: "message", Who: "小王", Sender: "agent", Chat: "买家", Text: "<script>alert(1)</script>"},
				{At: at, Kind: "assert", Line: 2, Text: `expect 买家 gets "<b>hi</b>"`, Status: StatusFailed}}},
		{Name: "b", File: "b.script", Status: StatusError, Error: "the harness could not run the script: unreachable",
			Lines: []ScriptLine{{Line: 4, Kind: "action", Text: "小王 马上上班", Status: StatusError, Seen: "connection refused"}}},
	}}
}

// A failed line on the console says what was expected and seen, why, and
// the party's last frames; a line the harness could not judge says so.
func TestScriptConsole(t *testing.T) {
	var b bytes.Buffer
	if err := WriteScriptConsole(&b, sampleScriptRun()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"✘ 2 expect 买家 gets \"<b>hi</b>\"", "expected: 买家 gets \"<b>hi</b>\"", "seen:     no message",
		"why:      only a line of the script makes 小王 write", "last frames 买家 received:", "state c1 assigned agent demo-agent1",
		"! 4 小王 马上上班", "harness:  connection refused", "HARNESS ERROR  2 scripts: 0 passed, 1 failed, 1 not judged",
		"repeat with: routecheck script --seed 7 a.script b.script",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
}

// junit.xml: a failed assert is a failure with its text, a line not
// reached is skipped, the harness's trouble is an error, never a failure.
func TestScriptJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := WriteScriptJUnit(&b, sampleScriptRun()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("tests %d failures %d errors %d skipped %d, want 3 1 1 1\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, b.String())
	}
	if !strings.Contains(b.String(), "a.script:2 expect 买家 gets &#34;&lt;b&gt;hi&lt;/b&gt;&#34; (R-RT-5)") ||
		!strings.Contains(b.String(), "why:      only a line of the script makes 小王 write") {
		t.Errorf("the failed case's name or text:\n%s", b.String())
	}
}

// report.html escapes what people typed, marks the assert in the
// transcript and the source, and links the rule.
func TestScriptHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteScriptHTML(&b, sampleScriptRun()); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if strings.Contains(html, "<script>alert(1)") || strings.Contains(html, "<b>hi</b>") {
		t.Error("report.html does not escape texts")
	}
	for _, want := range []string{`<div class="e assert failed" id="script-1-line-2-t"><span class="at">10:04:00</span><span class="m">✘</span>`,
		`<span class="l failed" id="script-1-line-2"><i>2</i><b class="m">✘</b>`, `href="#rule-R-RT-5"`, "HARNESS ERROR"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
