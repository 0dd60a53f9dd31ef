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

// makeRunDir creates the folder of one run under parent:
// <vendor>-<seed>-<UTC time>, e.g. demo-recycle-7-20261127T171523Z.
// Seconds keep runs apart; another run of the same seed in the same second
// gets "-2", "-3"... Mkdir claims the name, so two runs at once never
// share a folder.
func makeRunDir(parent, id string, now time.Time) (string, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("reports: %w", err)
	}
	base := filepath.Join(parent, id+"-"+now.UTC().Format("20060102T150405Z"))
	dir := base
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("reports: %w", err)
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
		var err error
		if dir, err = makeRunDir(f.out, rep.ID, now); err != nil {
			return err
		}
	} else if replaced, err := clearEarlier(dir); err != nil {
		return err
	} else if replaced {
		// The tester named this folder; say so rather than overwrite
		// silently, and leave no earlier screenshot behind (D-OUT-1).
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
