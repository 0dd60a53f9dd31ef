//go:build routecheck_plant

package server

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"

	"routecheck/sim/wire"
)

// The audit's mutation test (scenarios/faults, docs/testing.md): a build
// with the routecheck_plant tag breaks the workbench's promises on purpose,
// one defect per process, chosen by ROUTECHECK_PLANT, so `routecheck load`
// must report each with the right count. A normal build has none of this
// (plant.go). Each defect strikes chat messages of the load run (texts
// "load …"), the plantAt-th of its kind, a fixed number of times.
const plantEnv = "ROUTECHECK_PLANT"

const plantOn = true

// plantAt: the defect strikes the plantAt-th frame of its kind, once the
// chats are under way.
const plantAt = 5

var plant = struct {
	sync.Mutex
	kind string
	n    int // frames of the defect's kind seen
	done int // times it struck
	held *heldFrame
}{kind: os.Getenv(plantEnv)}

type heldFrame struct {
	conv  string
	agent string // the agent it was held from; "" the customer
	lane  bool   // goes behind the chat's next agent message
	data  []byte
}

// plantTimes are the defects and how often each strikes.
var plantTimes = map[string]int{
	"drop": 1, "duplicate": 1, "duplicate-to-agent": 1, "swap-lane": 1, "swap-types": 1, "misdeliver-chat": 1, "misdeliver-agent": 1,
	"cseq-reuse": 1, "error": 1, "swallow": 3, "replay-skip": 1,
}

func init() {
	if plant.kind != "" && plantTimes[plant.kind] == 0 {
		fmt.Fprintf(os.Stderr, "%s=%q: unknown defect\n", plantEnv, plant.kind)
		os.Exit(2)
	}
}

// strike counts a frame of the defect's kind and says whether to break it.
func strike(kind string) bool {
	if plant.kind != kind || plant.done >= plantTimes[kind] {
		return false
	}
	plant.n++
	if plant.n < plantAt {
		return false
	}
	plant.done++
	return true
}

func loadMessage(in intent, sender string) bool {
	m, ok := in.chat.(wire.Message)
	return ok && m.Sender == sender && strings.HasPrefix(m.Text, "load ")
}

// newMessageNotice: the notification that announces a message to the agent.
func newMessageNotice(in intent) bool {
	n, ok := in.chat.(wire.Notification)
	return ok && n.Kind == wire.NotifyNewMessage
}

// plantChat delivers a chat frame (under dmu) when the defect takes it,
// and reports whether it did.
func plantChat(s *delivery, in intent) bool {
	plant.Lock()
	defer plant.Unlock()
	if plant.kind == "" {
		return false
	}
	if h := plant.held; h != nil && h.conv == in.conv && h.takes(in) {
		// The frame behind which the held one goes: this one first.
		data := logChat(s, in, false)
		both := func(c *conn) { c.push(data); c.push(h.data) }
		sendTo(s, in, data, both, h.agent == "", h.agent != "")
		sendTo(s, in, data, nil, h.agent != "", h.agent == "")
		plant.held = nil
		return true
	}
	switch {
	case loadMessage(in, "agent") && strike("drop"):
		data := logChat(s, in, false)
		sendTo(s, in, data, nil, false, true) // not to the customer
	case loadMessage(in, "agent") && strike("duplicate"):
		data := logChat(s, in, false)
		sendTo(s, in, data, func(c *conn) { c.push(data); c.push(data) }, true, false)
		sendTo(s, in, data, nil, false, true)
	case loadMessage(in, "customer") && in.agent != "" && strike("duplicate-to-agent"):
		data := logChat(s, in, false)
		sendTo(s, in, data, func(c *conn) { c.push(data); c.push(data) }, false, true)
		sendTo(s, in, data, nil, true, false)
	case loadMessage(in, "agent") && strike("swap-lane"):
		// Held back from the customer until the chat's next agent message.
		data := logChat(s, in, false)
		sendTo(s, in, data, nil, false, true)
		plant.held = &heldFrame{conv: in.conv, data: data, lane: true}
	case loadMessage(in, "customer") && in.agent != "" && strike("swap-types"):
		// Held back from the agent behind the chat's next frame for it
		// (the new_message notification).
		data := logChat(s, in, false)
		sendTo(s, in, data, nil, true, false)
		plant.held = &heldFrame{conv: in.conv, agent: in.agent, data: data}
	case loadMessage(in, "agent") && strike("misdeliver-chat"):
		data := logChat(s, in, false)
		sendTo(s, in, data, nil, true, true)
		for conv, cs := range s.custReg {
			if conv != in.conv && len(cs) > 0 {
				for c := range cs {
					c.push(data)
				}
				break
			}
		}
	case loadMessage(in, "customer") && in.agent != "" && strike("misdeliver-agent"):
		data := logChat(s, in, false)
		sendTo(s, in, data, nil, true, true)
		for login, cs := range s.agReg {
			if login != in.agent && len(cs) > 0 {
				for c := range cs {
					c.push(data)
				}
				break
			}
		}
	case newMessageNotice(in) && strike("cseq-reuse"):
		// Numbered like the frame before it (the message it announces).
		data := logChat(s, in, true)
		sendTo(s, in, data, func(c *conn) { c.push(data) }, true, true)
	default:
		return false
	}
	return true
}

