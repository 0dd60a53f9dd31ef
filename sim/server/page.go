package server

import wb "routecheck/sim/workbench"

// Snapshots of a chat (a hello, an assigned frame, GET /api/conversations)
// carry one page of its history: the newest messages within
// Limits.HistoryBytes, and "more": true when older ones were left out.
// The history frame and ?before= read the older pages. So what one frame
// or answer holds is bounded, however long the chat.

// messageOverhead is about what a message's JSON adds to its text.
const messageOverhead = 96

// pagedConv is a chat view whose messages are one page.
type pagedConv struct {
	wb.ConvView
	More bool `json:"more,omitempty"`
}

// page returns the newest of msgs within Limits.HistoryBytes (the newest
// one at least) and whether older ones were left out.
func (l Limits) page(msgs []wb.Message) ([]wb.Message, bool) {
	size := 0
	for i := len(msgs) - 1; i >= 0; i-- {
		size += len(msgs[i].Text) + messageOverhead
		if size > l.HistoryBytes && i < len(msgs)-1 {
			return msgs[i+1:], true
		}
	}
	return msgs, false
}

func (l Limits) pagedView(v wb.ConvView) pagedConv {
	var more bool
	v.Messages, more = l.page(v.Messages)
	return pagedConv{v, more}
}

// olderThan keeps the messages older than msg_seq n (n <= 0: all).
func olderThan(msgs []wb.Message, n int) []wb.Message {
	if n <= 0 {
		return msgs
	}
	for i, m := range msgs {
		if m.Seq >= n {
			return msgs[:i]
		}
	}
	return msgs
}
