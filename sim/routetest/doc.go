// Package routetest runs the five-step route test of SPEC.md (R-RT-1..5)
// against a workbench over the wire: simulated operations, agents and
// customers act as the fixture's rehearsal says, record what they see, and
// each step is judged on that record with a diagnosis a tester can act on.
package routetest
