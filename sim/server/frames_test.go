package server

import (
	"errors"
	"strings"
	"testing"
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
	}
	for _, tc := range cases {
		_, err := DecodeClientFrame([]byte(tc.in))
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
		fr, err := DecodeClientFrame(data)
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) || fe.Code == "" || fe.Message == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		fields, ok := frameFields[fr.Type]
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
