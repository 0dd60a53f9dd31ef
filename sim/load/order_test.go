package load

import (
	"routecheck/sim/wire"

	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// D-LOAD-8: an actor's own check of a chat's frames.
func TestChatOrderJudgesEveryFrame(t *testing.T) {
	o := newChatOrder()
	o.snapshot("c1", 4, []int64{1, 2, 3})
	steps := []struct {
		cseq, msg int64
		ident     string
		want      verdict
	}{
		{5, 4, "m4", inOrder},
		{7, 0, "state", inOrder},  // cseqs may skip: another party's frame
		{7, 0, "state", repeat},   // the same frame again
		{7, 0, "other", stepBack}, // its cseq used again for another frame
		{6, 5, "m5", stepBack},    // behind the last
		{9, 6, "m6", inOrder},
		{10, 8, "m8", gap}, // message 7 never came
		{11, 9, "m9", inOrder},
		{4, 0, "old", stepBack}, // at or below the snapshot
	}
	for i, s := range steps {
		if got := o.frame("c1", s.cseq, s.ident, s.msg); got != s.want {
			t.Fatalf("step %d (cseq %d, msg %d): %d, want %d", i, s.cseq, s.msg, got, s.want)
		}
	}
	if o.last("c1") != 11 {
		t.Fatalf("last %d, want 11", o.last("c1"))
	}
	// Another chat is numbered on its own.
	if got := o.frame("c2", 1, "x", 1); got != inOrder {
		t.Fatalf("first frame of c2: %d", got)
	}
}

func TestFrameTallyCountsAndSamples(t *testing.T) {
	var tally frameTally
	o := newChatOrder()
	o.snapshot("c1", 2, []int64{1})
	for _, f := range []wire.Frame{{Type: "message", CSeq: 3, MsgSeq: 2}, {Type: "message", CSeq: 3, MsgSeq: 2}, {Type: "notification", CSeq: 1}, {Type: "message", CSeq: 5, MsgSeq: 4}} {
		tally.judge(o, "agent a", &f, "c1")
	}
	r := tally.result()
	if r.Checked != 4 || r.OutOfOrder != 1 || r.Gaps != 1 || len(r.Samples["out_of_order"]) != 1 || len(r.Samples["gap"]) != 1 {
		t.Fatalf("%+v: want 4 checked, the notification out of order, message 4 a gap", r)
	}
}

// A second in which nothing completes while someone waits shows the wait,
// not 0; a second with nothing at all shows nothing.
func TestSecondP99ShowsAStall(t *testing.T) {
	now := time.Unix(100, 0)
	empty := hdrhistogram.New(histMin, histMax, histSig)
	if v := secondP99(empty, time.Time{}, now); v != nil {
		t.Fatalf("nothing happened: %v, want null", *v)
	}
	if v := secondP99(empty, now.Add(-3*time.Second), now); v == nil || *v != 3000 {
		t.Fatalf("stalled 3 s: %v, want 3000 ms", v)
	}
	h := hdrhistogram.New(histMin, histMax, histSig)
	_ = h.RecordValue(2000) // 2 ms
	if v := secondP99(h, time.Time{}, now); v == nil || *v < 1.9 || *v > 2.1 {
		t.Fatalf("one 2 ms value: %v", v)
	}
}
