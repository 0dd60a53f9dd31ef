package server

import "syscall"

// lowerThreadPriority makes the calling OS thread the last to get a core
// when others want one (nice 19). Linux sets nice per thread.
func lowerThreadPriority() { _ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19) }
