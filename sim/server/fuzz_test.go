package server

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// FuzzRequestBodies: every JSON body decoder of the API (one per route
// shape) and the import route's text/plain decoder take any bytes without
// panicking; a refusal is an error, never a half-decoded success.
func FuzzRequestBodies(f *testing.F) {
	for _, s := range []string{`{"login":"a","password":"b"}`, `{"status":"在线"}`, `{"tenant":"闲鱼BU"}`,
		`{"desktop":true,"sound":false}`, `{"welcome":"您好","closing":"再见"}`, `{"capacity":4}`, `{"text":"常用语"}`,
		`{"texts":["a","b"]}`, `{"name":"买家"}`, `{"customer":"u1","item":"x"}`, `{"vendor":"v","customer":"","order":""}`,
		`{}{}`, `[]`, `null`, "a\nb\n"} {
		for route := range 12 {
			f.Add(uint8(route), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := bytes.NewReader(body)
		var err error
		switch route % 12 {
		case 0:
			err = decodeJSON(r, &loginBody{})
		case 1:
			err = decodeJSON(r, &statusBody{})
		case 2:
			err = decodeJSON(r, &tenantBody{})
		case 3:
			err = decodeJSON(r, &notifyBody{})
		case 4:
			err = decodeJSON(r, &welcomeBody{})
		case 5:
			err = decodeJSON(r, &capacityBody{})
		case 6:
			err = decodeJSON(r, &replyBody{})
		case 7:
			_, err = decodeImport("application/json", r)
		case 8:
			_, err = decodeImport("text/plain", r)
		case 9:
			err = decodeJSON(r, &customerBody{})
		case 10:
			err = decodeJSON(r, &orderBody{})
		case 11:
			err = decodeJSON(r, &entryBody{})
		}
		if err != nil && err.Error() == "" {
			t.Fatal("refusal without a reason")
		}
	})
}

// FuzzEntryToken: any token is refused with one of the three reasons or
// accepted only if it is the canonical spelling of a signed token.
func FuzzEntryToken(f *testing.F) {
	secret := []byte("fuzz-secret")
	good := signToken(secret, entry{Vendor: "v", Customer: "u1", Exp: 2e9})
	for _, s := range []string{good, good + "x", strings.Replace(good, ".", "", 1), "a.b", ".", ""} {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, tok, vendor string) {
		e, err := verifyToken(secret, tok, vendor, time.Unix(1e9, 0))
		switch {
		case err == nil && signToken(secret, e) != tok && tok != good:
			// A different spelling of a signed payload must not pass.
			p, _, _ := strings.Cut(tok, ".")
			if b64.EncodeToString(mustDecode(t, p)) != p {
				t.Fatalf("non-canonical token accepted: %q", tok)
			}
		case err != nil && err != ErrTokenTampered && err != ErrTokenExpired && err != ErrTokenWrongVendor:
			t.Fatalf("unexpected refusal %v", err)
		}
	})
}

func mustDecode(t *testing.T, p string) []byte {
	b, err := b64.DecodeString(p)
	if err != nil {
		t.Fatalf("accepted token with undecodable payload %q", p)
	}
	return b
}
