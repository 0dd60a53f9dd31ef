package checklist

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the checklist for chat tools: the same content as
// the HTML page, items as task-list boxes. It has no form; a tester who
// ticks it by hand records the result on the HTML page (or writes the JSON
// record directly).
func WriteMarkdown(w io.Writer, c *Checklist) error {
	b := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("# 闲鱼小程序客服上线 · 真实测试清单 (real go-live test checklist)\n\n")
	p("**%s** (%s, %s) · 所属业务 %s · 技能组 %s · 热线 %s\n\n", c.Vendor.Name, c.Vendor.ID, c.Vendor.File,
		c.Vendor.BusinessLine, c.Vendor.Department, c.Vendor.Hotline)
	p("测试同学 (tester): ______  测试账号: ______  测试订单号: ______  测试编号 (trace): `%s`\n\n", c.Trace)

	p("## 1. 谁要在线、什么时候 (who must be 在线, and when)\n\n")
	p("计划测试时间 (planned): **%s**（测试同学时区）= **%s**（服务商时区）\n\n", When(c.PlannedAt, c.TesterZone), When(c.PlannedAt, c.VendorZone))
	if c.InHours {
		p("✅ 在服务时间内 (%s, R-VEN-4)。\n\n", c.Vendor.WorkHours)
	} else {
		p("⚠️ 计划时间不在服务时间内 (%s)：转人工会被小蜜拒绝 (R-VEN-4)。", c.Vendor.WorkHours)
		if !c.NextOpen.IsZero() {
			p("下一次服务时间从 **%s** = **%s** 开始。", When(c.NextOpen, c.TesterZone), When(c.NextOpen, c.VendorZone))
		}
		p("请改在服务时间内测试。\n\n")
	}
	p("服务时间 (work hours, R-VEN-4): %s\n\n", c.Vendor.WorkHours)
	p("| 日期（服务商时区） | 服务商时间 %s | 测试同学时间 %s |\n|---|---|---|\n", ZoneName(c.VendorZone, c.PlannedAt), ZoneName(c.TesterZone, c.PlannedAt))
	for _, d := range c.Hours {
		p("| %s | %s | %s |\n", d.Label(), d.Span(c.VendorZone), d.Span(c.TesterZone))
	}
	p("\n至少一位客服在测试开始前登录 X-Space（%s），点击“在线工作台”→“马上上班”，并保持 **在线** 到第 5 步结束 (R-RT-2)：\n\n", c.Workbench)
	p("| 账号 | 姓名 | 角色 | 租户 | 最大接待量 | 上班前 |\n|---|---|---|---|---|---|\n")
	for _, a := range c.Agents {
		note := a.TenantNote
		if note == "" {
			note = "—"
		}
		p("| %s | %s | %s | %s | 1V%d | %s |\n", a.Login, cell(a.Name), a.Role, a.Tenant, a.Capacity, cell(note))
	}

	p("\n## 2. 五个步骤 (the five steps)\n")
	for _, s := range c.Steps {
		p("\n### 步骤%d：%s (%s) · %s\n\n", s.Number, s.Name, s.Rule, s.Who)
		for _, it := range s.Items {
			if it.Expect != "" {
				p("- [ ] %s：「%s」\n", it.Text, it.Expect)
			} else {
				p("- [ ] %s\n", it.Text)
			}
		}
		if len(s.Failures) > 0 {
			p("\n| 如果看到 (if you see) | 规则 | 怎么修 (fix, as `routecheck run` says) |\n|---|---|---|\n")
			for _, f := range s.Failures {
				p("| %s | %s | %s |\n", cell(f.Sign), f.Rule, cell(f.Fix))
			}
		}
	}
	p("\n## 3. 有问题报给谁 (where to report)\n\n**%s**。写明：第几步、看到了什么（截图）、测试订单号、测试编号 `%s`、测试时间。\n", c.ReportTo, c.Trace)
	return b.Flush()
}

// cell keeps a text inside one Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
