package traffic

import (
	"errors"
	"fmt"
	"math"
)

// ErlangA is the M/M/s+M queue (Erlang-A, Palm's model): Poisson arrivals,
// exponential handling by s identical servers, exponential patience in the
// queue. With the simulator's pure queueing profile and always-open agents,
// s = agents x capacity: every place of an agent serves one chat on its own.
// A zero MeanPatience means customers never give up (Erlang-C).
type ErlangA struct {
	PerHour      float64 // arrival rate of service requests
	MeanService  float64 // seconds
	MeanPatience float64 // seconds; 0: infinite patience
	Servers      int
}

// ErlangResult is the steady state of an ErlangA queue. Rates are fractions.
type ErlangResult struct {
	Servers         int     `json:"servers"`
	OfferedLoad     float64 `json:"offered_load"` // λ/μ, in Erlangs
	PWait           float64 `json:"p_wait"`       // an arrival finds every server busy
	PickupRate      float64 `json:"pickup_rate"`
	AbandonmentRate float64 `json:"abandonment_rate"`
	MeanWaitS       float64 `json:"mean_wait_s"` // over all requests, abandoned ones until they left
	MeanQueue       float64 `json:"mean_queue"`
	Utilisation     float64 `json:"utilisation"` // busy share of the servers
}

// tailEps ends the chain once a state's probability, relative to the
// largest, is below it: the rest cannot move any figure we print.
const tailEps = 1e-17

// maxStates bounds the chain for very patient customers on an overloaded
// queue, where the tail decays slowly.
const maxStates = 50_000_000

// Solve solves the birth-death chain of the number of customers in the
// system exactly (to tailEps): birth rate λ in every state, death rate
// min(k,s)·μ + max(k−s,0)·θ. Then
//
//	P(abandon) = θ·E[queue] / λ      (abandonments per unit time over arrivals)
//	mean wait  = E[queue] / λ        (Little's law, abandoned ones included)
//	P(wait)    = Σ_{k≥s} π_k         (PASTA)
//
// Without patience the queue is stable only when λ < s·μ.
func (q ErlangA) Solve() (ErlangResult, error) {
	if q.Servers < 1 {
		return ErlangResult{}, errors.New("erlang: at least one server is needed")
	}
	if !(q.PerHour > 0) || !(q.MeanService > 0) || q.MeanPatience < 0 || math.IsInf(q.PerHour, 0) {
		return ErlangResult{}, errors.New("erlang: arrival rate and service time must be positive, patience not negative")
	}
	lambda := q.PerHour / 3600
	mu := 1 / q.MeanService
	theta := 0.0
	if q.MeanPatience > 0 {
		theta = 1 / q.MeanPatience
	}
	s := q.Servers
	a := lambda / mu
	if theta == 0 && a >= float64(s) {
		return ErlangResult{}, fmt.Errorf("erlang: %.1f Erlangs of load on %d servers with infinite patience never settles; give a patience", a, s)
	}
	// Work in logs: a^k/k! overflows float64 long before big call centres do.
	// Pass one finds the largest log-probability, pass two sums relative to it.
	logTerm := func(prev float64, k int) float64 {
		death := float64(min(k, s))*mu + float64(max(k-s, 0))*theta
		return prev + math.Log(lambda/death)
	}
	peak, lt := 0.0, 0.0
	n := 0
	for k := 1; k < maxStates; k++ {
		lt = logTerm(lt, k)
		if lt > peak {
			peak = lt
		}
		n = k
		if k > s && lt-peak < math.Log(tailEps) {
			break
		}
	}
	if n >= maxStates-1 {
		return ErlangResult{}, errors.New("erlang: the chain does not settle within the state bound")
	}
	var sum, busy, queue, wait float64
	lt = 0
	for k := 0; k <= n; k++ {
		if k > 0 {
			lt = logTerm(lt, k)
		}
		p := math.Exp(lt - peak)
		sum += p
		busy += float64(min(k, s)) * p
		if k > s {
			queue += float64(k-s) * p
		}
		if k >= s {
			wait += p
		}
	}
	busy, queue, wait = busy/sum, queue/sum, wait/sum
	r := ErlangResult{Servers: s, OfferedLoad: a, PWait: wait, MeanQueue: queue, Utilisation: busy / float64(s)}
	r.MeanWaitS = queue / lambda
	r.AbandonmentRate = theta * queue / lambda
	r.PickupRate = 1 - r.AbandonmentRate
	return r, nil
}

// FewestAgents is the smallest number of agents, each holding up to
// capacity chats, whose places (agents x capacity) give a pickup rate of at
// least minPickup. It returns 0 if maxAgents agents are not enough.
func FewestAgents(q ErlangA, capacity int, minPickup float64, maxAgents int) (int, ErlangResult) {
	for n := 1; n <= maxAgents; n++ {
		q.Servers = n * capacity
		r, err := q.Solve()
		if err == nil && r.PickupRate >= minPickup {
			return n, r
		}
	}
	return 0, ErlangResult{}
}
