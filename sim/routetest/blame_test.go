package routetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/clock"
	"routecheck/sim/routetest"
	"routecheck/sim/server"
)

// relay stands between the actors and a bundled workbench of v: HTTP
// passes through; on the sockets it drops the frames drop picks (toClient
// says which way the frame goes) and keeps the socket open, so protocol v2's
// resume never sends the frame again. The workbench's public URL is the
// relay's, so the entry URLs it hands out (the bot page) lead through the
// relay too. It rehearses a workbench that loses messages and a harness
// whose own messages get lost.
func relay(t *testing.T, v *fixtures.Vendor, drop func(path string, toClient bool, frame map[string]any) bool) string {
	t.Helper()
	var base string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		relayOne(w, r, base, drop)
	}))
	var c clock.Clock = clock.Real{}
	if !v.Rehearsal.StartAt.IsZero() {
		c = clock.NewShifted(v.Rehearsal.StartAt)
	}
	wbSrv := server.New(server.Options{Clock: c, TokenTTL: time.Hour, HashCost: bcrypt.MinCost,
		PublicURL: "http://" + srv.Listener.Addr().String()})
	if _, err := wbSrv.AddVendor(v.Config); err != nil {
		t.Fatal(err)
	}
	if _, err := wbSrv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wbSrv.Close() })
	base = "http://" + wbSrv.ListenAddr()
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// relayOne passes one request to the workbench at base.
func relayOne(w http.ResponseWriter, r *http.Request, base string, drop func(path string, toClient bool, frame map[string]any) bool) {
	u, _ := url.Parse(base)
	rp := httputil.NewSingleHostReverseProxy(u)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	if !websocket.IsWebSocketUpgrade(r) {
		rp.ServeHTTP(w, r)
		return
	}
	h := http.Header{}
	for _, c := range r.Header.Values("Cookie") {
		h.Add("Cookie", c)
	}
	back, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+r.URL.RequestURI(), h)
	if err != nil {
		code := http.StatusBadGateway
		if resp != nil {
			code = resp.StatusCode
		}
		http.Error(w, err.Error(), code)
		return
	}
	front, err := up.Upgrade(w, r, nil)
	if err != nil {
		back.Close()
		return
	}
	pump := func(from, to *websocket.Conn, toClient bool) {
		defer from.Close()
		defer to.Close()
		for {
			kind, data, err := from.ReadMessage()
			if err != nil {
				return
			}
			var f map[string]any
			if json.Unmarshal(data, &f) == nil && drop(r.URL.Path, toClient, f) {
				continue
			}
			if to.WriteMessage(kind, data) != nil {
				return
			}
		}
	}
	go pump(back, front, true)
	go pump(front, back, false)
}

func step5(t *testing.T, rep *reports.Run) reports.Step {
	t.Helper()
	if len(rep.Steps) != 5 {
		t.Fatalf("%d steps", len(rep.Steps))
	}
	for _, s := range rep.Steps[:4] {
		if s.Status != reports.StatusPassed {
			t.Fatalf("step %d %s: %+v %s", s.Number, s.Status, s.Diagnosis, s.Error)
		}
	}
	return rep.Steps[4]
}

// "The reply did not reach the bot page" is said only when the reply is in
// the workbench's log and the customer never got it (R-RT-5).
func TestReplyLostOnTheWayToTheBotPageIsRRT5(t *testing.T) {
	v := fixtures.Demo()
	base := relay(t, v, func(path string, toClient bool, f map[string]any) bool {
		return path == "/ws/customer" && toClient && f["type"] == "message" && f["sender"] == "agent"
	})
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: base, Vendor: v, Seed: 3, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := step5(t, rep)
	if s.Status != reports.StatusFailed || s.Diagnosis == nil || s.Diagnosis.Rule != "R-RT-5" ||
		!strings.Contains(s.Diagnosis.Fix, "did not reach the bot page") || !strings.Contains(s.Diagnosis.Message, "in the workbench's log") {
		t.Fatalf("step 5 %s: %+v %s", s.Status, s.Diagnosis, s.Error)
	}
}

// A reply the simulated agent sent that never reached the workbench is the
// harness's trouble (exit 3), not the vendor's: no R-RT-5 diagnosis.
func TestReplyLostBeforeTheWorkbenchIsHarnessTrouble(t *testing.T) {
	v := fixtures.Demo()
	base := relay(t, v, func(path string, toClient bool, f map[string]any) bool {
		return path == "/ws/agent" && !toClient && f["type"] == "send"
	})
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: base, Vendor: v, Seed: 3, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := step5(t, rep)
	if s.Status != reports.StatusError || s.Diagnosis != nil || !strings.Contains(s.Error, "never reached the workbench") {
		t.Fatalf("step 5 %s: %+v %q", s.Status, s.Diagnosis, s.Error)
	}
	if rep.Passed {
		t.Fatal("a run the harness could not judge passed")
	}
}

