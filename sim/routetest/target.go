package routetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ErrNotWorkbench is a --target that answers but is not a routecheck
// workbench, or does not serve the vendor under test: the harness cannot
// run there (exit 3), and nothing about the vendor can be said.
var ErrNotWorkbench = errors.New("target is not a routecheck workbench")

// CheckTarget reports a --target that is not a base URL at all (no scheme,
// no host) as bad input, with the URL it probably meant.
func CheckTarget(target string) error {
	u, err := url.Parse(target)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	guess := "http://" + strings.TrimPrefix(strings.TrimPrefix(target, "//"), "://")
	return fmt.Errorf("%w: --target %q is not an http(s) URL; did you mean %s?", ErrInput, target, guess)
}

// Identify is identify for other commands that talk to a --target
// (routecheck preflight): an error wraps ErrNotWorkbench, or says the
// target is unreachable.
func Identify(ctx context.Context, target string) error { return identify(ctx, target) }

// identify checks, before step 1, that target answers as a routecheck
// workbench does (docs/protocol.md): GET /healthz is 200 "ok", and GET
// /api/me without a session is 401 {"error":"no session"}. Any other HTTP
// server, or a URL with a path, fails one of the two.
func identify(ctx context.Context, target string) error {
	base := strings.TrimRight(target, "/")
	hint := ""
	if u, err := url.Parse(base); err == nil && u.Path != "" {
		hint = "; --target takes the workbench's base URL without a path, e.g. " + u.Scheme + "://" + u.Host
	}
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return resp.StatusCode, body, err
	}
	code, body, err := get("/healthz")
	if err != nil {
		return fmt.Errorf("workbench at %s unreachable: %w", target, err)
	}
	if code != http.StatusOK || strings.TrimSpace(string(body)) != "ok" {
		return fmt.Errorf("%w: GET %s/healthz answered %d %q, a workbench answers 200 \"ok\"%s", ErrNotWorkbench, base, code, clip(body), hint)
	}
	code, body, err = get("/api/me")
	var e struct {
		Error string `json:"error"`
	}
	if err != nil || code != http.StatusUnauthorized || json.Unmarshal(body, &e) != nil || e.Error != "no session" {
		return fmt.Errorf("%w: GET %s/api/me without a session answered %d %q, a workbench answers 401 {\"error\":\"no session\"}%s",
			ErrNotWorkbench, base, code, clip(body), hint)
	}
	return nil
}

// servesVendor checks, as operations, that the workbench serves the
// vendor under test; a workbench that does not would fail every step for
// a reason that is not the vendor's.
func (r *runner) servesVendor(ctx context.Context) error {
	var vs []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := r.ops.API(ctx, http.MethodGet, "/api/vendors", nil, &vs); err != nil {
		return fmt.Errorf("%w: the vendor list (GET /api/vendors) is unreadable: %v", ErrNotWorkbench, err)
	}
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	if slices.Contains(ids, r.cfg.ID) {
		return nil
	}
	return fmt.Errorf("%w for this vendor: %s serves vendor(s) %s, not %s (%s); start it with this fixture (routecheck serve --vendor %s) or point --target at the vendor's own workbench",
		ErrNotWorkbench, r.opt.Target, strings.Join(ids, ", "), r.cfg.ID, r.opt.Vendor.File, r.opt.Vendor.File)
}

func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
