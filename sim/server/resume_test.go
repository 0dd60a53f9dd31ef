package server_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// delivered collects, per chat, what one party received: message frames in
// arrival order, and every msg_seq seen in a snapshot (hello, assigned).
func delivered(frames []actors.Frame, conv string) (live []actors.Frame, snap map[int]bool) {
	snap = map[int]bool{}
	for _, f := range frames {
		switch f.Type {
		case "message":
			if f.ConvID() == conv {
				live = append(live, f)
			}
		case "hello", "assigned":
			convs := f.Conversations
			if c, ok := f.Conversation(); ok {
				convs = append(convs, c)
			}
			if f.Type == "hello" && f.ConvID() == conv {
				for _, m := range f.Messages {
					snap[m.Seq] = true
				}
			}
			for _, c := range convs {
				if c.ID == conv {
					for _, m := range c.Messages {
						snap[m.Seq] = true
					}
				}
			}
		}
	}
	return live, snap
}

// Protocol v2: for seeded random interleavings of sends, network drops and
// reconnects on both sides, every message is applied once (client ids) and
// reaches each party exactly once and in order (per-chat cseq and resume):
// no message frame repeats or goes back, and frames plus snapshots cover
// the whole chat.
func TestResumeExactlyOnceInOrder(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 8))
			w := newWorld(t)
			a := w.agent("A-a1")
			cust, err := w.ops.CreateTestCustomer(w.ctx, "买家")
			w.must(cust, err)
			e, err := w.ops.Entry(w.ctx, "A", cust.ID, "")
			w.must(e, err)
			c, err := actors.Enter(w.ctx, e.URL)
			w.must(c, err)
			t.Cleanup(func() { c.Close() })
			if err := c.Say(wb.TransferText); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.WaitAssigned(w.ctx); err != nil {
				t.Fatal(err)
			}
			var custTexts, agentTexts []string
			for i := range 60 {
				switch r := rng.IntN(10); {
				case r < 4:
					text := fmt.Sprintf("顾客-%d", i)
					custTexts = append(custTexts, text)
					_ = c.Say(text) // a drop may lose it: the reconnect sends it again
				case r < 8:
					text := fmt.Sprintf("客服-%d", i)
					agentTexts = append(agentTexts, text)
					_ = a.Reply(c.Conv, text)
				case r < 9:
					c.Drop()
					if err := c.Reconnect(w.ctx); err != nil {
						t.Fatalf("step %d: customer reconnect: %v", i, err)
					}
				default:
					a.Drop()
					if err := a.Reconnect(w.ctx); err != nil {
						t.Fatalf("step %d: agent reconnect: %v", i, err)
					}
				}
			}
			// Both parties end up with everything: wait for the last of each.
			for _, text := range agentTexts {
				if _, _, err := c.WaitMessage(w.ctx, 0, "agent", func(s string) bool { return s == text }); err != nil {
					t.Fatalf("customer never got %q: %v", text, err)
				}
			}
			for _, text := range custTexts { // the customer's own echo too
				if _, _, err := c.WaitMessage(w.ctx, 0, "customer", func(s string) bool { return s == text }); err != nil {
					t.Fatalf("customer never got its own %q: %v", text, err)
				}
			}
			for _, text := range agentTexts {
				if _, err := a.WaitMessage(w.ctx, c.Conv, "agent", func(s string) bool { return s == text }); err != nil {
					t.Fatalf("agent never got its own %q: %v", text, err)
				}
			}
			for _, text := range custTexts {
				if _, err := a.WaitMessage(w.ctx, c.Conv, "customer", func(s string) bool { return s == text }); err != nil {
					for _, f := range c.Frames() {
						if f.Type != "message" || f.Text == text {
							t.Logf("customer: %.200s", f.Raw)
						}
					}
					for _, f := range a.Frames() {
						t.Logf("agent: %.150s", f.Raw)
					}
					t.Fatalf("agent never got %q: %v", text, err)
				}
			}
			var view actors.Conversation
			if err := w.ops.API(w.ctx, http.MethodGet, "/api/conversations/"+c.Conv, nil, &view); err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, m := range view.Messages {
				count[m.Text]++
			}
			for _, text := range append(custTexts, agentTexts...) {
				if count[text] != 1 {
					t.Errorf("%q is in the chat %d times, want once (client ids)", text, count[text])
				}
			}
			for party, frames := range map[string][]actors.Frame{"customer": c.Frames(), "agent": a.Frames()} {
				live, snap := delivered(frames, c.Conv)
				last := 0
				for _, f := range live {
					if f.MsgSeq <= last {
						t.Errorf("%s: message %d after %d (repeated or out of order)", party, f.MsgSeq, last)
					}
					if snap[f.MsgSeq] && party == "customer" {
						t.Errorf("%s: message %d both in a snapshot and as a frame", party, f.MsgSeq)
					}
					last = f.MsgSeq
				}
				got := map[int]bool{}
				for _, f := range live {
					got[f.MsgSeq] = true
				}
				for s := range snap {
					got[s] = true
				}
				for _, m := range view.Messages {
					if !got[m.Seq] && (party == "customer" || m.Seq > firstAgentSeq(view)) {
						t.Errorf("%s never got message %d %q", party, m.Seq, m.Text)
					}
				}
			}
		})
	}
}

// firstAgentSeq is the last message before the chat was handed to the agent
// (the agent has it from the assigned frame).
func firstAgentSeq(v actors.Conversation) int {
	for _, m := range v.Messages {
		if m.Sender == "system" && strings.HasPrefix(m.Text, "欢迎") {
			return m.Seq
		}
	}
	return 0
}
