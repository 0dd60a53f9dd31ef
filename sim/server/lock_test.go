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

// rtts is the mean time from a customer's say to its echo, a round trip
// through the core that waits whenever the core's lock is held, and the
// mean time of a ping on the same socket, answered without that lock: the
// same path through the network, the reader and the writer, so it slows
// with the machine as the say does, but not with the lock. They alternate,
// so both see the same moments of the machine. The mean, not the median:
// one say stuck behind a held lock must show.
func rtts(t *testing.T, w *world, c *actors.Customer, n int) (say, ping time.Duration) {
	t.Helper()
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
		say += time.Since(start)
		d, err := c.Ping(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		ping += d
	}
	return say / time.Duration(n), ping / time.Duration(n)
}

// Nothing slow runs under the core's lock: while clients hold half-sent
// request bodies and a login flood checks passwords (bcrypt cost 8, a
// quarter of the default), another customer's messages cost about what
// its pings cost, as when the server is idle. Judged against the pings on
// the same socket, not against the idle time alone: the flood's bcrypt
// takes the CPU, and with other tests on the same cores that alone slowed
// the say 53x; the ping slows with it, the lock slows only the say.
func TestSlowClientsDoNotSlowOthers(t *testing.T) {
	w := newWorldWith(t, func(o *server.Options) {
		o.HashCost = bcrypt.MinCost + 4
		o.Limits = server.Limits{FramesPerSecond: 1e6, FrameBurst: 1e6, LoginFailures: 1e6, LoginsPerAddress: 1e6, HashQueue: 1e6, ChatMessages: 1e6, ChatText: 1e9}
	})
	c := w.customer("A")
	idleSay, idlePing := rtts(t, w, c, 40)

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
	loadedSay, loadedPing := rtts(t, w, c, 40)
	close(stop)
	wg.Wait()
	idle := float64(idleSay) / float64(idlePing)
	loaded := float64(loadedSay) / float64(loadedPing)
	t.Logf("mean round trips: idle say %v ping %v (%.1fx), loaded say %v ping %v (%.1fx)", idleSay, idlePing, idle, loadedSay, loadedPing, loaded)
	if loaded > 4*idle {
		t.Fatalf("under a login flood and half-sent bodies a customer's message took %v (mean), %.1fx its pings' %v on the same socket; idle %.1fx (%v against %v): something slow holds the core's lock", loadedSay, loaded, loadedPing, idle, idleSay, idlePing)
	}
}
