package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The files WriteAll writes into its directory.
const (
	JSONFile  = "report.json"
	JUnitFile = "junit.xml"
	HTMLFile  = "report.html"
)

// WriteAll creates dir and writes report.json, junit.xml and report.html
// into it, with each browser screenshot as its own PNG next to them (the
// name report.json gives it). A screenshot given as ScreenshotFile is read
// and copied there, so the HTML can embed it. r is not changed; set
// r.OutDir = dir yourself for the console summary.
func WriteAll(dir string, r *Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	run := *r
	run.Browser = make([]BrowserCheck, len(r.Browser))
	for i, b := range r.Browser {
		if len(b.Screenshot) == 0 && b.ScreenshotFile != "" {
			png, err := os.ReadFile(b.ScreenshotFile)
			if err != nil {
				return fmt.Errorf("reports: screenshot of %s: %w", b.Name, err)
			}
			b.Screenshot = png
		}
		if name := screenshotName(i, b); name != "" {
			if err := os.WriteFile(filepath.Join(dir, name), b.Screenshot, 0o644); err != nil {
				return fmt.Errorf("reports: %w", err)
			}
			b.ScreenshotFile = filepath.Join(dir, name)
		}
		run.Browser[i] = b
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *Run) error
	}{{JSONFile, WriteJSON}, {JUnitFile, WriteJUnit}, {HTMLFile, WriteHTML}} {
		// whole or nothing: a writer error leaves no half-written report
		var buf bytes.Buffer
		if err := f.write(&buf, &run); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	return nil
}

// writeAll creates dir and writes the three report files into it through
// write, each whole or not at all.
func writeAll(dir string, write func(name string, w io.Writer) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	for _, name := range []string{JSONFile, JUnitFile, HTMLFile} {
		var buf bytes.Buffer
		if err := write(name, &buf); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	return nil
}
