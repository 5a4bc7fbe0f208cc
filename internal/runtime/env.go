package runtime

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
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
	dir    string // the environment's own directory
	task   string // LAMBDA_TASK_ROOT, inside dir
	creds  Credentials

	ln  net.Listener
	srv *http.Server

	cmd      *exec.Cmd
	pid      int
	cg       *cgroup
	out      *outPipe
	outDone  chan struct{}
	startErr error // the runtime process could not be started

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
	oom        bool // killed by the memory watchdog (no cgroup)

	invq chan *invocation

	// mu guards cur and lastUsed.
	mu       sync.Mutex
	cur      *invocation // delivered, not yet answered
	lastUsed time.Time
	served   int

	// logMu guards log and loose: output goes to the invocation attached
	// now, or is kept loose until the next delivery.
	logMu sync.Mutex
	log   *invLog
	loose []LogEvent
}

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
	codeDir, err := r.unpacked.get(specCodeKey(spec), func(dir string) error {
		budget := int64(maxUnzipped)
		return extractZip(spec.CodePath, dir, &budget)
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
			return nil
		})
		if err != nil {
			return nil, packageError(err)
		}
	}
	creds, err := r.assumeRole(ctx, AssumeInput{
		RoleARN: spec.RoleARN, SessionName: spec.Name, FunctionARN: spec.FunctionARN,
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
	e.task = filepath.Join(e.dir, "task")
	fail := func(err error) (*env, error) {
		e.cleanup()
		return nil, errService.New("seki: could not start an execution environment").Wrap(err)
	}
	if err := os.MkdirAll(e.dir, 0o700); err != nil {
		return fail(err)
	}
	if err := linkTree(codeDir, e.task); err != nil {
		return fail(err)
	}
	if e.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return fail(err)
	}
	// The listener is bound now (its address goes into the environment);
	// it is served once the process runs, so that everything the handlers
	// read is set before they run. Connections wait in the backlog.
	e.srv = &http.Server{
		Handler:           &api{e: e},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}

	argv, startErr := e.command(l, optDir)
	if startErr != nil {
		e.startErr = startErr
		close(e.exited)
		close(e.outDone)
		return e, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	e.cmd = &exec.Cmd{
		Path:   argv[0],
		Args:   argv,
		Env:    e.environ(l, optDir),
		Dir:    e.task,
		Stdout: pw,
		Stderr: pw,
	}
	e.cg = r.cgroups.create(id, spec.MemoryMB)
	e.cmd.SysProcAttr = sysProcAttr(e.cg)
	e.started = time.Now()
	err = e.cmd.Start()
	if err != nil && e.cg.fd() >= 0 {
		// Starting inside a cgroup needs clone3 (Linux 5.7); without it,
		// start normally and move the process in.
		e.cmd = &exec.Cmd{Path: e.cmd.Path, Args: e.cmd.Args, Env: e.cmd.Env, Dir: e.cmd.Dir, Stdout: pw, Stderr: pw,
			SysProcAttr: sysProcAttr(nil)}
		e.cg.startedOutside()
		err = e.cmd.Start()
	}
	pw.Close()
	if err != nil {
		pr.Close()
		e.startErr = err
		close(e.exited)
		close(e.outDone)
		return e, nil
	}
	e.pid = e.cmd.Process.Pid
	e.cg.adopt(e.pid)
	e.out = &outPipe{f: pr, emit: e.emitLine}
	go e.out.loop(e.outDone)
	go e.srv.Serve(e.ln)
	go func() {
		err := e.cmd.Wait()
		e.exitErr = err
		close(e.exited)
	}()
	return e, nil
}

// packageError turns a failure to unpack code into Lambda's error.
func packageError(err error) error {
	if errors.Is(err, errZip) {
		return errInvalidZip.New(msgBadZip).Wrap(err)
	}
	if errors.Is(err, os.ErrNotExist) {
		return errService.New("seki: the function's deployment package is missing from the blob store").Wrap(err)
	}
	return errService.New("seki: could not unpack the function's code").Wrap(err)
}

// command is the runtime process's argv, or the error AWS reports when the
// runtime cannot be found.
func (e *env) command(l *launcher, optDir string) ([]string, error) {
	switch l.kind {
	case kindPython:
		return []string{l.exe, "-u", filepath.Join(e.rt.runtimeDir, "bootstrap.py"), optDir}, nil
	case kindNode:
		return []string{l.exe, filepath.Join(e.rt.runtimeDir, "bootstrap.mjs")}, nil
	}
	// OS-only runtimes: bootstrap in the package, else in a layer (/opt).
	for _, p := range []string{filepath.Join(e.task, "bootstrap"), filepath.Join(optDir, "bootstrap")} {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return []string{p}, nil
		}
	}
	return nil, errors.New("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")
}

