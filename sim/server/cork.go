package server

import (
	"net"
	"sync"
)

// corkListener hands out connections whose writes can be held back and
// sent together: the socket writer corks while it writes a batch of queued
// frames, so a batch costs one write system call instead of one per frame
// (a customer message alone queues the echo and the ack on one socket, the
// message and its notification on another).
type corkListener struct{ net.Listener }

func (l corkListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &corkConn{Conn: c}, nil
}

// corkBufs holds the batch buffers between batches, so an idle socket
// holds none.
var corkBufs sync.Pool

// corkBuf is a batch buffer from the pool, or a new one of 4 KiB.
func corkBuf() *[]byte {
	if b, ok := corkBufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

type corkConn struct {
	net.Conn
	mu     sync.Mutex // gorilla writes pongs from the reader too
	corked bool
	buf    *[]byte
}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.corked {
		if c.buf == nil {
			c.buf = corkBuf()
		}
		*c.buf = append(*c.buf, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// cork holds writes back until uncork.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork writes what was held back in one write (under the deadline the
// last frame set) and returns its error.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	if c.buf == nil {
		return nil
	}
	b := c.buf
	c.buf = nil
	_, err := c.Conn.Write(*b)
	if cap(*b) <= 64<<10 {
		*b = (*b)[:0]
		corkBufs.Put(b)
	}
	return err
}
