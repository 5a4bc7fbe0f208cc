//go:build linux

package runtime

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts the runtime in its own process group (so a timeout can
// kill everything it started), kills it if seki dies, and starts it inside
// its cgroup v2 directly when there is one.
func sysProcAttr(cg *cgroup) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if fd := cg.fd(); fd >= 0 {
		a.UseCgroupFD = true
		a.CgroupFD = fd
	}
	return a
}

// killGroup kills the process group led by pid.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
}

// firstChild is the first child of process pid (0 if none): a sandbox's
// init has one, the runtime.
func firstChild(pid int) int {
	p := strconv.Itoa(pid)
	b, _ := os.ReadFile("/proc/" + p + "/task/" + p + "/children")
	f := bytes.Fields(b)
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(string(f[0]))
	return n
}

// procStatusKB reads a "kB" field (VmRSS:, VmHWM:) of /proc/PID/status.
func procStatusKB(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	i := bytes.Index(b, []byte(field))
	if i < 0 {
		return 0
	}
	rest := b[i+len(field):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	rest = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))
	n, _ := strconv.ParseInt(string(rest), 10, 64)
	return n
}

// pipePending is how many bytes wait unread in a pipe (FIONREAD).
func pipePending(fd uintptr) int {
	n, err := ioctlInt(fd, syscall.TIOCINQ)
	if err != nil {
		return 0
	}
	return n
}

// syncFS writes back everything of the file system holding dir.
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}
