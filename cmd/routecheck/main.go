// Command routecheck proves a vendor's chat routing works before go-live:
// the five-step route test against the bundled workbench (or --target),
// onboarding-data checks for CCO staff, and the workbench itself.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"routecheck/internal/suggest"
	"routecheck/sim/clock"
	"routecheck/sim/server"
)

// Exit codes (DESIGN.md principle 4).
const (
	exitPass    = 0 // every check passed
	exitFail    = 1 // a check failed
	exitInput   = 2 // bad flags or fixture
	exitHarness = 3 // the harness could not run
	// exitInterrupted is 128+SIGINT, as shells report a Ctrl-C.
	exitInterrupted = 130
)

const rootLong = `routecheck proves a customer-service vendor's chat routing works before go-live.

Exit codes: 0 passed, 1 a check failed, 2 bad input (flags, fixture), 3 the harness could not run,
130 interrupted (Ctrl-C, SIGTERM).

run, script, load and simulate write report.json, report.html and junit.xml to reports/out/<name>-<seed>-<UTC time>/
(reports/out/latest is the newest; --out DIR exactly there, --no-reports none); --seed 0 picks a seed and
prints it, --seed N repeats a run; report.json starts with command, seed, passed, exit_code, rerun.
routecheck rules ID prints the text of a rule ID the reports cite.`

// usageTemplate is cobra's, in the words and order of our help texts:
// lower-case headings, examples before flags.
const usageTemplate = `usage:{{if and .Runnable (not .HasAvailableSubCommands)}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} <command> [flags]

commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasExample}}

examples:
{{.Example | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableLocalFlags}}

flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

global flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Run "{{.CommandPath}} <command> --help" for a command's flags and examples.{{end}}
`

// globalFlags are the root's persistent flags, shared by every command,
// and the harness's clocks.
type globalFlags struct {
	noColor bool
	clocks  harnessClocks
}

// harnessClocks are the harness's own clocks. wall is the time the bundled
// workbench's start is planned from (D-RUN-8); bundled makes the bundled
// workbench's clock, reading start, and the clock the rehearsed agents
// time their replies on (nil: the real one). Tests run the CLI with their
// own: at any hour, or on a virtual pair so a rehearsed 45 s costs no real
// time.
type harnessClocks struct {
	wall    func() time.Time
	bundled func(start time.Time) (workbench, agents clock.Clock)
}

// realClocks are the clocks of every real run.
func realClocks() harnessClocks {
	return harnessClocks{wall: time.Now, bundled: func(start time.Time) (clock.Clock, clock.Clock) { return clock.NewShifted(start), nil }}
}

