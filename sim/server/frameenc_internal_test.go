package server

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"routecheck/sim/wire"
	wb "routecheck/sim/workbench"
)

// encode writes exactly what encoding/json writes (SetEscapeHTML false)
// for every frame of the chat traffic it writes itself, for strings of any
// bytes (control characters, quotes, HTML characters, U+2028, invalid
// UTF-8), numbers of any size and both booleans, with the fields that are
// left out when empty both empty and not.
func TestFrameEncodingIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []string{"a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f",
		"\x7f", "é", "在线", "😀", "\u2028", "\u2029", "\xff", "\xe4\xb8", "\xed\xa0\x80", "\ufffd"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	num := func() int64 { return rng.Int64() - rng.Int64() }
	flag := func() bool { return rng.IntN(2) == 0 }
	frames := []func() any{
		func() any {
			return wire.Message{Agent: str(), At: str(), Conv: str(), CSeq: num(), MsgSeq: int(num()), Sender: str(), Text: str(), Type: str()}
		},
		func() any {
			return wire.State{Agent: str(), Conv: str(), CSeq: num(), Reason: str(), State: str(), Type: str()}
		},
		func() any {
			return wire.Notification{Conv: str(), CSeq: num(), Desktop: flag(), Kind: str(), Sound: flag(), Text: str(), Type: str()}
		},
		func() any {
			return wire.Answer{Code: str(), Duplicate: flag(), ID: str(), Message: str(), Ref: num() * int64(rng.IntN(2)), Rule: str(), Type: str()}
		},
	}
	for i := range 20000 {
		v := frames[i%len(frames)]()
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got := string(encode(v)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("case %d: %#v\n got %s\nwant %s", i, v, got, want.String())
		}
	}
	f := messageFrame(wb.Event{Conv: "c1", MsgSeq: 3, Sender: wb.SenderAgent, Agent: "a1", Text: "您好 <b>&", At: time.Unix(0, 5).UTC()}).Numbered(9)
	if got := string(encode(f)); got != `{"agent":"a1","at":"1970-01-01T00:00:00.000000005Z","conv":"c1","cseq":9,"msg_seq":3,"sender":"agent","text":"您好 <b>&","type":"message"}` {
		t.Errorf("message frame: %s", got)
	}
}

// Every server frame of sim/wire declares its fields in the order of their
// JSON keys, so encoding/json writes the keys sorted as the fast path does
// and as docs/protocol.md shows them.
func TestServerFramesKeepTheirKeysSorted(t *testing.T) {
	for _, v := range []any{wire.Message{}, wire.State{}, wire.Assigned{}, wire.Requeued{}, wire.Rated{}, wire.Notification{},
		wire.CustomerLink{}, wire.Status{}, wire.AgentHello{}, wire.CustomerHello{}, wire.History{}, wire.Answer{}} {
		rt := reflect.TypeOf(v)
		var keys []string
		for i := range rt.NumField() {
			k, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			keys = append(keys, k)
		}
		if !slices.IsSorted(keys) {
			t.Errorf("%s: keys %v are not in order", rt.Name(), keys)
		}
	}
}

func BenchmarkEncodeMessageFrame(b *testing.B) {
	f := messageFrame(wb.Event{Conv: "c1", MsgSeq: 3, Sender: wb.SenderCustomer, Text: "load c12 m4", At: time.Now()}).Numbered(9)
	b.Run("appendFrame", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encode(f)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodeJSON(f)
		}
	})
}