// takes: the frame the held one goes behind (for swap-lane, the chat's
// next agent message to the customer; else the chat's next frame for the
// same party).
func (h *heldFrame) takes(in intent) bool {
	if h.lane {
		return in.customer && loadMessage(in, "agent")
	}
	if h.agent == "" {
		return in.customer
	}
	return h.agent == in.agent
}

// logChat numbers and logs a chat frame as deliver does; reuse gives it
// the number of the frame before.
func logChat(s *delivery, in intent, reuse bool) []byte {
	l := s.log(in.conv)
	if !reuse || l.cseq == 0 {
		l.cseq++
	}
	data := encode(in.chat.Numbered(l.cseq))
	if len(l.frames) >= s.limits.ChatFrames {
		copy(l.frames, l.frames[1:])
		l.frames = l.frames[:len(l.frames)-1]
	}
	l.frames = append(l.frames, logged{l.cseq, in.customer, in.agent, data})
	return data
}

// sendTo sends data to the frame's parties asked for (customer, agent):
// by push if given, else as deliver does.
func sendTo(s *delivery, in intent, data []byte, push func(*conn), customer, agent bool) {
	cseq := s.logs[in.conv].cseq
	send := func(c *conn) {
		if push == nil {
			c.sendChat(in.conv, cseq, data)
			return
		}
		push(c)
		c.seen(in.conv, cseq)
	}
	if customer && in.customer {
		for c := range s.custReg[in.conv] {
			send(c)
		}
	}
	if agent && in.agent != "" {
		for c := range s.agReg[in.agent] {
			send(c)
		}
	}
}

// plantReplay skips the first agent message replayed to a customer (under
// dmu): a resume that loses one frame.
func plantReplay(f logged, customer bool) bool {
	plant.Lock()
	defer plant.Unlock()
	if !customer || plant.kind != "replay-skip" || plant.done > 0 ||
		!bytes.Contains(f.data, []byte(`"sender":"agent"`)) || !bytes.Contains(f.data, []byte(`"text":"load `)) {
		return false
	}
	plant.done++
	return true
}

// plantApply answers a customer's chat message in place of the workbench:
// an error frame (internal) or nothing at all, and applies nothing.
func plantApply(c *conn, f wire.ClientFrame) (wire.Answer, bool) {
	if c.conv == "" || f.Type != wire.TypeSay || !strings.HasPrefix(f.Text, "load ") {
		return wire.Answer{}, false
	}
	plant.Lock()
	defer plant.Unlock()
	switch {
	case strike("error"):
		return wire.Error("internal", "planted: the message was not applied", "", f.Seq, f.ID), true
	case strike("swallow"):
		return wire.Answer{}, true // no answer at all
	}
	return wire.Answer{}, false
}
