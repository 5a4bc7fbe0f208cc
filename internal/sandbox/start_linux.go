package sandbox

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
)

const (
	initArg0   = "seki-sandbox"
	initMarker = "SEKI_SANDBOX_INIT"
	// The function's identity inside its user namespace: AWS's
	// sbx_user1051.
	sandboxUID = 993
	sandboxGID = 990
	// nobody is the host uid/gid functions run as when seki is root.
	nobody = 65534
)

// message is what seki sends init on the control pipe.
type message struct {
	Spec *Spec
	// HostUID and HostGID are the ids, as init sees them, that the
	// command's uid and gid map to.
	HostUID, HostGID int
	// Probe asks init only to build the namespaces and report.
	Probe bool
}

// report is what init sends back on the status pipe, once.
type report struct {
	// ExecErr is set when the command could not be started (or the
	// sandbox not built); Stage says which.
	ExecErr string `json:",omitempty"`
	Stage   string `json:",omitempty"`
	// Status is the command's wait status.
	Status uint32
}

// Process is a started sandbox.
type Process struct {
	cmd    *exec.Cmd
	ctl    *os.File // write end: the message, then held open for the lifetime
	status *os.File // read end of init's report
	msg    []byte

	closeOnce sync.Once
}

// Start starts a sandbox's init with out as its stdout and stderr, inside
// the cgroup v2 directory cgroupFD when it is not -1. The command does
// not run until Release: the caller can first move init into cgroups.
func Start(spec *Spec, out *os.File, cgroupFD int) (*Process, error) {
	return start(&message{Spec: spec}, out, cgroupFD)
}

func start(m *message, out *os.File, cgroupFD int) (*Process, error) {
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	stR, stW, err := os.Pipe()
	if err != nil {
		ctlR.Close()
		ctlW.Close()
		return nil, err
	}
	attr := &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
	}
	// init gets a user namespace of its own, where it is 0 and holds every
	// capability, so that it can cap the user namespaces below it (see
	// limitUserNamespaces) without touching the host's limit.
	attr.Cloneflags |= syscall.CLONE_NEWUSER
	if os.Geteuid() == 0 {
		// init stays root (0 is host root's 0, so it reads what seki
		// reads); the command is mapped to nobody, which init's
		// namespace maps too.
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: nobody, HostID: nobody, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: nobody, HostID: nobody, Size: 1}}
		m.HostUID, m.HostGID = nobody, nobody
	} else {
		// seki's uid is 0 there; the command's user namespace maps its
		// uid to that 0, that is, to seki's uid.
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		m.HostUID, m.HostGID = 0, 0
	}
	if cgroupFD >= 0 {
		attr.UseCgroupFD = true
		attr.CgroupFD = cgroupFD
	}
	msg, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{
		Path:        "/proc/self/exe",
		Args:        []string{initArg0},
		Env:         []string{initMarker + "=1"},
		Dir:         "/",
		Stdout:      out,
		Stderr:      out,
		ExtraFiles:  []*os.File{ctlR, stW}, // fds 3 and 4
		SysProcAttr: attr,
	}
	err = cmd.Start()
	ctlR.Close()
	stW.Close()
	if err != nil {
		ctlW.Close()
		stR.Close()
		return nil, err
	}
	return &Process{cmd: cmd, ctl: ctlW, status: stR, msg: msg}, nil
}

// HostIDs are the host uid and gid a sandboxed command runs as: nobody's
// when seki is root (never root's), else seki's own. Files a function
// must read (its code, layers, seki's bootstraps) must be readable by
// them.
func HostIDs() (uid, gid int) {
	if os.Geteuid() == 0 {
		return nobody, nobody
	}
	return os.Geteuid(), os.Getegid()
}

// Pid is init's host pid.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Release hands init its Spec: it builds the sandbox and starts the
// command.
func (p *Process) Release() error {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(p.msg)))
	if _, err := p.ctl.Write(append(n[:], p.msg...)); err != nil {
		return err
	}
	p.msg = nil
	return nil
}

// Kill ends the sandbox: init, and with it every process of its PID
// namespace.
func (p *Process) Kill() {
	p.closeOnce.Do(func() { p.ctl.Close() })
	syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
}

// ExitError is a command's exit, shaped like exec.ExitError's text.
type ExitError struct{ Status syscall.WaitStatus }

func (e *ExitError) Error() string {
	switch {
	case e.Status.Exited():
		return "exit status " + strconv.Itoa(e.Status.ExitStatus())
	case e.Status.Signaled():
		return "signal: " + e.Status.Signal().String()
	}
	return "wait status " + strconv.Itoa(int(e.Status))
}

// StartError is a command that could not be started (the sandbox could
// not be built, or exec failed).
type StartError struct{ Stage, Msg string }

func (e *StartError) Error() string { return e.Msg }

// Wait waits for the sandbox to end and returns how its command ended:
// nil (exit status 0), *ExitError, *StartError, or init's own failure.
func (p *Process) Wait() error {
	b, _ := io.ReadAll(io.LimitReader(p.status, 1<<16))
	p.status.Close()
	werr := p.cmd.Wait()
	p.closeOnce.Do(func() { p.ctl.Close() })
	var r report
	if len(b) == 0 || json.Unmarshal(b, &r) != nil {
		// init was killed (timeout, stop, memory) before its command ended.
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			return &ExitError{Status: ee.Sys().(syscall.WaitStatus)}
		}
		if werr != nil {
			return werr
		}
		return errors.New("sandbox: init ended without a report")
	}
	if r.ExecErr != "" {
		return &StartError{Stage: r.Stage, Msg: r.ExecErr}
	}
	if st := syscall.WaitStatus(r.Status); st.Exited() && st.ExitStatus() == 0 {
		return nil
	}
	return &ExitError{Status: syscall.WaitStatus(r.Status)}
}

var (
	probeOnce sync.Once
	probed    Support
)

// Probe reports what this host offers, trying once (per process) to build
// a sandbox.
func Probe() Support {
	probeOnce.Do(func() {
		probed.Landlock = landlockABI()
		probed.Err = probeNamespaces()
		probed.Namespaces = probed.Err == nil
	})
	return probed
}

func probeNamespaces() error {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	p, err := start(&message{Spec: &Spec{}, Probe: true}, devnull, -1)
	if err != nil {
		return fmt.Errorf("cannot create namespaces: %w", err)
	}
	if err := p.Release(); err != nil {
		p.Kill()
		p.Wait()
		return err
	}
	if err := p.Wait(); err != nil {
		return fmt.Errorf("cannot build a sandbox: %w", err)
	}
	return nil
}
