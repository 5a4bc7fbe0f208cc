//go:build !linux

package servertest

func pidCPU(pid int) int64 { return 0 }