// environ builds the process environment from nothing: AWS's variables,
// then the function's own. Nothing of seki's environment is passed on.
func (e *env) environ(l *launcher, optDir string) []string {
	spec := e.spec
	rtDir := e.rt.runtimeDir
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
		"LAMBDA_TASK_ROOT=" + e.task,
		"LAMBDA_RUNTIME_DIR=" + rtDir,
		"AWS_LAMBDA_RUNTIME_API=" + e.ln.Addr().String(),
		"TZ=:UTC",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_ACCESS_KEY_ID=" + e.creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + e.creds.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + e.creds.SessionToken,
		"LANG=en_US.UTF-8",
	}
	vars = append(vars, "AWS_ENDPOINT_URL="+endpoint)
	// AWS_EXECUTION_ENV is not defined for the OS-only (provided) runtimes.
	if l.kind != kindProvided {
		vars = append(vars, "AWS_EXECUTION_ENV=AWS_Lambda_"+spec.Runtime)
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
			e.task, filepath.Join(e.task, "lib"), filepath.Join(optDir, "lib")}, ":"),
	)
	switch l.kind {
	case kindPython:
		vars = append(vars, "PYTHONPATH="+rtDir)
	case kindNode:
		vars = append(vars, "NODE_PATH="+strings.Join([]string{
			filepath.Join(optDir, "nodejs", "node"+l.major, "node_modules"),
			filepath.Join(optDir, "nodejs", "node_modules"),
			filepath.Join(rtDir, "node_modules"), rtDir, e.task}, ":"))
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
	for _, ev := range e.loose {
		inv.log.add(ev.Timestamp, ev.Message)
	}
	e.loose = e.loose[:0]
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
	} else if len(e.loose) < 10000 {
		e.loose = append(e.loose, LogEvent{Timestamp: ts, Message: msg})
	}
	e.logMu.Unlock()
}

// kill ends the process group at once (and the cgroup's stragglers).
func (e *env) kill() {
	if e.pid > 0 {
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
		if e.srv != nil {
			e.srv.Close()
		}
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
		e.loose = nil
		e.logMu.Unlock()
		e.rt.ship(e, "", loose)
		e.cleanup()
	})
}

// cleanup releases what startEnv created.
func (e *env) cleanup() {
	if e.ln != nil {
		e.ln.Close()
	}
	e.cg.remove()
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// maxMemoryMB is the environment's peak memory use, for REPORT.
func (e *env) maxMemoryMB() int {
	if b := e.cg.peak(); b > 0 {
		return int((b + (1<<20 - 1)) >> 20)
	}
	if e.pid > 0 {
		if kb := procStatusKB(e.pid, "VmHWM:"); kb > 0 {
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
	if e.oom || e.cg.oomKilled() {
		return typeOOM, "Runtime exited with error: signal: killed"
	}
	var ee *exec.ExitError
	if errors.As(e.exitErr, &ee) {
		return typeExit, "Runtime exited with error: " + ee.Error()
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
func newTraceID() string {
	var b [20]byte
	rand.Read(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), hex.EncodeToString(b[:12]), hex.EncodeToString(b[12:]))
}
