//go:build linux

package runtime

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Memory limits. seki puts each environment in a memory cgroup of its own
// when it can create one:
//
//   - cgroup v2 (the unified hierarchy at /sys/fs/cgroup with the memory
//     controller available to seki's cgroup): memory.max = MemorySize,
//     memory.swap.max = 0; the process starts inside it (clone3 with
//     CLONE_INTO_CGROUP), memory.peak gives Max Memory Used, memory.events'
//     oom_kill tells an OOM kill, cgroup.kill ends every process.
//   - cgroup v1's memory controller (a writable memory hierarchy):
//     memory.limit_in_bytes (and memsw where present) = MemorySize; the
//     process is moved in right after it starts; memory.max_usage_in_bytes
//     gives Max Memory Used; memory.oom_control's oom_kill tells an OOM kill.
//
// Where neither is possible (no delegation, read-only cgroupfs), a
// watchdog samples the runtime process's resident set every 50 ms while it
// serves an invocation and kills the group when it exceeds MemorySize:
// that bounds the main process only, not its children, and can miss a
// spike shorter than the sampling interval.

const watchdogInterval = 50 * time.Millisecond

type cgMode int

const (
	cgNone cgMode = iota
	cgV2
	cgV1
	cgWatchdog
)

// cgroups creates environments' cgroups under seki's own.
type cgroups struct {
	mode   cgMode
	parent string // seki's directory for environment cgroups
}

// cgroup is one environment's memory limit. A nil *cgroup means no limit;
// every method is safe on nil.
type cgroup struct {
	mode  cgMode
	dir   string
	dirFD int
	limit int64 // bytes
	pid   int
	// peakFile stays open: REPORT reads it after every invocation, and a
	// pread is one system call where open/read/close is three.
	peakFile *os.File
	// peak's one pread, without a closure per call.
	peakMu  sync.Mutex
	peakRC  syscall.RawConn
	peakFn  func(fd uintptr)
	peakBuf [32]byte
	peakN   int
}

const cgroup2Magic = 0x63677270

// newCgroups probes what this host allows; disabled means no limits.
func newCgroups(enabled bool) *cgroups {
	if !enabled {
		return &cgroups{mode: cgNone}
	}
	if p, ok := probeV2(); ok {
		return &cgroups{mode: cgV2, parent: p}
	}
	if p, ok := probeV1(); ok {
		return &cgroups{mode: cgV1, parent: p}
	}
	return &cgroups{mode: cgWatchdog}
}

// Mode names the memory enforcement in use: "cgroup2", "cgroup1",
// "watchdog" or "none".
func (c *cgroups) Mode() string {
	switch c.mode {
	case cgV2:
		return "cgroup2"
	case cgV1:
		return "cgroup1"
	case cgWatchdog:
		return "watchdog"
	}
	return "none"
}

// ownCgroup returns seki's cgroup path in the hierarchy whose
// /proc/self/cgroup line matches (v2: "0::/path"; v1: "N:memory:/path").
func ownCgroup(match func(controllers string) bool) (string, bool) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && match(parts[1]) {
			return parts[2], true
		}
	}
	return "", false
}

