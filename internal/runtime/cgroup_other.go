//go:build !linux

package runtime

import "time"

// Memory limits need Linux cgroups; elsewhere functions run unlimited.

const watchdogInterval = 50 * time.Millisecond

type cgroups struct{}

type cgroup struct{}

func newCgroups(enabled bool) *cgroups                 { return &cgroups{} }
func (c *cgroups) Mode() string                        { return "none" }
func (c *cgroups) create(id string, memMB int) *cgroup { return nil }
func (c *cgroups) close()                              {}
func (g *cgroup) fd() int                              { return -1 }
func (g *cgroup) setLimit(memMB int) bool              { return true }
func (g *cgroup) adopt(pid int)                        {}
func (g *cgroup) startedOutside()                      {}
func (g *cgroup) watchdog() bool                       { return false }
func (g *cgroup) peak() int64                          { return 0 }
func (g *cgroup) oomKilled() bool                      { return false }
func (g *cgroup) killAll()                             {}
func (g *cgroup) remove()                              {}
func (e *env) overMemory() bool                        { return false }
