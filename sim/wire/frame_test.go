package wire

import (
	"encoding/json"
	"errors"
	"testing"
)

// A lone UTF-16 surrogate escape is found at its offset; a pair, other
// escapes and text without escapes are not.
func TestLoneSurrogate(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{`{"text":"plain"}`, -1},
		{`{"text":"\ud83d\ude00"}`, -1},           // a pair
		{`{"text":"\uD83D\uDE00"}`, -1},           // a pair, upper case
		{`{"text":"\u4f60\u597d"}`, -1},           // not surrogates
		{`{"text":"\\ud800"}`, -1},                // an escaped backslash, then text
		{`{"text":"a\"\ud800"}`, 12},              // after an escaped quote
		{`{"text":"\ud800"}`, 9},                  // high alone at the end
		{`{"text":"\ud800x"}`, 9},                 // high, then text
		{`{"text":"\ud800\u0041"}`, 9},            // high, then not a low
		{`{"text":"\ud800\ud800"}`, 9},            // high, then high
		{`{"text":"\udc00"}`, 9},                  // low alone
		{`{"text":"\udfff"}`, 9},                  // last low
		{`{"text":"\uDFFF"}`, 9},                  // last low, upper case
		{`{"text":"\ud7ff\ue000"}`, -1},           // just outside the range both sides
		{`{"text":"ok \ud83d\ude00 \udbff"}`, 25}, // a pair, then a lone high
		{`{"text":"\uzzzz"}`, -1},                 // not an escape JSON takes
		{`\`, -1},                                 // a backslash at the end
		{`"\u12"`, -1},                            // too short
		{`{"text":"\ud800\udc0`, 9},               // cut inside the low half
	}
	for _, c := range cases {
		if got := LoneSurrogate([]byte(c.in)); got != c.want {
			t.Errorf("LoneSurrogate(%s) = %d, want %d", c.in, got, c.want)
		}
	}
}

// Which frames answer a client frame, and which say that frames were
// dropped unread: the outbox's two decisions on what it receives.
func TestFrameAnswersAndUnread(t *testing.T) {
	cases := []struct {
		f               Frame
		answers, unread bool
	}{
		{Frame{Type: TypeAck, ID: "a-1"}, true, false},
		{Frame{Type: TypeAck}, false, false},
		{Frame{Type: TypeError, ID: "a-1", Code: CodeLimit}, true, false},
		{Frame{Type: TypeError, Code: CodeLimit}, false, true},
		{Frame{Type: TypeError, Code: CodeLimit, Ref: 3}, false, false},
		{Frame{Type: TypeError, Code: "internal"}, false, false},
		{Frame{Type: TypeMessage, ID: "a-1", Code: CodeLimit}, false, false},
	}
	for _, c := range cases {
		if got := c.f.Answers(); got != c.answers {
			t.Errorf("%+v Answers() = %v, want %v", c.f, got, c.answers)
		}
		if got := c.f.Unread(); got != c.unread {
			t.Errorf("%+v Unread() = %v, want %v", c.f, got, c.unread)
		}
	}
}

func TestFrameConversationAndAccount(t *testing.T) {
	var f Frame
	if err := json.Unmarshal([]byte(`{"type":"assigned","conv":{"id":"c9"},"agent":{"login":"a1"}}`), &f); err != nil {
		t.Fatal(err)
	}
	if c, ok := f.Conversation(); !ok || c.ID != "c9" {
		t.Errorf("Conversation() = %+v, %v", c, ok)
	}
	if _, ok := f.Account(); !ok {
		t.Error("Account() of a frame with an agent: not ok")
	}
	for _, raw := range []string{`{"conv":"c9"}`, `{"conv":{}}`, `{}`} {
		var g Frame
		_ = json.Unmarshal([]byte(raw), &g)
		if _, ok := g.Conversation(); ok {
			t.Errorf("%s: Conversation() ok", raw)
		}
		if _, ok := g.Account(); ok {
			t.Errorf("%s: Account() ok", raw)
		}
	}
}

// With no socket, a frame that carries an id waits pending and goes out
// first on the next socket; one without (a ping) is refused, as raw bytes
// are.
func TestOutboxWithoutASocket(t *testing.T) {
	o := NewOutbox("n")
	if _, err := o.Send(ClientFrame{Type: TypeSay, Text: "kept"}, 0, nil); err != nil {
		t.Fatalf("say with no socket: %v", err)
	}
	if _, err := o.Send(ClientFrame{Type: TypePing}, 0, nil); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("ping with no socket: %v, want ErrNotConnected", err)
	}
	if err := o.WriteRaw([]byte(`{}`)); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("raw bytes with no socket: %v, want ErrNotConnected", err)
	}
	c := &conn{}
	if err := o.Attach(c); err != nil {
		t.Fatal(err)
	}
	want(t, "written on attach", c.said(), []string{"say:n-1:kept"})
	if err := o.WriteRaw([]byte(`{"type":"ping","seq":2}`)); err != nil {
		t.Fatal(err)
	}
	want(t, "raw bytes go out with a socket", len(c.frames), 2)
}

func TestFrameErrorText(t *testing.T) {
	if got := (&FrameError{Code: "malformed", Message: "not JSON"}).Error(); got != "malformed: not JSON" {
		t.Errorf("got %q", got)
	}
}
