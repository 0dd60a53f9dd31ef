package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeClientFrame(t *testing.T) {
	cases := []struct {
		in   string
		code string
	}{
		{`{"type":"say","seq":1,"id":"k1","text":"转人工"}`, ""},
		{`{"type":"send","seq":9,"id":"k2","conv":"c1","text":"您好"}`, ""},
		{`{"type":"leave","seq":2,"id":"k3"}`, ""},
		{`{"type":"ping","seq":2}`, ""},
		{`{"type":"say","seq":1,"text":"转人工"}`, "missing_field"},
		{`{"type":"leave","seq":2}`, "missing_field"},
		{`{"type":"say","seq":1,"id":"` + strings.Repeat("x", 65) + `","text":"x"}`, "invalid"},
		{`{"type":"say","seq":1}`, "missing_field"},
		{`{"type":"send","seq":1,"text":"x"}`, "missing_field"},
		{`{"seq":1}`, "missing_field"},
		{`{"type":"say","text":"x"}`, "missing_field"},
		{`{"type":"say","seq":-1,"text":"x"}`, "missing_field"},
		{`{"type":"teleport","seq":1}`, "unknown_type"},
		{`{"type":"say","seq":1,"text":`, "malformed"},
		{`[1,2]`, "malformed"},
		{`{"type":"say","seq":"one","text":"x"}`, "malformed"},
		{`{"type":"say","seq":1,"text":"` + strings.Repeat("长", MaxFrame/3) + `"}`, "too_large"},
		{"{\"type\":\"say\",\"seq\":1,\"id\":\"k\xff\",\"text\":\"x\"}", CodeInvalidUTF8},
		{`{"type":"say","seq":1,"id":"\ud800","text":"x"}`, "invalid"},
		{`{"type":"say","seq":1,"id":"k","text":"\ud83d\ude00"}`, ""},
		{`{"type":"say","seq":1,"id":"k","text":"\\ud800"}`, ""},
		{`{"type":"history","seq":1}`, ""},
	}
	for _, tc := range cases {
		_, err := Decode([]byte(tc.in))
		var fe *FrameError
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%.60s: unexpected %v", tc.in, err)
		case tc.code != "" && (!errors.As(err, &fe) || fe.Code != tc.code || fe.Message == ""):
			t.Errorf("%.60s: want %s, got %v", tc.in, tc.code, err)
		}
	}
}

// FuzzDecodeClientFrame: any bytes give a frame or a FrameError with a code
// and a message, never a panic; an accepted frame has a type, a positive
// seq and its required fields.
func FuzzDecodeClientFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"say","seq":1,"text":"转人工"}`, `{"type":"button","seq":2,"label":"在线客服"}`,
		`{"type":"rate","seq":3,"rating":"非常满意"}`, `{"type":"send","seq":1,"conv":"c1","text":"hi"}`,
		`{"type":"close","seq":1,"conv":"c1"}`, `{"type":"status","seq":1,"status":"小休"}`,
		`{"type":"sync","seq":1}`, `{"type":"ping","seq":1}`, `{"type":"say","seq":1`, `null`, `""`,
		`{"type":"say","seq":1e300,"text":"x"}`, `{"type":"say","seq":1,"text":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := Decode(data)
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Code == "" || fe.Message == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		fields, ok := required[fr.Type]
		if !ok || fr.Seq <= 0 {
			t.Fatalf("accepted a bad frame: %+v", fr)
		}
		for _, name := range fields {
			if fr.field(name) == "" {
				t.Fatalf("accepted %s without %s", fr.Type, name)
			}
		}
	})
}

// FuzzDecodeClientFrameUTF8: frame decoding takes text only as it was
// sent. It never accepts bytes that are not UTF-8 (the socket then closes
// with 1007), never refuses valid UTF-8 as invalid, and never hands back
// a string changed by decoding: a U+FFFD in a decoded field must be in the
// frame itself (literally or escaped), not a replacement of bad input,
// which would let two different ids become one.
func FuzzDecodeClientFrameUTF8(f *testing.F) {
	for _, s := range []string{
		`{"type":"say","seq":1,"id":"k1","text":"转人工"}`,
		"{\"type\":\"say\",\"seq\":1,\"id\":\"k\xff\",\"text\":\"x\"}",
		"{\"type\":\"say\",\"seq\":1,\"id\":\"k1\",\"text\":\"\xe8\xbd\"}",
		"{\"type\":\"send\",\"seq\":2,\"id\":\"a\xc0\xaf\",\"conv\":\"c1\",\"text\":\"hi\"}",
		`{"type":"say","seq":1,"id":"\ud800","text":"x"}`,
		`{"type":"say","seq":1,"id":"\udc00","text":"x"}`,
		`{"type":"say","seq":1,"id":"\ud83d\ude00","text":"x"}`,
		`{"type":"say","seq":1,"id":"k","text":"\ud83dx"}`,
		`{"type":"say","seq":1,"id":"k","text":"\\ud800"}`,
		`{"type":"say","seq":1,"id":"k","text":"\ufffd"}`,
		"{\"type\":\"say\",\"seq\":1,\"id\":\"k\",\"text\":\"\xef\xbf\xbd\"}",
		"{\"type\":\"history\",\"seq\":3,\"conv\":\"c\xed\xa0\x80\",\"before\":4}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := Decode(data)
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FrameError: %v", err)
			}
			if fe.Code == CodeInvalidUTF8 && utf8.Valid(data) {
				t.Fatalf("valid UTF-8 refused as invalid: %q", data)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("accepted a frame that is not UTF-8: %q", data)
		}
		sent := bytes.Contains(data, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(data), []byte(`\ufffd`))
		for _, s := range []string{fr.Type, fr.ID, fr.Text, fr.Label, fr.Rating, fr.Conv, fr.Status} {
			if !utf8.ValidString(s) {
				t.Fatalf("decoded a string that is not UTF-8: %q from %q", s, data)
			}
			if strings.ContainsRune(s, utf8.RuneError) && !sent {
				t.Fatalf("decoding replaced input with U+FFFD: %q from %q", s, data)
			}
		}
	})
}
