package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// Suite is a JUnit test suite of a command other than run (load,
// simulate), written as WriteJUnit writes run's: the same XML, with the
// properties that repeat the run (seed, rerun), a time for the suite and
// each case, and a failure's message and text, so CI reads every command
// alike (docs/decisions.md D-CLI-4).
type Suite struct {
	Name       string
	Timestamp  time.Time
	Time       time.Duration
	Properties [][2]string // name, value; empty values are left out
	Cases      []Case
}

// Case is one test case of a Suite.
type Case struct {
	Class, Name string
	Time        time.Duration
	// Failure is the short message of a failed case ("" when it passed);
	// FailureText says what was expected, seen and what to do.
	Failure, FailureType, FailureText string
	Skipped                           string // why the case did not apply
	// Error says why the harness could not judge the case: an <error>,
	// never a failure (D-RUN-7).
	Error  string
	Output string // system-out
}

// WriteSuites writes suites as one junit.xml document.
func WriteSuites(w io.Writer, name string, suites ...Suite) error {
	out := junitSuites{Name: name}
	var total time.Duration
	for _, s := range suites {
		js := junitSuite{Name: s.Name, Time: secs(s.Time)}
		if !s.Timestamp.IsZero() {
			js.Timestamp = s.Timestamp.UTC().Format("2006-01-02T15:04:05")
		}
		for _, p := range s.Properties {
			if p[1] != "" {
				js.Properties = append(js.Properties, junitProperty{p[0], p[1]})
			}
		}
		for _, c := range s.Cases {
			jc := junitCase{Classname: c.Class, Name: c.Name, Time: secs(c.Time), SystemOut: c.Output}
			js.Tests++
			switch {
			case c.Failure != "":
				js.Failures++
				jc.Failure = &junitFailure{Message: c.Failure, Type: c.FailureType, Text: c.FailureText}
				if jc.Failure.Type == "" {
					jc.Failure.Type = "failure"
				}
			case c.Error != "":
				js.Errors++
				jc.Error = &junitFailure{Message: c.Error, Type: "error"}
			case c.Skipped != "":
				js.Skipped++
				jc.Skipped = &junitSkipped{Message: c.Skipped}
			}
			js.Cases = append(js.Cases, jc)
		}
		out.Tests += js.Tests
		out.Failures += js.Failures
		out.Skipped += js.Skipped
		out.Errors += js.Errors
		total += s.Time
		out.Suites = append(out.Suites, js)
	}
	out.Time = secs(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
