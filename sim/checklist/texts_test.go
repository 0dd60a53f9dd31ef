package checklist

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
	wb "routecheck/sim/workbench"
)

// bundled loads every vendor built into the binary.
func bundled(t *testing.T) []*fixtures.Vendor {
	t.Helper()
	var out []*fixtures.Vendor
	for _, b := range fixtures.Bundled() {
		v, err := fixtures.Open(b.Name)
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		out = append(out, v)
	}
	return out
}

var tags = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)

// pageText is what a person reads on the HTML page: the text without tags
// (attributes, the form's script and the record skeleton do not count).
func pageText(t *testing.T, c *Checklist) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, c); err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(tags.ReplaceAllString(b.String(), " "))
}

func markdown(t *testing.T, c *Checklist) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mustSee lists, straight from the fixture, every text the tester must see
// in the real test: the bot page (R-VEN-2), the welcome and closing the
// tester receives (R-WEL-1: the skill group's, else each agent's own), the
// work hours as the bot states them (R-VEN-4) and the agents who may be
// 在线 (R-RT-2).
func mustSee(v *fixtures.Vendor) []string {
	c := v.Config
	p := c.BotPage
	out := []string{c.Name, p.Greeting, c.WorkHours.String(), wb.TransferText}
	for _, b := range p.CardButtons {
		out = append(out, b.Label)
	}
	for _, topic := range p.FAQ {
		out = append(out, topic.Title)
		for _, q := range topic.Questions {
			out = append(out, q.Question)
		}
	}
	if len(p.FAQ) > 0 && len(p.FAQ[0].Questions) > 0 {
		out = append(out, p.FAQ[0].Questions[0].Answer)
	}
	for _, q := range p.QuickPhrases {
		out = append(out, q.Text)
	}
	agentTexts := func(group string, own func(wb.AccountConfig) string) {
		if group != "" {
			out = append(out, group)
			return
		}
		for _, a := range c.Accounts {
			if own(a) != "" && a.Role != wb.RoleOperations {
				out = append(out, own(a))
			}
		}
	}
	agentTexts(c.Welcome, func(a wb.AccountConfig) string { return a.Welcome })
	agentTexts(c.Closing, func(a wb.AccountConfig) string { return a.Closing })
	for _, a := range c.Accounts {
		if a.Role == wb.RoleAgent || a.Role == wb.RoleDeptAdmin {
			out = append(out, a.Login)
		}
	}
	return out
}

// The checklist names every text of the fixture the tester must see, on the
// printable page and in the Markdown, for every bundled vendor.
func TestChecklistNamesEveryTextOfTheFixture(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, v := range bundled(t) {
		c := Build(v, Options{At: at, TesterZone: time.UTC})
		page, md := pageText(t, c), markdown(t, c)
		for _, want := range mustSee(v) {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the HTML checklist does not show %q", v.File, want)
			}
			if !strings.Contains(md, want) {
				t.Errorf("%s: the Markdown checklist does not show %q", v.File, want)
			}
		}
	}
}

// A vendor without a skill-group welcome shows each agent's own welcome and
// closing, and says whose they are (R-WEL-1).
func TestChecklistShowsAgentsOwnWelcomeWithoutGroupOne(t *testing.T) {
	v := fixtures.Demo()
	v.Config.Welcome, v.Config.Closing = "", ""
	v.Config.Accounts[0].Welcome, v.Config.Accounts[0].Closing = "小王的欢迎语", "小王的结束语"
	c := Build(v, Options{At: time.Now()})
	page := pageText(t, c)
	for _, want := range []string{"客服小王：小王的欢迎语", "客服小李：您好，我是客服小李，很高兴为您服务。", "客服小王：小王的结束语", "小李祝您回收顺利，再见！"} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not show %q", want)
		}
	}
}

// The test message carries the trace and the test order, in the route
// test's own format, and the tester's planned time is in both zones.
func TestChecklistTestMessageAndPlannedTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, berlin)
	c := Build(fixtures.Demo(), Options{At: at, TesterZone: berlin})
	md := markdown(t, c)
	for _, want := range []string{
		"路由测试消息 订单 " + OrderPlaceholder + " trace manual-demo-recycle-20261127T0200Z #1",
		"2026-11-27 周五 03:00 (Europe/Berlin, UTC+01:00)",
		"2026-11-27 周五 10:00 (Asia/Shanghai, UTC+08:00)",
		ReportTo,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("checklist does not show %q", want)
		}
	}
}

// An agent whose tenant is not 闲鱼BU is named with the seed's fix before
// the test (R-TEN-1).
func TestChecklistWarnsOfWrongTenant(t *testing.T) {
	v, err := fixtures.Open("broken/wrong-tenant")
	if err != nil {
		t.Fatal(err)
	}
	md := markdown(t, Build(v, Options{At: time.Now()}))
	if !strings.Contains(md, "检查所属租户是否是“闲鱼BU”，如不是，调整为闲鱼BU，刷新页面即可上班") {
		t.Errorf("no tenant warning in:\n%s", md)
	}
}
