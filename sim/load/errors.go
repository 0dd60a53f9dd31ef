package load

import "errors"

// The two ways a load run fails before it judges the workbench.
var (
	// ErrInput marks a configuration a person must fix (exit 2).
	ErrInput = errors.New("bad input")
	// ErrHarness marks a run that could not be made (exit 3): the
	// generator or the bundled workbench failed, which says nothing about
	// the target.
	ErrHarness = errors.New("harness could not run")
)
