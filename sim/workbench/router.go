package workbench

import "slices"

// dispatch gives the head of the group's queue to the best free agent until
// the queue is empty or nobody is free: FIFO per skill group; least-loaded
// online agent with free capacity; ties to the longest idle, then by login
// so the choice is deterministic (R-CAP-1, R-WB-2, R-TEN-1).
func (w *Workbench) dispatch(g *group) {
	for len(g.queue) > 0 {
		a := pick(g.agents)
		if a == nil {
			return
		}
		c := g.queue[0]
		g.queue = g.queue[1:]
		w.assign(c, a)
	}
}

func pick(agents []*account) *account {
	var best *account
	for _, a := range agents {
		if !a.eligible() {
			continue
		}
		if best == nil || better(a, best) {
			best = a
		}
	}
	return best
}

func better(a, b *account) bool {
	if len(a.open) != len(b.open) {
		return len(a.open) < len(b.open)
	}
	if !a.idleSince.Equal(b.idleSince) {
		return a.idleSince.Before(b.idleSince)
	}
	return a.login < b.login
}

// assign hands a chat to an agent: pickup time on the first pickup, the
// welcome message as a system message (R-WEL-1: the skill group's beats the
// agent's own), and 新用户上线 for the agent (R-NTF-1).
func (w *Workbench) assign(c *conv, a *account) {
	now := w.clock.Now()
	again := !c.pickedAt.IsZero()
	c.state, c.agent = StateAssigned, a
	if !again {
		c.pickedAt = now
	}
	if !slices.Contains(c.handledBy, a.login) {
		c.handledBy = append(c.handledBy, a.login)
	}
	a.open = append(a.open, c)
	a.idleSince = now
	e := c.event(EvAssigned)
	if again {
		e.Reason = "reassigned"
	}
	w.emit(e)
	welcome := c.group.welcome
	if welcome == "" {
		welcome = a.welcome
	}
	if welcome != "" {
		w.say(c, SenderSystem, nil, welcome)
	}
	w.notify(a, NotifyUserOnline, c)
}

// requeueAll puts an agent's open chats back at the head of the queue, in
// their original order, when the agent goes 离线 (R-WB-2). Each requeued
// event pushes one chat to the front, so they are emitted newest first.
func (w *Workbench) requeueAll(a *account) {
	open := a.open
	a.open = nil
	for i := len(open) - 1; i >= 0; i-- {
		c := open[i]
		w.stopIdle(c)
		e := c.event(EvRequeued)
		e.Reason = ReasonAgentOffline
		c.state, c.agent = StateQueued, nil
		c.group.queue = append([]*conv{c}, c.group.queue...)
		w.emit(e)
	}
}
