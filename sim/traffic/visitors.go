package traffic

import (
	"fmt"
	"time"

	wb "routecheck/sim/workbench"
)

// Visitors: arrivals on the bot page, and the core's events that move each
// one's conversation on (D-SIM-1).

// scheduleArrival draws the next visitor from a Poisson process whose rate
// is constant within each hour of the week: an exponential gap at the
// current rate, restarted at the hour boundary if it would cross it (the
// process is memoryless, so this is exact).
func (s *sim) scheduleArrival() {
	now := s.clock.Now()
	t := now
	for {
		if !t.Before(s.end) {
			return
		}
		rate := s.p.PerHour[HourOfWeek(t, s.loc)]
		boundary := nextHour(t, s.loc)
		if rate > 0 {
			gap := time.Duration(s.rng.ExpFloat64() / rate * float64(time.Hour))
			if t.Add(gap).Before(boundary) {
				t = t.Add(gap)
				break
			}
		}
		t = boundary
	}
	if t.Before(s.end) {
		s.clock.Schedule(t.Sub(now), ticker{s}, tArrival)
	}
}

func (s *sim) arrive() {
	s.scheduleArrival()
	view, err := s.wb.Enter(s.vendor, "", "")
	if err != nil {
		s.err = fmt.Errorf("traffic: a visitor cannot enter the bot page: %w", err)
		return
	}
	c := s.newChat()
	c.s, c.id, c.measured = s, view.ID, !s.clock.Now().Before(s.measure)
	s.chats[c.id] = c
	if c.measured {
		s.res.Visitors++
	}
	if s.p.TransferShare >= 1 || s.rng.Float64() < s.p.TransferShare {
		if d := s.p.BotTime.Sample(s.rng); d > 0 {
			s.after(d, c, kTransfer)
		} else {
			c.Fire(stepArg(c.gen, kTransfer))
		}
		return
	}
	s.after(s.p.BotTime.Sample(s.rng), c, kBotLeave)
}

// onEvent sees every core event; it only records and schedules, never
// calls back into the workbench (it runs inside a command).
func (s *sim) onEvent(e *wb.Event) {
	s.events++
	if s.inv != nil {
		s.inv.ObserveEvent(e) // a direct call, not through the interface
	} else if s.cfg.Checker != nil {
		s.cfg.Checker.Observe(*e)
	}
	switch {
	case e.Type == wb.EvMessage: // most events: tested first
		if e.Sender != wb.SenderAgent && e.Sender != wb.SenderCustomer {
			return
		}
	case e.Type == wb.EvAgentStatus:
		if a := s.byLogin[e.Agent]; a != nil && (e.Status == wb.StatusOnline) != a.counted {
			s.account()
			a.counted = !a.counted
			if a.counted {
				s.places += a.capacity
			} else {
				s.places -= a.capacity
			}
		}
		return
	case e.Type == wb.EvNotification:
		return
	default:
		switch e.Type {
		case wb.EvQueued, wb.EvUnserved, wb.EvAbandoned, wb.EvAssigned, wb.EvRequeued, wb.EvFirstResponse, wb.EvEnded:
		default:
			return // nothing to schedule: spare the lookup
		}
	}
	c := s.cur
	if c == nil || c.id != e.Conv {
		if c = s.chats[e.Conv]; c == nil {
			return
		}
	}
	now := e.At
	switch e.Type {
	case wb.EvQueued:
		c.queued, c.queuedAt = true, now
		s.after(s.p.Patience.Sample(s.rng), c, kPatience)
	case wb.EvUnserved:
		if h := s.hour; h != nil {
			if e.Reason == wb.ReasonOutsideHours {
				h.st.OutsideHours++
			} else {
				h.st.NobodyOnline++
			}
		}
		s.after(0, c, kLeave)
	case wb.EvAbandoned:
		c.queued = false
		c.wait = now.Sub(c.queuedAt)
		s.waitSeen(c)
		s.queueShrank()
	case wb.EvAssigned:
		s.account()
		s.busy++
		c.queued, c.agent = false, e.Agent
		if c.picked.IsZero() {
			c.picked = now
			c.wait = now.Sub(c.queuedAt)
			s.waitSeen(c)
			s.after(s.p.FirstReply.Sample(s.rng), c, kFirstReply)
			s.after(s.p.ChatDuration.Sample(s.rng), c, kClose)
		}
		s.queueShrank()
	case wb.EvRequeued:
		s.account()
		s.busy--
		c.queued, c.agent = true, ""
	case wb.EvMessage:
		switch e.Sender {
		case wb.SenderAgent:
			s.after(s.p.CustomerReply.Sample(s.rng), c, kCustomerReply)
		case wb.SenderCustomer:
			if c.agent != "" {
				s.after(s.p.AgentReply.Sample(s.rng), c, kAgentReply)
			}
		}
	case wb.EvFirstResponse:
		c.replied, c.firstRe = true, now.Sub(c.picked)
	case wb.EvEnded:
		c.ended = true
		if e.Agent != "" {
			s.account()
			s.busy--
			c.agent = ""
			s.after(0, c, kRate)
		}
	}
}
