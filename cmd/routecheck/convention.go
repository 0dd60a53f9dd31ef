package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"routecheck/fixtures"
)

// The one convention of run, load and simulate (docs/decisions.md D-CLI-4
// to D-CLI-7): where reports go, the names report.json starts with, seeds
// (seed.go) and exit codes (main.go).

// outHelp is --out's help for every command that writes reports.
const outHelp = "folder for report.json, report.html and junit.xml; not given: a new folder\n" +
	"reports/out/<name>-<seed>-<UTC time>/ with reports/out/latest pointing at it (D-CLI-4)"

// outFlag adds --out. Its value stays reports/out when not given (the
// parent of the run's own folder), but the help shows no default: giving
// --out reports/out writes exactly there, which not giving it does not.
func outFlag(fs *pflag.FlagSet, out *string) {
	fs.StringVar(out, "out", defaultOut, outHelp)
	fs.Lookup("out").DefValue = ""
}

// outFlags are --out and --no-reports of load and simulate; run keeps its
// own fields in runFlags and the same meaning.
type outFlags struct {
	out       string
	exact     bool // --out was given
	noReports bool
}

func addOutFlags(fs *pflag.FlagSet, o *outFlags) {
	outFlag(fs, &o.out)
	fs.BoolVar(&o.noReports, "no-reports", false, "write no report files")
}

// parse notes whether --out was given; call it in the command's Run.
func (o *outFlags) parse(cmd *cobra.Command) { o.exact = cmd.Flags().Changed("out") }

// checkOut finds before the run what would throw it away: a folder that
// cannot be written (exit 2, D-CLI-4).
func (o outFlags) checkOut() error {
	if o.noReports {
		return nil
	}
	if err := writable(o.out); err != nil {
		return fmt.Errorf("--out %s is not writable: %w", o.out, err)
	}
	return nil
}

// open is the folder this run's reports go to: exactly --out, with what an
// earlier run left there removed (said in the note), or a new folder
// <name>-<seed>-<UTC time> under reports/out. "" with --no-reports.
func (o outFlags) open(name string, seed int64, now time.Time) (dir, note string, err error) {
	switch {
	case o.noReports:
		return "", "", nil
	case o.exact:
		replaced, err := clearEarlier(o.out)
		if err != nil {
			return "", "", err
		}
		if replaced {
			note = "replaced the reports of an earlier run in " + o.out
		}
		return o.out, note, os.MkdirAll(o.out, 0o755)
	}
	dir, err = makeRunDir(o.out, fmt.Sprintf("%s-%d", name, seed), now)
	return dir, "", err
}

// done moves reports/out/latest to a run's new folder.
func (o outFlags) done(dir string) error {
	if o.noReports || o.exact || dir == "" {
		return nil
	}
	return pointLatest(o.out, filepath.Base(dir))
}

// earlierReports are the files a run of any command writes into its
// folder: what clearEarlier removes before a run reuses the folder.
var earlierReports = []string{"report.json", "report.html", "junit.xml", "result.json", "browser-*.png"}

// clearEarlier removes an earlier run's reports from dir (D-OUT-1): a
// screenshot this run does not take must not pass for one of its own.
// Nothing else in dir is touched. It says whether there were any.
func clearEarlier(dir string) (bool, error) {
	found := false
	for _, pat := range earlierReports {
		names, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, n := range names {
			if err := os.Remove(n); err != nil && !errors.Is(err, os.ErrNotExist) {
				return found, fmt.Errorf("reports: %w", err)
			}
			found = true
		}
	}
	return found, nil
}

// runHeader is what every report.json starts with (D-CLI-5).
type runHeader struct {
	Command     string    `json:"command"`
	ExitCode    int       `json:"exit_code"`
	Interrupted bool      `json:"interrupted"`
	Rerun       string    `json:"rerun"`
	StartedAt   time.Time `json:"started_at"`
}

// secretAnnotation marks a flag whose value is a password (D-SEC-1).
const secretAnnotation = "routecheck-secret"

func markSecret(fs *pflag.FlagSet, name string) {
	_ = fs.SetAnnotation(name, secretAnnotation, []string{"true"})
	fs.Lookup(name).DefValue = ""
}

// rerunOf is the whole command that repeats a run: the flags given, with
// the seed the run used; a password shows as its ${NAME} or <password>,
// never its value (D-SEC-1, D-CLI-5).
func rerunOf(cmd *cobra.Command, seed int64) string {
	args := []string{"routecheck", cmd.Name()}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		switch {
		case f.Name == "seed":
			args = append(args, "--seed", fmt.Sprint(seed))
		case !f.Changed:
		case f.Annotations[secretAnnotation] != nil && !fixtures.IsEnvRef(f.Value.String()):
			args = append(args, "--"+f.Name, "<password>")
		case f.Value.Type() == "bool":
			if f.Value.String() == "true" {
				args = append(args, "--"+f.Name)
			}
		default:
			args = append(args, "--"+f.Name, f.Value.String())
		}
	})
	return shellJoin(args)
}

// shellJoin quotes what a shell would split or expand.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t'\"$\\|&;<>()*?[]{}~`#%") {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(out, " ")
}