func probeV2() (string, bool) {
	var st syscall.Statfs_t
	if syscall.Statfs("/sys/fs/cgroup", &st) != nil || st.Type != cgroup2Magic {
		return "", false
	}
	own, ok := ownCgroup(func(c string) bool { return c == "" })
	if !ok {
		return "", false
	}
	base := filepath.Join("/sys/fs/cgroup", own)
	if !hasWord(readFile(filepath.Join(base, "cgroup.controllers")), "memory") {
		return "", false
	}
	removeStale(base)
	mine := filepath.Join(base, ownName())
	if err := os.Mkdir(mine, 0o755); err != nil {
		return "", false
	}
	enable := func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte("+memory"), 0)
	}
	if enable(base) != nil {
		// "No internal processes": seki's own cgroup cannot hand out
		// controllers while seki sits in it, so seki moves into a leaf.
		leaf := filepath.Join(mine, "seki")
		os.Mkdir(leaf, 0o755)
		if os.WriteFile(filepath.Join(leaf, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0) != nil || enable(base) != nil {
			os.WriteFile(filepath.Join(base, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0)
			os.Remove(leaf)
			os.Remove(mine)
			return "", false
		}
	}
	if enable(mine) != nil {
		return "", false
	}
	return mine, true
}

func probeV1() (string, bool) {
	mount, mountRoot := "", "/"
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", false
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// ... MOUNTPOINT ... - cgroup cgroup rw,memory
		fields := strings.Fields(sc.Text())
		for i, x := range fields {
			if x == "-" && i+3 < len(fields) && fields[i+1] == "cgroup" && hasOption(fields[i+3], "memory") {
				mount, mountRoot = fields[4], fields[3]
			}
		}
	}
	f.Close()
	if mount == "" {
		return "", false
	}
	own, ok := ownCgroup(func(c string) bool { return hasOption(c, "memory") })
	if !ok {
		return "", false
	}
	// In a cgroup namespace the mount's root is a subtree of the hierarchy.
	if mountRoot != "/" {
		own = strings.TrimPrefix(own, mountRoot)
	}
	removeStale(filepath.Join(mount, own))
	mine := filepath.Join(mount, own, ownName())
	if err := os.Mkdir(mine, 0o755); err != nil {
		return "", false
	}
	// A child must accept a limit, or the hierarchy is not ours to use.
	probe := filepath.Join(mine, "probe")
	os.Mkdir(probe, 0o755)
	err = os.WriteFile(filepath.Join(probe, "memory.limit_in_bytes"), []byte("134217728"), 0)
	os.Remove(probe)
	if err != nil {
		os.Remove(mine)
		return "", false
	}
	return mine, true
}

// ownName names a Runtime's cgroup directory: seki-PID-RANDOM.
func ownName() string {
	return "seki-" + strconv.Itoa(os.Getpid()) + "-" + randomHex(4)
}

