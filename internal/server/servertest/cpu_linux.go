package servertest

import (
	"bytes"
	"os"
	"strconv"
)

// pidCPU is the user and system CPU time a process has used, every
// thread, in nanoseconds (from /proc, in clock ticks of 10 ms: a
// benchmark phase of a second or more keeps the error near 1%).
func pidCPU(pid int) int64 {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command (which may hold spaces and parentheses):
	// state is the 3rd field, utime the 14th, stime the 15th.
	i := bytes.LastIndexByte(st, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(st[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(string(f[11]), 10, 64)
	stt, _ := strconv.ParseInt(string(f[12]), 10, 64)
	// USER_HZ is 100 on Linux.
	return (ut + stt) * 10_000_000
}
