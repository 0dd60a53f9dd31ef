// Package script runs conversation scripts: route cases a tester writes
// without Go, for several parties (customers, agents, department admins,
// operations) and for time, run over the wire against a workbench
// (docs/scripts.md has the format, decisions D-SCR-1..6).
//
// A script is parsed (lex.go, parse.go, grammar.go), checked against its
// vendor fixture (check.go), then run (run.go): every party is a protocol
// client of sim/actors, nothing reaches the core directly. On the bundled
// workbench (bundled.go) the script moves a virtual clock through the
// workbench's clock-control route, so a wait of five minutes fires R-IDLE-1
// in milliseconds; against --target the waits are real. Asserts are judged
// on what the parties received and on the workbench's event log, read as
// operations (logview.go); a failed assert names the line, what was
// expected and seen, and the last frames of the parties involved.
package script
