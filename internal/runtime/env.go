package runtime

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sandbox"
)

// poolKey identifies interchangeable environments: the same version of
// the same function with the same code and configuration.
type poolKey struct {
	arn, version, revision string
}

// env is one execution environment: a process group running the
// function's runtime, its own Runtime API listener on loopback, its role
// session, its working directory and (where available) its memory cgroup.
// It serves one invocation at a time.
type env struct {
	rt     *Runtime
	key    poolKey
	spec   *lambda.FunctionSpec
	id     string // 32 hex digits; the log stream's suffix
	stream string
	group  string
	dir    string // the environment's own directory (unsandboxed only)
	creds  Credentials
	// view is where the function sees its code, layers and seki's
	// bootstraps: AWS's paths in a sandbox, host paths without one.
	view paths

	ln net.Listener
	// connMu guards conns, the Runtime API connections stop closes.
	connMu      sync.Mutex
	conns       map[net.Conn]struct{}
	connsClosed bool

	cmd      *exec.Cmd        // unsandboxed
	box      *sandbox.Process // sandboxed
	pid      int              // the runtime's process, or the sandbox's init
	fnPid    atomic.Int32     // the runtime's host pid inside a sandbox, once found
	cg       *cgroup
	out      *outPipe
	outDone  chan struct{}
	startErr error // the runtime process could not be started
	execErr  error // the sandbox could not start the runtime (set before exited closes)

	started    time.Time // process start (monotonic)
	initOnce   sync.Once
	initDone   chan struct{} // closed on the first /next
	initDur    time.Duration
	initFailed chan struct{} // closed on /runtime/init/error
	initErr    []byte
	initType   string
	exited     chan struct{} // closed when the process has exited
	exitErr    error
	stopping   chan struct{}
	stopOnce   sync.Once
	retired    atomic.Bool // its function was deleted: stop after the invocation
	oom        bool        // killed by the memory watchdog (no cgroup)

	invq chan *invocation
	// timer bounds the invocation being awaited (see await); nil until
	// the first.
	timer *time.Timer

	// mu guards cur and lastUsed.
	mu       sync.Mutex
	cur      *invocation // delivered, not yet answered
	lastUsed time.Time
	served   int

	// logMu guards log and loose: output goes to the invocation attached
	// now, or is kept loose until the next delivery.
	logMu     sync.Mutex
	log       *invLog
	loose     []LogEvent
	looseSize int // bytes in loose; beyond maxLoose, output is dropped
	// initStart is the INIT_START line, written when the environment
	// starts and delivered first with its first invocation's log (or when
	// it stops unused); nil once delivered, or for an image function.
	initStart *LogEvent
}

// paths are where a function finds its files.
type paths struct {
	task, opt, runtime string
}

// testShared is a host directory that tests (only) share with sandboxed
// functions, writable at the same path, to observe what a function did.
var testShared string

// awsPaths are Lambda's: LAMBDA_TASK_ROOT, /opt, LAMBDA_RUNTIME_DIR.
var awsPaths = paths{task: "/var/task", opt: "/opt", runtime: "/var/runtime"}

// maxLoose bounds the output an environment writes between invocations
// that seki keeps (for the next invocation's log); beyond it lines are
// dropped, so a function printing without end costs seki nothing.
const maxLoose = 4 << 20

// invocation is one request handed to an environment.
type invocation struct {
	id            string
	payload       []byte
	invokedARN    string
	clientContext string // JSON, decoded from the base64 X-Amz-Client-Context
	trace         string
	timeout       time.Duration

	delivered   chan struct{}
	deliveredAt time.Time // monotonic; set before delivered is closed
	deadlineMS  int64

	done    chan struct{}
	once    sync.Once
	result  []byte
	errType string // "" for a success

	log invLog
}

