// Package traffic simulates days or months of customer-service traffic in
// virtual time by driving the very workbench core the live server runs
// (sim/workbench on a clock.Virtual), single goroutine, no sockets. It owns
// the traffic profile (arrivals, transfer share, patience, reply delays,
// chat duration, schedules, satisfaction), the streaming KPI aggregation of
// a run, the staffing search, and the Erlang-A reference the simulator is
// checked against.
package traffic
