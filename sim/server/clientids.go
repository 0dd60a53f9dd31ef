package server

import "routecheck/sim/wire"

// clientIDs remembers, per party (an agent "a:LOGIN", a chat's customer
// "c:CONV"), the answers to its newest Limits.ClientIDs client ids, so a
// frame resent under its id gets its first answer again and changes
// nothing (under mu).
type clientIDs struct {
	limit   int
	parties map[string]*idCache
}

// idCache is one party's answers, oldest id first.
type idCache struct {
	order   []string
	answers map[string]wire.Answer
}

func newClientIDs(limit int) clientIDs {
	return clientIDs{limit: limit, parties: map[string]*idCache{}}
}

// answer is the answer already given to the party's frame with this id.
func (ids *clientIDs) answer(party, id string) (wire.Answer, bool) {
	c := ids.parties[party]
	if c == nil {
		return wire.Answer{}, false
	}
	a, ok := c.answers[id]
	return a, ok
}

// remember keeps the answer to the party's frame with this id, forgetting
// the party's oldest beyond the limit.
func (ids *clientIDs) remember(party, id string, ans wire.Answer) {
	c := ids.parties[party]
	if c == nil {
		c = &idCache{answers: map[string]wire.Answer{}}
		ids.parties[party] = c
	}
	if len(c.order) >= ids.limit {
		delete(c.answers, c.order[0])
		c.order = append(c.order[:0], c.order[1:]...)
	}
	c.order = append(c.order, id)
	c.answers[id] = ans
}

// forget drops a party's answers (its chat was released).
func (ids *clientIDs) forget(party string) { delete(ids.parties, party) }
