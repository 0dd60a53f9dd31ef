package server

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Hash workers. With Options.HashProcess the server checks passwords in
// child processes: the running executable started again with
// hashWorkerArg, at the lowest priority. A bcrypt goroutine in the server
// itself, even on a thread at nice 19, holds one of the runtime's Ps for
// the whole hash, and every stop-the-world of the garbage collector waits
// until the kernel gives that low-priority thread a core again: on a busy
// machine the server's pings stalled for tens of milliseconds
// (docs/benchmarks.md). A child process holds no P: the server's goroutine
// waits for its answer in the network poller.

// hashWorkerArg, as the only argument, makes the executable a hash worker.
const hashWorkerArg = "-routecheck-hash-worker"

// hashWorkerHello is a worker's first output: a process that does not say
// it (a program without the RunHashWorkerIfAsked hook) is not used.
const hashWorkerHello = "routecheck hash worker 1\n"

// hashWorkerStart is how long a new worker may take to say hello.
const hashWorkerStart = 5 * time.Second

// maxHashField bounds a hash or password sent to a worker: request bodies
// are no longer.
const maxHashField = maxBody

// RunHashWorkerIfAsked turns this process into a hash worker, never to
// return, if it was started as one; otherwise it returns at once. Programs
// that start servers with Options.HashProcess call it first thing in main
// (tests: in TestMain).
func RunHashWorkerIfAsked() {
	if len(os.Args) != 2 || os.Args[1] != hashWorkerArg {
		return
	}
	os.Exit(serveHashes(os.Stdin, os.Stdout))
}

// serveHashes answers requests until in ends: a request is the hash and
// the password, each after its length (4 bytes, big-endian); the answer is
// one byte, 1 when they match, 0 when not. It returns the exit code.
func serveHashes(in io.Reader, out io.Writer) int {
	r := bufio.NewReader(in)
	if _, err := io.WriteString(out, hashWorkerHello); err != nil {
		return 1
	}
	for {
		hash, err := readField(r)
		if err == io.EOF {
			return 0
		}
		if err != nil {
			return 1
		}
		password, err := readField(r)
		if err != nil {
			return 1
		}
		ans := []byte{0}
		if bcrypt.CompareHashAndPassword(hash, password) == nil {
			ans[0] = 1
		}
		if _, err := out.Write(ans); err != nil {
			return 1
		}
	}
}

func readField(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	l := binary.BigEndian.Uint32(n[:])
	if l > maxHashField {
		return nil, fmt.Errorf("field of %d bytes, at most %d", l, maxHashField)
	}
	b := make([]byte, l)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return b, nil
}

func appendField(b, f []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(f))), f...)
}

// noWorker: the executable cannot be a hash worker, now or later.
type noWorker struct{ error }

// hasher is one running worker, used by one login at a time.
type hasher struct {
	cmd *exec.Cmd
	in  *os.File // the worker's stdin
	out *os.File // the worker's stdout; reads wait in the network poller
}

// startHasher starts exe as a worker. The fork happens on a thread at the
// lowest priority, which the child and all its threads inherit; the thread
// is discarded afterwards (see niceCompare).
func startHasher(exe string, wait time.Duration) (*hasher, error) {
	childIn, in, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	out, childOut, err := os.Pipe()
	if err != nil {
		childIn.Close()
		in.Close()
		return nil, err
	}
	cmd := exec.Command(exe, hashWorkerArg)
	cmd.Stdin, cmd.Stdout = childIn, childOut
	// One hash at a time: one P is all a worker needs.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		lowerThreadPriority()
		started <- cmd.Start()
	}()
	err = <-started
	childIn.Close()
	childOut.Close()
	if err != nil {
		in.Close()
		out.Close()
		return nil, err
	}
	h := &hasher{cmd: cmd, in: in, out: out}
	hello := make([]byte, len(hashWorkerHello))
	_ = out.SetReadDeadline(time.Now().Add(wait))
	if _, err := io.ReadFull(out, hello); err != nil || string(hello) != hashWorkerHello {
		h.stop()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// Slow to start (a busy machine), not wrong: try again next time.
			return nil, fmt.Errorf("%s %s: no hello within %s", exe, hashWorkerArg, wait)
		}
		return nil, &noWorker{fmt.Errorf("%s %s did not answer as a hash worker (does its main call server.RunHashWorkerIfAsked?)", exe, hashWorkerArg)}
	}
	_ = out.SetReadDeadline(time.Time{})
	return h, nil
}

func (h *hasher) compare(hash []byte, password string) (bool, error) {
	req := appendField(appendField(nil, hash), []byte(password))
	if _, err := h.in.Write(req); err != nil {
		return false, err
	}
	var ans [1]byte
	if _, err := io.ReadFull(h.out, ans[:]); err != nil {
		return false, err
	}
	if ans[0] > 1 {
		return false, fmt.Errorf("hash worker answered %d", ans[0])
	}
	return ans[0] == 1, nil
}

// stop ends the worker and reaps it.
func (h *hasher) stop() {
	h.in.Close()
	_ = h.cmd.Process.Kill()
	_ = h.cmd.Wait()
	h.out.Close()
}

// hashPool holds the workers: at most hashSlots exist, as many logins
// hash at once. Its lock is its own, never held with mu.
type hashPool struct {
	mu     sync.Mutex
	exe    string        // "": os.Executable
	wait   time.Duration // for a new worker's hello; 0: hashWorkerStart
	idle   []*hasher
	all    map[*hasher]bool
	closed bool
	failed error // a worker could not start: hash in-process from then on
}

var errPoolClosed = errors.New("server closed")

func (p *hashPool) get() (*hasher, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return nil, errPoolClosed
	case p.failed != nil:
		return nil, p.failed
	case len(p.idle) > 0:
		h := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		return h, nil
	}
	exe := p.exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			p.failed = err
			return nil, err
		}
	}
	wait := p.wait
	if wait == 0 {
		wait = hashWorkerStart
	}
	h, err := startHasher(exe, wait)
	var nw *noWorker
	if errors.As(err, &nw) {
		p.failed = err
	}
	if err != nil {
		return nil, err
	}
	if p.all == nil {
		p.all = map[*hasher]bool{}
	}
	p.all[h] = true
	return h, nil
}

// put returns a worker after use; a broken one is stopped and replaced
// by a new one on the next get.
func (p *hashPool) put(h *hasher, broken bool) {
	p.mu.Lock()
	switch {
	case p.closed: // close stops it
		p.mu.Unlock()
	case broken:
		delete(p.all, h)
		p.mu.Unlock()
		h.stop()
	default:
		p.idle = append(p.idle, h)
		p.mu.Unlock()
	}
}

func (p *hashPool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// close stops every worker, busy ones too (their logins fail).
func (p *hashPool) close() {
	p.mu.Lock()
	p.closed = true
	all := p.all
	p.all, p.idle = nil, nil
	p.mu.Unlock()
	for h := range all {
		h.stop()
	}
}
