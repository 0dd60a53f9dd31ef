package wire

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
)

// Conn is the socket an outbox writes to, one text frame per call. The
// outbox serialises its calls (gorilla allows one writer).
type Conn interface{ WriteText(data []byte) error }

// ErrNotConnected is returned for a frame without a client id sent while
// no socket is attached; a frame with one stays pending instead.
var ErrNotConnected = errors.New("wire: no socket")

// Outbox is a client's side of the protocol's delivery rules, for one
// party across its sockets in turn:
//
//   - every frame gets the socket's next seq, in the order it is written;
//   - a frame that changes state (CarriesID) gets a fresh client id,
//     prefix-n, and stays pending until an ack or an error names it;
//   - a new socket (Attach) first writes again every pending frame, in
//     order, with its own id, so nothing new overtakes them and the server
//     applies none twice;
//   - after a `limit` that names no frame (the frame rate: frames above it
//     are dropped unread), Limited holds every new frame back, and Release,
//     after LimitWait, writes again every pending frame in order, each
//     under its own id: a frame the server did read is answered, not
//     applied again;
//   - it keeps the last cseq seen per chat, for resume.
//
// A frame refused with its id is answered; sending it again is the
// caller's choice (Send gives it a new id: the server remembers the
// refusal under the old one).
type Outbox struct {
	prefix string

	// wmu serialises writes: a frame's seq, its write, and what the caller
	// records with it (before), so a record follows the order on the wire.
	wmu  sync.Mutex
	conn Conn
	seq  int64
	held bool
	hold int // holds so far: a Release for an older hold does nothing

	mu      sync.Mutex // the pending frames and the chats (never held with a write)
	n       int
	pending map[string]*pending
	order   []string
	last    map[string]int64

	// OnWrite, if set, is called under the write lock after each frame
	// with an id is written (a first send or a resend).
	OnWrite func(ClientFrame)
}

type pending struct {
	f       ClientFrame
	tries   int
	written bool
}

// NewOutbox returns an empty outbox; client ids are prefix-1, prefix-2…
func NewOutbox(prefix string) *Outbox {
	return &Outbox{prefix: prefix, pending: map[string]*pending{}, last: map[string]int64{}}
}

// Send writes f. A frame that carries an id gets a fresh one and stays
// pending; tries is the caller's count kept with it (Answer returns it).
// before, if set, runs under the write lock first, with the frame as it
// goes out. While no socket is attached, or during a hold, a frame with an
// id waits pending (Attach, Release); one without gets ErrNotConnected, or
// is written anyway during a hold (a ping is not resent). It returns the
// frame with its id and, if written, its seq.
func (o *Outbox) Send(f ClientFrame, tries int, before func(ClientFrame)) (ClientFrame, error) {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	var p *pending
	if CarriesID(f.Type) {
		o.mu.Lock()
		o.n++
		f.ID = o.prefix + "-" + strconv.Itoa(o.n)
		f.Seq = 0
		p = &pending{f: f, tries: tries}
		o.pending[f.ID] = p
		o.order = append(o.order, f.ID)
		o.mu.Unlock()
	}
	if before != nil {
		before(f)
	}
	switch {
	case p != nil && (o.conn == nil || o.held):
		return f, nil
	case o.conn == nil:
		return f, ErrNotConnected
	}
	return o.write(f, p)
}

// write numbers and writes one frame (under wmu).
func (o *Outbox) write(f ClientFrame, p *pending) (ClientFrame, error) {
	o.seq++
	f.Seq = o.seq
	data, err := json.Marshal(f)
	if err != nil {
		return f, err
	}
	if err := o.conn.WriteText(data); err != nil {
		return f, err
	}
	if p != nil {
		o.mu.Lock()
		p.written = true
		o.mu.Unlock()
		if o.OnWrite != nil {
			o.OnWrite(f)
		}
	}
	return f, nil
}

