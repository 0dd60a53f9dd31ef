package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"routecheck/docs"
	"routecheck/internal/suggest"
)

func newRulesCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	return &cobra.Command{
		Use:   "rules [ID...]",
		Short: "print the rules routecheck cites (R-… of the onboarding guide, D-… decisions)",
		Long: "Prints the rules and decisions routecheck cites: the onboarding guide's rules in the project's\n" +
			"own words (docs/rules.md) and the decisions with their reasons (docs/decisions.md), built into the\n" +
			"binary. Without ID it lists them one a line; with an ID (R-CAP-1, d-out-1) it prints that rule;\n" +
			"with a family (R-VEN, D-LOAD) every rule of it.",
		Example: "  routecheck rules\n  routecheck rules R-TEN-1\n  routecheck rules R-VEN D-CLI",
		Run: func(_ *cobra.Command, args []string) {
			*code = printRules(args, stdout, stderr)
		},
	}
}

func printRules(args []string, stdout, stderr io.Writer) int {
	all := docs.All()
	if len(args) == 0 {
		for _, r := range all {
			fmt.Fprintf(stdout, "%-10s %s\n", r.ID, r.Title)
		}
		return exitPass
	}
	var picked []docs.Rule
	for _, a := range args {
		if r, ok := docs.Lookup(a); ok {
			picked = append(picked, r)
			continue
		}
		family := strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(a)), "-") + "-"
		n := len(picked)
		for _, r := range all {
			if strings.HasPrefix(r.ID, family) && strings.Count(family, "-") == 2 {
				picked = append(picked, r)
			}
		}
		if len(picked) > n {
			continue
		}
		ids := make([]string, len(all))
		for i, r := range all {
			ids[i] = r.ID
		}
		msg := fmt.Sprintf("routecheck rules: no rule %q", a)
		if near := suggest.Closest(strings.ToUpper(a), ids, 2); near != "" {
			msg += "; did you mean " + near + "?"
		}
		fmt.Fprintln(stderr, msg+" (routecheck rules lists them all)")
		return exitInput
	}
	for i, r := range picked {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s · %s\n%s\nsource: %s\n", r.ID, r.Title, r.Text, r.Source())
	}
	return exitPass
}
