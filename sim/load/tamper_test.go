package load

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tamper is a WebSocket relay in front of the workbench that breaks its
// promises on purpose: among the agents' messages to customers it doubles
// one, drops one and swaps two, so the audit must see each.
type tamper struct {
	upstream string
	mu       sync.Mutex
	n        int
}

func (t *tamper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	up, _ := url.Parse(t.upstream)
	if !strings.HasPrefix(r.URL.Path, "/ws/") {
		httputil.NewSingleHostReverseProxy(up).ServeHTTP(w, r)
		return
	}
	h := http.Header{}
	if c := r.Header.Get("Cookie"); c != "" {
		h.Set("Cookie", c)
	}
	server, _, err := websocket.DefaultDialer.Dial("ws://"+up.Host+r.URL.RequestURI(), h)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer server.Close()
	client, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer client.Close()
	go func() {
		for {
			_, data, err := client.ReadMessage()
			if err != nil {
				server.Close()
				return
			}
			_ = server.WriteMessage(websocket.TextMessage, data)
		}
	}()
	var held []byte
	for {
		_, data, err := server.ReadMessage()
		if err != nil {
			return
		}
		reply := bytes.Contains(data, []byte(`"type":"message"`)) && bytes.Contains(data, []byte(`"sender":"agent"`)) &&
			bytes.Contains(data, []byte(`"text":"load `)) && strings.HasPrefix(r.URL.Path, "/ws/customer")
		if reply && held == nil {
			t.mu.Lock()
			t.n++
			n := t.n
			t.mu.Unlock()
			switch n {
			case 5: // doubled
				_ = client.WriteMessage(websocket.TextMessage, data)
			case 9: // dropped
				continue
			case 13: // held back, sent after the next one
				held = data
				continue
			}
		}
		if err := client.WriteMessage(websocket.TextMessage, data); err != nil {
			return
		}
		if held != nil && reply {
			_ = client.WriteMessage(websocket.TextMessage, held)
			held = nil
		}
	}
}

func TestAuditCatchesAPathThatDoublesDropsAndReorders(t *testing.T) {
	cfg := Config{Customers: 4, Agents: 2, Capacity: 5, Duration: 2 * time.Second, Ramp: 100 * time.Millisecond,
		Think: 150 * time.Millisecond, Reply: 20 * time.Millisecond, Drain: 2 * time.Second, Seed: 5}
	srv, base, err := startBundled(cfg.withDefaults(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	proxy := httptest.NewServer(&tamper{upstream: base})
	defer proxy.Close()
	cfg.Target = proxy.URL
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Messages
	if m.Duplicated < 1 || m.Lost < 1 || m.OutOfOrder < 1 || rep.Pass {
		t.Fatalf("audit %+v pass %v: want the doubled, dropped and reordered messages seen and the run failed", m, rep.Pass)
	}
	failed := map[string]bool{}
	for _, p := range rep.Properties(false) {
		failed[p.Name] = !p.Pass
	}
	for _, name := range []string{"messages.lost", "messages.duplicated", "messages.out_of_order"} {
		if !failed[name] {
			t.Errorf("property %s passed", name)
		}
	}
}