// removeStale removes the (empty) cgroup directories of seki processes
// that no longer run, left behind by a crash.
func removeStale(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), "seki-")
		if !ok || !e.IsDir() {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			sub, _ := os.ReadDir(filepath.Join(dir, e.Name()))
			for _, s := range sub {
				if s.IsDir() {
					os.Remove(filepath.Join(dir, e.Name(), s.Name()))
				}
			}
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func hasOption(list, opt string) bool {
	for _, o := range strings.Split(list, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

func hasWord(s, w string) bool {
	for _, x := range strings.Fields(s) {
		if x == w {
			return true
		}
	}
	return false
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func writeFile(p, v string) error {
	return os.WriteFile(p, []byte(v), 0)
}

// create makes an environment's cgroup limited to memMB; nil when limits
// are off or the cgroup cannot be made (the environment then runs
// unlimited rather than not at all).
func (c *cgroups) create(id string, memMB int) *cgroup {
	switch c.mode {
	case cgWatchdog:
		g := &cgroup{mode: cgWatchdog, dirFD: -1}
		g.setLimit(memMB)
		return g
	case cgV2, cgV1:
		dir := filepath.Join(c.parent, "env-"+id)
		if os.Mkdir(dir, 0o755) != nil {
			return nil
		}
		g := &cgroup{mode: c.mode, dir: dir, dirFD: -1}
		if !g.setLimit(memMB) {
			os.Remove(dir)
			return nil
		}
		peak := "memory.max_usage_in_bytes"
		if c.mode == cgV2 {
			writeFile(filepath.Join(dir, "memory.swap.max"), "0")
			fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
			if err != nil {
				os.Remove(dir)
				return nil
			}
			g.dirFD = fd
			peak = "memory.peak"
		}
		g.peakFile, _ = os.Open(filepath.Join(dir, peak))
		return g
	}
	return nil
}

// setLimit sets the cgroup's limit to memMB (128 when 0): at creation, and
// when a spare sandbox's cgroup becomes an environment's. It reports
// whether the cgroup took it.
func (g *cgroup) setLimit(memMB int) bool {
	if g == nil {
		return true
	}
	if memMB <= 0 {
		memMB = 128
	}
	limit := int64(memMB) << 20
	v := strconv.FormatInt(limit, 10)
	switch g.mode {
	case cgV2:
		if writeFile(filepath.Join(g.dir, "memory.max"), v) != nil {
			return false
		}
	case cgV1:
		// memory+swap may never be below memory: when raising a limit
		// it goes first, else last (a new cgroup's are unlimited). It is
		// absent without swap accounting.
		memsw := filepath.Join(g.dir, "memory.memsw.limit_in_bytes")
		if g.limit != 0 && limit > g.limit {
			writeFile(memsw, v)
		}
		if writeFile(filepath.Join(g.dir, "memory.limit_in_bytes"), v) != nil {
			return false
		}
		writeFile(memsw, v)
	}
	g.limit = limit
	return true
}

// close removes seki's cgroup directory (environments' are gone by then).
func (c *cgroups) close() {
	if c.parent != "" {
		os.Remove(filepath.Join(c.parent, "probe"))
		os.Remove(c.parent) // fails harmlessly while seki itself is inside (v2 leaf)
	}
}

// fd is the cgroup v2 directory to start the process in, or -1.
func (g *cgroup) fd() int {
	if g == nil || g.mode != cgV2 {
		return -1
	}
	return g.dirFD
}

// startedOutside records that the process could not be started inside
// its v2 cgroup, so adopt must move it.
func (g *cgroup) startedOutside() {
	if g != nil && g.dirFD >= 0 {
		syscall.Close(g.dirFD)
		g.dirFD = -1
	}
}

// adopt moves the started process into its cgroup (unless it started
// there) and remembers it.
func (g *cgroup) adopt(pid int) {
	if g == nil {
		return
	}
	g.pid = pid
	if g.mode == cgV2 && g.dirFD >= 0 {
		syscall.Close(g.dirFD) // started inside; the fd is no longer needed
		g.dirFD = -1
		return
	}
	if g.mode == cgV1 || g.mode == cgV2 {
		writeFile(filepath.Join(g.dir, "cgroup.procs"), strconv.Itoa(pid))
	}
}

// watchdog reports whether memory is enforced by sampling.
func (g *cgroup) watchdog() bool { return g != nil && g.mode == cgWatchdog }

// overMemory is the watchdog's check of the runtime process.
func (e *env) overMemory() bool {
	g := e.cg
	pid := e.runtimePid()
	if g == nil || pid <= 0 {
		return false
	}
	return procStatusKB(pid, "VmRSS:")*1024 > g.limit
}

// peak is the highest memory use seen, in bytes (0 if unknown).
func (g *cgroup) peak() int64 {
	if g == nil || g.peakFile == nil {
		return 0
	}
	// One pread: the kernel answers a cgroup file whole, so the EOF that
	// ReadAt would read again for is not needed (REPORT reads this after
	// every invocation).
	g.peakMu.Lock()
	defer g.peakMu.Unlock()
	if g.peakFn == nil {
		g.peakFn = g.readPeak
	}
	g.peakN = 0
	if g.peakRC == nil {
		rc, err := g.peakFile.SyscallConn()
		if err != nil {
			return 0
		}
		g.peakRC = rc
	}
	g.peakRC.Control(g.peakFn)
	if g.peakN <= 0 {
		return 0
	}
	v, _ := strconv.ParseInt(string(bytes.TrimSpace(g.peakBuf[:g.peakN])), 10, 64)
	return v
}

func (g *cgroup) readPeak(fd uintptr) {
	g.peakN, _ = syscall.Pread(int(fd), g.peakBuf[:], 0)
}

// oomKilled reports whether the kernel killed a process of the cgroup for
// exceeding its limit.
func (g *cgroup) oomKilled() bool {
	if g == nil {
		return false
	}
	var s string
	switch g.mode {
	case cgV2:
		s = readFile(filepath.Join(g.dir, "memory.events"))
	case cgV1:
		s = readFile(filepath.Join(g.dir, "memory.oom_control"))
	default:
		return false
	}
	for _, line := range strings.Split(s, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "oom_kill" && f[1] != "0" {
			return true
		}
	}
	return false
}

// killAll kills every process left in the cgroup.
func (g *cgroup) killAll() {
	if g == nil || (g.mode != cgV1 && g.mode != cgV2) {
		return
	}
	if g.mode == cgV2 && writeFile(filepath.Join(g.dir, "cgroup.kill"), "1") == nil {
		return
	}
	for _, p := range bytes.Fields([]byte(readFile(filepath.Join(g.dir, "cgroup.procs")))) {
		if pid, err := strconv.Atoi(string(p)); err == nil && pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// remove deletes the cgroup once its processes are gone.
func (g *cgroup) remove() {
	if g == nil {
		return
	}
	if g.peakFile != nil {
		g.peakFile.Close()
	}
	if g.dirFD >= 0 {
		syscall.Close(g.dirFD)
		g.dirFD = -1
	}
	if g.dir == "" {
		return
	}
	for i := 0; i < 50; i++ {
		if err := os.Remove(g.dir); err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
