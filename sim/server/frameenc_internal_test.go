package server

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// appendFrame writes exactly what encoding/json writes (SetEscapeHTML
// false) for every kind of value a frame holds, and for strings of any
// bytes: control characters, quotes, HTML characters, U+2028, invalid UTF-8.
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
	value := func() any {
		switch rng.IntN(12) {
		case 0:
			return rng.IntN(1000) - 500
		case 1:
			return rng.Int64() - rng.Int64()
		case 2:
			return rng.IntN(2) == 0
		case 3:
			return nil
		case 4:
			return wb.Sender(str())
		case 5:
			return map[string]any{str(): str(), "n": 1}
		case 6:
			return []string{str(), str()}
		case 7:
			return time.Unix(rng.Int64N(1<<33), rng.Int64N(1e9)).UTC()
		case 8:
			return json.Number("12.5")
		case 9:
			return 2.5
		default:
			return str()
		}
	}
	for i := range 20000 {
		m := map[string]any{}
		for range rng.IntN(10) {
			m[str()] = value()
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		got, ok := appendFrame(nil, m)
		if !ok || string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("case %d: %#v\n got %s (%v)\nwant %s", i, m, got, ok, want.String())
		}
	}
	// A frame of the chat traffic takes the fast path.
	f := messageFrame(wb.Event{Conv: "c1", MsgSeq: 3, Sender: wb.SenderAgent, Agent: "a1", Text: "您好 <b>&", At: time.Unix(0, 5).UTC()})
	f["cseq"] = int64(9)
	if got := string(encode(f)); got != `{"agent":"a1","at":"1970-01-01T00:00:00.000000005Z","conv":"c1","cseq":9,"msg_seq":3,"sender":"agent","text":"您好 <b>&","type":"message"}` {
		t.Errorf("message frame: %s", got)
	}
}

func BenchmarkEncodeMessageFrame(b *testing.B) {
	f := messageFrame(wb.Event{Conv: "c1", MsgSeq: 3, Sender: wb.SenderCustomer, Text: "load c12 m4", At: time.Now()})
	f["cseq"] = int64(9)
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
