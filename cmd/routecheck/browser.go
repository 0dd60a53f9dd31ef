package main

import "routecheck/sim/browser"

// runBrowser runs the Chromium checks against the workbench at base; an
// error wrapping browser.ErrNoBrowser means none is installed (exit 3).
var runBrowser = browser.RunAll
