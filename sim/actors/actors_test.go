package actors

import (
	"strings"
	"testing"
)

// Reports travel further than the tester: the entry token is cut (R-RT-3).
func TestRedactEntryURL(t *testing.T) {
	got := RedactEntryURL("http://h/bot?t=abcdefghijklmnop.sig&v=demo")
	if strings.Contains(got, "ijklmnop") || !strings.Contains(got, "abcdefgh…") || !strings.Contains(got, "v=demo") {
		t.Fatalf("RedactEntryURL = %q", got)
	}
}

func TestFrameConvID(t *testing.T) {
	var f Frame
	for _, tc := range []struct{ raw, want string }{
		{`"c7"`, "c7"},
		{`{"id":"c8","messages":[]}`, "c8"},
		{``, ""},
	} {
		f.Conv = []byte(tc.raw)
		if got := f.ConvID(); got != tc.want {
			t.Errorf("ConvID(%s) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}
