package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/actors"
	"routecheck/sim/clock"
	"routecheck/sim/server"
)

// floodEnv, set, makes this test binary a flooder process instead (see
// runFlooder): the attacker is a process of its own, so the server's RSS
// and CPU are the server's.
const floodEnv = "ROUTECHECK_FLOOD"

func init() {
	if spec := os.Getenv(floodEnv); spec != "" {
		kind, entry, _ := strings.Cut(spec, " ")
		os.Exit(runFlooder(kind, entry))
	}
}

// BenchmarkPingUnderFlood: a healthy customer's ping p99, idle and while
// one client (the holder of one bot-page link, in a process of its own)
// floods its socket as fast as it can with one kind of frame: valid
// (card-button taps, which store state), malformed, stale, or WebSocket
// pings. The goal is the flooded p99 within 2x of idle, and the server's
// RSS flat over each flood (FLOOD_FOR, default 2 min). The server runs with
// the default limits; the healthy customer pings on 5 sockets at 60/s in
// all, within each socket's frame rate. Idle pings are taken before and
// after each flood and pooled, so a drift in the machine's load falls on
// both sides.
func BenchmarkPingUnderFlood(b *testing.B) {
	floodFor := 2 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("FLOOD_FOR")); err == nil {
		floodFor = d
	}
	kinds := []string{"valid", "malformed", "stale", "wsping"}
	if k := os.Getenv("FLOOD_KINDS"); k != "" {
		kinds = strings.Split(k, ",")
	}
	srv, base := benchServer(b, server.Options{Clock: clock.Real{}, HashCost: bcrypt.MinCost})
	_ = srv
	ops := actors.NewOps(base, "ops")
	if _, err := ops.SignIn(context.Background(), pw); err != nil {
		b.Fatal(err)
	}
	var pingers []*pinger
	for range 5 {
		e, err := ops.Entry(context.Background(), "A", "", "")
		if err != nil {
			b.Fatal(err)
		}
		p, err := newPinger(e.URL)
		if err != nil {
			b.Fatal(err)
		}
		defer p.ws.Close()
		pingers = append(pingers, p)
	}
	for range b.N {
		for _, kind := range kinds {
			idle := pingFor(b, pingers, 15*time.Second, nil)
			e, err := ops.Entry(context.Background(), "A", "", "")
			if err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), floodEnv+"="+kind+" "+e.URL)
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			time.Sleep(2 * time.Second) // the flood under way
			var rss []int64
			loaded := pingFor(b, pingers, floodFor, func() { rss = append(rss, rssKiB()) })
			_ = cmd.Process.Signal(os.Interrupt)
			sent := ""
			if sc := bufio.NewScanner(out); sc.Scan() {
				sent = sc.Text()
			}
			_ = cmd.Wait()
			idle = append(idle, pingFor(b, pingers, 15*time.Second, nil)...)
			pi, pl := p99(idle), p99(loaded)
			b.ReportMetric(float64(pi.Microseconds()), "µs-p99-idle-"+kind)
			b.ReportMetric(float64(pl.Microseconds()), "µs-p99-"+kind)
			b.ReportMetric(float64(pl)/float64(pi), "ratio-"+kind)
			// RSS from 10 s into the flood (start-up settled) to its end.
			first := rss[min(len(rss)-1, int(10*time.Second/rssEvery))]
			b.ReportMetric(float64(first)/1024, "MiB-rss-start-"+kind)
			b.ReportMetric(float64(rss[len(rss)-1])/1024, "MiB-rss-end-"+kind)
			b.ReportMetric(float64(slices.Max(rss))/1024, "MiB-rss-max-"+kind)
			b.Logf("%s: flooder %s; %d idle and %d flooded pings; RSS KiB every %s: %v", kind, sent, len(idle), len(loaded), rssEvery, rss)
		}
	}
}

const rssEvery = 5 * time.Second

