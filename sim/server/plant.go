//go:build !routecheck_plant

package server

import "routecheck/sim/wire"

// plantOn is false in every build but the audit's mutation test
// (plant_on.go, build tag routecheck_plant): the planted defects and their
// switch are not compiled in, and these no-ops fold away.
const plantOn = false

func plantChat(*delivery, intent) bool { return false }

func plantReplay(logged, bool) bool { return false }

func plantApply(*conn, wire.ClientFrame) (wire.Answer, bool) { return wire.Answer{}, false }
