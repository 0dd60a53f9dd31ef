package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"routecheck/reports"
)

// defaultOut is where runs keep their reports, each in a folder of its own.
const defaultOut = "reports/out"

// latestLink names the symlink in the reports folder to the newest run.
const latestLink = "latest"

// runDir is the folder of one run under parent: <vendor>-<seed>-<UTC time>,
// e.g. demo-recycle-7-20261127T171523Z. Seconds keep runs apart; a second
// run of the same seed in the same second gets "-2", "-3"...
func runDir(parent, id string, now time.Time) string {
	base := filepath.Join(parent, id+"-"+now.UTC().Format("20060102T150405Z"))
	dir := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
			return dir
		}
		dir = fmt.Sprintf("%s-%d", base, i)
	}
}

// writeReports writes the run's reports where the flags say (D-OUT-1): none
// with --no-reports; exactly --out when given; else a new folder per run
// under reports/out, with reports/out/latest pointing at it. It sets
// rep.OutDir for the console summary.
func writeReports(f runFlags, rep *reports.Run, now time.Time) error {
	rep.OutDir = ""
	if f.noReports {
		return nil
	}
	dir := f.out
	if !f.outExact {
		dir = runDir(f.out, rep.ID, now)
	} else if _, err := os.Stat(filepath.Join(dir, reports.JSONFile)); err == nil {
		// The tester named this folder; say so rather than overwrite silently.
		rep.Notes = append(rep.Notes, "replaced the reports of an earlier run in "+dir)
	}
	if err := reports.WriteAll(dir, rep); err != nil {
		return err
	}
	rep.OutDir = dir
	if !f.outExact {
		return pointLatest(f.out, filepath.Base(dir))
	}
	return nil
}

// pointLatest makes parent/latest a relative symlink to name, replacing
// the old one in one rename so a reader never sees it missing.
func pointLatest(parent, name string) error {
	link := filepath.Join(parent, latestLink)
	if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		return fmt.Errorf("reports: %s is not a symlink; move it away so it can point at the newest run", link)
	}
	tmp := filepath.Join(parent, "."+latestLink+"-"+name)
	os.Remove(tmp)
	if err := os.Symlink(name, tmp); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}
