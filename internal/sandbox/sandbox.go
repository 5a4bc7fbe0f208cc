// Package sandbox runs one command in an environment of its own, built
// from unprivileged Linux primitives, so that a Lambda function's code
// sees what it would see in AWS and nothing of seki or of other
// functions.
//
// # Shape
//
// Go cannot run code between fork and exec, so seki re-executes itself:
// Start runs /proc/self/exe with a hidden marker (argv[0] "seki-sandbox"
// and SEKI_SANDBOX_INIT=1 in its environment) in new mount, PID, IPC and
// UTS namespaces (and, when seki is not root, a new user namespace that
// maps seki's own uid to 0, which gives it the right to mount). This
// package's init function recognises the marker before any other code of
// seki runs and becomes the environment's init, PID 1 of its PID
// namespace. It reads the Spec from a pipe, then:
//
//  1. builds a root file system on a tmpfs: read-only binds of /usr, /lib*,
//     /bin, /sbin, the /etc files a runtime needs, and the Spec's binds
//     (the function's code at /var/task, the layers at /opt, seki's
//     bootstraps at /var/runtime, the interpreter's directories at their
//     own paths); a tmpfs /tmp capped at Spec.TmpBytes; a fresh /proc of
//     the new PID namespace; a minimal /dev; then pivots into it and
//     makes it read-only;
//  2. restricts itself with Landlock where the kernel has it: TCP connect
//     only to Spec.ConnectPorts (ABI 4), and no abstract unix sockets or
//     signals outside the environment (ABI 6); sets no_new_privs and the
//     rlimits (RLIMIT_NPROC counts per user namespace, so it bounds this
//     environment's processes and threads only);
//  3. starts the command in a user namespace of its own as uid 993, gid
//     990 (AWS's sbx_user1051), mapped to an unprivileged host uid:
//     65534 when seki is root, seki's own uid otherwise. It never runs
//     with capabilities, and never as host root;
//  4. reaps every process of the namespace, and reports the command's wait
//     status to seki on a second pipe. When the command exits, or seki
//     closes the control pipe (the environment is stopped, or seki died,
//     even by kill -9), init exits, and the kernel kills every process
//     left in the PID namespace: nothing outlives its environment.
//
// Where the kernel allows none of this, Probe says so and seki runs the
// command without a sandbox, saying exactly what is not isolated.
package sandbox

import (
	"fmt"
	"strings"
)

// Spec describes one sandboxed command.
type Spec struct {
	// Binds are bind mounts of host paths (files or
	// directories) at paths inside the sandbox, in addition to the system
	// directories every environment gets.
	Binds []Bind
	// TmpBytes caps /tmp (a tmpfs); 0 is 512 MB.
	TmpBytes int64
	// Argv is the command; Argv[0] is an absolute path inside the sandbox.
	Argv []string
	// Env is the command's whole environment.
	Env []string
	// Dir is the working directory inside the sandbox.
	Dir string
	// ConnectPorts are the only TCP ports the command may connect to,
	// where the kernel's Landlock can enforce it (ABI 4); nil leaves TCP
	// unrestricted.
	ConnectPorts []uint16
	// MaxProcs bounds the processes and threads of the command (RLIMIT_NPROC
	// in the environment's own user namespace); 0 is 1024.
	MaxProcs uint64
	// MaxFiles bounds open file descriptors per process; 0 is 1024.
	MaxFiles uint64
}

// Bind is one bind mount, read-only unless Writable.
type Bind struct {
	Src      string // host path
	Dst      string // absolute path inside the sandbox
	Writable bool
}

// Support is what this host offers.
type Support struct {
	// Namespaces is true when environments get their own mount, PID, IPC,
	// UTS and user namespaces (and so their own file system view).
	Namespaces bool
	// Landlock is the kernel's Landlock ABI version, 0 when absent.
	Landlock int
	// Err says why namespaces are unavailable.
	Err error
}

// Isolated reports whether environments are sandboxed at all.
func (s Support) Isolated() bool { return s.Namespaces }

// NetworkIsolated reports whether an environment is kept from other
// environments' Runtime API (Landlock's TCP rules, ABI 4).
func (s Support) NetworkIsolated() bool { return s.Namespaces && s.Landlock >= 4 }

// Summary is one line for seki's banner.
func (s Support) Summary() string {
	if w := s.Warning(); w != "" {
		return w
	}
	return fmt.Sprintf("isolated (user, mount, PID, IPC and UTS namespaces; Landlock ABI %d; rlimits)", s.Landlock)
}

// Warning says exactly what is not isolated, or "" when everything is.
func (s Support) Warning() string {
	if !s.Namespaces {
		why := ""
		if s.Err != nil {
			why = " (" + s.Err.Error() + ")"
		}
		return "WARNING: functions are NOT isolated" + why + ": they run as seki's user and can read seki's data directory " +
			"(seki.db and its secrets), the user's home directory and other processes' environments, reach other " +
			"environments' Runtime API, write their own code and layers, leave processes behind, and fill the host's /tmp"
	}
	var missing []string
	if s.Landlock < 4 {
		missing = append(missing, "other environments' Runtime API is reachable (needs Landlock ABI 4, Linux 6.7)")
	}
	if s.Landlock < 6 {
		missing = append(missing, "abstract unix sockets of the host are reachable (needs Landlock ABI 6, Linux 6.12)")
	}
	if len(missing) == 0 {
		return ""
	}
	return "WARNING: functions are only partly isolated: " + strings.Join(missing, "; ")
}
