package main

import (
	"net/http"
	"strings"
	"testing"
)

// D-SCR-2: `routecheck serve` has no clock control whatever is sent: the
// route does not exist (404), so no secret can move its clock.
func TestServeRefusesClockControl(t *testing.T) {
	s := startServe(t, "--port", "0")
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(m, s.base+"/api/clock", strings.NewReader(`{"advance":"5m"}`))
		req.Header.Set("X-Routecheck-Clock", "0123456789abcdef0123456789abcdef")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("serve: %s /api/clock = %d, want 404", m, resp.StatusCode)
		}
	}
}
