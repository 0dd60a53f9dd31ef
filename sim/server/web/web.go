// Package web is the workbench's web UI: X-Space for agents, department
// admins and operations (login, 在线工作台, 个人设置, 配置中心, 服务洞察) and
// the customer's 小蜜 bot page. Pages are html/template files rendered once
// at start; the behaviour is small plain JavaScript. Both are embedded, so
// there is no build step. The JavaScript speaks only the /api and /ws
// routes of docs/protocol.md, which the server package serves next to
// these pages.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"routecheck/sim/workbench"
)

//go:embed templates/*.html static/*
var files embed.FS

// page is one HTML page of the UI.
type page struct {
	Name    string // template file without .html, also body's data-page
	Title   string
	Shell   bool     // X-Space shell: top bar, avatar menu, left menu
	Scripts []string // page scripts under /static/, after common.js
	Data    any      // what the page's own template needs, if anything
	// Guarded pages are not mounted by Register: the server serves them
	// with ServePage after its own session check (the /qr page).
	Guarded bool
}

var pages = []page{
	{Name: "login", Title: "登录"},
	{Name: "workbench", Title: "在线工作台", Shell: true, Scripts: []string{"workbench.js"}},
	{Name: "settings", Title: "个人设置", Shell: true, Scripts: []string{"settings.js"}},
	{Name: "insight", Title: "服务洞察", Shell: true, Scripts: []string{"insight.js"}},
	{Name: "bot", Title: "小蜜"},
	{Name: "preflight", Title: "上班前检查", Shell: true, Scripts: []string{"preflight.js"}, Data: newPreflightView()},
	{Name: "qr", Title: "小蜜入口二维码", Scripts: []string{"qr.js"}, Guarded: true},
}

// view is what the templates see. The rule texts live in the core; the
// pages only show them.
type view struct {
	page
	Xianyu       string
	TransferText string
	Ratings      []workbench.Rating
	Statuses     []workbench.Status
}

// rendered holds every page, rendered once: the pages carry no per-request
// data (the JavaScript asks the API), so a template error shows at start.
var rendered = renderAll()

func renderAll() map[string][]byte {
	out := map[string][]byte{}
	for _, p := range pages {
		t := template.Must(template.ParseFS(files, "templates/base.html", "templates/"+p.Name+".html"))
		var b bytes.Buffer
		v := view{page: p, Xianyu: workbench.TenantXianyu, TransferText: workbench.TransferText,
			Ratings:  workbench.Ratings(),
			Statuses: []workbench.Status{workbench.StatusOnline, workbench.StatusBreak, workbench.StatusOffline}}
		if err := t.ExecuteTemplate(&b, "base", v); err != nil {
			panic("web: page " + p.Name + ": " + err.Error())
		}
		out[p.Name] = b.Bytes()
	}
	return out
}

// Register mounts the pages and their static files on mux: GET / (to
// /workbench), /login, /workbench, /settings, /insight, /bot (?t=TOKEN),
// /preflight and /static/.
func Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/workbench", http.StatusFound)
	})
	for _, p := range pages {
		if !p.Guarded {
			mux.Handle("GET /"+p.Name, servePage(rendered[p.Name]))
		}
	}
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", securityHeaders(http.FileServerFS(static))))
}

// ServePage answers a guarded page once its caller has checked who asks.
func ServePage(w http.ResponseWriter, r *http.Request, name string) {
	servePage(rendered[name]).ServeHTTP(w, r)
}

func servePage(body []byte) http.Handler {
	return securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Pages are tiny; no-store keeps a tester from seeing a stale UI
		// after a restart of the bundled server.
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	}))
}

// securityHeaders: no inline script anywhere, so the policy can be strict;
// 'self' covers the same-origin WebSockets in current browsers.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer") // the bot URL carries the entry token (R-RT-3)
		h.ServeHTTP(w, r)
	})
}
