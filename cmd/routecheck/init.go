package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"routecheck/fixtures"
	trafficfix "routecheck/fixtures/traffic"
)

func newInitCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var profile bool
	cmd := &cobra.Command{
		Use:   "init [--traffic] [FILE]",
		Short: "write a commented vendor template (every field, its rule and limits), or with --traffic a traffic profile",
		Long: "Writes a vendor fixture for a new vendor to fill in: every field with its rule and its\n" +
			"limits, with example values, so it is valid as written. With --traffic it writes a traffic\n" +
			"profile for routecheck simulate instead: every key with its meaning and default.\n" +
			"Without FILE it goes to stdout. An existing FILE is never overwritten.",
		Example: "  routecheck init my-vendor.yaml && routecheck vet my-vendor.yaml\n  routecheck init > my-vendor.yaml\n" +
			"  routecheck init --traffic my-traffic.yaml && routecheck simulate --vendor my-vendor.yaml --traffic my-traffic.yaml",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("routecheck init: unexpected argument %q (at most one FILE; see routecheck init --help)", args[1])
			}
			return nil
		},
		Run: func(_ *cobra.Command, args []string) {
			if profile {
				*code = writeTemplate(args, trafficfix.Template(), "routecheck simulate --traffic %s", stdout, stderr)
				return
			}
			*code = writeTemplate(args, fixtures.Template(), "routecheck vet %s", stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&profile, "traffic", false, "write a traffic profile (routecheck simulate --traffic) instead of a vendor")
	return cmd
}

// writeTemplate writes a template to the file args names (never over an
// existing one) or to stdout, and says what to run next.
func writeTemplate(args []string, template []byte, next string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		stdout.Write(template)
		return exitPass
	}
	f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(stderr, "routecheck init: %s already exists; name a new file (routecheck init never overwrites)\n", args[0])
		return exitInput
	}
	if err == nil {
		_, err = f.Write(template)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "routecheck init:", err)
		return exitInput
	}
	fmt.Fprintf(stdout, "wrote %s; fill it in, then: "+next+"\n", args[0], args[0])
	return exitPass
}
