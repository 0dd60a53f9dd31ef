package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"routecheck/sim/clock"
)

// Entry-token refusals (R-RT-3: the QR code is confidential, so it is
// signed, vendor-scoped and expiring).
var (
	ErrTokenTampered    = errors.New("tampered")
	ErrTokenExpired     = errors.New("expired")
	ErrTokenWrongVendor = errors.New("wrong vendor")
)

// entry is what an entry token grants: one customer (and order) on one
// vendor's bot page until Exp.
type entry struct {
	Vendor   string `json:"v"`
	Customer string `json:"c,omitempty"`
	Order    string `json:"o,omitempty"`
	Exp      int64  `json:"exp"`
	// Nonce makes every token minted its own, with a budget of its own
	// (Limits.ChatsPerToken): two minted in one second differ.
	Nonce string `json:"n,omitempty"`
}

// newNonce is 64 random bits, base64url.
func newNonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return b64.EncodeToString(b)
}

var b64 = base64.RawURLEncoding

func signToken(secret []byte, e entry) string {
	payload, _ := json.Marshal(e)
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(mac(secret, payload))
}

func mac(secret, payload []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(payload)
	return h.Sum(nil)
}

// verifyToken checks signature, expiry and, when the URL names one, the
// vendor. The signature is checked first so a forged token learns nothing.
func verifyToken(secret []byte, tok, vendor string, now time.Time) (entry, error) {
	p, s, ok := strings.Cut(tok, ".")
	if !ok {
		return entry{}, ErrTokenTampered
	}
	payload, err1 := b64.DecodeString(p)
	sig, err2 := b64.DecodeString(s)
	// Canonical encoding only: base64 lets the last character of a part
	// vary in bits it does not use, so one token would have many spellings.
	canonical := err1 == nil && err2 == nil && b64.EncodeToString(payload) == p && b64.EncodeToString(sig) == s
	if !canonical || !hmac.Equal(sig, mac(secret, payload)) {
		return entry{}, ErrTokenTampered
	}
	var e entry
	if json.Unmarshal(payload, &e) != nil || e.Vendor == "" {
		return entry{}, ErrTokenTampered
	}
	if now.Unix() >= e.Exp {
		return entry{}, ErrTokenExpired
	}
	if vendor != "" && vendor != e.Vendor {
		return entry{}, ErrTokenWrongVendor
	}
	return e, nil
}

// tokenUse counts the chats an entry token opened (Limits.ChatsPerToken).
type tokenUse struct {
	n      int
	exp    time.Time
	hellos bucket // Limits.Hellos
}

// tokenUses is what each entry token has used (under mu). Past
// maxTokenUses tokens, expired ones are dropped as new ones come.
type tokenUses struct {
	clock  clock.Clock
	hellos float64 // a token's snapshots per second (Limits.Hellos)
	burst  int
	m      map[string]*tokenUse
}

const maxTokenUses = 4096

func newTokenUses(c clock.Clock, l Limits) tokenUses {
	return tokenUses{clock: c, hellos: l.Hellos / 60, burst: l.HelloBurst, m: map[string]*tokenUse{}}
}

// of is the use of token tok, which grants e; made on first use.
func (t *tokenUses) of(tok string, e entry) *tokenUse {
	u := t.m[tok]
	if u == nil {
		if len(t.m) >= maxTokenUses {
			now := t.clock.Now()
			for k, old := range t.m {
				if !now.Before(old.exp) {
					delete(t.m, k)
				}
			}
		}
		u = &tokenUse{exp: time.Unix(e.Exp, 0), hellos: newBucket(t.hellos, t.burst)}
		t.m[tok] = u
	}
	return u
}