// WriteRaw writes bytes as they are, in turn with the frames (bad-input
// checks); it uses no seq.
func (o *Outbox) WriteRaw(data []byte) error {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	if o.conn == nil {
		return ErrNotConnected
	}
	return o.conn.WriteText(data)
}

// Attach makes c the socket frames go to, numbered from 1, and first
// writes again every pending frame in order. It ends a hold: a new socket
// has a fresh frame rate.
func (o *Outbox) Attach(c Conn) error {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	o.conn, o.seq, o.held = c, 0, false
	return o.flush(nil)
}

// Detach stops writing to c (its socket ended); frames with an id wait.
func (o *Outbox) Detach(c Conn) {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	if o.conn == c {
		o.conn = nil
	}
}

// flush writes every pending frame in order (under wmu); again, if set,
// runs before each with whether it was written before.
func (o *Outbox) flush(again func(f ClientFrame, written bool)) error {
	if o.conn == nil {
		return nil
	}
	for _, p := range o.unanswered() {
		o.mu.Lock()
		f, written := p.f, p.written
		o.mu.Unlock()
		if again != nil {
			again(f, written)
		}
		if _, err := o.write(f, p); err != nil {
			return err
		}
	}
	return nil
}

func (o *Outbox) unanswered() []*pending {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*pending
	kept := o.order[:0]
	for _, id := range o.order {
		if p, ok := o.pending[id]; ok {
			out = append(out, p)
			kept = append(kept, id)
		}
	}
	clear(o.order[len(kept):])
	o.order = kept
	return out
}

// Limited takes a `limit` error that names no frame (Frame.Unread): the
// server dropped frames unread and cannot say which. New frames with an id
// wait from now on; the caller calls Release with the hold returned after
// LimitWait. ok is false if a hold was already on (its Release will do).
func (o *Outbox) Limited() (hold int, ok bool) {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	if o.held {
		return o.hold, false
	}
	o.held = true
	o.hold++
	return o.hold, true
}

// Release ends the hold and writes again, in order and each under its own
// id, every frame not yet answered: those written before the error (the
// server may have dropped them) and those that waited. again, if set, runs
// under the write lock before each, with whether it was written before. A
// hold that a new socket already ended is not released again.
func (o *Outbox) Release(hold int, again func(f ClientFrame, written bool)) error {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	if !o.held || hold != o.hold {
		return nil
	}
	o.held = false
	return o.flush(again)
}

// Held reports whether a hold is on.
func (o *Outbox) Held() bool {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	return o.held
}

// Answer takes the frame an ack or error names out of the pending frames;
// it returns the frame, its tries, and false if none was pending (a second
// answer to a resend).
func (o *Outbox) Answer(id string) (ClientFrame, int, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p, ok := o.pending[id]
	if !ok {
		return ClientFrame{}, 0, false
	}
	delete(o.pending, id)
	return p.f, p.tries, true
}

// Pending counts the frames not yet answered.
func (o *Outbox) Pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.pending)
}

// Seen records that the party is up to date with conv at cseq.
func (o *Outbox) Seen(conv string, cseq int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if cseq > o.last[conv] {
		o.last[conv] = cseq
	}
}

// Last is the last cseq of conv seen (0: none).
func (o *Outbox) Last(conv string) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last[conv]
}

// Resume is the resume= list of the chats named (every chat seen when
// none are named), each from its last cseq.
func (o *Outbox) Resume(convs ...string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.last
	if len(convs) > 0 {
		m = make(map[string]int64, len(convs))
		for _, c := range convs {
			m[c] = o.last[c]
		}
	}
	return FormatResume(m)
}

// Take records a server frame's cseq (Seen), as a client must: a resumed
// hello's does not count, since the replay that follows ends there.
func (o *Outbox) Take(f Frame) {
	if f.CSeq > 0 && !(f.Type == TypeHello && f.Resumed) {
		o.Seen(f.ConvID(), f.CSeq)
	}
	if f.Type == TypeHello {
		for _, c := range f.Conversations {
			if !c.Resumed {
				o.Seen(c.ID, c.CSeq)
			}
		}
	}
}
