package server

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// threadNice reads the calling thread's nice value from /proc; -100 when
// it cannot.
func threadNice() int {
	b, err := os.ReadFile("/proc/thread-self/stat")
	if err != nil {
		return -100
	}
	// Fields after the command name (which may hold spaces) start at ")".
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	n, err := strconv.Atoi(f[16]) // field 19 of stat: nice
	if err != nil {
		return -100
	}
	return n
}

// The hashing thread gives way to every other (nice 19), and only that
// thread: the rest of the server keeps its priority.
func TestHashThreadRunsAtLowestPriority(t *testing.T) {
	done := make(chan [2]int)
	go func() {
		runtime.LockOSThread()
		before := threadNice()
		lowerThreadPriority()
		done <- [2]int{before, threadNice()}
	}()
	got := <-done
	if got[1] != 19 || got[0] == 19 || got[0] == -100 {
		t.Fatalf("nice before %d, after %d: want the hashing thread alone at 19", got[0], got[1])
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if n := threadNice(); n == 19 || n == -100 {
		t.Fatalf("another thread is at nice %d too", n)
	}
}
