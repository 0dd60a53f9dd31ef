package server

import (
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// countConn counts the writes that reach the socket.
type countConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

type countListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countConn{c, l.writes}, nil
}

// The socket writer sends the frames queued together in one write to the
// socket, in order, and a lone frame as before.
func TestQueuedFramesGoOutInOneWrite(t *testing.T) {
	s := New(Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int64
	conns := make(chan *conn, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		conns <- s.newConn(ws)
	})}
	go func() { _ = srv.Serve(corkListener{countListener{ln, &writes}}) }()
	defer srv.Close()

	client, _, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	c := <-conns
	handshake := writes.Load()
	for _, f := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`} {
		c.push([]byte(f))
	}
	go c.writePump(time.Hour)
	defer c.kill(websocket.CloseNormalClosure, "")
	var got []string
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	for range 3 {
		_, data, err := client.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(data))
	}
	if strings.Join(got, " ") != `{"n":1} {"n":2} {"n":3}` {
		t.Fatalf("frames %q", got)
	}
	if n := writes.Load() - handshake; n != 1 {
		t.Errorf("three queued frames took %d writes to the socket, want 1", n)
	}
	c.push([]byte(`{"n":4}`))
	if _, data, err := client.ReadMessage(); err != nil || string(data) != `{"n":4}` {
		t.Fatalf("lone frame: %q %v", data, err)
	}
	if n := writes.Load() - handshake; n != 2 {
		t.Errorf("a lone frame after the batch: %d writes in all, want 2", n)
	}
}