func newInvocation(spec *lambda.FunctionSpec, req *lambda.InvokeRequest) *invocation {
	inv := &invocation{
		id:         req.RequestID,
		payload:    req.Payload,
		invokedARN: spec.InvokedARN,
		trace:      newTraceID(),
		timeout:    specTimeout(spec),
		delivered:  make(chan struct{}),
		done:       make(chan struct{}),
	}
	if inv.invokedARN == "" {
		inv.invokedARN = spec.FunctionARN
	}
	if req.ClientContext != "" {
		if b, err := base64.StdEncoding.DecodeString(req.ClientContext); err == nil {
			inv.clientContext = string(b)
		}
	}
	return inv
}

// finish records the runtime's answer once; later answers are ignored.
func (inv *invocation) finish(result []byte, errType string) bool {
	ok := false
	inv.once.Do(func() {
		inv.result, inv.errType = result, errType
		close(inv.done)
		ok = true
	})
	return ok
}

// wasDelivered reports whether the runtime has taken the invocation;
// deliveredAt may be read once it has.
func (inv *invocation) wasDelivered() bool {
	select {
	case <-inv.delivered:
		return true
	default:
		return false
	}
}

func (inv *invocation) isDone() bool {
	select {
	case <-inv.done:
		return true
	default:
		return false
	}
}

// specTimeout is the function's timeout (3 seconds when unset).
func specTimeout(spec *lambda.FunctionSpec) time.Duration {
	if spec.Timeout <= 0 {
		return 3 * time.Second
	}
	return time.Duration(spec.Timeout) * time.Second
}

// startEnv builds and starts an environment for spec. Errors are Lambda
// errors (the role cannot be assumed, the runtime is missing, the package
// is unreadable); a runtime that cannot be executed is not an error but an
// environment whose startErr the invocation reports, as AWS does.
func (r *Runtime) startEnv(ctx context.Context, spec *lambda.FunctionSpec, requestID string) (*env, error) {
	if r.endpointURL() == "" {
		return nil, errService.New(msgNoEndpoint)
	}
	l, err := r.interp.resolve(ctx, spec.Runtime)
	if err != nil {
		return nil, err
	}
	if l.kind == kindPython {
		r.compileBootstrap(l.exe)
	}
	codeDir, err := r.unpacked.get(specCodeKey(spec), func(dir string) error {
		budget := int64(maxUnzipped)
		if err := extractZip(spec.CodePath, dir, &budget); err != nil {
			return err
		}
		r.own(dir)
		return nil
	})
	if err != nil {
		return nil, packageError(err)
	}
	optDir := r.emptyOpt
	if len(spec.Layers) > 0 {
		optDir, err = r.unpacked.get(layersKey(spec.Layers), func(dir string) error {
			budget := int64(maxUnzipped)
			for _, layer := range spec.Layers {
				if err := extractZip(layer.Path, dir, &budget); err != nil {
					return err
				}
			}
			r.own(dir)
			return nil
		})
		if err != nil {
			return nil, packageError(err)
		}
	}
	creds, err := r.assumeRole(ctx, AssumeInput{
		RoleARN: spec.RoleARN, SessionName: roleSessionName(spec.Name), FunctionARN: spec.FunctionARN,
		RequestID: requestID, Duration: sessionDuration,
	})
	if err != nil {
		return nil, err
	}

	id := randomHex(16)
	e := &env{
		rt:         r,
		key:        poolKey{spec.FunctionARN, spec.Version, spec.RevisionId},
		spec:       spec,
		id:         id,
		stream:     r.now().UTC().Format("2006/01/02") + "/[" + spec.Version + "]" + id,
		group:      logGroup(spec),
		dir:        filepath.Join(r.envRoot, id),
		creds:      creds,
		initDone:   make(chan struct{}),
		initFailed: make(chan struct{}),
		exited:     make(chan struct{}),
		stopping:   make(chan struct{}),
		outDone:    make(chan struct{}),
		invq:       make(chan *invocation, 1),
	}
	if spec.RuntimeVersionARN != "" {
		e.initStart = &LogEvent{Timestamp: r.now().UnixMilli(), Message: initStartLine(spec.RuntimeVersion, spec.RuntimeVersionARN)}
	}
	fail := func(err error) (*env, error) {
		e.cleanup()
		return nil, errService.New(msgEnvStart).Wrap(err)
	}
	sandboxed := r.sandbox.Isolated()
	if sandboxed {
		// The sandbox binds the unpacked code itself, read-only: nothing
		// to copy or link.
		e.view = awsPaths
	} else {
		e.view = paths{task: filepath.Join(e.dir, "task"), opt: optDir, runtime: r.runtimeDir}
		if err := os.MkdirAll(e.dir, 0o700); err != nil {
			return fail(err)
		}
		if err := linkTree(codeDir, e.view.task); err != nil {
			return fail(err)
		}
	}
	if e.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return fail(err)
	}
	// The listener is bound now (its address goes into the environment);
	// it is served once the process runs, so that everything the handlers
	// read is set before they run. Connections wait in the backlog.
	if w := r.sandbox.Warning(); w != "" {
		e.logLine(w)
	}

	argv, startErr := e.command(l, codeDir, optDir)
	if startErr != nil {
		e.startErr = startErr
		close(e.exited)
		close(e.outDone)
		return e, nil
	}
	env := e.environ(l)
	e.started = time.Now()
	var pr *os.File
	if sandboxed {
		pr, err = e.startSandbox(l, argv, env, codeDir, optDir)
	} else {
		e.cg = r.cgroups.create(id, spec.MemoryMB)
		pr, err = e.startPlain(argv, env)
	}
	if err != nil {
		e.startErr = err
		close(e.exited)
		close(e.outDone)
		return e, nil
	}
	e.out = newOutPipe(pr, e.emitLine)
	go e.out.loop(e.outDone)
	go e.serveAPI()
	return e, nil
}

