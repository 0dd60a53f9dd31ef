package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"routecheck/fixtures"
	wb "routecheck/sim/workbench"
)

const vetExamples = `  routecheck vet fixtures/vendors/demo.yaml
  routecheck vet vendors/*.yaml          # several vendors at once
`

// cmdVet checks onboarding data for CCO staff: errors exit 2, warnings are
// listed in the go-live checklist and do not fail it.
func cmdVet(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("vet FILE...", "Validates vendor onboarding data (R-VEN-1..5) and prints a go-live readiness checklist:\nerrors (exit 2) and warnings.", vetExamples, stderr)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "routecheck vet: name at least one vendor file, e.g. routecheck vet fixtures/vendors/demo.yaml")
		return exitInput
	}
	code := exitPass
	for i, path := range fs.Args() {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		v, err := fixtures.Load(path)
		if err != nil {
			var ps fixtures.Problems
			if errors.As(err, &ps) {
				fmt.Fprintf(stdout, "%s: NOT READY, %d error(s)\n", path, len(ps))
				for _, p := range ps {
					fmt.Fprintf(stdout, "  ✘ %s\n", p.Error())
				}
			} else {
				fmt.Fprintf(stdout, "%s: %v\n", path, err)
			}
			code = exitInput
			continue
		}
		writeChecklist(stdout, v)
	}
	return code
}

func writeChecklist(w io.Writer, v *fixtures.Vendor) {
	c := v.Config
	warns := v.Warnings()
	flagged := map[string]bool{}
	failsRun := false
	for _, p := range warns {
		flagged[checklistRow(p)] = true
		failsRun = failsRun || strings.Contains(p.Message, "the route test fails")
	}
	verdict := "READY"
	switch {
	case failsRun:
		verdict = fmt.Sprintf("READY with %d warning(s); the route test would fail", len(warns))
	case len(warns) > 0:
		verdict = fmt.Sprintf("READY with %d warning(s)", len(warns))
	}
	fmt.Fprintf(w, "%s: %s — %s (%s)\n", v.File, verdict, c.Name, c.ID)
	var agents, admins, ops int
	for _, a := range c.Accounts {
		switch a.Role {
		case wb.RoleAgent:
			agents++
		case wb.RoleDeptAdmin:
			admins++
		case wb.RoleOperations:
			ops++
		}
	}
	phrase := "none"
	for _, q := range c.BotPage.QuickPhrases {
		if q.Transfer {
			phrase = q.Text
		}
	}
	var topics int
	for _, t := range c.BotPage.FAQ {
		topics += len(t.Questions)
	}
	rows := []struct{ id, text string }{
		{"R-VEN-1", fmt.Sprintf("vendor record: %s, 所属业务 %s, 热线 %s", c.Name, c.BusinessLine, c.Hotline)},
		{"R-VEN-2", fmt.Sprintf("bot page: %d card button(s), %d FAQ topic(s) with %d question(s), %d quick phrase(s), transfer phrase %s",
			len(c.BotPage.CardButtons), len(c.BotPage.FAQ), topics, len(c.BotPage.QuickPhrases), phrase)},
		{"R-VEN-3", fmt.Sprintf("accounts in skill group %s: %d agent(s), %d department admin(s), %d operations", c.Department, agents, admins, ops)},
		{"R-VEN-4", fmt.Sprintf("work hours: %s", hours(c.WorkHours))},
		{"R-VEN-5", fmt.Sprintf("lead time: configured %s, go-live %s", day(v.ConfiguredOn), day(v.GoLive))},
	}
	if r := v.Rehearsal; len(r.Agents) > 0 || !r.StartAt.IsZero() {
		start := "now"
		if !r.StartAt.IsZero() {
			start = r.StartAt.Format(time.RFC3339)
		}
		rows = append(rows, struct{ id, text string }{"rehearsal", fmt.Sprintf("%d agent(s) rehearsed, start %s", len(r.Agents), start)})
	}
	for _, row := range rows {
		// A row is ✔ only when no warning concerns it.
		m := "✔"
		if flagged[row.id] {
			m = "⚠"
		}
		fmt.Fprintf(w, "  %s %s %s\n", m, row.id, row.text)
	}
	for _, p := range warns {
		fmt.Fprintf(w, "  ⚠ %s\n", p.Error())
	}
}

// checklistRow is the checklist row a warning concerns: its R-VEN rule,
// else the section of the file it points at.
func checklistRow(p fixtures.Problem) string {
	switch {
	case strings.HasPrefix(p.Rule, "R-VEN-"):
		return p.Rule
	case strings.HasPrefix(p.Path, "bot_page"):
		return "R-VEN-2"
	case strings.HasPrefix(p.Path, "accounts"):
		return "R-VEN-3"
	case strings.HasPrefix(p.Path, "work_hours"):
		return "R-VEN-4"
	case strings.HasPrefix(p.Path, "rehearsal"):
		return "rehearsal"
	}
	return "R-VEN-1"
}

func day(t time.Time) string {
	if t.IsZero() {
		return "not given"
	}
	return t.Format("2006-01-02")
}

func hours(h wb.WorkHours) string {
	zone := "Asia/Shanghai"
	if h.Location != nil {
		zone = h.Location.String()
	}
	return fmt.Sprintf("%s (%s)", h, zone)
}
