package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"routecheck/internal/term"
	"routecheck/reports"
	cl "routecheck/sim/checklist"
	wb "routecheck/sim/workbench"
)

const checklistExamples = `  routecheck checklist --vendor my-vendor.yaml --at "2026-11-27 10:00" --out go-live
  routecheck checklist --vendor demo --tz Europe/Berlin     # the tester is in Berlin
  routecheck checklist --record checklist-demo-recycle-2026-11-27.json --out go-live/report
`

type checklistFlags struct {
	vendor    string
	at        string
	tz        string
	out       string
	outExact  bool
	noReports bool
	record    string
	workbench string
	json      bool
	noColor   bool
}

func newChecklistCmd(g *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f checklistFlags
	cmd := &cobra.Command{
		Use:   "checklist [flags]",
		Short: "the real go-live test as a printable checklist; --record turns its ticks into reports",
		Long: "Writes the real five-step test (R-RT-1..5) for a tester in the Xianyu app and X-Space as a printable\n" +
			"page (checklist.html, with a form that saves the ticks as JSON) and as Markdown for chat tools\n" +
			"(checklist.md): who must be 在线 and when (the work hours in the tester's and the vendor's zone),\n" +
			"every text to see, the test message, and each known failure with the fix `run` gives.\n" +
			"With --record FILE it turns a saved record into report.json, junit.xml and report.html, the\n" +
			"same reports as `routecheck run`; exit 0 when all five steps passed, 1 when one failed.",
		Example: checklistExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			f.outExact = cmd.Flags().Changed("out")
			f.noColor = g.noColor
			if err := checklistFlagsApply(cmd, f); err != nil {
				fmt.Fprintln(stderr, err)
				*code = exitInput
				return
			}
			if f.record != "" {
				*code = recordChecklist(cmd, f, stdout, stderr)
				return
			}
			*code = writeChecklist(f, time.Now(), stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture: a YAML file, or a bundled vendor by name (routecheck fixtures);\nwith --record, the record's items must match it when given")
	fs.StringVar(&f.at, "at", "", "when the test is planned: RFC 3339, or \"2006-01-02 15:04\" in --tz; default now")
	fs.StringVar(&f.tz, "tz", "", "the tester's time zone (IANA, e.g. Europe/Berlin); default this machine's (TZ, else /etc/localtime)")
	fs.StringVar(&f.out, "out", defaultOut, "folder to write to; not given: a new folder reports/out/<vendor>-checklist-<UTC time>/\n(with --record, reports/out/<run id>-<UTC time>/, D-CLI-4) with reports/out/latest pointing at it")
	fs.Lookup("out").DefValue = ""
	fs.BoolVar(&f.noReports, "no-reports", false, "with --record: write no report files (with --json, report.json goes to stdout only)")
	fs.StringVar(&f.record, "record", "", "a record the checklist page saved: write the reports of that real test")
	fs.StringVar(&f.workbench, "workbench-url", "", "the X-Space URL agents log in at; default the seed's ("+wb.WorkbenchURL+")")
	fs.BoolVar(&f.json, "json", false, "with --record: print report.json to stdout (the console goes to stderr)")
	completeVendor(cmd)
	return cmd
}

// checklistFlagsApply refuses flags that do nothing in the mode chosen:
// the planned time and zones make a checklist, --json prints a record's
// report.
func checklistFlagsApply(cmd *cobra.Command, f checklistFlags) error {
	only := map[bool][]string{true: {"at", "tz", "workbench-url"}, false: {"json", "no-reports"}}[f.record != ""]
	for _, name := range only {
		if cmd.Flags().Changed(name) {
			if f.record != "" {
				return fmt.Errorf("routecheck checklist: --%s makes a new checklist; it does not go with --record (the record has its own)", name)
			}
			return fmt.Errorf("routecheck checklist: --%s goes with --record FILE", name)
		}
	}
	return nil
}

// writeChecklist writes checklist.html and checklist.md for a vendor.
func writeChecklist(f checklistFlags, now time.Time, stdout, stderr io.Writer) int {
	zone, err := testerZone(f.tz)
	if err != nil {
		fmt.Fprintln(stderr, "routecheck checklist:", err)
		return exitInput
	}
	at := now
	if f.at != "" {
		if at, err = cl.ParseAt(f.at, zone); err != nil {
			fmt.Fprintln(stderr, "routecheck checklist: --at", err)
			return exitInput
		}
	}
	v, err := loadVendor(f.vendor)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	c := cl.Build(v, cl.Options{At: at, TesterZone: zone, Workbench: f.workbench})
	dir := f.out
	if !f.outExact {
		if dir, err = makeRunDir(f.out, v.Config.ID+"-checklist", now); err != nil {
			fmt.Fprintln(stderr, "routecheck checklist:", err)
			return exitInput
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "routecheck checklist: --out:", err)
		return exitInput
	}
	for _, out := range []struct {
		name  string
		write func(io.Writer, *cl.Checklist) error
	}{{"checklist.html", cl.WriteHTML}, {"checklist.md", cl.WriteMarkdown}} {
		if err := writeFile(filepath.Join(dir, out.name), func(w io.Writer) error { return out.write(w, c) }); err != nil {
			fmt.Fprintln(stderr, "routecheck checklist:", err)
			return exitInput
		}
	}
	fmt.Fprintf(stdout, "checklist for %s (%s): %d items in 5 steps, test planned %s\n", c.Vendor.Name, v.File, len(c.Items()), cl.When(at, zone))
	if !c.InHours {
		fmt.Fprintf(stdout, "warning: that is outside the work hours (%s): the transfer would be refused (R-VEN-4)", c.Vendor.WorkHours)
		if !c.NextOpen.IsZero() {
			fmt.Fprintf(stdout, "; next opening %s", cl.When(c.NextOpen, zone))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "  %s  (print it; tick, then 保存记录 saves the record)\n  %s\n",
		filepath.Join(dir, "checklist.html"), filepath.Join(dir, "checklist.md"))
	fmt.Fprintf(stdout, "then: routecheck checklist --record <saved .json>\n")
	return exitPass
}

// recordChecklist turns a saved record into the reports of a route test.
func recordChecklist(cmd *cobra.Command, f checklistFlags, stdout, stderr io.Writer) int {
	file, err := os.Open(f.record)
	if err != nil {
		fmt.Fprintln(stderr, "routecheck checklist --record:", err)
		return exitInput
	}
	rec, err := cl.ParseRecord(f.record, file)
	file.Close()
	if err != nil {
		fmt.Fprintln(stderr, "routecheck checklist --record:", err)
		return exitInput
	}
	if cmd.Flags().Changed("vendor") {
		v, err := loadVendor(f.vendor)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitInput
		}
		if err := rec.Matches(cl.Build(v, cl.Options{At: rec.PlannedAt})); err != nil {
			fmt.Fprintf(stderr, "routecheck checklist --record: %s: %v (made from another version of %s?)\n", f.record, err, v.File)
			return exitInput
		}
	}
	run := rec.Run()
	run.Command = "checklist"
	run.Rerun = "routecheck checklist --record " + f.record
	console := stdout
	if f.json {
		console = stderr
	}
	if err := writeReports(runFlags{out: f.out, outExact: f.outExact, noReports: f.noReports}, run, time.Now()); err != nil {
		fmt.Fprintln(stderr, "routecheck checklist --record:", err)
		return exitInput
	}
	cw := term.Colorize(console, term.ColorWanted(console, f.noColor))
	reports.WriteConsole(cw, run)
	if c, ok := cw.(*term.ColorWriter); ok {
		c.Flush()
	}
	if f.json {
		if err := reports.WriteJSON(stdout, run); err != nil {
			fmt.Fprintln(stderr, err)
			return exitHarness
		}
	}
	return run.ExitCode
}

// testerZone is the zone named by --tz, or this machine's.
func testerZone(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("--tz %q: not a time zone; want an IANA name such as Asia/Shanghai or Europe/Berlin", name)
	}
	return loc, nil
}

// writeFile writes a whole file or none of it.
func writeFile(path string, write func(io.Writer) error) error {
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