// startSandbox starts the runtime in a sandbox (see package sandbox) and
// returns the read end of its output. It takes the spare sandbox when one
// is ready (its cgroup, which its init is already in, gets the function's
// limit and becomes the environment's); else it starts an init inside a
// new cgroup, which then builds the whole sandbox. Either way a spare is
// made for the next cold start once this one's runtime is up.
func (e *env) startSandbox(l *launcher, argv, env []string, codeDir, optDir string) (*os.File, error) {
	binds := []sandbox.Bind{
		{Src: codeDir, Dst: awsPaths.task},
		{Src: optDir, Dst: awsPaths.opt},
		{Src: e.rt.runtimeDir, Dst: awsPaths.runtime},
	}
	for _, root := range interpreterRoots(l) {
		binds = append(binds, sandbox.Bind{Src: root, Dst: root})
	}
	if testShared != "" {
		binds = append(binds, sandbox.Bind{Src: testShared, Dst: testShared, Writable: true})
	}
	tmp := int64(e.spec.EphemeralStorageMB) << 20
	spec := &sandbox.Spec{
		Binds:        binds,
		TmpBytes:     tmp,
		Argv:         argv,
		Env:          env,
		Dir:          awsPaths.task,
		ConnectPorts: e.connectPorts(),
	}
	defer e.rt.spares.fill(e.initDone)
	if sp := e.rt.spares.take(); sp != nil {
		if sp.cg.setLimit(e.spec.MemoryMB) {
			e.cg = sp.cg
			p, out := sp.sb.Use(spec)
			if err := e.release(p, false); err == nil {
				return out, nil
			}
			out.Close() // the spare died while waiting: start one afresh
			go sp.cg.remove()
		} else {
			go sp.close()
		}
	}
	e.cg = e.rt.cgroups.create(e.id, e.spec.MemoryMB)
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pw.Close()
	p, err := sandbox.Start(spec, pw, e.cg.fd())
	if err != nil && e.cg.fd() >= 0 {
		// Starting inside a cgroup needs clone3 (Linux 5.7); without it,
		// start normally and move the process in.
		e.cg.startedOutside()
		p, err = sandbox.Start(spec, pw, -1)
	}
	if err == nil {
		err = e.release(p, true)
	}
	if err != nil {
		pr.Close()
		return nil, err
	}
	return pr, nil
}

