// Command routecheck proves a vendor's chat routing works before go-live:
// the five-step route test against the bundled workbench (or --target),
// onboarding-data checks for CCO staff, and the workbench itself.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes (DESIGN.md principle 4).
const (
	exitPass    = 0 // every check passed
	exitFail    = 1 // a check failed
	exitInput   = 2 // bad flags or fixture
	exitHarness = 3 // the harness could not run
)

const usage = `routecheck proves a customer-service vendor's chat routing works before go-live.

usage:
  routecheck run   [flags]        the five-step route test (R-RT-1..5), reports in reports/out/<run>/
  routecheck vet   FILE...        check onboarding data (R-VEN-1..5), print a go-live checklist
  routecheck serve [flags]        run the bundled workbench for people and browsers
  routecheck load  [flags]        thousands of WebSocket actors against the workbench, every message audited

Run "routecheck <command> --help" for a command's flags and examples.
Exit codes: 0 passed, 1 a check failed, 2 bad input (flags, fixture), 3 the harness could not run.
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInput
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "vet":
		return cmdVet(args[1:], stdout, stderr)
	case "serve":
		return cmdServe(args[1:], stdout, stderr)
	case "load":
		return cmdLoad(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitPass
	}
	fmt.Fprintf(stderr, "routecheck: unknown command %q; want run, vet, serve or load (routecheck --help)\n", args[0])
	return exitInput
}

// newFlags returns a flag set that prints the command's help with
// examples and reports a bad flag in one line.
func newFlags(name, summary, examples string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("routecheck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: routecheck %s\n\n%s\n\nflags:\n", name, summary)
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nexamples:\n%s", examples)
	}
	return fs
}

// parse parses flags; it returns the exit code to stop with, or -1 to go on.
func parse(fs *flag.FlagSet, args []string) int {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case err == flag.ErrHelp:
		fs.Usage()
		return exitPass
	case err != nil:
		fmt.Fprintf(out, "%s: %s (see %s --help)\n", fs.Name(), strings.TrimSpace(err.Error()), fs.Name())
		return exitInput
	}
	return -1
}
