package bench

import "syscall"

// threadCPU returns the CPU time the calling OS thread has used. Timing
// with it rather than the wall clock keeps the comparison fair on a shared
// machine: time spent waiting for a core is not counted for either side.
func threadCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}

// processCPU returns the CPU time of the whole process: every thread,
// including the decision log's writer and the garbage collector.
func processCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
