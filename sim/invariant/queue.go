package invariant

// Queue is a skill group's queue as the checker's own model of the log
// holds it, head first: the chats waiting for an agent, new ones behind,
// re-queued ones at the head (D-ROUTE-1, D-ROUTE-2). Call it between
// commands, like Violations. Conversation scripts read queue positions
// from it: the model of the log, not the core's router.
func (c *Checker) Queue(group string) []string {
	c.endCommand()
	g := c.groups[group]
	if g == nil {
		return nil
	}
	var out []string
	for ch := g.head; ch != nil; ch = ch.next {
		out = append(out, ch.id)
	}
	return out
}
