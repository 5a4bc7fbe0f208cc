// Package runtime runs Lambda function code for seki: it implements
// lambda.Runner with execution environments (child processes that talk to
// seki through the Lambda Runtime API on their own loopback listener), the
// execution role's session credentials, warm reuse and reaping, reserved
// concurrency, timeouts, memory limits, log capture and the durable queue
// of Event invocations.
//
// An environment is started for a (function, version, revision) when no
// idle one exists: the deployment package is unpacked once per content,
// the layers are merged once into the directory that becomes /opt, the
// execution role is assumed as lambda.amazonaws.com (its trust policy
// evaluated again), and the runtime process is started in a sandbox of its
// own (package sandbox: its own namespaces, read-only code, private /tmp,
// bounded processes) with an environment built from scratch (AWS's
// variables and the function's; none of seki's). It serves one invocation
// at a time and is kept warm for the next, until it is idle for too long,
// its session is about to expire, its function is deleted, or it fails (a
// timeout or a crash ends it; a function error does not).
package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/sandbox"
	"github.com/seki-dev/seki/internal/store"
)

// Options configure a Runtime.
type Options struct {
	// Dir holds the runtime's files: unpacked code and layers (kept across
	// restarts, named by content), environments' directories (removed at
	// start and stop) and the bootstraps. Required.
	Dir string
	// DB keeps the Event queue (opened with Migrations). Nil refuses Event
	// invocations.
	DB *store.DB
	// Endpoint returns seki's URL, which functions get as
	// AWS_ENDPOINT_URL. It is asked when an environment starts, so a server
	// that learns its address only when it listens (before Start) can
	// answer then. Nil or "" means no environment starts (queued events
	// wait), so that a function never talks to real AWS.
	Endpoint func() string
	// Assumer assumes execution roles (STS).
	Assumer Assumer
	// Logs receives function logs; nil drops them (LogType=Tail still works).
	Logs LogSink
	// Now is the clock for timestamps and session expiry; nil is time.Now.
	Now func() time.Time
	// IdleTimeout is how long an unused environment is kept; 0 is 10
	// minutes.
	IdleTimeout time.Duration
	// MaxEnvironments bounds live environments across all functions; 0 is
	// 256. When reached, idle environments of other functions are stopped
	// first; if none is idle the invocation is throttled with
	// ConcurrentInvocationLimitExceeded.
	MaxEnvironments int
	// MemoryLimits enables memory limits: a cgroup (v2, or v1's memory
	// controller) per environment where seki may create one, else a
	// watchdog on the runtime process's resident memory.
	MemoryLimits bool
	// Queue tunes the Event queue; zero values are AWS's.
	Queue QueueOptions
	// Discovery says where the interpreters (and the SDKs) are found; the
	// zero value searches the host's PATH and version managers.
	Discovery Discovery
}

// Runtime runs functions. It is safe for concurrent use.
type Runtime struct {
	opts       Options
	now        func() time.Time
	runtimeDir string // LAMBDA_RUNTIME_DIR: the bootstraps
	envRoot    string
	emptyOpt   string
	unpacked   *unpacked
	interp     *interpreters
	cgroups    *cgroups
	sandbox    sandbox.Support
	spares     *spares // a sandbox made ready for the next cold start
	queue      *queue
	// current is Lambda's CurrentSpec (UseCurrent), nil until it is set.
	current atomic.Pointer[currentFunc]

	logMu sync.Mutex
	logs  *shipper

	// mu guards the pool.
	mu     sync.Mutex
	closed bool
	idle   map[poolKey][]*env // warm environments, most recently used last
	all    map[*env]struct{}
	live   int            // environments started or starting
	busy   map[string]int // invocations in flight per function ARN
	// reserved is the latest reserved concurrency seen per function ARN,
	// so that queued events (whose stored spec may be older) honour a
	// PutFunctionConcurrency made since they were accepted; nil values are
	// "none".
	reserved map[string]*int64
	stopWG   sync.WaitGroup // environments being stopped, detached waits
	// starting counts the unpacked directories (code and layers keys) of
	// environments being started, which the collector must keep.
	starting map[string]int

	// The collector of unpacked code (see CollectCode).
	sweepMu      sync.Mutex
	keep         map[string]bool // what Lambda's versions run; nil: never told
	sweepPending atomic.Bool     // a directory was kept only because it was in use
	bornAt       time.Time       // what is older in the unpacked dir is a previous run's

	compiled sync.Map // Python executable → *sync.Once: bootstrap.py compiled for it

	reapStop chan struct{}
	reapDone chan struct{}
	// started is set by Start: Stop stops only what Start started.
	started bool
}

