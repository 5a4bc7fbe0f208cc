//go:build linux

package runtime

import (
	"syscall"
	"unsafe"
)

func ioctlInt(fd uintptr, req uintptr) (int, error) {
	var n int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(unsafe.Pointer(&n))); errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
