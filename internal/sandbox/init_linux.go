package sandbox

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// init turns a re-executed seki into a sandbox's init before any other
// code of seki runs (package initialisation of this package's
// dependents included; only the standard library's and x/sys's come
// first). The marker is both argv[0] and an environment variable, so
// neither a user's command line nor a stray variable triggers it alone.
func init() {
	if len(os.Args) == 1 && os.Args[0] == initArg0 && os.Getenv(initMarker) == "1" {
		os.Exit(initMain())
	}
}

// newRoot is where init assembles the sandbox's root before pivoting into
// it. Any directory works: init's mount namespace is private, and every
// source is resolved before the tmpfs hides what was there.
const newRoot = "/tmp"

// initMain is PID 1 of the sandbox.
func initMain() int {
	// Landlock and no_new_privs apply to the calling thread and what it
	// starts: everything below runs on this one thread.
	runtime.LockOSThread()
	// seki's umask (077: its data dir is private) would make the
	// sandbox's own directories (/var, /etc) unsearchable by the command;
	// the command gets umask 022 back when it starts.
	syscall.Umask(0)
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	ctl := os.NewFile(3, "control")
	status := os.NewFile(4, "status")
	fail := func(stage string, err error) int {
		b, _ := json.Marshal(report{Stage: stage, ExecErr: err.Error()})
		status.Write(b)
		status.Close()
		return 127
	}
	// Not dumpable: the command (same uid when seki is not root) cannot
	// read init's memory or /proc files.
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	// The part of the root every environment shares is built before the
	// Spec is read: a spare sandbox (see NewSpare) has it ready, so that
	// a cold start only binds what is the function's and starts it.
	host, err := buildSystem()
	if err != nil {
		return fail("mount", fmt.Errorf("sandbox: %v", err))
	}
	var n [4]byte
	if _, err := io.ReadFull(ctl, n[:]); err != nil {
		return 125 // seki went away before releasing the sandbox
	}
	buf := make([]byte, binary.BigEndian.Uint32(n[:]))
	if _, err := io.ReadFull(ctl, buf); err != nil {
		return 125
	}
	var m message
	if err := json.Unmarshal(buf, &m); err != nil || m.Spec == nil {
		return fail("spec", fmt.Errorf("sandbox: bad spec: %v", err))
	}
	if m.Probe {
		b, _ := json.Marshal(report{})
		status.Write(b)
		return 0
	}
	if err := finishRoot(m.Spec, host); err != nil {
		return fail("mount", fmt.Errorf("sandbox: %v", err))
	}
	// Before Landlock, which forbids the write.
	if err := limitUserNamespaces(); err != nil {
		return fail("limits", fmt.Errorf("sandbox: %v", err))
	}
	if err := limit(m.Spec); err != nil {
		return fail("limits", fmt.Errorf("sandbox: %v", err))
	}
	// seki closing the control pipe (the environment stopped, or seki
	// died) ends init, and so the namespace.
	go func() {
		io.Copy(io.Discard, ctl)
		os.Exit(137)
	}()
	cmd := &exec.Cmd{
		Path:   m.Spec.Argv[0],
		Args:   m.Spec.Argv,
		Env:    m.Spec.Env,
		Dir:    m.Spec.Dir,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: sandboxUID, HostID: m.HostUID, Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: sandboxGID, HostID: m.HostGID, Size: 1}},
			Credential:  &syscall.Credential{Uid: sandboxUID, Gid: sandboxGID, NoSetGroups: true},
			Setpgid:     true,
			Pdeathsig:   syscall.SIGKILL,
		},
	}
	syscall.Umask(0o022) // the command's, as in Lambda
	if err := cmd.Start(); err != nil {
		return fail("exec", err)
	}
	child := cmd.Process.Pid
	// Reap everything; report the command's status when it ends.
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fail("wait", err)
		}
		if pid == child {
			b, _ := json.Marshal(report{Status: uint32(ws)})
			status.Write(b)
			status.Close()
			if ws.Exited() {
				return ws.ExitStatus()
			}
			return 128 + int(ws.Signal())
		}
	}
}

// systemDirs are bound read-only when the host has them; a symbolic link
// (/bin -> usr/bin) is recreated as a link.
var systemDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// etcFiles are the parts of /etc a runtime needs: name resolution, TLS
// roots, the dynamic linker's cache, time zones, MIME types. Globs allowed.
var etcFiles = []string{
	"/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf",
	"/etc/services", "/etc/protocols", "/etc/localtime", "/etc/ld.so.cache", "/etc/ld.so.conf",
	"/etc/ld.so.conf.d", "/etc/ssl", "/etc/ca-certificates", "/etc/ca-certificates.conf", "/etc/pki",
	"/etc/crypto-policies", "/etc/alternatives", "/etc/os-release", "/etc/mime.types", "/etc/python3*",
}