// pinger is a healthy customer's socket that keeps nothing it receives
// (actors.Customer keeps every frame, which would be the benchmark's own
// RSS growth).
type pinger struct {
	ws  *websocket.Conn
	seq int
}

func newPinger(entry string) (*pinger, error) {
	u, err := url.Parse(entry)
	if err != nil {
		return nil, err
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+u.Host+"/ws/customer?"+u.RawQuery, nil)
	if err != nil {
		return nil, err
	}
	if _, _, err := ws.ReadMessage(); err != nil { // hello
		return nil, err
	}
	return &pinger{ws: ws}, nil
}

// Ping sends a ping frame and waits for its pong.
func (p *pinger) Ping(context.Context) (time.Duration, error) {
	p.seq++
	start := time.Now()
	if err := p.ws.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"type":"ping","seq":%d}`, p.seq)); err != nil {
		return 0, err
	}
	want := fmt.Appendf(nil, `{"ref":%d,"type":"pong"}`, p.seq)
	for {
		_, data, err := p.ws.ReadMessage()
		if err != nil {
			return 0, err
		}
		if string(data) == string(want) {
			return time.Since(start), nil
		}
	}
}

// pingFor pings round the sockets at 60/s in all for d and returns the
// round trips; sample runs every rssEvery.
func pingFor(b *testing.B, cs []*pinger, d time.Duration, sample func()) []time.Duration {
	var out []time.Duration
	tick := time.NewTicker(time.Second / 60)
	defer tick.Stop()
	start, next := time.Now(), time.Now()
	for i := 0; time.Since(start) < d; i++ {
		if sample != nil && !time.Now().Before(next) {
			sample()
			next = next.Add(rssEvery)
		}
		<-tick.C
		rt, err := cs[i%len(cs)].Ping(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, rt)
	}
	return out
}

// rssKiB is this process's resident set (Linux), 0 elsewhere.
func rssKiB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// runFlooder floods a customer socket of the entry URL with one kind of
// frame as fast as it can until interrupted; when the server closes the
// socket it comes back into the same chat and goes on. It prints what it
// sent and how often it reconnected.
func runFlooder(kind, entry string) int {
	u, err := url.Parse(entry)
	if err != nil {
		return 2
	}
	wsBase := "ws://" + u.Host + "/ws/customer?" + u.RawQuery
	var frames, dials atomic.Int64
	// A paced socket blocks the writes below: the signal ends the process
	// from here, whatever they wait for.
	stop := make(chan os.Signal, 1)
	signalNotify(stop)
	go func() {
		<-stop
		fmt.Printf("%d frames on %d sockets\n", frames.Load(), dials.Load())
		os.Exit(0)
	}()
	join := ""
	for {
		ws, _, err := websocket.DefaultDialer.Dial(wsBase+join, http.Header{})
		if err != nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		dials.Add(1)
		// Read what comes back (and the close) so the socket is no slow reader.
		hello := make(chan map[string]any, 1)
		go func() {
			first := true
			for {
				var f map[string]any
				if ws.ReadJSON(&f) != nil {
					return
				}
				if first {
					hello <- f
					first = false
				}
			}
		}()
		select {
		case h := <-hello:
			if join == "" {
				join = fmt.Sprintf("&conv=%v&key=%v", h["conv"], h["key"])
			}
		case <-time.After(5 * time.Second):
		}
		if kind == "stale" {
			_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","seq":1000000000}`))
		}
		for i := int64(1); ; i++ {
			var err error
			switch kind {
			case "valid":
				err = ws.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"type":"button","seq":%d,"id":"f-%d-%d","label":"热线"}`, i, dials.Load(), i))
			case "wsping":
				err = ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Hour))
			case "stale":
				err = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","seq":1}`))
			default:
				err = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"`))
			}
			if err != nil {
				break
			}
			frames.Add(1)
		}
		ws.Close()
	}
}
