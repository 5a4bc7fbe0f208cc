package runtime

// How functions run, in detail: what is AWS's, what is seki's stand-in.
//
// # Execution environments
//
// One environment = one runtime process (and whatever it starts) serving
// one invocation at a time. Warm environments are reused for the same
// (function ARN, version, RevisionId); a new revision retires the idle
// environments of the old one. Idle environments are stopped after
// Options.IdleTimeout (10 minutes by default). Concurrency scales out with
// more environments, up to Options.MaxEnvironments across seki (idle ones
// of other functions are stopped first; beyond that, TooManyRequestsException
// with Reason ConcurrentInvocationLimitExceeded). A function's reserved
// concurrency counts its invocations in flight across all its versions:
// beyond it, TooManyRequestsException, message "Rate Exceeded.", Reason
// ReservedFunctionConcurrentInvocationLimitExceeded (0 throttles all).
//
// Each environment has:
//   - its own sandbox (see Isolation): its own view of the file system,
//     its own processes, at most 1024 of them, nothing left when it ends;
//   - its own Runtime API listener on 127.0.0.1 with a random port
//     (AWS_LAMBDA_RUNTIME_API), serving only that environment's
//     invocations, and reachable from no other environment;
//   - its own role session (see Credentials);
//   - its own memory cgroup where the host allows (see Memory).
//
// # Isolation
//
// On Linux every environment runs in a sandbox built by package sandbox
// from primitives that need no privileges (seki runs the same way as root
// and as a normal user):
//
//   - a user namespace per environment: the function runs as uid 993, gid
//     990 (AWS's sbx_user1051) without capabilities, mapped to the host's
//     nobody when seki is root (never to root) and to seki's own uid
//     otherwise;
//   - mount namespace: a tmpfs root, read-only, holding /var/task (the
//     unpacked code, read-only, the working directory and
//     LAMBDA_TASK_ROOT), /opt (the merged layers, read-only),
//     /var/runtime (seki's bootstraps, LAMBDA_RUNTIME_DIR), /usr, /lib*,
//     /bin, /sbin, the /etc files a runtime needs and the interpreter's
//     install directory, all read-only; /tmp, a tmpfs of EphemeralStorage
//     (512 MB by default; ENOSPC beyond; its pages count against the
//     memory cgroup, as a tmpfs's do); a fresh /proc; a minimal /dev.
//     seki's data directory, home directories and other environments'
//     files are not there at all;
//   - PID namespace: the function sees its own processes only. Its init
//     (a re-executed seki, PID 1) reaps orphans and ends when the runtime
//     exits, when the environment is stopped, or when seki dies, even by
//     kill -9 (it holds a pipe from seki and has the parent-death signal);
//     the kernel then kills every process left in the namespace;
//   - IPC and UTS namespaces;
//   - Landlock (ABI 4): TCP connections only to the environment's own
//     Runtime API port, seki's endpoint port and ports 53, 80 and 443 (DNS,
//     HTTP and HTTPS on the Internet). Runtime APIs listen on ephemeral
//     ports, so no other environment's is reachable. (ABI 6): no abstract
//     unix sockets or signals outside the sandbox;
//   - rlimits: RLIMIT_NPROC 1024, which counts per user namespace and so
//     bounds this environment's processes and threads alone, even when
//     seki is root; RLIMIT_NOFILE 1024 (AWS's limits); no_new_privs.
//
// A spare sandbox (spare.go) is kept ready for the next cold start: its
// init has made the namespaces and the shared part of the root, in a
// memory cgroup of its own, so a cold start sets the limit, binds the
// function's directories and starts the runtime.
//
// The network namespace is the host's: a fresh one would cut functions off
// the Internet, which Lambda functions outside a VPC reach. Output
// written between invocations is kept up to 4 MB per environment, then
// dropped. Where the kernel offers no user namespaces (or on other
// systems), functions run as plain processes of seki's user in their own
// process group; seki's banner and every environment's first log line say
// exactly what is then not isolated (Stats().Isolation).
//
// # Environment variables
//
// Built from nothing (seki's own environment is never passed on):
// AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION,
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME,
// AWS_LAMBDA_LOG_STREAM_NAME (YYYY/MM/DD/[VERSION] and 32 hex digits),
// AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV (AWS_Lambda_RUNTIME;
// not set for the provided runtimes, as in AWS), _HANDLER,
// LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR, AWS_LAMBDA_RUNTIME_API, TZ=:UTC,
// AWS_LAMBDA_INITIALIZATION_TYPE=on-demand, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL (seki), LANG,
// PATH, LD_LIBRARY_PATH, and PYTHONPATH or NODE_PATH; then the function's
// own variables, which may override the unreserved ones (LANG, PATH, ...).
// The runtimes set _X_AMZN_TRACE_ID per invocation from
// Lambda-Runtime-Trace-Id, as AWS's do.
//
// # Layers and /opt
//
// A function's layers are extracted, in order (later layers over earlier
// ones), into one directory per ordered set of layers,
// DATA_DIR/runtime/unpacked/opt-HASH, which the sandbox binds at /opt;
// functions without layers get an empty one. The path variables are
// AWS's:
//
//	PATH             /usr/local/bin:/usr/bin/:/bin:/opt/bin (the interpreter's
//	                 directory first, standing in for /var/lang/bin)
//	LD_LIBRARY_PATH  /lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib
//	PYTHONPATH       /var/runtime; the bootstrap puts /var/task,
//	                 /opt/python/lib/pythonX.Y/site-packages and /opt/python
//	                 at the front of sys.path, then seki's boto3; python
//	                 runs with -S, so no site-packages of the host's
//	                 installation (or the user's) is on it; it runs
//	                 launch.py, which imports bootstrap.py so that Python
//	                 loads it compiled (seki compiles it once per
//	                 interpreter into /var/runtime/__pycache__)
//	NODE_PATH        /opt/nodejs/nodeNN/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task
//
// A provided runtime's bootstrap is /var/task/bootstrap, else
// /opt/bootstrap. Without a sandbox the same variables name the host's
// directories instead (the environment's hard-linked copy of the code,
// the merged layers' directory, the bootstraps' directory).
//
// # Runtimes
//
// provided.al2023, provided.al2 (and provided): the package's executable
// bootstrap, run as it is (a real aws-lambda-go binary works unchanged).
// pythonX.Y: seki's bootstrap.py, run with Python X.Y. nodejsN.x: seki's
// bootstrap.mjs, run with Node.js N; CommonJS and ES modules (.mjs, .cjs,
// .js with "type":"module"), async and callback handlers. Callback
// handlers answer as soon as the callback is called: seki does not wait
// for the event loop to drain (callbackWaitsForEmptyEventLoop is
// ignored).
//
// Interpreters are found in this order (interp.go): `seki serve --runtime
// NAME=PATH`; pythonX.Y then python3, nodeN then node, on PATH; pyenv, uv
// and asdf Pythons, nvm, fnm and asdf Nodes; seki's cache (`seki runtimes
// install`). Every candidate is asked for its version and only the exact
// one (X.Y, or major N) is used: a runtime without one fails the invoke
// with InvalidRuntimeException naming the runtime and --runtime, and never
// runs on another version. The real executable is used, so version
// managers' shims need nothing of seki's environment.
//
// # Credentials
//
// Each environment assumes the execution role when it starts, as
// lambda.amazonaws.com through the one door, so the role's trust policy is
// evaluated again (a revoked trust fails the invoke with
// AccessDeniedException "The role defined for the function cannot be
// assumed by Lambda."). The session is named after the function, lasts one
// hour, and is refreshed by replacing the environment: an environment
// whose session has less than the function's timeout plus five minutes
// left takes no more invocations (a process's environment variables
// cannot be changed from outside), and the reaper stops it.
//
// # Timeouts and failures
//
// The function's timeout runs from the moment the runtime takes the
// invocation (Lambda-Runtime-Deadline-Ms says when). A cold environment's
// init phase gets AWS's 10 seconds plus, as AWS's retried init does, the
// function's timeout. A timeout kills the process group:
// {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ID Error:
// Task timed out after N.NN seconds"}. A runtime that exits:
// Runtime.ExitError ("Runtime exited with error: exit status N", or
// "Runtime exited without providing a reason" for status 0); killed for
// its memory: Runtime.OutOfMemory. A missing or unexecutable bootstrap:
// Runtime.InvalidEntrypoint. An init error posted to /runtime/init/error
// is the invocation's result. Function errors keep the environment warm;
// timeouts, crashes and init errors end it, and a warm environment found
// dead is replaced transparently before the invocation reaches it.
//
// # Memory
//
// With Options.MemoryLimits, each environment gets a memory cgroup limited
// to the function's MemorySize: cgroup v2 where seki's cgroup can delegate
// the memory controller (seki moves itself into a leaf of its own to do
// so), else cgroup v1's memory controller where it is writable. Max Memory
// Used is the cgroup's peak. Where neither exists (seki is not root and
// has no delegated cgroup v2), a watchdog samples the runtime process's
// resident set every 50 ms during an invocation and kills the
// environment over the limit: it bounds the main process only (not its
// children) and can miss spikes shorter than 50 ms; Max Memory Used is
// then the process's VmHWM. Stats().Memory reports which is in use.
//
// # Logs
//
// The runtime's stdout and stderr are one pipe; each line is a log event
// (longer lines are split at CloudWatch Logs' event size). START, END and
// REPORT (and INIT_REPORT for a failed init) are added in AWS's text
// format; output the runtime wrote before taking an invocation precedes
// its START, output written before it answered precedes its END. Each
// invocation's events go to the LogSink as one Delivery, asynchronously
// and off the invoke path (a bounded queue; dropped when full);
// LogType=Tail is the last 4 KB of the invocation's log, computed here,
// never depending on the sink or its permissions.
//
// # The Event queue
//
// An Event invocation is written to the store (and synced) before Invoke
// answers 202, and leaves it only when it succeeded, failed three times
// (the first attempt and two retries, one and two minutes apart, as AWS),
// expired (six hours of throttling or system errors, retried with
// exponential back-off from one second to five minutes), or its code is
// gone. Delivery is at least once: an event running when seki stops runs
// again after the restart. ClientContext is not passed to Event
// invocations (AWS passes it to synchronous invocations only).
