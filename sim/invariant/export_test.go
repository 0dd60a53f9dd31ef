package invariant

// Steps is the work Observe has done so far (one per event plus loop items).
func (c *Checker) Steps() int { return c.steps }

// LiveChats is how many chats the checker keeps state for.
func (c *Checker) LiveChats() int { return c.chats.Len() }
