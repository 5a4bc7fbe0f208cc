//go:build !unix

package servertest

func processCPU() (int64, bool) { return 0, false }