func main() {
	// `routecheck serve` checks passwords in copies of this program.
	server.RunHashWorkerIfAsked()
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain runs one command line and returns its exit code. Output goes to
// stdout and stderr only, so tests can run the CLI in-process.
func realMain(args []string, stdout, stderr io.Writer) int {
	return execute(args, os.Stdin, stdout, stderr)
}

// execute is realMain with stdin given (`vet -` reads it).
func execute(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return executeWith(realClocks(), args, stdin, stdout, stderr)
}

// executeWith is execute on the clocks given.
func executeWith(clocks harnessClocks, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code := exitPass
	root := newRootCmd(stdout, stderr, &code, clocks)
	root.SetIn(stdin)
	root.SetArgs(args)
	if _, err := root.ExecuteContextC(context.Background()); err != nil {
		// Every error cobra returns is about the command line: the bodies
		// report their own trouble and set code.
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	return code
}

// newRootCmd is the command tree. Cobra parses flags, prints help and
// completion; each command's body is a plain function of its flag struct
// that sets *code.
func newRootCmd(stdout, stderr io.Writer, code *int, clocks harnessClocks) *cobra.Command {
	g := &globalFlags{clocks: clocks}
	root := &cobra.Command{
		Use:           "routecheck",
		Short:         "prove a vendor's chat routing works before go-live",
		Long:          rootLong,
		Version:       moduleVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          unknownCommand,

		SuggestionsMinimumDistance: 2,
		Run: func(cmd *cobra.Command, _ []string) {
			// No command: the overview on stderr, as a usage error.
			cmd.SetOut(stderr)
			cmd.Help()
			*code = exitInput
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetUsageTemplate(usageTemplate)
	root.SetVersionTemplate(`{{printf "%s\n" .Version}}`)
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(newHelpCmd(stdout, code))
	root.PersistentFlags().BoolVar(&g.noColor, "no-color", false, "no colour even on a terminal (a non-empty NO_COLOR does the same)")
	root.AddCommand(
		newRunCmd(g, stdout, stderr, code),
		newScriptCmd(g, stdout, stderr, code),
		newVetCmd(g, stdout, stderr, code),
		newServeCmd(g, stdout, stderr, code),
		newVersionCmd(stdout, code),
		newFixturesCmd(stdout, code),
		newInitCmd(stdout, stderr, code),
		newSimulateCmd(stdout, stderr, code),
		newErlangCmd(stdout, stderr, code),
		newLoadCmd(stdout, stderr, code),
		newChecklistCmd(g, stdout, stderr, code),
		newPreflightCmd(g, stdout, stderr, code),
		newRulesCmd(stdout, stderr, code),
	)
	return root
}

// errorLine is "who: err" with each prefix said once: a package's own
// prefix that repeats a word of who ("erlang: …" under "routecheck
// erlang") is dropped (D-CLI-7).
func errorLine(who string, err error) string {
	msg := err.Error()
	for again := true; again; {
		again = false
		for _, w := range strings.Fields(who) {
			if rest, ok := strings.CutPrefix(msg, w+": "); ok {
				msg, again = rest, true
			}
		}
	}
	// a wrapped error that repeats its wrapper's prefix ("reports: reports:")
	parts := strings.Split(who+": "+msg, ": ")
	out := parts[:1]
	for _, p := range parts[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return strings.Join(out, ": ")
}

// newHelpCmd is `routecheck help [command]`: the command's help on stdout,
// exit 0; an unknown command is bad input, as everywhere (D-CLI-7).
func newHelpCmd(stdout io.Writer, code *int) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "help about any command",
		Long:  "Prints the help of a command: its flags and examples (the same as routecheck <command> --help).",
		ValidArgsFunction: func(c *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			switch {
			case err != nil || target == nil:
				return unknownCommand(c.Root(), args)
			case target == c.Root() && len(rest) > 0:
				return unknownCommand(c.Root(), rest)
			case len(rest) > 0:
				return fmt.Errorf("routecheck help: unexpected argument %q (routecheck help <command>)", rest[0])
			}
			target.InitDefaultHelpFlag()
			target.SetOut(stdout)
			*code = exitPass
			return target.Help()
		},
	}
}

// unknownCommand refuses anything but a command after "routecheck".
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	msg := fmt.Sprintf("routecheck: unknown command %q; want %s", args[0], strings.Join(names, ", "))
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", s[0])
	}
	return fmt.Errorf("%s (routecheck --help)", msg)
}

// noArgs refuses stray arguments for commands that take flags only.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%s: unexpected argument %q (flags only; see %s --help)", cmd.CommandPath(), args[0], cmd.CommandPath())
	}
	return nil
}

// flagError turns pflag's messages into one line in the command's name,
// with the closest flag when the tester mistyped one:
//
//	routecheck run: unknown flag --seeed; did you mean --seed? (see routecheck run --help)
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	var typed string
	var bad *pflag.InvalidValueError
	switch {
	case errors.As(err, &bad):
		msg = fmt.Sprintf("--%s %q: %s", bad.GetFlag().Name, bad.GetValue(), allowedValue(bad))
	case strings.HasPrefix(msg, "unknown flag: "):
		typed = strings.TrimPrefix(msg, "unknown flag: ")
		msg = "unknown flag " + typed
	case strings.HasPrefix(msg, "unknown shorthand flag: "):
		// "-seed" in Go's flag style reads as shorthands to pflag.
		if i := strings.LastIndex(msg, " in "); i >= 0 {
			typed = msg[i+len(" in "):]
			msg = "unknown flag " + typed
		}
	}
	if typed != "" {
		if s := closestFlag(cmd, typed); s != "" {
			msg += "; did you mean --" + s + "?"
		}
	}
	return fmt.Errorf("%s: %s (see %s --help)", cmd.CommandPath(), msg, cmd.CommandPath())
}

// allowedValue says what a flag takes, in words, instead of the parser's
// error (strconv.ParseInt: parsing "abc": invalid syntax).
func allowedValue(e *pflag.InvalidValueError) string {
	switch e.GetFlag().Value.Type() {
	case "int", "int64", "uint", "uint64", "int32":
		return "want a whole number"
	case "float64", "float32":
		return "want a number, e.g. 0.9"
	case "duration":
		return "want a duration such as 500ms, 5s, 2m or 24h"
	case "bool":
		return "want true or false"
	}
	// our own Value types say what they take
	if c := errors.Unwrap(e); c != nil {
		return c.Error()
	}
	return "not a valid value"
}

// closestFlag is the flag of cmd nearest to typed ("--seeed", "-seed",
// "--seed=3"), or "" when none is close.
func closestFlag(cmd *cobra.Command, typed string) string {
	name := strings.TrimLeft(typed, "-")
	if i := strings.IndexByte(name, '='); i >= 0 {
		name = name[:i]
	}
	best, bestD := "", 3 // further than 2 edits is a guess, not a typo
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := suggest.Distance(strings.ToLower(name), f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return best
}
