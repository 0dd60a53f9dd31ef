package load

import (
	"fmt"
	"sync"

	"routecheck/sim/wire"
)

// chatOrder is one actor's check of the chat frames it receives
// (D-LOAD-8). Per chat, every live frame's cseq must be above the last one
// the actor had (a step back, or a cseq used again for another frame, is
// out of order; the same frame again is a duplicate, which the message
// audit counts), and every message's msg_seq must follow the messages it
// already knows from frames and histories (a hole is a gap). It owns no
// knowledge of the workbench beyond docs/protocol.md: cseq numbers a
// chat's frames, msg_seq its messages, and a party gets every message of
// a chat while it may see it.
type chatOrder struct {
	chats map[string]*chatSeen
}

type chatSeen struct {
	cseq  int64  // the highest cseq received (or stated by a snapshot)
	ident string // the frame received at cseq, to tell a resend from a reuse
	msg   int64  // the highest msg_seq known
}

// verdict is what chatOrder made of one frame.
type verdict uint8

const (
	inOrder  verdict = iota
	repeat           // the same frame again
	stepBack         // cseq not above the last, another frame
	gap              // a message skipped past the next one
)

func newChatOrder() *chatOrder { return &chatOrder{chats: map[string]*chatSeen{}} }

func (o *chatOrder) chat(conv string) *chatSeen {
	c := o.chats[conv]
	if c == nil {
		c = &chatSeen{}
		o.chats[conv] = c
	}
	return c
}

// snapshot takes a history: up to date at cseq (0: not stated), with the
// messages numbered msgs.
func (o *chatOrder) snapshot(conv string, cseq int64, msgs []int64) {
	c := o.chat(conv)
	if cseq > c.cseq {
		c.cseq, c.ident = cseq, ""
	}
	for _, m := range msgs {
		c.msg = max(c.msg, m)
	}
}

// frame judges one live frame of conv; msgSeq is 0 for frames that are
// not messages.
func (o *chatOrder) frame(conv string, cseq int64, ident string, msgSeq int64) verdict {
	c := o.chat(conv)
	switch {
	case cseq < c.cseq || (cseq == c.cseq && ident != c.ident):
		c.msg = max(c.msg, msgSeq) // late, but it came
		return stepBack
	case cseq == c.cseq:
		return repeat
	}
	c.cseq, c.ident = cseq, ident
	if msgSeq == 0 {
		return inOrder
	}
	skipped := c.msg > 0 && msgSeq > c.msg+1
	c.msg = max(c.msg, msgSeq)
	if skipped {
		return gap
	}
	return inOrder
}

// msgSeqs are the message numbers of a history.
func msgSeqs(ms []wire.ChatMessage) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = int64(m.Seq)
	}
	return out
}

// last is the highest cseq of conv the actor has.
func (o *chatOrder) last(conv string) int64 {
	if c := o.chats[conv]; c != nil {
		return c.cseq
	}
	return 0
}

func (o *chatOrder) forget(conv string) { delete(o.chats, conv) }

// frameIdent tells frames apart at one cseq: type, message number, text.
func frameIdent(f *wire.Frame) string {
	return fmt.Sprintf("%s/%d/%s/%s", f.Type, f.MsgSeq, f.State, f.Text)
}

// FrameChecks is what the actors found in the frames themselves.
type FrameChecks struct {
	Checked int64 `json:"checked"` // chat frames judged
	// OutOfOrder: a frame whose cseq was not above the last one of its chat
	// at that actor (a step back, or a cseq reused for another frame).
	OutOfOrder int64 `json:"out_of_order"`
	// Gaps: a message whose msg_seq skipped past the next one the receiver
	// was due (a message of the chat it never got).
	Gaps int64 `json:"gaps"`
	// Misdelivered: frames of a chat the receiver may not see (D-LOAD-5).
	Misdelivered int64               `json:"misdelivered"`
	Samples      map[string][]string `json:"samples,omitempty"`
}

// frameTally gathers every actor's findings.
type frameTally struct {
	mu sync.Mutex
	FrameChecks
}

func (t *frameTally) add(kind, what string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch kind {
	case "checked":
		t.Checked++
		return
	case "out_of_order":
		t.OutOfOrder++
	case "gap":
		t.Gaps++
	case "misdelivered":
		t.Misdelivered++
	}
	if t.Samples == nil {
		t.Samples = map[string][]string{}
	}
	if len(t.Samples[kind]) < sampleMax {
		t.Samples[kind] = append(t.Samples[kind], what)
	}
}

func (t *frameTally) result() FrameChecks {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.FrameChecks
	r.Samples = map[string][]string{}
	for k, v := range t.Samples {
		r.Samples[k] = append([]string(nil), v...)
	}
	return r
}

// judge runs a live chat frame through o and records what is wrong with
// it; it reports whether the frame is new (not a repeat of the last one).
func (t *frameTally) judge(o *chatOrder, who string, f *wire.Frame, conv string) bool {
	t.add("checked", "")
	switch o.frame(conv, f.CSeq, frameIdent(f), int64(f.MsgSeq)) {
	case stepBack:
		t.add("out_of_order", fmt.Sprintf("%s got %s cseq %d of chat %s after cseq %d", who, f.Type, f.CSeq, conv, o.last(conv)))
	case gap:
		t.add("gap", fmt.Sprintf("%s got message %d of chat %s (cseq %d) with an earlier message missing", who, f.MsgSeq, conv, f.CSeq))
	case repeat:
		return false
	}
	return true
}
