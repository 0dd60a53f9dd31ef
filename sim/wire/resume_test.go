package wire

import (
	"strings"
	"testing"
)

// FuzzResume: the agent socket's resume list parses or is refused with a
// reason; it never yields more than MaxResume chats.
func FuzzResume(f *testing.F) {
	for _, s := range []string{"c1:5,c2:9", "", "c1:-1", "c1", ":3", strings.Repeat("c1:1,", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		m, err := ParseResume(q)
		if err == nil && len(m) > MaxResume {
			t.Fatalf("%d chats resumed", len(m))
		}
	})
}

// What a client writes, the server reads: every chat with its cseq,
// sorted, and never more than the server takes.
func TestResumeRoundTrip(t *testing.T) {
	last := map[string]int64{"c2": 9, "c1": 5, "c10": 0}
	q := FormatResume(last)
	if q != "c1:5,c10:0,c2:9" {
		t.Fatalf("resume %q", q)
	}
	got, err := ParseResume(q)
	if err != nil || len(got) != 3 || got["c2"] != 9 || got["c10"] != 0 {
		t.Fatalf("read back %v, %v", got, err)
	}
	many := map[string]int64{}
	for i := range MaxResume + 10 {
		many["c"+strings.Repeat("x", i)] = 1
	}
	if got, err := ParseResume(FormatResume(many)); err != nil || len(got) != MaxResume {
		t.Fatalf("%d chats in the list (%v); the server takes %d", len(got), err, MaxResume)
	}
}
