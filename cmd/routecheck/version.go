package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/spf13/cobra"
)

// vcsCommit is the commit when the build info has none (a build with
// -buildvcs=false): `make build` sets it with -ldflags -X.
var vcsCommit string

// moduleVersion is what --version and `routecheck version` print: the module
// version and the VCS commit the binary was built from, as the Go toolchain
// stamped them into the build info.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "routecheck (no build info)"
	}
	return formatVersion(bi)
}

// formatVersion renders, for a build from a clone or a pseudo-version, e.g.
//
//	routecheck v0.0.0-20261127171234-0b167ab6a1b2+dirty (commit 0b167ab6a1b2, 2026-11-27T17:12:34Z, modified) go1.26.0
func formatVersion(bi *debug.BuildInfo) string {
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	out := "routecheck " + version
	if rev == "" {
		rev = vcsCommit
	}
	// `go install module@version` stamps no VCS settings, only the module
	// version: a pseudo-version names its commit and time, a release tag
	// is the version itself.
	if rev == "" && module.IsPseudoVersion(version) {
		rev, _ = module.PseudoVersionRev(version)
		if t, err := module.PseudoVersionTime(version); err == nil {
			at = t.UTC().Format(time.RFC3339)
		}
	}
	release := rev == "" && version != "(devel)" && semver.IsValid(version)
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		out += " (commit " + rev
		if at != "" {
			out += ", " + at
		}
		if modified {
			out += ", modified"
		}
		out += ")"
	} else if !release {
		out += " (commit unknown: built without VCS information; make install stamps it)"
	}
	if bi.GoVersion != "" {
		out += " " + bi.GoVersion
	}
	return out
}

func newVersionCmd(stdout io.Writer, code *int) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "print the module version and commit this binary was built from",
		Example: "  routecheck version\n  routecheck --version",
		Args:    noArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintln(stdout, moduleVersion())
			*code = exitPass
		},
	}
}
