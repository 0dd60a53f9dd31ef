package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"routecheck/fixtures"
)

func newFixturesCmd(stdout io.Writer, code *int) *cobra.Command {
	return &cobra.Command{
		Use:   "fixtures",
		Short: "list the vendors built into routecheck, one line each",
		Long: "Lists the vendor fixtures built into the binary. Each works from any folder by its name:\n" +
			"routecheck run --vendor <name>, routecheck vet <name>, routecheck serve --vendor <name>.",
		Example: "  routecheck fixtures\n  routecheck run --vendor broken/never-replies",
		Args:    noArgs,
		Run: func(*cobra.Command, []string) {
			*code = listFixtures(stdout)
		},
	}
}

func listFixtures(w io.Writer) int {
	all := fixtures.Bundled()
	width := 0
	for _, b := range all {
		width = max(width, len(b.Name))
	}
	for _, b := range all {
		fmt.Fprintf(w, "%-*s  %s\n", width, b.Name, b.Summary)
	}
	return exitPass
}

// completeVendor offers the bundled vendors' names and YAML files for
// --vendor in shell completion.
func completeVendor(cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("vendor", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return bundledCompletions(), cobra.ShellCompDirectiveDefault
	})
}

// vendorNames completes vet's arguments the same way.
func vendorNames(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return bundledCompletions(), cobra.ShellCompDirectiveDefault
}

func bundledCompletions() []cobra.Completion {
	var out []cobra.Completion
	for _, b := range fixtures.Bundled() {
		out = append(out, cobra.CompletionWithDesc(b.Name, shorten(b.Summary, 60)))
	}
	return out
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
