package workbench

import "slices"

// dispatch gives the head of the group's queue to the best free agent until
// the queue is empty or nobody is free: FIFO per skill group; least-loaded
// online agent with free capacity; ties to the longest idle, then by login
// so the choice is deterministic (R-CAP-1, R-WB-2, R-TEN-1). The best agent
// is the top of the group's heap of eligible agents, so a pick costs
// O(log n), not a scan of every agent.
func (w *Workbench) dispatch(g *group) {
	for g.qlen > 0 && len(g.ready) > 0 {
		c := g.popFront()
		w.assign(c, g.ready[0])
	}
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

// refresh must follow every change of an agent's status, tenant, capacity,
// open chats or idle time: it keeps the group's count of agents online
// (for D-RT-1) and its heap of agents the router may pick.
func (w *Workbench) refresh(a *account) {
	g := a.group
	if g == nil || !a.isAgent() {
		return
	}
	online := a.status == StatusOnline && a.tenant == TenantXianyu
	if online != a.countedOnline {
		a.countedOnline = online
		if online {
			g.online++
		} else {
			g.online--
		}
	}
	switch ok := a.eligible(); {
	case ok && a.heapIdx < 0:
		a.heapIdx = len(g.ready)
		g.ready = append(g.ready, a)
		g.up(a.heapIdx)
	case ok:
		if !g.up(a.heapIdx) {
			g.down(a.heapIdx)
		}
	case a.heapIdx >= 0:
		i, last := a.heapIdx, len(g.ready)-1
		g.swap(i, last)
		g.ready[last] = nil
		g.ready = g.ready[:last]
		a.heapIdx = -1
		if i < last {
			if !g.up(i) {
				g.down(i)
			}
		}
	}
}

func (g *group) swap(i, j int) {
	h := g.ready
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx, h[j].heapIdx = i, j
}

// up moves entry i towards the root; it reports whether it moved.
func (g *group) up(i int) bool {
	moved := false
	for i > 0 {
		p := (i - 1) / 2
		if !better(g.ready[i], g.ready[p]) {
			break
		}
		g.swap(i, p)
		i, moved = p, true
	}
	return moved
}

func (g *group) down(i int) {
	n := len(g.ready)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && better(g.ready[r], g.ready[l]) {
			m = r
		}
		if !better(g.ready[m], g.ready[i]) {
			return
		}
		g.swap(i, m)
		i = m
	}
}

// The queue is an intrusive doubly linked list: joining at either end,
// leaving from the middle (abandonment) and taking the head are O(1).

func (g *group) pushBack(c *conv) {
	c.qprev, c.qnext = g.qtail, nil
	if g.qtail != nil {
		g.qtail.qnext = c
	} else {
		g.qhead = c
	}
	g.qtail = c
	g.qlen++
}

func (g *group) pushFront(c *conv) {
	c.qprev, c.qnext = nil, g.qhead
	if g.qhead != nil {
		g.qhead.qprev = c
	} else {
		g.qtail = c
	}
	g.qhead = c
	g.qlen++
}

func (g *group) unlink(c *conv) {
	if c.qprev != nil {
		c.qprev.qnext = c.qnext
	} else {
		g.qhead = c.qnext
	}
	if c.qnext != nil {
		c.qnext.qprev = c.qprev
	} else {
		g.qtail = c.qprev
	}
	c.qprev, c.qnext = nil, nil
	g.qlen--
}

func (g *group) popFront() *conv {
	c := g.qhead
	g.unlink(c)
	return c
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
		if c.handledBy == nil {
			c.handledBy = c.first[:0] // most chats have one agent: no allocation
		}
		c.handledBy = append(c.handledBy, a.login)
	}
	a.open = append(a.open, c)
	a.idleSince = now
	w.refresh(a)
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
	w.refresh(a)
	for i := len(open) - 1; i >= 0; i-- {
		c := open[i]
		w.stopIdle(c)
		e := c.event(EvRequeued)
		e.Reason = ReasonAgentOffline
		c.state, c.agent = StateQueued, nil
		c.group.pushFront(c)
		w.emit(e)
	}
}
