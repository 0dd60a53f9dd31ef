//go:build linux

package server

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// The worker answers 1 for a matching password, 0 for another, after its
// hello; it stops cleanly at the end of its input and with an error on a
// cut or oversized request.
func TestHashWorkerProtocol(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("right"), bcrypt.MinCost)
	req := func(h []byte, pw string) []byte { return appendField(appendField(nil, h), []byte(pw)) }
	var out bytes.Buffer
	in := append(req(hash, "right"), req(hash, "wrong")...)
	if code := serveHashes(bytes.NewReader(in), &out); code != 0 {
		t.Fatalf("exit %d at the end of the input, want 0", code)
	}
	if want := hashWorkerHello + "\x01\x00"; out.String() != want {
		t.Fatalf("worker wrote %q, want %q", out.String(), want)
	}
	if code := serveHashes(bytes.NewReader(in[:len(in)-2]), &bytes.Buffer{}); code != 1 {
		t.Errorf("cut request: exit %d, want 1", code)
	}
	big := binary.BigEndian.AppendUint32(nil, maxHashField+1)
	if code := serveHashes(bytes.NewReader(big), &bytes.Buffer{}); code != 1 {
		t.Errorf("oversized field: exit %d, want 1", code)
	}
}

// workerServer is a started server that hashes in worker processes.
func workerServer(t *testing.T, exe string, logf func(string, ...any)) (*Server, string) {
	t.Helper()
	s := New(Options{HashCost: bcrypt.MinCost, HashProcess: true, Logf: logf})
	s.hashers.exe = exe
	if _, err := s.AddVendor(benchVendor()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, "http://" + s.ListenAddr()
}

func loginStatus(t *testing.T, base, login, password string) int {
	t.Helper()
	r, err := http.Post(base+"/api/login", "application/json", strings.NewReader(`{"login":"`+login+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r.StatusCode
}

// checkLogins: the right password signs in, a wrong one and an unknown
// login do not.
func checkLogins(t *testing.T, base string) {
	t.Helper()
	if got := loginStatus(t, base, "b-a1", "secret-pass"); got != http.StatusOK {
		t.Errorf("right password: %d, want 200", got)
	}
	if got := loginStatus(t, base, "b-a1", "wrong"); got == http.StatusOK {
		t.Errorf("wrong password signed in")
	}
	if got := loginStatus(t, base, "nobody", "secret-pass"); got == http.StatusOK {
		t.Errorf("unknown login signed in")
	}
}

// workerPIDs lists the running workers' process ids.
func workerPIDs(s *Server) []int {
	s.hashers.mu.Lock()
	defer s.hashers.mu.Unlock()
	var pids []int
	for h := range s.hashers.all {
		pids = append(pids, h.cmd.Process.Pid)
	}
	return pids
}

// taskNices is the nice value of every thread of process pid.
func taskNices(t *testing.T, pid int) []int {
	t.Helper()
	dirs, err := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/stat")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no threads of %d in /proc: %v", pid, err)
	}
	var nices []int
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		n, err := strconv.Atoi(f[16])
		if err != nil {
			t.Fatal(err)
		}
		nices = append(nices, n)
	}
	return nices
}

// Passwords are checked in a child process, every thread of which runs
// at the lowest priority, while the server's threads keep theirs.
func TestHashWorkersCheckPasswordsAtLowestPriority(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread priorities are read from /proc")
	}
	s, base := workerServer(t, "", nil)
	checkLogins(t, base)
	pids := workerPIDs(s)
	if len(pids) != 1 || pids[0] == os.Getpid() {
		t.Fatalf("hash workers %v, want one child process (server %d)", pids, os.Getpid())
	}
	for _, n := range taskNices(t, pids[0]) {
		if n != 19 {
			t.Errorf("a hash worker thread at nice %d, want 19", n)
		}
	}
	// The thread that forked the worker is discarded (or, if it was the
	// main thread, parked for good), so no thread that runs the server's
	// goroutines is niced; this one, for one, is not.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if n := threadNice(); n == 19 || n == -100 {
		t.Errorf("a server thread at nice %d: the priority leaked", n)
	}
}

// A worker that dies is replaced; the login it was checking is checked in
// the server process instead, with the same answer.
func TestHashWorkerReplacedWhenItDies(t *testing.T) {
	s, base := workerServer(t, "", nil)
	checkLogins(t, base)
	first := workerPIDs(s)
	if len(first) != 1 {
		t.Fatalf("hash workers %v, want one", first)
	}
	if err := syscall.Kill(first[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	checkLogins(t, base)
	then := workerPIDs(s)
	if len(then) != 1 || then[0] == first[0] {
		t.Fatalf("hash workers %v after %d was killed, want one new one", then, first[0])
	}
}

// A program whose main does not call RunHashWorkerIfAsked cannot be a
// worker: the server says so once and checks passwords itself.
func TestHashWorkerMissingHookFallsBackInProcess(t *testing.T) {
	// A shell script stands for a program without the hook: it exits
	// without the hello.
	dir := t.TempDir()
	fake := filepath.Join(dir, "nohook")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 2\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logs []string
	s, base := workerServer(t, fake, func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, f)
	})
	checkLogins(t, base)
	checkLogins(t, base)
	if pids := workerPIDs(s); len(pids) != 0 {
		t.Errorf("workers %v from a program without the hook", pids)
	}
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, l := range logs {
		if strings.Contains(l, "hashing passwords in the server process") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the fallback was logged %d times, want once: %q", n, logs)
	}
}

// A worker slow to start (a busy machine) is not taken for a program
// without the hook: that login is checked in the process, and the next one
// tries a worker again.
func TestHashWorkerSlowToStartIsTriedAgain(t *testing.T) {
	slow := filepath.Join(t.TempDir(), "slow")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 5\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, base := workerServer(t, slow, nil)
	s.hashers.mu.Lock()
	s.hashers.wait = 200 * time.Millisecond
	s.hashers.mu.Unlock()
	if got := loginStatus(t, base, "b-a1", "secret-pass"); got != http.StatusOK {
		t.Fatalf("right password while the worker was slow: %d, want 200", got)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s.hashers.mu.Lock()
	s.hashers.exe, s.hashers.wait = exe, hashWorkerStart
	s.hashers.mu.Unlock()
	checkLogins(t, base)
	if pids := workerPIDs(s); len(pids) != 1 {
		t.Fatalf("hash workers %v after a slow start, want one", pids)
	}
}

// Close stops the workers.
func TestCloseStopsHashWorkers(t *testing.T) {
	s, base := workerServer(t, "", nil)
	checkLogins(t, base)
	pids := workerPIDs(s)
	if len(pids) != 1 {
		t.Fatalf("hash workers %v, want one", pids)
	}
	s.Close()
	if err := syscall.Kill(pids[0], 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("hash worker %d still there after Close (kill 0: %v)", pids[0], err)
	}
}
