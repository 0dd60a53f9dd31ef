package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// Every page renders with the data-testids the browser checks touch.
func TestPagesRender(t *testing.T) {
	srv := newServer(t)
	shell := []string{"avatar", "avatar-menu", "menu-personal", "tenant-options", "start-work", "agent-status",
		"status-在线", "status-小休", "status-离线", "menu-workbench", "menu-config", "menu-insight",
		"page-404", "notify-banner", "tenant-hint", "tenant-reload", "logout"}
	cases := []struct {
		path string
		ids  []string
	}{
		{"/login", []string{"login-user", "login-pass", "login-submit", "login-error"}},
		{"/workbench", append([]string{"workbench", "conv-list", "chat-input", "chat-send", "chat-log", "chat-link", "chat-close", "quick-replies", "tenant-blocked"}, shell...)},
		{"/settings", append([]string{"setting-desktop", "setting-sound", "notify-saved", "qr-input", "qr-add", "qr-import-text", "qr-import", "welcome-input", "closing-input", "welcome-save", "config-center"}, shell...)},
		{"/insight", append([]string{"insight-dept", "insight-load", "insight-table", "insight-rows"}, shell...)},
		{"/bot?t=x", []string{"bot-page", "bot-card-buttons", "faq-topics", "faq-questions", "quick-phrases", "bot-input", "bot-send", "bot-log", "bot-rate-非常满意"}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, srv.Client(), srv.URL+tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy")
			}
			for _, id := range tc.ids {
				if !strings.Contains(body, `data-testid="`+id+`"`) {
					t.Errorf("no data-testid=%q", id)
				}
			}
			if strings.Contains(body, "<script>") {
				t.Error("inline script: the CSP forbids it")
			}
		})
	}
}

// The bot page works on a phone: it has the viewport meta (R-RT-3).
func TestBotPageIsMobile(t *testing.T) {
	srv := newServer(t)
	_, body := get(t, srv.Client(), srv.URL+"/bot?t=x")
	if !strings.Contains(body, `name="viewport" content="width=device-width`) {
		t.Error("bot page has no viewport meta")
	}
}

func TestRootRedirects(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := get(t, c, srv.URL+"/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/workbench" {
		t.Fatalf("GET / = %d %q, want 302 /workbench", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, c, srv.URL+"/nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", resp.StatusCode)
	}
}

func TestStaticFiles(t *testing.T) {
	srv := newServer(t)
	for _, f := range []string{"app.css", "common.js", "login.js", "workbench.js", "settings.js", "insight.js", "bot.js"} {
		resp, body := get(t, srv.Client(), srv.URL+"/static/"+f)
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("/static/%s: %d, %d bytes", f, resp.StatusCode, len(body))
		}
	}
}

// Elements made by the scripts carry the data-testids the checks look for.
func TestScriptTestIDs(t *testing.T) {
	want := map[string][]string{
		"common.js":    {"tenant-option-${t}"},
		"workbench.js": {"conv-item", "chat-msg", "quick-reply", "conv-link-down", "chat-link-note"},
		"bot.js":       {"bot-card-button", "faq-topic", "faq-question", "quick-phrase", "bot-msg"},
		"settings.js":  {"qr-item", "vlevel-row"},
		"insight.js":   {"insight-row"},
	}
	for file, ids := range want {
		b, err := files.ReadFile("static/" + file)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if !strings.Contains(string(b), "'data-testid': '"+id+"'") && !strings.Contains(string(b), "'data-testid': `"+id+"`") {
				t.Errorf("%s makes no data-testid %q", file, id)
			}
		}
	}
}

// The scripts use only routes of docs/protocol.md, the contract with the
// server.
func TestScriptsUseProtocolRoutes(t *testing.T) {
	proto, err := os.ReadFile("../../../docs/protocol.md")
	if err != nil {
		t.Fatalf("docs/protocol.md is the contract the scripts are checked against: %v", err)
	}
	// a route in a script: '/api/x', `/api/x/${id}` or '/ws/x'; the
	// template part ends the route
	re := regexp.MustCompile("['`](/(?:api|ws)/[a-z0-9\\-./]*)")
	entries, _ := files.ReadDir("static")
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".js") {
			continue
		}
		b, _ := files.ReadFile("static/" + e.Name())
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			route := strings.TrimSuffix(m[1], "?")
			if !strings.Contains(string(proto), route) {
				t.Errorf("%s uses %s, which docs/protocol.md does not name", e.Name(), route)
			}
		}
	}
}
