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
	msg    message

	closeOnce sync.Once
}

// Start starts a sandbox's init with out as its stdout and stderr, inside
// the cgroup v2 directory cgroupFD when it is not -1. The command does
// not run until Release: the caller can first move init into cgroups.
func Start(spec *Spec, out *os.File, cgroupFD int) (*Process, error) {
	p, err := start(out, cgroupFD)
	if err != nil {
		return nil, err
	}
	p.msg.Spec = spec
	return p, nil
}

// Spare is a sandbox started before it is needed: its init has made the
// namespaces and the part of the root every environment shares (the
// system directories, /etc, /dev, /proc), and waits for a Spec. A cold
// start that takes one only binds the function's own directories, pivots
// and starts the command, as Lambda keeps capacity ready before a
// function asks for it. A spare serves any Spec.
type Spare struct {
	p   *Process
	out *os.File // read end of the sandbox's stdout and stderr
}

// NewSpare starts a spare sandbox, inside the cgroup v2 directory
// cgroupFD when it is not -1 (else the caller may move it into cgroups
// while it waits). Close ends it unused.
func NewSpare(cgroupFD int) (*Spare, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p, err := start(w, cgroupFD)
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	return &Spare{p: p, out: r}, nil
}

// Use gives the spare its Spec: the Process (not yet released) and the
// read end of its output. The Spare is spent.
func (s *Spare) Use(spec *Spec) (*Process, *os.File) {
	s.p.msg.Spec = spec
	return s.p, s.out
}

// Pid is the spare's init's host pid.
func (s *Spare) Pid() int { return s.p.Pid() }

// Close ends an unused spare.
func (s *Spare) Close() {
	s.p.Kill()
	s.p.Wait()
	s.out.Close()
}

func start(out *os.File, cgroupFD int) (*Process, error) {
	var m message
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
	return &Process{cmd: cmd, ctl: ctlW, status: stR, msg: m}, nil
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
	if p.msg.Spec != nil {
		p.msg.Spec = canonical(p.msg.Spec)
	}
	msg, err := json.Marshal(&p.msg)
	if err != nil {
		return err
	}
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(msg)))
	if _, err := p.ctl.Write(append(n[:], msg...)); err != nil {
		return err
	}
	p.msg = message{}
	return nil
}

// canonical is spec with its binds' sources free of symbolic links: init
// looks a source below the directory its root covers up from that
// directory, so the path must say plainly where it is.
func canonical(spec *Spec) *Spec {
	c := *spec
	c.Binds = make([]Bind, len(spec.Binds))
	for i, b := range spec.Binds {
		if p, err := filepath.EvalSymlinks(b.Src); err == nil {
			b.Src = p
		}
		c.Binds[i] = b
	}
	return &c
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
	p, err := start(devnull, -1)
	if err != nil {
		return fmt.Errorf("cannot create namespaces: %w", err)
	}
	p.msg.Spec, p.msg.Probe = &Spec{}, true
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
