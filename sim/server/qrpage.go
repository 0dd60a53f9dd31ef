package server

import (
	"net/http"
	"net/url"

	"routecheck/sim/server/web"
	wb "routecheck/sim/workbench"
)

// handleQRPage is GET /qr (D-QR-3): a large signed entry QR code for
// testers to scan from a laptop screen, for operations only. The page is
// checked here, on the server, because it shows a credential: without a
// session it sends the browser to the login page and back, and any other
// role gets 403. The codes themselves come from GET /api/qr.png, which
// checks the role again.
func (s *Server) handleQRPage(w http.ResponseWriter, r *http.Request) {
	me, ok := s.session(r)
	if !ok {
		http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
		return
	}
	s.mu.Lock()
	acc, err := s.core.Account(me)
	s.unlock()
	if err != nil || acc.Role != wb.RoleOperations {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("403 二维码页面仅限运营账号 (CCO operations only; R-RT-3: the QR code is confidential)\n"))
		return
	}
	web.ServePage(w, r, "qr")
}