// New builds the runtime; it starts nothing and touches no file. Start
// prepares its directory and starts the reaper, the Event queue and the log
// shipper; Stop stops them.
func New(opts Options) (*Runtime, error) {
	if opts.Dir == "" {
		return nil, errors.New("runtime: Options.Dir is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 10 * time.Minute
	}
	if opts.MaxEnvironments <= 0 {
		opts.MaxEnvironments = 256
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	r := &Runtime{
		opts:       opts,
		now:        opts.Now,
		runtimeDir: filepath.Join(dir, "runtime"),
		envRoot:    filepath.Join(dir, "envs"),
		emptyOpt:   filepath.Join(dir, "opt-empty"),
		unpacked:   &unpacked{dir: filepath.Join(dir, "unpacked"), m: map[string]*unpackEntry{}},
		interp:     newInterpreters(opts.Discovery),
		idle:       map[poolKey][]*env{},
		all:        map[*env]struct{}{},
		busy:       map[string]int{},
		reserved:   map[string]*int64{},
		starting:   map[string]int{},
		reapStop:   make(chan struct{}),
		reapDone:   make(chan struct{}),
	}
	r.sandbox = sandbox.Probe()
	r.cgroups = newCgroups(opts.MemoryLimits)
	r.spares = newSpares(r.sandbox.Isolated(), r)
	if opts.DB != nil {
		r.queue = newQueue(r, opts.DB, opts.Queue)
	}
	return r, nil
}

// Start prepares the runtime's directory (removing the environments a
// previous run left) and starts the reaper, the Event queue and the log
// shipper.
func (r *Runtime) Start(ctx context.Context) error {
	dir := filepath.Dir(r.runtimeDir)
	// Environments do not survive seki; remove what a previous run left.
	os.RemoveAll(r.envRoot)
	for _, d := range []string{r.envRoot, r.emptyOpt, r.unpacked.dir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("runtime: %w", err)
		}
	}
	if err := r.unpacked.recover(); err != nil {
		return fmt.Errorf("runtime: %w", err)
	}
	if err := writeBootstraps(r.runtimeDir, r.opts.Discovery.Cache); err != nil {
		return fmt.Errorf("runtime: %w", err)
	}
	// The data dir is private (0700/0600), so a sandboxed function that
	// runs as another uid (nobody, when seki is root) owns what it must
	// read: the bootstraps, /opt and the unpacked code (see own).
	for _, d := range []string{r.runtimeDir, r.emptyOpt, r.unpacked.dir} {
		r.own(d)
	}
	// So does the SDK cache when it lives in seki's private data dir (its
	// default), whose modes are private too. A cache elsewhere keeps its
	// owner: its own modes decide.
	if c := r.opts.Discovery.Cache; c != "" && strings.HasPrefix(filepath.Clean(c), filepath.Dir(dir)+string(filepath.Separator)) {
		r.ownChildren(c)
	}
	r.mu.Lock()
	r.started = true
	r.mu.Unlock()
	r.sweepMu.Lock()
	r.bornAt = time.Now()
	r.sweepMu.Unlock()
	if r.opts.Logs != nil {
		r.logMu.Lock()
		r.logs = newShipper(r.opts.Logs)
		r.logMu.Unlock()
	}
	go r.reap()
	if r.queue != nil {
		r.queue.start()
	}
	return nil
}

// Interpreters reports, for every runtime seki knows (and every one named
// with --runtime), the interpreter that runs it and where it was found; a
// runtime without one has an empty Path. It looks them up in parallel.
func (r *Runtime) Interpreters(ctx context.Context) []Interpreter {
	return r.interp.list(ctx)
}

// endpointURL is seki's URL, "" until it is known.
func (r *Runtime) endpointURL() string {
	if r.opts.Endpoint == nil {
		return ""
	}
	return r.opts.Endpoint()
}

// Run invokes a function (lambda.Runner). RequestResponse waits for the
// function; Event is queued durably and answered with 202.
func (r *Runtime) Run(ctx context.Context, spec *lambda.FunctionSpec, req *lambda.InvokeRequest) (*lambda.InvokeResult, error) {
	if spec.ImageURI != "" {
		// seki has no container runtime: said plainly, never faked, and
		// before an Event invocation is queued to fail later.
		return nil, errRuntime.Errorf(msgNoContainerRuntime, spec.FunctionARN, spec.ImageURI)
	}
	if req.InvocationType == "Event" {
		if r.queue == nil {
			return nil, errService.New(msgNoQueueStore)
		}
		if len(req.Payload) > maxAsyncPayload {
			return nil, errRequestTooBig.Errorf(msgAsyncPayloadLimit, maxAsyncPayload)
		}
		r.mu.Lock()
		r.reserved[spec.FunctionARN] = spec.ReservedConcurrency
		r.mu.Unlock()
		if err := r.queue.enqueue(ctx, spec, req); err != nil {
			return nil, err
		}
		return &lambda.InvokeResult{StatusCode: 202}, nil
	}
	return r.invoke(ctx, spec, req, false)
}

// invoke runs one synchronous invocation.
func (r *Runtime) invoke(ctx context.Context, spec *lambda.FunctionSpec, req *lambda.InvokeRequest, fromQueue bool) (*lambda.InvokeResult, error) {
	tail := req.LogType == "Tail"
	for attempt := 0; ; attempt++ {
		e, err := r.acquire(ctx, spec, req.RequestID, fromQueue)
		if err != nil {
			return nil, err
		}
		inv := newInvocation(spec, req)
		if tail {
			inv.log.tail = new(tailRing)
		}
		e.attach(inv)
		if e.startErr != nil {
			return r.complete(e, inv, outExit, tail), nil
		}
		warm := e.initialized()
		e.invq <- inv // never blocks: the environment is ours alone
		o := e.await(ctx, inv)
		if o == outExit && warm && !inv.wasDelivered() && attempt < 2 {
			// A warm environment that died while idle (a runtime exits
			// right after reporting a fatal error): the invocation never
			// reached it, so it goes to a fresh one, as AWS re-inits.
			e.detach()
			r.release(e, false)
			continue
		}
		if o == outCanceled {
			// The caller is gone; the function runs on (as in AWS), and the
			// environment is released when it finishes.
			r.track(func() { r.complete(e, inv, e.await(context.Background(), inv), false) })
			return nil, ctx.Err()
		}
		return r.complete(e, inv, o, tail), nil
	}
}

// outcome is how an invocation ended.
type outcome int

const (
	outDone     outcome = iota // the runtime answered (response or error)
	outTimeout                 // the function's timeout passed
	outExit                    // the runtime exited (or never started)
	outInitFail                // the runtime reported an init error
	outCanceled                // the caller's context ended first
)

// await waits for inv's end. Before delivery it allows for the init phase
// of a cold environment (AWS's 10 seconds, then the init is given the
// function's timeout again, as AWS's retried init is); after delivery the
// function's timeout runs.
func (e *env) await(ctx context.Context, inv *invocation) outcome {
	// The environment's one timer serves each invocation in turn (await
	// runs for one invocation at a time): no timer is made per invoke.
	if e.timer == nil {
		e.timer = time.NewTimer(time.Hour)
	}
	timer := e.timer
	defer timer.Stop()
	if e.initialized() {
		// Warm: the runtime waits in next, so the invocation is delivered
		// a hand-off from now. One timer serves the whole invocation: set
		// to the timeout from now, it is checked against the delivery
		// time when it fires and moved on by the difference (no second
		// arming and wait per invoke).
		timer.Reset(inv.timeout)
	} else {
		select {
		case <-inv.delivered:
		default:
			timer.Reset(inv.timeout + initLimit)
			select {
			case <-inv.delivered:
			case <-e.initFailed:
				return outInitFail
			case <-e.exited:
				return outExit
			case <-timer.C:
				return outTimeout
			case <-ctx.Done():
				return outCanceled
			}
		}
		timer.Reset(inv.timeout - time.Since(inv.deliveredAt))
	}
	var tick <-chan time.Time
	if e.cg.watchdog() {
		t := time.NewTicker(watchdogInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-inv.done:
			return outDone
		case <-e.exited:
			if inv.isDone() {
				return outDone
			}
			return outExit
		case <-timer.C:
			if inv.isDone() {
				return outDone
			}
			if inv.wasDelivered() {
				if left := inv.timeout - time.Since(inv.deliveredAt); left > 0 {
					timer.Reset(left)
					continue
				}
			}
			return outTimeout
		case <-tick:
			if e.overMemory() {
				e.oom = true
				e.kill()
			}
		case <-ctx.Done():
			return outCanceled
		}
	}
}

// initLimit is AWS's limit on the init phase of an on-demand environment.
const initLimit = 10 * time.Second

// complete turns an outcome into the caller's result, writes the
// invocation's END and REPORT lines, ships its log and releases the
// environment (keeping it warm unless it failed).
func (r *Runtime) complete(e *env, inv *invocation, o outcome, tail bool) *lambda.InvokeResult {
	res := &lambda.InvokeResult{StatusCode: 200}
	rep := report{requestID: inv.id, memoryMB: memoryMB(e.spec)}
	healthy := false
	switch o {
	case outDone:
		res.Payload = inv.result
		if inv.errType != "" {
			res.FunctionError = typeUnhandled
		}
		healthy = e.alive()
	case outTimeout:
		e.kill()
		res.FunctionError = typeUnhandled
		res.Payload = platformError(typeTimeout, inv.id, timeoutMessage(int(inv.timeout/time.Second)))
		rep.status = "timeout"
	case outInitFail:
		e.kill()
		res.FunctionError = typeUnhandled
		res.Payload = e.initErr
		rep.status, rep.errorType = "error", e.initType
	default: // outExit
		typ, msg := e.exitOutcome()
		res.FunctionError = typeUnhandled
		res.Payload = platformError(typ, inv.id, msg)
		rep.status, rep.errorType = "error", typ
	}
	// Everything the runtime printed before answering belongs to this
	// invocation; a dead runtime's last words are waited for briefly.
	if e.out != nil {
		if healthy {
			e.out.sync()
		} else {
			select {
			case <-e.outDone:
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	delivered := inv.wasDelivered()
	if delivered {
		rep.duration = time.Since(inv.deliveredAt)
	}
	e.mu.Lock()
	first := e.served == 0
	e.served++
	e.mu.Unlock()
	if first && e.initialized() {
		rep.init = e.initDur
	}
	if !delivered {
		// The invocation never reached the runtime: AWS reports the init
		// failure, then the invocation it was meant for.
		status := "error"
		if o == outTimeout {
			status = "timeout"
		}
		d := time.Duration(0)
		if !e.started.IsZero() {
			d = time.Since(e.started)
		}
		e.logLine(initReportLine(d, status, rep.errorType))
		e.logLine(startLine(inv.id, e.spec.Version))
	}
	rep.maxUsedMB = e.maxMemoryMB()
	e.logLine(endLine(inv.id))
	e.logLine(rep.line())
	e.detach()
	if tail {
		res.LogResult = inv.log.tail.base64()
	}
	r.ship(e, inv.id, inv.log.events)
	r.release(e, healthy)
	return res
}

// ship hands events to the log sink, if one is wired.
func (r *Runtime) ship(e *env, requestID string, events []LogEvent) {
	if len(events) == 0 {
		return
	}
	r.logMu.Lock()
	s := r.logs
	r.logMu.Unlock()
	if s == nil {
		return
	}
	// A runtime separates the lines of one multi-line event (a Python
	// error and its traceback) with \r; CloudWatch gets them as \n, as
	// AWS delivers them (the tail keeps what the runtime wrote).
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaFeatures::test_invocation_type_event_error (log_events)
	for i := range events {
		if strings.IndexByte(events[i].Message, '\r') >= 0 {
			events[i].Message = strings.ReplaceAll(events[i].Message, "\r", "\n")
		}
	}
	s.send(Delivery{
		RequestID: requestID, AccessKeyID: e.creds.AccessKeyID, RoleARN: e.spec.RoleARN,
		Account: e.spec.Account, Region: e.spec.Region, FunctionARN: e.spec.FunctionARN,
		Group: e.group, Stream: e.stream, Events: events,
	})
}

// acquire takes a warm environment for spec or starts one, enforcing the
// function's reserved concurrency and the environment limit.
func (r *Runtime) acquire(ctx context.Context, spec *lambda.FunctionSpec, requestID string, fromQueue bool) (*env, error) {
	return r.acquireEnv(ctx, spec, requestID, fromQueue, false)
}

// acquireEnv is acquire; fresh starts a new environment whatever is idle,
// outside the function's reserved concurrency and not counted among its
// invocations (Provision: provisioned concurrency is checked against the
// reservation when it is configured, and its INIT is no invocation).
func (r *Runtime) acquireEnv(ctx context.Context, spec *lambda.FunctionSpec, requestID string, fromQueue, fresh bool) (*env, error) {
	key := poolKey{spec.FunctionARN, spec.Version, spec.RevisionId}
	timeout := specTimeout(spec)
	now := r.now()
	var retire []*env
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errService.New(msgShuttingDown)
	}
	rc, seen := r.reserved[spec.FunctionARN]
	if fresh {
		rc = nil
	} else if !seen || !fromQueue {
		rc = spec.ReservedConcurrency
		r.reserved[spec.FunctionARN] = rc
	}
	if rc != nil && int64(r.busy[spec.FunctionARN]) >= *rc {
		r.mu.Unlock()
		return nil, throttled(reasonReserved)
	}
	var e *env
	var stack []*env
	if !fresh {
		stack = r.idle[key]
	}
	for len(stack) > 0 && e == nil {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.usable(now, timeout) {
			e = c
		} else {
			retire = append(retire, c)
			r.forget(c)
		}
	}
	if fresh {
		// The idle environments stay where they are.
	} else if len(stack) == 0 {
		delete(r.idle, key)
	} else {
		r.idle[key] = stack
	}
	if e == nil {
		// Idle environments of this version's older code or configuration
		// will never be used again.
		for k, st := range r.idle {
			if k.arn == key.arn && k.version == key.version && k.revision != key.revision {
				for _, c := range st {
					retire = append(retire, c)
					r.forget(c)
				}
				delete(r.idle, k)
			}
		}
		if r.live >= r.opts.MaxEnvironments {
			if c := r.oldestIdle(); c != nil {
				retire = append(retire, c)
				r.forget(c)
			}
		}
		if r.live >= r.opts.MaxEnvironments {
			r.mu.Unlock()
			r.stopAll(retire)
			return nil, throttled(reasonAccountLimit)
		}
		r.live++
	}
	if !fresh {
		r.busy[spec.FunctionARN]++
	}
	if e != nil {
		r.mu.Unlock()
		r.stopAll(retire)
		return e, nil
	}
	keys := codeKeys(spec)
	for _, k := range keys {
		r.starting[k]++
	}
	r.mu.Unlock()
	r.stopAll(retire)
	e, err := r.startEnv(ctx, spec, requestID)
	r.mu.Lock()
	for _, k := range keys {
		if r.starting[k]--; r.starting[k] == 0 {
			delete(r.starting, k)
		}
	}
	if err != nil {
		r.live--
		if !fresh {
			r.unbusy(spec.FunctionARN)
		}
		r.mu.Unlock()
		return nil, err
	}
	if r.closed {
		r.live--
		if !fresh {
			r.unbusy(spec.FunctionARN)
		}
		r.mu.Unlock()
		e.stop()
		return nil, errService.New(msgShuttingDown)
	}
	r.all[e] = struct{}{}
	r.mu.Unlock()
	return e, nil
}

// release returns an environment after an invocation: to the idle pool if
// it is healthy, else it is stopped.
func (r *Runtime) release(e *env, healthy bool) {
	r.settle(e, healthy, true)
}

// settle is release; busy says whether e counted as one of its function's
// invocations (an environment Provision initialized did not).
func (r *Runtime) settle(e *env, healthy, busy bool) {
	r.mu.Lock()
	if busy {
		r.unbusy(e.spec.FunctionARN)
	}
	if healthy && !r.closed && e.alive() && !e.retired.Load() {
		e.mu.Lock()
		e.lastUsed = r.now()
		e.mu.Unlock()
		r.idle[e.key] = append(r.idle[e.key], e)
		r.mu.Unlock()
		return
	}
	r.forget(e)
	r.mu.Unlock()
	r.stopAll([]*env{e})
}

// Retire ends the environments of a deleted function (lambda.Retirer):
// idle ones now, busy ones when their invocation ends. It reports how
// many it stopped now.
func (r *Runtime) Retire(functionARN string) int {
	var stop []*env
	r.mu.Lock()
	for e := range r.all {
		if e.key.arn == functionARN {
			e.retired.Store(true)
		}
	}
	for k, st := range r.idle {
		if k.arn != functionARN {
			continue
		}
		for _, e := range st {
			r.forget(e)
			stop = append(stop, e)
		}
		delete(r.idle, k)
	}
	r.mu.Unlock()
	r.stopAll(stop)
	return len(stop)
}

// forget drops e from the pool's accounting; call with mu held.
func (r *Runtime) forget(e *env) {
	if _, ok := r.all[e]; ok {
		delete(r.all, e)
		r.live--
	}
}

func (r *Runtime) unbusy(arn string) {
	if n := r.busy[arn]; n <= 1 {
		delete(r.busy, arn)
	} else {
		r.busy[arn] = n - 1
	}
}

// oldestIdle removes and returns the least recently used idle environment;
// call with mu held.
func (r *Runtime) oldestIdle() *env {
	var best *env
	var bestKey poolKey
	bestIdx := -1
	for k, st := range r.idle {
		for i, c := range st {
			if best == nil || c.lastUsed.Before(best.lastUsed) {
				best, bestKey, bestIdx = c, k, i
			}
		}
	}
	if best == nil {
		return nil
	}
	st := r.idle[bestKey]
	st = append(st[:bestIdx:bestIdx], st[bestIdx+1:]...)
	if len(st) == 0 {
		delete(r.idle, bestKey)
	} else {
		r.idle[bestKey] = st
	}
	return best
}

// stopAll stops environments in the background.
func (r *Runtime) stopAll(envs []*env) {
	for _, e := range envs {
		r.track(e.stop)
	}
}

// track runs f in a goroutine that Close waits for. Once Close has begun
// waiting, new goroutines are not tracked (a WaitGroup must not grow from
// zero during its Wait); they only finish stopping environments Close
// stops anyway.
func (r *Runtime) track(f func()) {
	r.mu.Lock()
	tracked := !r.closed
	if tracked {
		r.stopWG.Add(1)
	}
	r.mu.Unlock()
	go func() {
		if tracked {
			defer r.stopWG.Done()
		}
		f()
	}()
}

// reap stops idle environments past IdleTimeout or near their session's
// expiry. It runs until Close.
func (r *Runtime) reap() {
	defer close(r.reapDone)
	every := min(max(r.opts.IdleTimeout/4, 100*time.Millisecond), 30*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-r.reapStop:
			return
		case <-t.C:
			r.Reap()
			r.spares.expire(r.opts.IdleTimeout)
			if r.sweepPending.Load() {
				r.sweepCode()
			}
		}
	}
}

// Reap stops the idle environments that have been unused for IdleTimeout
// or whose session is about to expire, and reports how many it stopped.
// The reaper calls it periodically; tests may call it directly.
func (r *Runtime) Reap() int {
	now := r.now()
	var retire []*env
	r.mu.Lock()
	for k, st := range r.idle {
		kept := st[:0]
		for _, e := range st {
			if now.Sub(e.lastUsed) >= r.opts.IdleTimeout || !e.usable(now, specTimeout(e.spec)) {
				retire = append(retire, e)
				r.forget(e)
			} else {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			delete(r.idle, k)
		} else {
			r.idle[k] = kept
		}
	}
	r.mu.Unlock()
	r.stopAll(retire)
	return len(retire)
}

// Stats is a snapshot of the pool.
type Stats struct {
	// Environments is the number of live environments, Idle of those idle.
	Environments, Idle int
	// LogsDropped counts log deliveries dropped (queue full or sink error).
	LogsDropped int64
	// Memory is how memory limits are enforced: "cgroup2", "cgroup1",
	// "watchdog" or "none".
	Memory string
	// Isolated is true when environments run in sandboxes; Isolation
	// describes them, or says what is not isolated.
	Isolated  bool
	Isolation string
}

// Stats reports the pool's state.
func (r *Runtime) Stats() Stats {
	r.mu.Lock()
	s := Stats{Environments: r.live, Memory: r.cgroups.Mode(), Isolated: r.sandbox.Isolated(), Isolation: r.sandbox.Summary()}
	for _, st := range r.idle {
		s.Idle += len(st)
	}
	r.mu.Unlock()
	r.logMu.Lock()
	if r.logs != nil {
		s.LogsDropped = r.logs.dropped.Load() + r.logs.failed.Load()
	}
	r.logMu.Unlock()
	return s
}

// Stop stops the Event queue (queued events stay in the store for the
// next start), every environment (killing running functions) and the log
// shipper after it has delivered what it holds. A runtime that was not
// started has nothing to stop.
func (r *Runtime) Stop(ctx context.Context) error {
	r.mu.Lock()
	if r.closed || !r.started {
		r.closed = true
		r.mu.Unlock()
		r.spares.close()
		return nil
	}
	r.closed = true
	var envs []*env
	for e := range r.all {
		envs = append(envs, e)
	}
	r.idle = map[poolKey][]*env{}
	r.mu.Unlock()
	close(r.reapStop)
	<-r.reapDone
	if r.queue != nil {
		r.queue.close()
	}
	var wg sync.WaitGroup
	for _, e := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.stop()
		}()
	}
	wg.Wait()
	r.stopWG.Wait()
	r.unpacked.markClean()
	r.spares.close()
	r.logMu.Lock()
	s := r.logs
	r.logs = nil
	r.logMu.Unlock()
	if s != nil {
		s.close()
	}
	r.cgroups.close()
	return nil
}
