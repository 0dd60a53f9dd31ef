package wire

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// conn records what an outbox wrote.
type conn struct {
	frames []ClientFrame
	fail   bool
}

func (c *conn) WriteText(data []byte) error {
	if c.fail {
		return errors.New("broken pipe")
	}
	var f ClientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	c.frames = append(c.frames, f)
	return nil
}

func (c *conn) said() []string {
	var out []string
	for _, f := range c.frames {
		out = append(out, f.Type+":"+f.ID+":"+f.Text)
	}
	return out
}

func (c *conn) seqs() []int64 {
	var out []int64
	for _, f := range c.frames {
		out = append(out, f.Seq)
	}
	return out
}

func want(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// Frames that change state get fresh ids and stay pending until answered;
// every frame gets the socket's next seq; a new socket first writes again,
// in order and with their own ids, the frames not answered, numbered anew.
func TestOutboxIdsSeqsAndResend(t *testing.T) {
	o := NewOutbox("c7")
	c1 := &conn{}
	if err := o.Attach(c1); err != nil {
		t.Fatal(err)
	}
	_, _ = o.Send(ClientFrame{Type: TypeSay, Text: "a"}, 0, nil)
	p, _ := o.Send(ClientFrame{Type: TypePing}, 0, nil)
	_, _ = o.Send(ClientFrame{Type: TypeSay, Text: "b"}, 0, nil)
	want(t, "first socket", c1.said(), []string{"say:c7-1:a", "ping::", "say:c7-2:b"})
	want(t, "seqs", c1.seqs(), []int64{1, 2, 3})
	if p.Seq != 2 || p.ID != "" {
		t.Fatalf("ping %+v: a ping has a seq and no id", p)
	}
	if f, _, ok := o.Answer("c7-1"); !ok || f.Text != "a" {
		t.Fatalf("answer to c7-1: %+v %v", f, ok)
	}
	if _, _, ok := o.Answer("c7-1"); ok {
		t.Fatal("a second answer to the same id found it pending")
	}
	o.Detach(c1)
	_, _ = o.Send(ClientFrame{Type: TypeSay, Text: "c"}, 0, nil) // waits for the next socket
	if _, err := o.Send(ClientFrame{Type: TypePing}, 0, nil); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("ping without a socket: %v", err)
	}
	c2 := &conn{}
	if err := o.Attach(c2); err != nil {
		t.Fatal(err)
	}
	want(t, "resume", c2.said(), []string{"say:c7-2:b", "say:c7-3:c"})
	want(t, "seqs from 1 on the new socket", c2.seqs(), []int64{1, 2})
	if o.Pending() != 2 {
		t.Fatalf("%d pending", o.Pending())
	}
}

// After a `limit` that names no frame, new frames wait; the release writes
// again every unanswered frame in order under its own id, and those that
// waited after them; one answered meanwhile (read late, not dropped) is not
// written again. A new socket ends the hold, and its stale release does
// nothing more.
func TestOutboxHoldsAfterAnUnreadLimit(t *testing.T) {
	o := NewOutbox("a1")
	c := &conn{}
	_ = o.Attach(c)
	for _, s := range []string{"1", "2", "3"} {
		_, _ = o.Send(ClientFrame{Type: TypeSend, Conv: "c1", Text: s}, 0, nil)
	}
	unread := Frame{Type: TypeError, Code: CodeLimit}
	if !unread.Unread() || (Frame{Type: TypeError, Code: CodeLimit, ID: "a1-1", Ref: 1}).Unread() {
		t.Fatal("Unread: only a limit naming no frame")
	}
	hold, ok := o.Limited()
	if !ok {
		t.Fatal("no hold")
	}
	if _, again := o.Limited(); again {
		t.Fatal("a second limit started a second hold")
	}
	_, _ = o.Send(ClientFrame{Type: TypeSend, Conv: "c1", Text: "4"}, 0, nil)
	want(t, "nothing new during the hold", len(c.frames), 3)
	o.Answer("a1-1") // the server had read the first: answered late
	var agains []string
	if err := o.Release(hold, func(f ClientFrame, written bool) {
		agains = append(agains, f.Text+map[bool]string{true: " resent", false: " waited"}[written])
	}); err != nil {
		t.Fatal(err)
	}
	want(t, "after the release", c.said()[3:], []string{"send:a1-2:2", "send:a1-3:3", "send:a1-4:4"})
	want(t, "what the caller was told", agains, []string{"2 resent", "3 resent", "4 waited"})
	want(t, "seqs go on", c.seqs(), []int64{1, 2, 3, 4, 5, 6})
	if err := o.Release(hold, nil); err != nil || len(c.frames) != 6 {
		t.Fatalf("a second release wrote again: %v, %d frames", err, len(c.frames))
	}
	h2, _ := o.Limited()
	_ = o.Attach(&conn{})
	if o.Held() {
		t.Fatal("a new socket kept the hold")
	}
	n := len(c.frames)
	_ = o.Release(h2, nil)
	if len(c.frames) != n {
		t.Fatal("the stale release wrote to the old socket")
	}
}

// A frame refused with its id is answered: the caller sends it again with
// a new id (the server remembers the refusal under the old one), and the
// tries it counts come back with the answer.
func TestOutboxSendAgainTakesANewID(t *testing.T) {
	o := NewOutbox("x")
	c := &conn{}
	_ = o.Attach(c)
	f, _ := o.Send(ClientFrame{Type: TypeStatus, Status: StatusOnline}, 0, nil)
	sent, tries, _ := o.Answer(f.ID)
	g, _ := o.Send(sent, tries+1, nil)
	if g.ID == f.ID {
		t.Fatalf("sent again under %s", g.ID)
	}
	if _, n, ok := o.Answer(g.ID); !ok || n != 1 {
		t.Fatalf("tries %d, %v", n, ok)
	}
	c.fail = true
	if _, err := o.Send(ClientFrame{Type: TypeSay, Text: "x"}, 0, nil); err == nil || o.Pending() != 1 {
		t.Fatalf("a failed write: %v, %d pending (it must wait for the next socket)", err, o.Pending())
	}
}

// The last cseq per chat follows the frames a client takes; a resumed
// hello's cseq does not count until its replay arrives.
func TestOutboxLastCSeq(t *testing.T) {
	o := NewOutbox("x")
	o.Take(ParseFrame([]byte(`{"type":"message","conv":"c1","cseq":4}`)))
	o.Take(ParseFrame([]byte(`{"type":"message","conv":"c1","cseq":3}`)))
	o.Take(ParseFrame([]byte(`{"type":"hello","conv":"c2","cseq":9,"resumed":true}`)))
	o.Take(ParseFrame([]byte(`{"type":"hello","conversations":[{"id":"c3","cseq":7},{"id":"c4","cseq":8,"resumed":true}]}`)))
	o.Take(ParseFrame([]byte(`{"type":"assigned","conv":{"id":"c5"},"cseq":2}`)))
	want(t, "resume", o.Resume(), "c1:4,c3:7,c5:2")
	want(t, "named", o.Resume("c1", "c9"), "c1:4,c9:0")
}
