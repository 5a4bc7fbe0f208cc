//go:build unix

package server

import "syscall"

// processCPUTime is the CPU time (user and system) this process has used,
// in nanoseconds.
func processCPUTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
