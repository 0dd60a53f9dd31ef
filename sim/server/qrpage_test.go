package server_test

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"routecheck/sim/actors"
)

// browser is an HTTP client with its own cookies that does not follow
// redirects, signed in as login (or anonymous when login is "").
func browserAs(t *testing.T, w *world, login string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if login != "" {
		res, err := c.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"`+login+`","password":"`+pw+`"}`))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("login %s: %v %v", login, res, err)
		}
		res.Body.Close()
	}
	return c
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// D-QR-3: /qr is for operations only, checked by the server: no session
// goes to the login page and back, another role gets 403; operations get
// the page, whose codes are larger than the default and say when they
// expire.
func TestQRPageForOperationsOnly(t *testing.T) {
	w := newWorld(t)

	res, _ := get(t, browserAs(t, w, ""), w.base+"/qr?v=A")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fqr%3Fv%3DA" {
		t.Errorf("anonymous /qr: %d to %q, want 303 to the login page and back", res.StatusCode, res.Header.Get("Location"))
	}
	for _, login := range []string{"A-a1", "A-admin"} {
		res, body := get(t, browserAs(t, w, login), w.base+"/qr?v=A")
		if res.StatusCode != http.StatusForbidden || bytes.Contains(body, []byte("qr.js")) {
			t.Errorf("%s /qr: %d, want 403 without the page", login, res.StatusCode)
		}
	}
	ops := browserAs(t, w, "ops")
	res, body := get(t, ops, w.base+"/qr?v=A")
	if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`/static/qr.js`)) || !bytes.Contains(body, []byte(`data-testid="qr-img"`)) {
		t.Fatalf("ops /qr: %d\n%s", res.StatusCode, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the /qr page lacks the pages' security policy: %q", csp)
	}

	res, big := get(t, ops, w.base+"/api/qr.png?vendor=A&scale=8")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/api/qr.png?scale=8: %d %s", res.StatusCode, big)
	}
	exp, err := time.Parse(time.RFC3339, res.Header.Get("X-Entry-Expires"))
	if err != nil || !exp.Equal(w.clock.Now().Add(time.Hour).Truncate(time.Second)) {
		t.Errorf("X-Entry-Expires %q, want the token's expiry, %s", res.Header.Get("X-Entry-Expires"), w.clock.Now().Add(time.Hour))
	}
	_, small := get(t, ops, w.base+"/api/qr.png?vendor=A")
	bi, err1 := png.DecodeConfig(bytes.NewReader(big))
	si, err2 := png.DecodeConfig(bytes.NewReader(small))
	if err1 != nil || err2 != nil || bi.Width*6 != si.Width*8 {
		t.Errorf("scale 8 is %d px wide, scale 6 %d px: want 8:6 (%v %v)", bi.Width, si.Width, err1, err2)
	}
	u, err := actors.DecodeQR(big)
	if err != nil || !strings.HasPrefix(u, w.srv.URL()+"/bot?") {
		t.Fatalf("the large code reads %q, %v", u, err)
	}
	if c, err := actors.Enter(w.ctx, u); err != nil {
		t.Errorf("the large code's entry is refused: %v", err)
	} else {
		c.Close()
	}
	for _, bad := range []string{"0", "17", "x"} {
		if res, _ := get(t, ops, w.base+"/api/qr.png?vendor=A&scale="+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("scale=%s: %d, want 400", bad, res.StatusCode)
		}
	}
	if res, _ := get(t, browserAs(t, w, "A-a1"), w.base+"/api/qr.png?vendor=A&scale=8"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an agent got a QR code: %d", res.StatusCode)
	}
}
