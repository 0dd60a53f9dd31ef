package actors

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

// APIError is an HTTP error answer of the workbench.
type APIError struct {
	Status  int
	Err     string `json:"error"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("HTTP %d: %s", e.Status, e.Err)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Rule != "" {
		s += " (" + e.Rule + ")"
	}
	return s
}

// client is an HTTP client with its own cookie jar (one session per actor).
type client struct {
	base  string
	http  *http.Client
	limit int64 // the longest answer read
}

func newClient(base string) *client { return newClientWith(base, nil, 10*time.Second, 8<<20) }

func newClientWith(base string, tr http.RoundTripper, timeout time.Duration, limit int64) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Jar: jar, Timeout: timeout, Transport: tr}, limit: limit}
}

// HTTP is one session of the workbench's JSON API (its own cookie jar), for
// actors of other packages: sim/load's keep their sockets lighter than
// these actors but log in and call the API the same way.
type HTTP struct{ c *client }

// NewHTTP makes a session on base through tr (nil: the default transport);
// a request may take up to timeout and answers up to limit bytes are read.
func NewHTTP(base string, tr http.RoundTripper, timeout time.Duration, limit int64) *HTTP {
	return &HTTP{newClientWith(base, tr, timeout, limit)}
}

// Do sends in as JSON (if not nil) and decodes the JSON answer into out (if
// not nil); an error names the request, and an error answer is an
// *APIError within it.
func (h *HTTP) Do(ctx context.Context, method, path string, in, out any) error {
	if err := h.c.do(ctx, method, path, in, out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// SignIn logs in; the session cookie stays with h.
func (h *HTTP) SignIn(ctx context.Context, login, password string) error {
	return h.Do(ctx, http.MethodPost, "/api/login", map[string]string{"login": login, "password": password}, nil)
}

// Cookies carries the session to a WebSocket dial.
func (h *HTTP) Cookies() http.Header { return h.c.cookieHeader("/") }

// WS is the WebSocket URL of path on the same host.
func (h *HTTP) WS(path string) string { return h.c.wsURL(path) }

// do sends a JSON request and decodes a JSON answer into out (if not nil).
func (c *client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.limit))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		e := &APIError{Status: resp.StatusCode}
		if json.Unmarshal(data, e) != nil || e.Err == "" {
			e.Err = strings.TrimSpace(string(data))
		}
		return e
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if b, ok := out.(*[]byte); ok {
		*b = data
		return nil
	}
	return json.Unmarshal(data, out)
}

// signIn logs in; the session cookie stays in the client's jar.
func (c *client) signIn(ctx context.Context, login, password string) (Account, error) {
	var acc Account
	err := c.do(ctx, http.MethodPost, "/api/login", map[string]string{"login": login, "password": password}, &acc)
	return acc, err
}

// wsURL turns the base http URL into a ws URL for path.
func (c *client) wsURL(path string) string {
	return "ws" + strings.TrimPrefix(c.base, "http") + path
}

// cookieHeader carries the session cookie to a WebSocket dial.
func (c *client) cookieHeader(path string) http.Header {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	h := http.Header{}
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		h.Add("Cookie", ck.String())
	}
	return h
}
