package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The preflight page renders with every step, its controls, the summary,
// what it cannot check and the roster, and no inline script (CSP).
func TestPreflightPageRenders(t *testing.T) {
	srv := newServer(t)
	resp, body := get(t, srv.Client(), srv.URL+"/preflight")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("GET /preflight: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	ids := []string{"preflight", "pf-summary", "pf-cannot", "pf-origin", "pf-roster", "pf-roster-rows", "pf-roster-refresh",
		"pf-permission-ask", "pf-notification-send", "pf-notification-seen", "pf-notification-unseen",
		"pf-sound-play", "pf-sound-heard", "pf-sound-unheard", "pf-sound-note", "pf-popup-recheck", "pf-settings-link", "avatar", "menu-preflight"}
	for _, c := range preflightChecks {
		ids = append(ids, "pf-"+c.ID, "pf-"+c.ID+"-says", "pf-"+c.ID+"-fix", "pf-"+c.ID+"-mark")
	}
	for _, id := range ids {
		if !strings.Contains(body, `data-testid="`+id+`"`) {
			t.Errorf("no data-testid=%q", id)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("inline script: the CSP forbids it")
	}
	for _, f := range []string{"preflight.js", "preflight.css", "preflight-popup.html", "preflight-popup.js"} {
		if resp, b := get(t, srv.Client(), srv.URL+"/static/"+f); resp.StatusCode != http.StatusOK || b == "" {
			t.Errorf("/static/%s: %d", f, resp.StatusCode)
		}
	}
}

// The page works with no internet: it and its files load nothing from
// another origin (the real workbench's URL is only named, as text).
func TestPreflightNeedsNoInternet(t *testing.T) {
	srv := newServer(t)
	external := regexp.MustCompile(`(?i)(src|href|action)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//|@import|(fetch|open|import)\(\s*["'` + "`" + `](https?:)?//`)
	for _, path := range []string{"/preflight", "/static/preflight.js", "/static/preflight.css", "/static/preflight-popup.html", "/static/preflight-popup.js", "/static/common.js", "/static/socket.js", "/static/app.css"} {
		_, body := get(t, srv.Client(), srv.URL+path)
		if m := external.FindString(body); m != "" {
			t.Errorf("%s loads from another origin: %q", path, m)
		}
	}
}

// The fixes quote the seed's own words and menu paths (its 注意 and FAQ 1
// and 3). The quotes below are copied from the seed, not from the code.
func TestPreflightFixesUseTheSeedsWords(t *testing.T) {
	cases := []struct{ check, reason, seed string }{
		{"browser", "not_chrome", "请使用谷歌Chrome浏览器"},
		{"permission", "default", "请在浏览器内设置允许X-space发送弹窗通知"},
		{"permission", "denied", "再检查浏览器设置，是否允许xixikf向您发送通知"},
		{"notification", "error", "再检查浏览器设置，是否允许xixikf向您发送通知"},
		{"sound", "not_heard", "请先在右上角点击头像-个人设置-消息提醒处，检查是否开启桌面通知提醒和声音提醒"},
		{"popup", "blocked", "进入浏览器设置-安全和隐私设置，检查是否允许x-space发送弹出式窗口并使用重定向"},
		{"settings", "off", "请先在右上角点击头像-个人设置-消息提醒处，检查是否开启桌面通知提醒和声音提醒"},
		{"tenant", "wrong", "点击右上角头像，检查所属租户是否是“闲鱼BU”，如不是，调整为闲鱼BU，刷新页面即可上班"},
	}
	for _, tc := range cases {
		c, ok := PreflightCheckByID(tc.check)
		if !ok {
			t.Fatalf("no check %s", tc.check)
		}
		f, ok := c.Fix(tc.reason)
		if !ok || !strings.Contains(f.Fix, tc.seed) {
			t.Errorf("%s/%s: fix %q does not quote the seed: %q", tc.check, tc.reason, f.Fix, tc.seed)
		}
	}
	if !strings.Contains(strings.Join(preflightCannot, "\n"), "https://xianyu.service.xixikf.cn/") {
		t.Error("the page does not name the real workbench's origin among what it cannot check")
	}
}

// What preflight.js reports is what the server accepts: every (check,
// status, reason) the script sets is defined here, so a post from the page
// is never refused for words the definitions do not know.
func TestPreflightScriptSpeaksTheDefinitions(t *testing.T) {
	b, err := files.ReadFile("static/preflight.js")
	if err != nil {
		t.Fatal(err)
	}
	calls := regexp.MustCompile(`set\('([a-z_]+)', '([a-z_]+)', '([a-z_]*)'`).FindAllStringSubmatch(string(b), -1)
	if len(calls) < 12 {
		t.Fatalf("found %d set(…) calls in preflight.js; the pattern no longer reads the script", len(calls))
	}
	for _, m := range calls {
		c, ok := PreflightCheckByID(m[1])
		switch {
		case !ok || c.Judge != JudgeBrowser:
			t.Errorf("preflight.js sets %s, not a browser check", m[1])
		case m[3] == "":
			if m[2] != PreflightPass && m[2] != PreflightPending {
				t.Errorf("preflight.js sets %s %s without a reason", m[1], m[2])
			}
		default:
			if f, ok := c.Fix(m[3]); !ok || f.Status != m[2] {
				t.Errorf("preflight.js sets %s %s %s, which the definitions do not have", m[1], m[2], m[3])
			}
		}
	}
	// The reasons the script computes (permission states) are defined too.
	perm, _ := PreflightCheckByID("permission")
	for _, r := range []string{"default", "denied", "insecure", "unsupported"} {
		if _, ok := perm.Fix(r); !ok {
			t.Errorf("no fix for permission %s", r)
		}
	}
	for _, c := range preflightChecks {
		for _, f := range c.Fixes {
			if f.Says == "" || f.Fix == "" {
				t.Errorf("%s/%s has no text", c.ID, f.Reason)
			}
		}
	}
}