// passwd and group name the sandbox's users as AWS's environment does.
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n"
	group  = "root:x:0:\nsbx_user1051:x:990:\n"
)

func mountRootTmpfs() error {
	if err := unix.Mount("tmpfs", newRoot, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=1m"); err != nil {
		return fmt.Errorf("mounting the root tmpfs: %w", err)
	}
	return nil
}

// buildSystem assembles the part of the sandbox's root every environment
// shares, at newRoot: a tmpfs with read-only binds of the system
// directories and /etc files, /etc/passwd and /etc/group, /dev and /proc.
// It returns the directory the root tmpfs now covers (newRoot as it was),
// through which finishRoot still reaches the host's files below it.
func buildSystem() (covered *os.File, err error) {
	// Nothing mounted here propagates back to the host.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return nil, fmt.Errorf("making mounts private: %w", err)
	}
	var binds []Bind
	var links [][2]string
	for _, d := range systemDirs {
		st, err := os.Lstat(d)
		switch {
		case err != nil:
			continue
		case st.Mode()&os.ModeSymlink != 0:
			if l, err := os.Readlink(d); err == nil {
				links = append(links, [2]string{l, d})
			}
		case st.IsDir():
			binds = append(binds, Bind{Src: d, Dst: d})
		}
	}
	for _, pat := range etcFiles {
		matches, _ := filepath.Glob(pat)
		for _, p := range matches {
			binds = append(binds, Bind{Src: p, Dst: p})
		}
	}
	// Every source is opened before the root tmpfs is mounted over
	// newRoot, which may hide some of them; the binds then come from the
	// open files. So is newRoot itself: a lookup from a directory's file
	// walks the directory, not what is mounted over it, so the Spec's
	// binds below it stay reachable.
	covered, err = os.OpenFile(newRoot, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			covered.Close()
		}
	}()
	srcs, err := openSources(binds, nil)
	if err != nil {
		return nil, err
	}
	defer closeAll(srcs)
	if err := mountRootTmpfs(); err != nil {
		return nil, err
	}
	for _, l := range links {
		if err := os.Symlink(l[0], newRoot+l[1]); err != nil {
			return nil, err
		}
	}
	for i, b := range binds {
		if err := bind(srcs[i], newRoot+b.Dst, b.Writable); err != nil {
			return nil, fmt.Errorf("binding %s at %s: %w", b.Src, b.Dst, err)
		}
	}
	if err := os.MkdirAll(newRoot+"/etc", 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(newRoot+"/etc/passwd", []byte(passwd), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(newRoot+"/etc/group", []byte(group), 0o644); err != nil {
		return nil, err
	}
	if err := buildDev(newRoot + "/dev"); err != nil {
		return nil, fmt.Errorf("building /dev: %w", err)
	}
	if err := os.MkdirAll(newRoot+"/proc", 0o555); err != nil {
		return nil, err
	}
	if err := mountProc(newRoot + "/proc"); err != nil {
		return nil, err
	}
	for _, d := range []string{"/var/task", "/opt", "/var/runtime", "/home/sbx_user1051", "/root", "/tmp"} {
		os.MkdirAll(newRoot+d, 0o755)
	}
	return covered, nil
}

// openSources opens every bind's source (O_PATH). A source below newRoot
// is looked up from covered, the directory the root tmpfs hides, when
// covered is not nil.
func openSources(binds []Bind, covered *os.File) ([]*os.File, error) {
	srcs := make([]*os.File, 0, len(binds))
	for _, b := range binds {
		var f *os.File
		var err error
		if rel, ok := below(newRoot, b.Src); ok && covered != nil {
			var fd int
			fd, err = unix.Openat(int(covered.Fd()), rel, unix.O_PATH|unix.O_CLOEXEC, 0)
			if err == nil {
				f = os.NewFile(uintptr(fd), b.Src)
			}
		} else {
			f, err = os.OpenFile(b.Src, unix.O_PATH|unix.O_CLOEXEC, 0)
		}
		if err != nil {
			closeAll(srcs)
			return nil, fmt.Errorf("binding %s at %s: %w", b.Src, b.Dst, err)
		}
		srcs = append(srcs, f)
	}
	return srcs, nil
}

// below reports whether p is dir or below it, and its path relative to
// dir.
func below(dir, p string) (string, bool) {
	p = filepath.Clean(p)
	if p == dir {
		return ".", true
	}
	if strings.HasPrefix(p, dir+"/") {
		return p[len(dir)+1:], true
	}
	return "", false
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// finishRoot adds what is the environment's own to the root buildSystem
// made: /tmp (a tmpfs of spec.TmpBytes, first, so that a bind below it is
// not hidden by it) and the Spec's binds; then it pivots into the root
// and makes it read-only.
func finishRoot(spec *Spec, covered *os.File) error {
	srcs, err := openSources(spec.Binds, covered)
	covered.Close()
	if err != nil {
		return err
	}
	defer closeAll(srcs)
	tmp := spec.TmpBytes
	if tmp <= 0 {
		tmp = 512 << 20
	}
	if err := unix.Mount("tmpfs", newRoot+"/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV,
		"mode=1777,size="+strconv.FormatInt(tmp, 10)); err != nil {
		return fmt.Errorf("mounting /tmp: %w", err)
	}
	for i, b := range spec.Binds {
		if err := bind(srcs[i], newRoot+b.Dst, b.Writable); err != nil {
			return fmt.Errorf("binding %s at %s: %w", b.Src, b.Dst, err)
		}
	}
	// pivot_root(".", ".") stacks the old root under the new one, where
	// it is detached: nothing of the host's tree stays reachable.
	if err := os.Chdir(newRoot); err != nil {
		return err
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host's root: %w", err)
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	// The root itself (mount points, /etc/passwd) becomes read-only.
	return setReadOnly("/", false)
}

// mountProc mounts a proc of the sandbox's PID namespace: only its own
// processes are visible.
func mountProc(dst string) error {
	if err := unix.Mount("proc", dst, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	return nil
}

// bind binds src at dst (creating the mount point), recursively, without
// set-uid or device files, and read-only unless writable.
func bind(src *os.File, dst string, writable bool) error {
	st, err := src.Stat()
	if err != nil {
		return err
	}
	if st.IsDir() {
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		f.Close()
	}
	if err := unix.Mount("/proc/self/fd/"+strconv.Itoa(int(src.Fd())), dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	if writable {
		return nil
	}
	return setReadOnly(dst, true)
}

// setReadOnly makes the mount at p (and, when recursive, every mount
// below it) read-only, nosuid and nodev.
func setReadOnly(p string, recursive bool) error {
	flags := uint(0)
	if recursive {
		flags = unix.AT_RECURSIVE
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	err := unix.MountSetattr(unix.AT_FDCWD, p, flags, attr)
	if !errors.Is(err, unix.ENOSYS) {
		return err
	}
	// Before Linux 5.12: a remount, which must keep the flags the kernel
	// locks in a user namespace.
	var sf unix.Statfs_t
	if err := unix.Statfs(p, &sf); err != nil {
		return err
	}
	keep := uintptr(0)
	for _, f := range [][2]uintptr{{unix.ST_NOEXEC, unix.MS_NOEXEC}, {unix.ST_NOATIME, unix.MS_NOATIME},
		{unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME}} {
		if uintptr(sf.Flags)&f[0] != 0 {
			keep |= f[1]
		}
	}
	return unix.Mount("", p, "", uintptr(unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV)|keep, "")
}

// buildDev makes a minimal /dev: the character devices a runtime uses,
// bound from the host (a user namespace cannot create device nodes), and
// the usual links.
func buildDev(dev string) error {
	if err := os.MkdirAll(dev, 0o755); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=0755,size=64k"); err != nil {
		return err
	}
	for _, d := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		if _, err := os.Stat("/dev/" + d); err != nil {
			continue
		}
		f, err := os.OpenFile(dev+"/"+d, os.O_CREATE|os.O_WRONLY, 0o666)
		if err != nil {
			return err
		}
		f.Close()
		if err := unix.Mount("/dev/"+d, dev+"/"+d, "", unix.MS_BIND, ""); err != nil {
			return err
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, dev+"/"+name); err != nil {
			return err
		}
	}
	return setReadOnly(dev, false)
}

// limit applies the rlimits (process-wide) and, on this thread, which
// starts the command, no_new_privs and Landlock.
func limit(spec *Spec) error {
	procs, files := spec.MaxProcs, spec.MaxFiles
	if procs == 0 {
		procs = 1024
	}
	if files == 0 {
		files = 1024
	}
	if err := syscall.Setrlimit(unix.RLIMIT_NPROC, &syscall.Rlimit{Cur: procs, Max: procs}); err != nil {
		return fmt.Errorf("RLIMIT_NPROC: %w", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: files, Max: files}); err != nil {
		return fmt.Errorf("RLIMIT_NOFILE: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	return restrict(spec.ConnectPorts)
}

// limitUserNamespaces allows exactly one user namespace below init's: the
// command's own. The kernel counts a new user namespace against the limit
// of every namespace above it, and only init (capable in its namespace)
// may change its namespace's limit, so a nested namespace the command
// tries to create (unshare -U, clone) fails with ENOSPC, and no process
// of the command can raise the limit again. Lambda offers no user
// namespaces; inside one a function would hold every capability over the
// namespaces it creates there (mounts, networks), kernel surface that
// nothing in a function needs.
func limitUserNamespaces() error {
	err := os.WriteFile("/proc/sys/user/max_user_namespaces", []byte("1"), 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil // Linux before 4.9: no per-namespace limits
	}
	if err != nil {
		return fmt.Errorf("limiting user namespaces: %w", err)
	}
	return nil
}
