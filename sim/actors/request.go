package actors

import (
	"context"
	"fmt"
	"time"

	"routecheck/sim/wire"
)

// FrameError is the workbench's error frame answering a client frame: the
// action was refused (docs/protocol.md "Errors").
type FrameError struct {
	Code    string // e.g. "not allowed in the current state", "404 page not found"
	Rule    string
	Message string
}

func (e *FrameError) Error() string {
	s := e.Code
	if e.Message != "" && e.Message != e.Code {
		s += ": " + e.Message
	}
	if e.Rule != "" {
		s += " (" + e.Rule + ")"
	}
	return s
}

// limitRetries and limitPause: a frame refused by a limit that names it is
// sent again, under a new id, after a pause in which the limit refills
// (docs/protocol.md "Limits"; the load actors do the same, D-LOAD-6).
const (
	limitRetries = 5
	limitPause   = time.Second
)

// request sends a frame that changes state and waits until the workbench
// answers it: nil on its ack, a *FrameError on its error frame. The ack
// comes after the frames the command caused, so once request returns every
// other party's socket has those frames queued. A frame refused by a limit
// that names it is sent again after a pause with a new id; one the
// frame-rate limit dropped unread (the error names no frame) the outbox
// sends again itself, under the same id, once the rate refills.
func (s *socket) request(ctx context.Context, frame wire.ClientFrame) error {
	from := s.count()
	sent, err := s.rec.ob.Send(frame, 0, nil)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		ans, _, err := s.wait(ctx, from, func(f Frame) bool { return f.Answers() && f.ID == sent.ID })
		if err != nil {
			return fmt.Errorf("no answer to %s: %w", frame.Type, err)
		}
		if ans.Type == wire.TypeAck {
			return nil
		}
		if ans.Code == wire.CodeLimit && attempt < limitRetries {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(limitPause):
			}
			from = s.count()
			if sent, err = s.rec.ob.Send(frame, 0, nil); err != nil {
				return err
			}
			continue
		}
		return &FrameError{Code: ans.Code, Rule: ans.Rule, Message: ans.Message}
	}
}

// SayWait sends a chat message and waits for the workbench's answer; a
// refusal is a *FrameError.
func (c *Customer) SayWait(ctx context.Context, text string) error {
	return c.sock.request(ctx, wire.ClientFrame{Type: wire.TypeSay, Text: text})
}

// ButtonWait taps a robot-card button and waits for the answer.
func (c *Customer) ButtonWait(ctx context.Context, label string) error {
	return c.sock.request(ctx, wire.ClientFrame{Type: wire.TypeButton, Label: label})
}

// RateWait rates the ended chat and waits for the answer.
func (c *Customer) RateWait(ctx context.Context, rating string) error {
	return c.sock.request(ctx, wire.ClientFrame{Type: wire.TypeRate, Rating: rating})
}

// LeaveWait leaves the chat and waits for the answer.
func (c *Customer) LeaveWait(ctx context.Context) error {
	return c.sock.request(ctx, wire.ClientFrame{Type: wire.TypeLeave})
}

// ReplyWait sends a message to the customer of conv and waits for the
// answer.
func (a *Agent) ReplyWait(ctx context.Context, conv, text string) error {
	return a.sock.request(ctx, wire.ClientFrame{Type: wire.TypeSend, Conv: conv, Text: text})
}

// CloseChatWait ends a chat and waits for the answer.
func (a *Agent) CloseChatWait(ctx context.Context, conv string) error {
	return a.sock.request(ctx, wire.ClientFrame{Type: wire.TypeClose, Conv: conv})
}

// StatusWait sets 在线 / 小休 / 离线 over the workbench socket and waits for
// the answer (R-WB-2).
func (a *Agent) StatusWait(ctx context.Context, status string) error {
	return a.sock.request(ctx, wire.ClientFrame{Type: wire.TypeStatus, Status: status})
}

// Connected says whether the agent's workbench socket is open.
func (a *Agent) Connected() bool { return a.sock != nil && a.sock.open() }

// Connected says whether the customer's bot-page socket is open.
func (c *Customer) Connected() bool { return c.sock != nil && c.sock.open() }

// open says whether the socket's reader still runs.
func (s *socket) open() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}
