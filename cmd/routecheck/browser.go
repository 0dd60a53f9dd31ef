package main

import (
	"context"
	"errors"

	"routecheck/fixtures"
	"routecheck/reports"
)

// runBrowser runs the Chromium checks against the workbench at base.
var runBrowser = func(ctx context.Context, base string, v *fixtures.Vendor) ([]reports.BrowserCheck, error) {
	return nil, errors.New("browser checks are not built yet")
}
