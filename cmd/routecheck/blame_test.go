package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A KPI that fails only because an earlier step failed (the transfer was
// refused, so nothing was picked up) is shown as that step's consequence,
// in the console, report.json, junit.xml and "What went wrong", never as a
// second cause with a fix of its own ("raise their capacity"). A KPI that
// fails for a reason of its own keeps its fix.
func TestFollowOnKPIIsAConsequenceOfTheFailedStep(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "run", "--vendor", "broken/outside-hours", "--seed", "3", "--timeout", "1s", "--out", dir)
	if code != exitFail {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "follows from step 4/5 转人工") || strings.Contains(out, "fix (R-KPI-1)") || strings.Contains(out, "raise their capacity") {
		t.Errorf("the console shows the pickup rate as a cause of its own:\n%s", out)
	}
	var rep struct {
		Verdicts []struct {
			Name            string `json:"name"`
			Fix             string `json:"fix"`
			FollowsFromStep int    `json:"follows_from_step"`
		} `json:"verdicts"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Verdicts {
		if v.Name == "pickup_rate" && (v.FollowsFromStep != 4 || v.Fix != "") {
			t.Errorf("report.json pickup_rate: follows_from_step %d, fix %q; want 4 and none", v.FollowsFromStep, v.Fix)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	problems := regexp.MustCompile(`(?s)<h2>What went wrong</h2>\s*<ul>(.*?)\n</ul>\n</div>`).FindSubmatch(html)
	if problems == nil {
		t.Fatalf("no What went wrong in report.html")
	}
	causes := regexp.MustCompile(`(?m)^<li><a href=`).FindAll(problems[1], -1)
	if len(causes) != 1 || !strings.Contains(string(problems[1]), "consequence: KPI 接起率 pickup rate 0.0%") ||
		strings.Contains(string(problems[1]), "raise their capacity") {
		t.Errorf("What went wrong: want one cause (step 4) with the pickup rate as its consequence:\n%s", problems[1])
	}
	junit, _ := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if !strings.Contains(string(junit), "follows from step 4/5") || strings.Contains(string(junit), "raise their capacity") {
		t.Errorf("junit.xml gives the pickup rate a fix of its own:\n%s", junit)
	}

	// A slow reply is a cause of its own: the KPI keeps its fix.
	clk := realClocks().virtual()
	code, out, _ = clk.runCLI(t, "run", "--vendor", "../../fixtures/testdata/rehearsals/late-reply.yaml", "--seed", "3", "--no-reports")
	if code != exitFail || !strings.Contains(out, "fix (R-KPI-1): agents must send a first reply within 30 s") || strings.Contains(out, "follows from") {
		t.Errorf("a KPI that fails on its own lost its fix: exit %d\n%s", code, out)
	}
}

// Every check made once per test chat names its chat and, once one took
// it, its agent, so two failures of the same check are told apart
// (broken/never-replies fails the reply of both chats).
func TestRepeatedChecksNameTheirChatAndAgent(t *testing.T) {
	clk := atWall(time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC))
	code, out, _ := clk.runCLI(t, "run", "--vendor", "broken/never-replies", "--seed", "3", "--timeout", "1s", "--no-reports")
	if code != exitFail {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"check:    agent reply [chat 转人工 (text), agent 客服小王 (silent-agent1)]",
		"check:    agent reply [chat 在线客服 (quick phrase), agent 客服小王 (silent-agent1)]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q:\n%s", want, out)
		}
	}
}
