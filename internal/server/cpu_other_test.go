//go:build !unix

package server

func processCPUTime() int64 { return 0 }
