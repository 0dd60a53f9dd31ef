package server_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/actors"
	"routecheck/sim/clock"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// benchServer is a started server (real clock) with vendors A and B.
func benchServer(b *testing.B, opts server.Options) (*server.Server, string) {
	b.Helper()
	srv := server.New(opts)
	for _, cfg := range []wb.VendorConfig{vendor("A", true), vendor("B", false)} {
		if _, err := srv.AddVendor(cfg); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv, "http://" + srv.ListenAddr()
}

// p99 sorts d and returns its 99th percentile.
func p99(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)*99/100]
}

func pings(b *testing.B, c *actors.Customer, n int) []time.Duration {
	out := make([]time.Duration, 0, n)
	for range n {
		d, err := c.Ping(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, d)
		time.Sleep(2 * time.Millisecond)
	}
	return out
}

// BenchmarkPingUnderLogins: a customer's ping p99, idle and while 32
// logins per second (bcrypt at the default cost) are in flight; the goal
// is loaded within 2x of idle. Idle and loaded pings alternate in blocks
// (pingBlocks of each), so a change in the machine's other load during the
// run falls on both sides alike instead of on one phase. The server hashes
// in worker processes (Options.HashProcess); PING_HASH_IN_PROCESS=1
// measures hashing on a thread of the server's own instead.
func BenchmarkPingUnderLogins(b *testing.B) {
	const pingBlocks, perBlock = 8, 500
	_, base := benchServer(b, server.Options{HashCost: bcrypt.DefaultCost, HashProcess: os.Getenv("PING_HASH_IN_PROCESS") == "",
		Limits: server.Limits{LoginsPerAddress: 1e9, LoginFailures: 1e9, FramesPerSecond: 1e6, FrameBurst: 1e6}})
	ops := actors.NewOps(base, "ops")
	if _, err := ops.SignIn(context.Background(), pw); err != nil {
		b.Fatal(err)
	}
	e, err := ops.Entry(context.Background(), "A", "", "")
	if err != nil {
		b.Fatal(err)
	}
	c, err := actors.Enter(context.Background(), e.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for range b.N {
		var idle, loaded []time.Duration
		for range pingBlocks {
			idle = append(idle, pings(b, c, perBlock)...)
			stop := loginFlood(base, 32)
			time.Sleep(500 * time.Millisecond)
			loaded = append(loaded, pings(b, c, perBlock)...)
			stop()
		}
		pi, pl := p99(idle), p99(loaded)
		b.ReportMetric(float64(idle[len(idle)/2].Microseconds()), "µs-p50-idle")
		b.ReportMetric(float64(loaded[len(loaded)/2].Microseconds()), "µs-p50-32logins/s")
		b.ReportMetric(float64(pi.Microseconds()), "µs-p99-idle")
		b.ReportMetric(float64(pl.Microseconds()), "µs-p99-32logins/s")
		b.ReportMetric(float64(pl)/float64(pi), "ratio")
	}
}

// loginFlood starts perSecond wrong-password logins a second, each on its
// own goroutine. The returned stop ends the flood, cancels the logins
// still waiting for a hash slot and gives the one being hashed time to
// finish, so the server is idle again when it returns.
func loginFlood(base string, perSecond int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Second / time.Duration(perSecond))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				wg.Go(func() {
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/login", strings.NewReader(`{"login":"A-a2","password":"wrong"}`))
					req.Header.Set("Content-Type", "application/json")
					if r, err := http.DefaultClient.Do(req); err == nil {
						r.Body.Close()
					}
				})
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
		// The hash under way when the flood ended is not cancellable;
		// bcrypt at cost 10 takes well under this.
		time.Sleep(300 * time.Millisecond)
	}
}

// BenchmarkIdleSocketMemory: server heap and stacks per idle customer
// socket and per idle agent socket. The clients are bare TCP connections that did the
// WebSocket handshake and read nothing, so they weigh next to nothing in
// the same process.
func BenchmarkIdleSocketMemory(b *testing.B) {
	const n = 2000
	for range b.N {
		srv, base := benchServer(b, server.Options{Clock: clock.Real{}, HashCost: bcrypt.MinCost, PongWait: time.Hour, PingPeriod: time.Hour,
			Limits: server.Limits{ChatsPerToken: 1e9, SocketsPerAgent: 1e9}})
		ops := actors.NewOps(base, "ops")
		if _, err := ops.SignIn(context.Background(), pw); err != nil {
			b.Fatal(err)
		}
		e, err := ops.Entry(context.Background(), "A", "", "")
		if err != nil {
			b.Fatal(err)
		}
		path := "/ws/customer?" + strings.SplitN(e.URL, "?", 2)[1]
		resp, err := http.Post(base+"/api/login", "application/json", strings.NewReader(`{"login":"A-a1","password":"`+pw+`"}`))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		cookie := resp.Cookies()[0].String()
		per := func(path, header string) float64 {
			before := heap()
			var conns []net.Conn
			for range n {
				conns = append(conns, rawUpgrade(b, srv.ListenAddr(), path, header))
			}
			time.Sleep(200 * time.Millisecond) // hellos written
			after := heap()
			for _, c := range conns {
				c.Close()
			}
			return float64(after-before) / n
		}
		b.ReportMetric(per(path, ""), "B/customer-socket")
		b.ReportMetric(per("/ws/agent", "Cookie: "+cookie+"\r\n"), "B/agent-socket")
	}
}

// heap is the live heap plus goroutine stacks (each socket has two).
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// rawUpgrade opens a WebSocket by hand and leaves it unread.
func rawUpgrade(b *testing.B, addr, path, header string) net.Conn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s\r\n", path, addr, header)
	buf := make([]byte, 12)
	if _, err := c.Read(buf); err != nil || !strings.HasPrefix(string(buf), "HTTP/1.1 101") {
		b.Fatalf("upgrade: %q %v", buf, err)
	}
	return c
}