// release lets the sandbox's init start the runtime, after moving it into
// the environment's cgroup when adopt (unless it started there), and
// watches it end.
func (e *env) release(p *sandbox.Process, adopt bool) error {
	if adopt {
		e.cg.adopt(p.Pid())
	}
	if err := p.Release(); err != nil {
		p.Kill()
		p.Wait()
		return err
	}
	e.box, e.pid = p, p.Pid()
	go func() {
		err := p.Wait()
		var se *sandbox.StartError
		if errors.As(err, &se) {
			e.execErr = se
		}
		e.exitErr = err
		close(e.exited)
	}()
	return nil
}

// startPlain starts the runtime as a plain process of seki's user, where
// the host offers no sandbox, and returns the read end of its output.
func (e *env) startPlain(argv, env []string) (*os.File, error) {
	pr, out, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer out.Close()
	e.cmd = &exec.Cmd{Path: argv[0], Args: argv, Env: env, Dir: e.view.task, Stdout: out, Stderr: out}
	e.cmd.SysProcAttr = sysProcAttr(e.cg)
	err = e.cmd.Start()
	if err != nil && e.cg.fd() >= 0 {
		e.cmd = &exec.Cmd{Path: argv[0], Args: argv, Env: env, Dir: e.view.task, Stdout: out, Stderr: out,
			SysProcAttr: sysProcAttr(nil)}
		e.cg.startedOutside()
		err = e.cmd.Start()
	}
	if err != nil {
		pr.Close()
		return nil, err
	}
	e.pid = e.cmd.Process.Pid
	e.cg.adopt(e.pid)
	go func() {
		err := e.cmd.Wait()
		e.exitErr = err
		close(e.exited)
	}()
	return pr, nil
}

// connectPorts are the TCP ports a sandboxed function may connect to: its
// own Runtime API, seki's endpoint, and the Internet's HTTP, HTTPS and
// DNS. Every Runtime API listens on an ephemeral port, never one of the
// latter, so no other environment's is among them.
func (e *env) connectPorts() []uint16 {
	ports := []uint16{53, 80, 443}
	if _, p, err := net.SplitHostPort(e.ln.Addr().String()); err == nil {
		if n, err := strconv.ParseUint(p, 10, 16); err == nil {
			ports = append(ports, uint16(n))
		}
	}
	if u, err := url.Parse(e.rt.endpointURL()); err == nil {
		port := u.Port()
		if port == "" && u.Scheme == "https" {
			port = "443"
		} else if port == "" {
			port = "80"
		}
		if n, err := strconv.ParseUint(port, 10, 16); err == nil {
			ports = append(ports, uint16(n))
		}
	}
	return ports
}

// interpreterRoots are the host directories an interpreter needs inside a
// sandbox: the launcher's, else the install prefix above exe's bin/
// directory. Directories every sandbox has (/usr, ...) are left out.
func interpreterRoots(l *launcher) []string {
	roots := l.roots
	if len(roots) == 0 && l.exe != "" {
		dir := filepath.Dir(l.exe)
		if filepath.Base(dir) == "bin" {
			dir = filepath.Dir(dir)
		}
		roots = []string{dir}
	}
	var out []string
	for _, r := range roots {
		if r == "/" || r == "/usr" || strings.HasPrefix(r, "/usr/") {
			continue
		}
		out = append(out, r)
	}
	return out
}

// own gives the tree at dir to the uid sandboxed functions run as, when
// that is not seki's own (seki is root): the data dir's modes are private
// to the owner, and a function must read its code. The binds are
// read-only, so owning the files lets it read them and nothing more.
func (r *Runtime) own(dir string) {
	uid, gid := sandbox.HostIDs()
	if !r.sandbox.Isolated() || uid == os.Geteuid() {
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			os.Lchown(p, uid, gid)
		}
		return nil
	})
}

