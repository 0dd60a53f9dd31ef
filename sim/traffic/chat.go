package traffic

import (
	wb "routecheck/sim/workbench"
	"time"
)

// A visitor's chat as the simulator drives it: its steps, each a timer
// on the virtual clock.

// A chat's steps, as its timer argument names them (stepArg).
const (
	kTransfer int64 = iota
	kBotLeave
	kPatience
	kFirstReply
	kAgentReply
	kCustomerReply
	kClose
	kRate
	kLeave // a refused customer leaves the bot page
)

// chat is one visitor's conversation as the simulator drives it.
type chat struct {
	s        *sim
	gen      int64 // bumped on reuse: steps scheduled before do nothing
	id       string
	agent    string
	queuedAt time.Time
	picked   time.Time
	wait     time.Duration
	firstRe  time.Duration
	replied  bool
	ended    bool
	queued   bool
	measured bool // arrived after the warm-up
}

// Fire runs the chat's next step. A step that no longer applies (the chat
// ended, was picked up before the patience ran out) does nothing.
func (c *chat) Fire(arg int64) {
	gen, kind := stepOf(arg)
	if gen != c.gen {
		return // a step of the chat this struct held before
	}
	s := c.s
	s.cur = c
	switch kind {
	case kTransfer:
		_ = s.wb.CustomerSend(c.id, wb.TransferText)
	case kBotLeave, kLeave:
		_ = s.wb.CustomerLeave(c.id)
		s.done(c)
	case kPatience:
		if c.queued {
			_ = s.wb.CustomerLeave(c.id)
			s.done(c)
		}
	case kFirstReply, kAgentReply:
		if !c.ended && c.agent != "" {
			_ = s.wb.AgentSend(c.agent, c.id, "好的，我来为您处理。")
		}
	case kCustomerReply:
		if !c.ended {
			_ = s.wb.CustomerSend(c.id, "好的，谢谢。")
		}
	case kClose:
		if !c.ended && c.agent != "" {
			_ = s.wb.AgentClose(c.agent, c.id)
		}
	case kRate:
		sat := s.p.Satisfaction
		if s.rng.Float64() < sat.RatingShare {
			r := wb.RatingNeutral
			if s.rng.Float64() < sat.P(c.wait, c.firstRe, c.replied) {
				r = wb.RatingSatisfied
				if s.rng.IntN(2) == 0 {
					r = wb.RatingVerySatisfied
				}
			} else if s.rng.IntN(2) == 0 {
				r = wb.RatingDissatisfied
			}
			_ = s.wb.Rate(c.id, r)
		}
		s.done(c)
	}
}

func (s *sim) done(c *chat) {
	delete(s.chats, c.id)
	if s.cur == c {
		s.cur = nil
	}
	// Only its pending steps refer to it now, and its generation disarms
	// them: reuse it for a later visitor.
	if !s.cfg.freshChats {
		s.spare = append(s.spare, c)
	}
}

// after schedules a step of c: its kind, tagged with c's generation.
func (s *sim) after(d time.Duration, c *chat, kind int64) {
	s.clock.Schedule(d, c, stepArg(c.gen, kind))
}

// stepArg packs a chat step's timer argument, the chat's generation and
// the step's kind, so a timer needs no closure; stepOf unpacks it.
func stepArg(gen, kind int64) int64 { return gen<<8 | kind }

func stepOf(arg int64) (gen, kind int64) { return arg >> 8, arg & 0xff }

// newChat returns a cleared chat, a finished one if there is one.
func (s *sim) newChat() *chat {
	n := len(s.spare)
	if n == 0 {
		return new(chat)
	}
	c := s.spare[n-1]
	s.spare = s.spare[:n-1]
	*c = chat{gen: c.gen + 1}
	return c
}
