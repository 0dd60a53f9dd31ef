package server_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/actors"
	"routecheck/sim/server"
)

// sayRTT is the mean time from a customer's say to its echo: a round trip
// through the core, so it waits whenever the core's lock is held. The mean,
// not the median: one say stuck behind a held lock must show.
func sayRTT(t *testing.T, w *world, c *actors.Customer, n int) time.Duration {
	t.Helper()
	var d []time.Duration
	for i := range n {
		text := fmt.Sprintf("rtt-%d-%d", time.Now().UnixNano(), i)
		mark := c.Mark()
		start := time.Now()
		if err := c.Say(text); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.WaitMessage(w.ctx, mark, "customer", func(s string) bool { return s == text }); err != nil {
			t.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(len(d))
}

// Nothing slow runs under the core's lock: while clients hold half-sent
// request bodies and a login flood checks passwords (bcrypt cost 8, a
// quarter of the default), another customer's messages go through about as
// fast as when the server is idle (mean within 20x; holding the lock for
// the bcrypt checks makes it about 100x).
func TestSlowClientsDoNotSlowOthers(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) {
		o.HashCost = bcrypt.MinCost + 4
		o.Limits = server.Limits{FramesPerSecond: 1e6, FrameBurst: 1e6, LoginFailures: 1e6, LoginsPerAddress: 1e6, HashQueue: 1e6, ChatMessages: 1e6, ChatText: 1e9}
	})
	c := w.customer("A")
	idle := sayRTT(t, w, c, 40)

	// Half-sent bodies: a session's POST with Content-Length 100 and 10 bytes.
	resp, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"A-a1","password":"`+pw+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	cookie := resp.Cookies()[0]
	host := strings.TrimPrefix(w.base, "http://")
	for range 4 {
		nc, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nc.Close() })
		fmt.Fprintf(nc, "POST /api/status HTTP/1.1\r\nHost: %s\r\nCookie: %s=%s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"status\":", host, cookie.Name, cookie.Value)
	}
	// A login flood: wrong passwords, back to back.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := http.Post(w.base+"/api/login", "application/json", strings.NewReader(`{"login":"A-a2","password":"wrong"}`))
				if err == nil {
					r.Body.Close()
				}
			}
		})
	}
	time.Sleep(100 * time.Millisecond) // let the flood and the half bodies arrive
	loaded := sayRTT(t, w, c, 40)
	close(stop)
	wg.Wait()
	if ratio := float64(loaded) / float64(idle); ratio > 20 {
		t.Fatalf("a customer's message took %v (mean) under a login flood and half-sent bodies, %v idle: %.0fx", loaded, idle, ratio)
	}
	t.Logf("mean say round trip: idle %v, loaded %v", idle, loaded)
}
