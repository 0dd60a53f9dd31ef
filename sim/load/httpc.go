package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"
)

// httpc is a JSON client with its own session cookie.
type httpc struct {
	base string
	c    *http.Client
}

func newHTTPC(base string, tr http.RoundTripper) *httpc {
	jar, _ := cookiejar.New(nil)
	return &httpc{base: strings.TrimRight(base, "/"), c: &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: tr}}
}

func (h *httpc) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (h *httpc) login(ctx context.Context, login, password string) error {
	return h.do(ctx, http.MethodPost, "/api/login", map[string]string{"login": login, "password": password}, nil)
}

// cookies carries the session to a WebSocket dial.
func (h *httpc) cookies() http.Header {
	req, _ := http.NewRequest(http.MethodGet, h.base+"/", nil)
	hd := http.Header{}
	for _, ck := range h.c.Jar.Cookies(req.URL) {
		hd.Add("Cookie", ck.String())
	}
	return hd
}

func (h *httpc) ws(path string) string { return "ws" + strings.TrimPrefix(h.base, "http") + path }
