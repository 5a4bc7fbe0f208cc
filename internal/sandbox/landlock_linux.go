package sandbox

import (
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock, as the kernel's uapi defines it (the ABI only grows; each
// struct is passed with the size this code knows).
type rulesetAttr struct {
	handledFS, handledNet, scoped uint64
}

type netPortAttr struct {
	allowed uint64
	port    uint64
}

const (
	ruleNetPort = 2 // LANDLOCK_RULE_NET_PORT
)

// landlockABI is the kernel's Landlock ABI version, 0 without Landlock.
func landlockABI() int {
	v, _, errno := syscall.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// restrict confines the calling thread and what it starts: TCP connect
// only to ports (ABI 4; nil leaves TCP alone), and no abstract unix socket
// or signal outside the sandbox (ABI 6). The file system needs no rules:
// the mount namespace already shows nothing else.
func restrict(ports []uint16) error {
	abi := landlockABI()
	var attr rulesetAttr
	size := unsafe.Sizeof(rulesetAttr{}) - 8 // without scoped (ABI < 6)
	if abi >= 4 && ports != nil {
		attr.handledNet = unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
	}
	if abi >= 6 {
		attr.scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
		size += 8
	}
	if attr.handledNet == 0 && attr.scoped == 0 {
		return nil
	}
	fd, _, errno := syscall.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	defer syscall.Close(int(fd))
	if attr.handledNet != 0 {
		for _, p := range ports {
			rule := netPortAttr{allowed: unix.LANDLOCK_ACCESS_NET_CONNECT_TCP, port: uint64(p)}
			if _, _, errno := syscall.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, fd, ruleNetPort, uintptr(unsafe.Pointer(&rule)), 0, 0, 0); errno != 0 {
				return fmt.Errorf("landlock_add_rule(port %d): %w", p, errno)
			}
		}
	}
	if _, _, errno := syscall.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, fd, 0, 0); errno != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return nil
}
