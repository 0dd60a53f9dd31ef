//go:build !routecheck_plant

package server

// plantOn is false in every build but the audit's mutation test
// (plant_on.go, build tag routecheck_plant): the planted defects and their
// switch are not compiled in, and these no-ops fold away.
const plantOn = false

func plantChat(*Server, intent) bool { return false }

func plantReplay(logged, bool) bool { return false }

func plantApply(*conn, ClientFrame) (map[string]any, bool) { return nil, false }