// A --timeout too short for the harness's own round trips is the
// harness's trouble: the step says the harness timed out and gives no
// vendor fix (not "check the FAQ configuration").
func TestTimeoutTooShortForTheHarness(t *testing.T) {
	v := fixtures.Demo()
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: bundled(t, v), Vendor: v, Seed: 3, Timeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Failed(); len(f) > 0 {
		t.Fatalf("step %d blamed on the vendor: %+v", f[0].Number, f[0].Diagnosis)
	}
	var bad *reports.Step
	for i := range rep.Steps {
		if rep.Steps[i].Status == reports.StatusError {
			bad = &rep.Steps[i]
			break
		}
	}
	if bad == nil || !strings.Contains(bad.Error, "the harness timed out") || !strings.Contains(bad.Error, "--timeout") {
		t.Fatalf("no step says the harness timed out: %+v", rep.Steps)
	}
}

// Ctrl-C during a run: the step in progress has no verdict, the run is
// marked interrupted, and no KPI is judged on chats cut short.
func TestInterruptedRunBlamesNobody(t *testing.T) {
	v := rehearsed(t, 1, 3, 0, 30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := routetest.Options{Target: bundled(t, v), Vendor: v, Seed: 3, Timeout: time.Second,
		OnStep: func(s reports.Step) {
			if s.Number == 4 {
				cancel() // the agents are now waiting their 30 s
			}
		}}
	start := time.Now()
	rep, err := routetest.Run(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatal("the rehearsed 30 s delay did not end at the interrupt")
	}
	s := step5(t, rep)
	if !rep.Interrupted || rep.Passed || s.Status != reports.StatusError || s.Diagnosis != nil || !strings.Contains(s.Error, "interrupted") {
		t.Fatalf("interrupted=%v passed=%v step 5 %s %+v %q", rep.Interrupted, rep.Passed, s.Status, s.Diagnosis, s.Error)
	}
	if len(rep.Verdicts) != 0 {
		t.Fatalf("KPIs judged on an interrupted run: %+v", rep.Verdicts)
	}
}

// Each chat's reply wait is its own, timed from its pickup: a rehearsed
// delay five times --timeout passes (no fixed budget for the step).
func TestReplyDelayLongerThanTimeoutPasses(t *testing.T) {
	v := rehearsed(t, 1, 2, 0, 5*time.Second)
	rep, err := routetest.Run(context.Background(), routetest.Options{Target: bundled(t, v), Vendor: v, Seed: 3, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed {
		t.Fatal(failure(rep))
	}
}

// A target that answers but is not a routecheck workbench, or not this
// vendor's, stops the run before step 1 (exit 3), never as a vendor fault.
func TestForeignTargetIsNotAWorkbench(t *testing.T) {
	v := fixtures.Demo()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer other.Close()
	okEverywhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer okEverywhere.Close()
	base := bundled(t, v)
	renamed := fixtures.Demo()
	renamed.Config.ID = "another-vendor"
	for _, tc := range []struct {
		name, target string
		v            *fixtures.Vendor
		want         string
	}{
		{"any HTTP server", other.URL, v, "healthz"},
		{"a server that says ok everywhere", okEverywhere.URL, v, "/api/me"},
		{"a URL with a path", base + "/workbench", v, "without a path"},
		{"a workbench of another vendor", base, renamed, "not another-vendor"},
		{"a workbench that does not know the operations account", base, rehearsed(t, 1, 1, 0, 0), "refused the operations account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := routetest.Start(context.Background(), routetest.Options{Target: tc.target, Vendor: tc.v, Seed: 1})
			if !errors.Is(err, routetest.ErrNotWorkbench) || !strings.Contains(err.Error(), "target is not a routecheck workbench") ||
				!strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrNotWorkbench mentioning %q", err, tc.want)
			}
		})
	}
}

func TestTargetWithoutSchemeIsBadInput(t *testing.T) {
	for _, target := range []string{"localhost:8080", "127.0.0.1:8080", "example.com"} {
		err := routetest.CheckTarget(target)
		if !errors.Is(err, routetest.ErrInput) || !strings.Contains(err.Error(), "did you mean http://"+target) {
			t.Errorf("%s: %v", target, err)
		}
	}
	for _, target := range []string{"http://127.0.0.1:8080", "https://wb.example.com/"} {
		if err := routetest.CheckTarget(target); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
}