// ownChildren owns each tree under dir not owned yet (an install since the
// last start adds new ones); a walk of every file would cost each start.
func (r *Runtime) ownChildren(dir string) {
	uid, gid := sandbox.HostIDs()
	if !r.sandbox.Isolated() || uid == os.Geteuid() {
		return
	}
	os.Lchown(dir, uid, gid)
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if info, err := e.Info(); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
				r.own(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// packageError turns a failure to unpack code into Lambda's error.
func packageError(err error) error {
	if errors.Is(err, errZip) {
		return errInvalidZip.New(msgBadZip).Wrap(err)
	}
	if errors.Is(err, os.ErrNotExist) {
		return errService.New(msgCodeMissing).Wrap(err)
	}
	return errService.New(msgCodeUnpack).Wrap(err)
}

// command is the runtime process's argv, or the error AWS reports when the
// runtime cannot be found.
// codeDir and optDir are the host's directories, which the function sees
// at e.view's paths.
func (e *env) command(l *launcher, codeDir, optDir string) ([]string, error) {
	switch l.kind {
	case kindPython:
		// -S: no site module, so none of the host installation's
		// site-packages (nor the user's) is on sys.path; Lambda's Python
		// sees its stdlib, the code, the layers and the runtime's boto3,
		// which the bootstrap puts on sys.path itself. It also spares
		// the cold start site's imports.
		return e.wrapped([]string{l.exe, "-u", "-S", filepath.Join(e.view.runtime, "launch.py"), e.view.opt}), nil
	case kindNode:
		return e.wrapped([]string{l.exe, filepath.Join(e.view.runtime, "bootstrap.mjs")}), nil
	}
	// OS-only runtimes: bootstrap in the package, else in a layer (/opt).
	for _, p := range [][2]string{{codeDir, e.view.task}, {optDir, e.view.opt}} {
		if st, err := os.Stat(filepath.Join(p[0], "bootstrap")); err == nil && st.Mode().IsRegular() {
			return []string{filepath.Join(p[1], "bootstrap")}, nil
		}
	}
	return nil, errors.New("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")
}

// roleSessionName is the session name of the execution role's session:
// the function's name, except that a one-character name (shorter than
// STS's two-character minimum) gets AWS's suffix.
func roleSessionName(function string) string {
	if len(function) < 2 {
		return function + sessionSuffix
	}
	return function
}

// wrapped runs a managed runtime's command through the function's
// AWS_LAMBDA_EXEC_WRAPPER, as Lambda's managed runtimes do: their
// bootstrap is a shell script that execs the wrapper with the runtime's
// command as its arguments. Going through the shell keeps the shell's
// answers too: a wrapper that does not exist or cannot be executed ends
// the runtime with exit status 127 or 126, which AWS reports as
// Runtime.ExitError ("Runtime exited with error: exit status 127",
// test_lambda_runtime_wrapper_not_found).
func (e *env) wrapped(argv []string) []string {
	w := e.spec.Environment["AWS_LAMBDA_EXEC_WRAPPER"]
	if w == "" {
		return argv
	}
	return append([]string{"/bin/sh", "-c", `exec "$0" "$@"`, w}, argv...)
}

// environ builds the process environment from nothing: AWS's variables,
// then the function's own. Nothing of seki's environment is passed on.
func (e *env) environ(l *launcher) []string {
	spec := e.spec
	rtDir, optDir, task := e.view.runtime, e.view.opt, e.view.task
	endpoint := e.rt.endpointURL()
	vars := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + spec.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=" + spec.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(memoryMB(spec)),
		"AWS_LAMBDA_LOG_GROUP_NAME=" + e.group,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + e.stream,
		"AWS_REGION=" + spec.Region,
		"AWS_DEFAULT_REGION=" + spec.Region,
		"_HANDLER=" + spec.Handler,
		"LAMBDA_TASK_ROOT=" + task,
		"LAMBDA_RUNTIME_DIR=" + rtDir,
		"AWS_LAMBDA_RUNTIME_API=" + e.ln.Addr().String(),
		"TZ=:UTC",
		"AWS_LAMBDA_INITIALIZATION_TYPE=" + cmp.Or(spec.InitType, "on-demand"),
		"AWS_ACCESS_KEY_ID=" + e.creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + e.creds.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + e.creds.SessionToken,
		"LANG=en_US.UTF-8",
	}
	vars = append(vars, "AWS_ENDPOINT_URL="+endpoint)
	// AWS_EXECUTION_ENV is not defined for the OS-only (provided) runtimes.
	if l.kind != kindProvided {
		vars = append(vars, "AWS_EXECUTION_ENV=AWS_Lambda_"+spec.Runtime)
		// What the managed runtimes' shell bootstrap leaves (its working
		// directory and shell level) and the X-Ray SDK's setting that
		// logs, rather than throws, without a trace context
		// (test_lambda_init_environment). The X-Ray daemon variables are
		// left out: seki runs no daemon.
		vars = append(vars, "PWD="+task, "SHLVL=0", "AWS_XRAY_CONTEXT_MISSING=LOG_ERROR")
	}
	// PATH and the library paths follow AWS's layout, with the layers'
	// merged directory standing in for /opt and seki's interpreter
	// directory for /var/lang/bin.
	path := "/usr/local/bin:/usr/bin/:/bin:" + filepath.Join(optDir, "bin")
	if l.binDir != "" {
		path = l.binDir + ":" + path
	}
	vars = append(vars,
		"PATH="+path,
		"LD_LIBRARY_PATH="+strings.Join([]string{"/lib64", "/usr/lib64", rtDir, filepath.Join(rtDir, "lib"),
			task, filepath.Join(task, "lib"), filepath.Join(optDir, "lib")}, ":"),
	)
	switch l.kind {
	case kindPython:
		vars = append(vars, "PYTHONPATH="+rtDir)
	case kindNode:
		vars = append(vars, "NODE_PATH="+strings.Join([]string{
			filepath.Join(optDir, "nodejs", "node"+l.major, "node_modules"),
			filepath.Join(optDir, "nodejs", "node_modules"),
			filepath.Join(rtDir, "node_modules"), rtDir, task}, ":"))
	}
	// The function's variables come last: Lambda has already refused the
	// reserved names, and the unreserved ones (PATH, LANG, ...) may be
	// overridden, as in AWS.
	for k, v := range spec.Environment {
		vars = setVar(vars, k, v)
	}
	return vars
}

func setVar(vars []string, k, v string) []string {
	prefix := k + "="
	for i, kv := range vars {
		if strings.HasPrefix(kv, prefix) {
			vars[i] = prefix + v
			return vars
		}
	}
	return append(vars, prefix+v)
}

func memoryMB(spec *lambda.FunctionSpec) int {
	if spec.MemoryMB <= 0 {
		return 128
	}
	return spec.MemoryMB
}

func logGroup(spec *lambda.FunctionSpec) string {
	if spec.LogGroup != "" {
		return spec.LogGroup
	}
	return "/aws/lambda/" + spec.Name
}

// alive reports whether the process still runs and the environment is not
// being stopped.
func (e *env) alive() bool {
	select {
	case <-e.exited:
		return false
	case <-e.stopping:
		return false
	case <-e.initFailed:
		return false
	default:
		return e.startErr == nil
	}
}

// usable reports whether the environment may take another invocation with
// the given timeout: alive, and its session valid long enough.
func (e *env) usable(now time.Time, timeout time.Duration) bool {
	return e.alive() && e.creds.Expiration.Sub(now) > timeout+credentialMargin
}

func (e *env) initialized() bool {
	select {
	case <-e.initDone:
		return true
	default:
		return false
	}
}

// markInit records the end of the init phase (the first /next).
func (e *env) markInit() {
	e.initOnce.Do(func() {
		e.initDur = time.Since(e.started)
		close(e.initDone)
	})
}

// attach sends the environment's output to inv's log, after any output
// written since the last invocation.
func (e *env) attach(inv *invocation) {
	e.logMu.Lock()
	if ev := e.initStart; ev != nil {
		// CloudWatch gets it; the invocation's tail does not (AWS's tail
		// of a cold start begins with START).
		inv.log.addEvent(ev.Timestamp, ev.Message)
		e.initStart = nil
	}
	for _, ev := range e.loose {
		inv.log.add(ev.Timestamp, ev.Message)
	}
	e.loose = e.loose[:0]
	e.looseSize = 0
	e.log = &inv.log
	e.logMu.Unlock()
}

// detach stops sending output to the invocation's log.
func (e *env) detach() {
	e.logMu.Lock()
	e.log = nil
	e.logMu.Unlock()
}

// emitLine is the output pipe's sink: one line of the function's output.
func (e *env) emitLine(line []byte) {
	e.logLine(string(line))
}

// logLine adds a log event at the current time.
func (e *env) logLine(msg string) {
	ts := e.rt.now().UnixMilli()
	e.logMu.Lock()
	if e.log != nil {
		e.log.add(ts, msg)
	} else if e.looseSize+len(msg) <= maxLoose {
		e.loose = append(e.loose, LogEvent{Timestamp: ts, Message: msg})
		e.looseSize += len(msg)
	}
	e.logMu.Unlock()
}

// kill ends the process group at once (and the cgroup's stragglers).
func (e *env) kill() {
	if e.box != nil {
		e.box.Kill()
	} else if e.pid > 0 {
		killGroup(e.pid)
	}
	e.cg.killAll()
}

// stop ends the environment: process, listener, cgroup and directory. It
// is safe to call more than once and from any goroutine.
func (e *env) stop() {
	e.stopOnce.Do(func() {
		close(e.stopping)
		e.kill()
		e.closeAPI()
		select {
		case <-e.exited:
		case <-time.After(5 * time.Second):
		}
		select {
		case <-e.outDone:
		case <-time.After(time.Second):
		}
		e.logMu.Lock()
		loose := e.loose
		if ev := e.initStart; ev != nil {
			loose = append([]LogEvent{*ev}, loose...)
			e.initStart = nil
		}
		e.loose, e.looseSize = nil, 0
		e.logMu.Unlock()
		e.rt.ship(e, "", loose)
		e.cleanup()
	})
}

// cleanup releases what startEnv created.
func (e *env) cleanup() {
	e.closeAPI()
	e.cg.remove()
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// runtimePid is the runtime's host pid: the process itself, or in a
// sandbox init's child (found once, through /proc's children list).
func (e *env) runtimePid() int {
	if e.box == nil {
		return e.pid
	}
	if p := e.fnPid.Load(); p > 0 {
		return int(p)
	}
	p := firstChild(e.pid)
	if p > 0 {
		e.fnPid.Store(int32(p))
	}
	return p
}

// maxMemoryMB is the environment's peak memory use, for REPORT.
func (e *env) maxMemoryMB() int {
	if b := e.cg.peak(); b > 0 {
		return int((b + (1<<20 - 1)) >> 20)
	}
	if pid := e.runtimePid(); pid > 0 {
		if kb := procStatusKB(pid, "VmHWM:"); kb > 0 {
			return int((kb + 1023) / 1024)
		}
	}
	return 0
}

// exitOutcome is the error type and message of a process that exited
// while (or before) serving an invocation.
func (e *env) exitOutcome() (typ, msg string) {
	if e.startErr != nil {
		return typeEntrypoint, e.startErr.Error()
	}
	if e.execErr != nil {
		return typeEntrypoint, e.execErr.Error()
	}
	if e.oom || e.cg.oomKilled() {
		return typeOOM, "Runtime exited with error: signal: killed"
	}
	if e.exitErr != nil {
		return typeExit, "Runtime exited with error: " + e.exitErr.Error()
	}
	return typeExit, "Runtime exited without providing a reason"
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newTraceID is an X-Ray trace header for the invocation:
// Root=1-{8 hex seconds}-{24 hex random};Parent={16 hex};Sampled=0.
// Built in place: it is made on every invoke.
func newTraceID() string {
	var r [20]byte
	rand.Read(r[:])
	var sec [4]byte
	binary.BigEndian.PutUint32(sec[:], uint32(time.Now().Unix()))
	const prefix, parent, sampled = "Root=1-", ";Parent=", ";Sampled=0"
	var b [len(prefix) + 8 + 1 + 24 + len(parent) + 16 + len(sampled)]byte
	n := copy(b[:], prefix)
	n += hex.Encode(b[n:], sec[:])
	b[n] = '-'
	n++
	n += hex.Encode(b[n:], r[:12])
	n += copy(b[n:], parent)
	n += hex.Encode(b[n:], r[12:])
	copy(b[n:], sampled)
	return string(b[:])
}
