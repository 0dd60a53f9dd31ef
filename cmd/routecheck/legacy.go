package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// legacyCmd wraps a command that parses its own flags (the standard flag
// package) as func(args, stdout, stderr) int: cobra only dispatches to it.
func legacyCmd(name, short string, body func([]string, io.Writer, io.Writer) int, stdout, stderr io.Writer, code *int) *cobra.Command {
	return &cobra.Command{
		Use: name, Short: short, DisableFlagParsing: true,
		Run: func(_ *cobra.Command, args []string) { *code = body(args, stdout, stderr) },
	}
}

// newFlags returns a standard-library flag set for a legacyCmd body: it
// prints the command's help with examples and reports a bad flag in one
// line.
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

// parse parses a legacyCmd's flags; it returns the exit code to stop with,
// or -1 to go on.
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
