package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"routecheck/fixtures"
)

func newInitCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	return &cobra.Command{
		Use:   "init [FILE]",
		Short: "write a commented vendor template (every field, its rule and limits)",
		Long: "Writes a vendor fixture for a new vendor to fill in: every field with its rule and its\n" +
			"limits, with example values, so it is valid as written. Without FILE it goes to stdout.\n" +
			"An existing FILE is never overwritten.",
		Example: "  routecheck init my-vendor.yaml && routecheck vet my-vendor.yaml\n  routecheck init > my-vendor.yaml",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("routecheck init: unexpected argument %q (at most one FILE; see routecheck init --help)", args[1])
			}
			return nil
		},
		Run: func(_ *cobra.Command, args []string) {
			*code = writeTemplate(args, stdout, stderr)
		},
	}
}

func writeTemplate(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		stdout.Write(fixtures.Template())
		return exitPass
	}
	f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(stderr, "routecheck init: %s already exists; name a new file (routecheck init never overwrites)\n", args[0])
		return exitInput
	}
	if err == nil {
		_, err = f.Write(fixtures.Template())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "routecheck init:", err)
		return exitInput
	}
	fmt.Fprintf(stdout, "wrote %s; fill it in, then: routecheck vet %s\n", args[0], args[0])
	return exitPass
}
