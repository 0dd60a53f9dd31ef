package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"routecheck/reports"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// summarize is a frame in one line for a failure's "last frames"; "" for
// frames that say nothing to a tester (acks, pongs).
func summarize(f actors.Frame) string {
	at := ""
	conv := f.ConvID()
	switch f.Type {
	case "ack", "pong":
		return ""
	case "message":
		who := f.Sender
		if a := agentOf(f); a != "" {
			who += " " + a
		}
		return fmt.Sprintf("%smessage %s #%d from %s: %q", at, conv, f.MsgSeq, who, clip(f.Text))
	case "state":
		s := fmt.Sprintf("%sstate %s %s", at, conv, f.State)
		if a := agentOf(f); a != "" {
			s += " agent " + a
		}
		if f.Reason != "" {
			s += " (" + f.Reason + ")"
		}
		return s
	case "assigned":
		return fmt.Sprintf("%sassigned %s", at, conv)
	case "notification":
		return fmt.Sprintf("%snotification %s %s: %q", at, f.Kind, conv, clip(f.Text))
	case "ended", "requeued":
		return fmt.Sprintf("%s%s %s (%s)", at, f.Type, conv, f.Reason)
	case "customer_link":
		return fmt.Sprintf("%scustomer_link %s %s", at, conv, f.State)
	case "error":
		return fmt.Sprintf("%serror %s: %s", at, f.Code, clip(f.Message))
	case "hello":
		if f.State != "" {
			return fmt.Sprintf("%shello %s (%s)", at, conv, f.State)
		}
		return fmt.Sprintf("%shello (%d open chats)", at, len(f.Conversations))
	case "status":
		var acc actors.Account
		_ = json.Unmarshal(f.Agent, &acc)
		return fmt.Sprintf("%sstatus %s %s, %d/%d chats", at, acc.Login, acc.Status, acc.Load, acc.Capacity)
	}
	return at + f.Type
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

func jsonString(raw json.RawMessage, s *string) error { return json.Unmarshal(raw, s) }

func asFrameError(err error) (*actors.FrameError, bool) {
	var fe *actors.FrameError
	ok := errors.As(err, &fe)
	return fe, ok
}

func asAPIError(err error) (*actors.APIError, bool) {
	var ae *actors.APIError
	ok := errors.As(err, &ae)
	return ae, ok
}

// transcribe adds what the event log says happened since the last call:
// every message of the script's chats, and the turns of each chat
// (queued, assigned, ended) and agent status, so asserts sit between the
// messages around them.
func (r *runner) transcribe() {
	for _, ev := range r.log.since(r.shown) {
		r.shown = ev.Seq
		p := r.partyOfConv(ev.Conv)
		chat := ""
		if p != nil {
			chat = p.Name
		} else if ev.Conv != "" {
			continue // another chat on a shared workbench (--target)
		}
		e := reports.ScriptEntry{At: ev.At.In(r.zone()), Chat: chat}
		switch ev.Type {
		case wb.EvMessage:
			e.Kind, e.Who, e.Sender, e.Text = "message", who(r, ev), string(ev.Sender), ev.Text
		case wb.EvQueued:
			e.Kind, e.Text = "event", chat+" waits in the queue"
		case wb.EvRequeued:
			e.Kind, e.Text = "event", fmt.Sprintf("%s back in the queue at the head (%s)", chat, ev.Reason)
		case wb.EvAssigned:
			e.Kind, e.Text = "event", fmt.Sprintf("%s assigned to %s", chat, r.partyOfLogin(ev.Agent))
		case wb.EvUnserved:
			e.Kind, e.Text = "event", fmt.Sprintf("%s's transfer refused (%s)", chat, ev.Reason)
		case wb.EvAbandoned:
			e.Kind, e.Text = "event", chat+" left the queue (abandoned)"
		case wb.EvEnded:
			reason := ev.Reason
			if reason == "" {
				reason = wb.ReasonCustomerLeft
			}
			e.Kind, e.Text = "event", fmt.Sprintf("%s's chat ended (%s)", chat, reason)
		case wb.EvNotification:
			e.Kind, e.Text = "event", fmt.Sprintf("%s notified: %s, about %s", r.partyOfLogin(ev.Agent), notifyName(ev.Reason), chat)
		case wb.EvAgentStatus:
			if r.partyByLogin(ev.Agent) == nil {
				continue
			}
			e.Kind, e.Text = "event", fmt.Sprintf("%s is %s", r.partyOfLogin(ev.Agent), ev.Status)
		default:
			continue
		}
		r.note(e)
	}
}

// joinNonEmpty joins the non-empty strings.
func joinNonEmpty(sep string, ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

// lastFrames are the last frames each party received, for a failure.
func (r *runner) lastFrames(ps []*Party) []reports.PartyFrames {
	var out []reports.PartyFrames
	for _, p := range ps {
		l := r.parties[p]
		fs := l.frames()
		var lines []string
		for i := len(fs) - 1; i >= 0 && len(lines) < 6; i-- {
			if s := summarize(fs[i]); s != "" {
				lines = append(lines, s)
			}
		}
		for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
			lines[i], lines[j] = lines[j], lines[i]
		}
		if len(lines) == 0 {
			lines = []string{"(nothing yet)"}
		}
		out = append(out, reports.PartyFrames{Party: p.Name, Frames: lines})
	}
	return out
}
