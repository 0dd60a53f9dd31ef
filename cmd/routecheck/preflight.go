package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"routecheck/internal/term"
	"routecheck/sim/preflight"
	"routecheck/sim/routetest"
	wb "routecheck/sim/workbench"
)

const preflightExamples = `  routecheck preflight --target http://127.0.0.1:8080                 # the demo vendor's accounts
  routecheck preflight --target https://wb.example.com --vendor my-vendor.yaml --json | jq '.agents[] | select(.state != "ready")'
  routecheck preflight --target http://127.0.0.1:8080 --login demo-admin   # as the department admin
`

type preflightFlags struct {
	target     string
	vendor     string
	login      string
	department string
	json       bool
	noColor    bool
}

func newPreflightCmd(g *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f preflightFlags
	cmd := &cobra.Command{
		Use:   "preflight --target URL [flags]",
		Short: "which agents' browsers are ready for X-Space's notifications (the /preflight page's results)",
		Long: "Reads, from the workbench at --target, each agent's latest result of the preflight page that agents open\n" +
			"in their own browser (/preflight: Chrome, notification permission, a test notification, the sound,\n" +
			"pop-ups, 消息提醒, tenant; R-WB-3, R-NTF-1, R-TEN-1), and prints who is ready, who is not and why, and\n" +
			"who never opened it. It signs in with an account of --vendor: the operations account (every\n" +
			"department), or --login (a department admin sees their own department).\n" +
			"Exit 0 when every agent listed is ready, 1 when one is not ready or not checked, 2 bad flags or\n" +
			"fixture, 3 the target is unreachable, not a workbench, or refuses the account.",
		Example: preflightExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			f.noColor = g.noColor
			*code = preflightRoster(cmd.Context(), f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.target, "target", "", "base URL of the workbench the agents use (required)")
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture whose account signs in: a YAML file, or a bundled vendor by name")
	fs.StringVar(&f.login, "login", "", "the fixture's account to sign in with; default its operations account, else its department admin")
	fs.StringVar(&f.department, "department", "", "only this department (技能组)")
	fs.BoolVar(&f.json, "json", false, "print the roster as JSON (GET /api/preflight's answer) for a pipeline")
	completeVendor(cmd)
	return cmd
}

// preflightRoster prints the roster and exits by whether everyone is ready.
func preflightRoster(ctx context.Context, f preflightFlags, stdout, stderr io.Writer) int {
	if f.target == "" {
		fmt.Fprintln(stderr, "routecheck preflight: --target is required: the base URL of the workbench the agents use, e.g. --target http://127.0.0.1:8080")
		return exitInput
	}
	if err := routetest.CheckTarget(f.target); err != nil {
		fmt.Fprintln(stderr, "routecheck preflight:", err)
		return exitInput
	}
	v, err := loadVendor(f.vendor)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	acc, ok := v.Config.AccountWithRole(wb.RoleOperations)
	if !ok {
		acc, ok = v.Config.AccountWithRole(wb.RoleDeptAdmin)
	}
	if f.login != "" {
		acc, ok = v.Config.Account(f.login)
	}
	if !ok {
		fmt.Fprintf(stderr, "routecheck preflight: %s has no account %s; want its operations or department admin account (--login)\n", v.File, orDefault(f.login, "of operations or a department admin"))
		return exitInput
	}
	if err := routetest.Identify(ctx, f.target); err != nil {
		fmt.Fprintln(stderr, "routecheck preflight:", err)
		return exitHarness
	}
	r, err := preflight.Fetch(ctx, f.target, acc.Login, acc.Password, f.department)
	if err != nil {
		if errors.Is(err, preflight.ErrSignIn) {
			fmt.Fprintf(stderr, "routecheck preflight: %s refused %v: point --target at the vendor's workbench, or --vendor at its fixture\n", f.target, err)
		} else {
			fmt.Fprintln(stderr, "routecheck preflight:", err)
		}
		return exitHarness
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return exitHarness
		}
	} else {
		out := term.Colorize(stdout, term.ColorWanted(stdout, f.noColor))
		fmt.Fprintf(out, "preflight at %s as %s (%s)\n", f.target, acc.Login, acc.Role)
		if err := preflight.WriteText(out, r, time.Local); err != nil {
			return exitHarness
		}
		if cw, ok := out.(*term.ColorWriter); ok {
			cw.Flush()
		}
	}
	if !r.AllReady() {
		return exitFail
	}
	return exitPass
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
