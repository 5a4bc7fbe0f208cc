//go:build !linux

package sandbox

import (
	"errors"
	"os"
)

// Elsewhere there is no sandbox: Probe says so, and seki runs functions
// as plain processes with a warning.

var errUnsupported = errors.New("this system has no Linux namespaces")

type Process struct{}

func Start(spec *Spec, out *os.File, cgroupFD int) (*Process, error) { return nil, errUnsupported }
func (p *Process) Pid() int                                          { return 0 }
func (p *Process) Release() error                                    { return errUnsupported }
func (p *Process) Kill()                                             {}
func (p *Process) Wait() error                                       { return errUnsupported }

type Spare struct{}

func NewSpare() (*Spare, error)                      { return nil, errUnsupported }
func (s *Spare) Use(spec *Spec) (*Process, *os.File) { return nil, nil }
func (s *Spare) Close()                              {}

type ExitError struct{}

func (e *ExitError) Error() string { return "" }

type StartError struct{ Stage, Msg string }

func (e *StartError) Error() string { return e.Msg }

func Probe() Support { return Support{Err: errUnsupported} }

func HostIDs() (uid, gid int) { return os.Geteuid(), os.Getegid() }
