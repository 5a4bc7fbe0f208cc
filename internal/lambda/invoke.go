package lambda

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Runner runs function code. internal/runtime implements it; the server
// wires it in with Options.Runner. Lambda has already
// authorized the call, resolved the function, version and alias routing,
// and validated the payload when Run is called; the runner only executes.
//
// Run is called once per invocation, concurrently from many goroutines. It
// must honour ctx (the client went away, or the server is stopping) and
// spec.Timeout. For InvocationType "Event" Run is expected to queue the
// invocation and return at once with StatusCode 202; for "RequestResponse"
// it waits for the function's result.
//
// Errors: a returned error is reported to the client as is when it is an
// *awserr.Error (e.g. TooManyRequestsException for reserved concurrency,
// ResourceNotReadyException), as ServiceException otherwise. A function
// that fails (an unhandled error, a timeout, a crash) is not an error of
// Run: it is a Result with FunctionError "Unhandled" and the error payload,
// as AWS reports it.
//
// A spec is shared by the invocations of the same version until Lambda's
// state changes: Run must not modify it.
type Runner interface {
	Run(ctx context.Context, spec *FunctionSpec, req *InvokeRequest) (*InvokeResult, error)
}

// CodePreparer is a Runner that prepares a deployment package (unpacks it)
// as soon as Lambda has it: the work AWS does while a new function is
// Pending. PrepareCode must not block: it starts the work, beside which
// Lambda stores the package and commits the function, and returns a
// channel closed when the work has ended (a failure is the runner's to
// report at the first invoke). sha256 is the package's CodeSha256
// (base64), which seki computed from zip, so it names the content.
type CodePreparer interface {
	PrepareCode(sha256 string, zip []byte) (done <-chan struct{})
}

// closedChan is a preparation that has nothing to do.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// prepareCode hands a new package to the runner, if it prepares code.
func (s *Service) prepareCode(sha string, zip []byte) <-chan struct{} {
	if p, ok := s.getRunner().(CodePreparer); ok {
		return p.PrepareCode(sha, zip)
	}
	return closedChan
}

// CodeCollector is a Runner that keeps prepared code (unpacked packages and
// layers) on disk. Lambda tells it, once when it is wired in and after
// every change that can leave code unreferenced (a function, version or
// package replaced or deleted), which code its versions run, so that the
// rest can go.
type CodeCollector interface {
	CollectCode(live []CodeRef)
}

// CodeRef is the code one version runs: its package and its ordered
// layers, as its FunctionSpec names them.
type CodeRef struct {
	CodeSHA256 string
	Layers     []LayerSpec
}

// Retirer is a Runner that keeps environments warm: when a function is
// deleted, Lambda calls Retire so that its environments, and every process
// in them, end at once rather than when they are next reaped.
type Retirer interface {
	Retire(functionARN string) int
}

// FunctionSpec is everything needed to run one version of a function,
// self-contained so the runtime need not import or call back into lambda.
// A spec with the same FunctionARN, Version and RevisionId describes the
// same code and configuration, so the runtime may reuse warm environments
// keyed by them.
type FunctionSpec struct {
	// FunctionARN is the unqualified function ARN.
	FunctionARN string
	// InvokedARN is the ARN the caller invoked: unqualified, version or
	// alias qualified (what the context object's invoked_function_arn shows).
	InvokedARN string
	Name       string
	Account    string
	Region     string
	// Version is the version executed: "$LATEST" or a number (after alias
	// routing); X-Amz-Executed-Version reports it.
	Version string
	// RevisionId changes whenever the version's code or configuration does.
	RevisionId string
	Runtime    string // "python3.12", "provided.al2023", ...
	Handler    string
	// CodePath is the file path of the deployment package (.zip) in seki's
	// blob store; CodeSHA256 its base64 SHA-256 (Lambda's CodeSha256).
	CodePath   string
	CodeSHA256 string
	CodeSize   int64
	// ImageURI is the resolved image (REPOSITORY@sha256:…) of a
	// PackageType Image function, whose CodePath is empty; "" for a .zip
	// package.
	ImageURI string
	// Layers are the layer archives in order; the runtime extracts them
	// into /opt, later layers over earlier ones.
	Layers []LayerSpec
	// Environment is the function's own variables (never the reserved
	// ones: the runtime adds those).
	Environment map[string]string
	MemoryMB    int
	// Timeout is in seconds.
	Timeout int
	// RoleARN is the execution role; the runtime assumes it (as
	// lambda.amazonaws.com) for the function's credentials.
	RoleARN string
	// ReservedConcurrency is the function's reserved concurrency, nil when
	// none is set (0 means throttle everything).
	ReservedConcurrency *int64
	Architectures       []string
	EphemeralStorageMB  int
	// LogGroup and LogFormat are where and how the function logs
	// ("/aws/lambda/NAME", "Text").
	LogGroup  string
	LogFormat string
	// MaxRetryAttempts and MaxEventAgeSeconds are the invoked qualifier's
	// event invoke config for an Event invocation (nil: AWS's defaults,
	// two retries and six hours), which the runtime's Event queue honours.
	MaxRetryAttempts   *int64 `json:",omitempty"`
	MaxEventAgeSeconds *int64 `json:",omitempty"`
	// OnSuccess and OnFailure are the destinations of an Event
	// invocation's record (DestinationRecord), "" for none.
	OnSuccess string `json:",omitempty"`
	OnFailure string `json:",omitempty"`
	// RuntimeVersion and RuntimeVersionARN name the runtime version a new
	// environment's INIT_START log line reports ("python:3.12.v1" and
	// RuntimeVersionConfig's ARN); "" for an image function.
	RuntimeVersion    string `json:",omitempty"`
	RuntimeVersionARN string `json:",omitempty"`
	// InitType is what the function sees in AWS_LAMBDA_INITIALIZATION_TYPE
	// when an environment starts for this spec; "" is on-demand.
	InitType string `json:",omitempty"`
}

// LayerSpec is one layer archive of a FunctionSpec.
type LayerSpec struct {
	ARN        string // layer version ARN
	Path       string // file path of the .zip in the blob store
	CodeSHA256 string
	CodeSize   int64
}

// InvokeRequest is one invocation.
type InvokeRequest struct {
	// RequestID is the invocation's id (the API request's id), which the
	// function sees as its aws_request_id.
	RequestID string
	// Payload is the event: valid JSON, at most 6 MB (256 KB for Event).
	Payload []byte
	// InvocationType is "RequestResponse" or "Event" (never "DryRun").
	InvocationType string
	// LogType is "None" or "Tail"; with Tail, InvokeResult.LogResult holds
	// the base64 of the last 4 KB of the invocation's log.
	LogType string
	// ClientContext is the base64 JSON of X-Amz-Client-Context, "" if none.
	ClientContext string
	// Caller is who invoked (nil for unauthenticated function URL calls);
	// informational, the call is already authorized.
	Caller *authz.Caller
}

// InvokeResult is what the runtime returns.
type InvokeResult struct {
	// StatusCode is 200 for RequestResponse, 202 for Event.
	StatusCode int
	// Payload is the function's response (or error) document.
	Payload []byte
	// FunctionError is "" on success, "Unhandled" (or "Handled") when the
	// function failed; it goes into X-Amz-Function-Error.
	FunctionError string
	// LogResult is the base64 log tail when LogType was Tail.
	LogResult string
}

// Invocation types.
const (
	invokeSync   = "RequestResponse"
	invokeEvent  = "Event"
	invokeDryRun = "DryRun"
)

// maxPayload is the synchronous invocation payload limit.
const maxPayload = 6 * 1024 * 1024

// invokeState is what decodeInvoke loads for the handler: the resolved
// function, or the 404 that the handler reports after authorization.
type invokeState struct {
	ref    FunctionRef
	t      *target
	err    error
	policy *policy.Policy

	// specs holds the runtime's view of each version this target runs
	// (version → *FunctionSpec), and routed the records of the versions an
	// alias routes to besides its own (version → *versionRecord): a state
	// lives as long as nothing in Lambda was written (see resolveInvoke),
	// so a warm invoke builds no spec and reads no store.
	specs  sync.Map
	routed sync.Map

	// reserved is the concurrency this qualifier's invocations may use
	// when the function reserves some (provisioned.go's reservedFor).
	reserved *int64
	// async is the qualifier's event invoke config, nil when none: read
	// once per state by the first Event invocation (asyncConfig), so that
	// loading a state for synchronous calls costs no extra query.
	asyncOnce sync.Once
	async     *EventInvokeConfig
	asyncErr  error
}

// asyncConfig returns the event invoke config of st's qualifier.
func (s *Service) asyncConfig(ctx context.Context, st *invokeState) (*EventInvokeConfig, error) {
	st.asyncOnce.Do(func() {
		st.asyncErr = s.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			st.async, err = getEventInvoke(tx, st.ref, eventInvokeQualifier(st.ref))
			return err
		})
	})
	return st.async, st.asyncErr
}

// resolveInvoke loads the function, the qualifier's record and the policy
// that governs invocations of exactly that qualifier, in one read.
func (s *Service) resolveInvoke(ctx context.Context, ref FunctionRef) (*invokeState, error) {
	key := ref.Partition + "\x00" + ref.Account + "\x00" + ref.Region + "\x00" + ref.Name + "\x00" + ref.Qualifier
	gen := s.gen.Load()
	if c, ok := s.targets.Load(key); ok {
		if ct := c.(*cachedTarget); ct.gen == gen {
			return ct.st, nil
		}
	}
	st, err := s.loadInvoke(ctx, ref)
	if err == nil && st.err == nil {
		// Only existing targets are cached, so the cache is bounded by what
		// exists, not by what callers ask for.
		s.targets.Store(key, &cachedTarget{gen: gen, st: st})
	}
	return st, err
}

func (s *Service) loadInvoke(ctx context.Context, ref FunctionRef) (*invokeState, error) {
	st := &invokeState{ref: ref}
	var doc string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		// Invoke names a missing function with the $LATEST it would run.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_name_and_qualifier_validation[function_name_too_long-invoke]
		q := ref.Qualifier
		if q == "" {
			q = latest
		}
		t, err := s.resolve(tx, ref, q)
		if err != nil {
			if awsErr(err) {
				st.err = err
				return nil
			}
			return err
		}
		st.t = t
		if st.reserved, err = reservedFor(tx, ref, t.fn); err != nil {
			return err
		}
		doc, err = getPolicyDoc(tx, ref, policyKeyQualifier(ref.Qualifier))
		return err
	})
	if err != nil {
		return nil, err
	}
	if doc != "" {
		if st.policy, err = s.compile(ref.QualifiedARN(policyKeyQualifier(ref.Qualifier)), doc); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// decodeInvoke reads the function invoked and loads it.
func (s *Service) decodeInvoke(ctx context.Context, r *protocol.Request) (*invokeState, error) {
	ref, err := functionRef(r, true, false)
	if err != nil {
		return nil, err
	}
	return s.resolveInvoke(ctx, ref)
}

// invokeTarget authorizes lambda:InvokeFunction on the exact ARN invoked
// (unqualified, version or alias) with the policy kept for that qualifier.
func invokeTarget(_ context.Context, _ *protocol.Request, st *invokeState) (protocol.Target, error) {
	return protocol.Target{Resource: st.ref.QualifiedARN(st.ref.Qualifier), Account: st.ref.Account, Policy: st.policy}, nil
}

func (s *Service) invoke(ctx context.Context, r *protocol.Request, st *invokeState) (any, error) {
	typ := r.HTTP.Header.Get("X-Amz-Invocation-Type")
	if typ == "" {
		typ = invokeSync
	}
	if typ != invokeSync && typ != invokeEvent && typ != invokeDryRun {
		var v validation
		v.enum("invocationType", typ, []string{invokeEvent, invokeSync, invokeDryRun})
		return nil, v.err()
	}
	logType := r.HTTP.Header.Get("X-Amz-Log-Type")
	if logType != "" && logType != "None" && logType != "Tail" {
		var v validation
		v.enum("logType", logType, []string{"None", "Tail"})
		return nil, v.err()
	}
	if st.err != nil {
		return nil, st.err
	}
	if typ == invokeDryRun {
		return dryRun{}, nil
	}
	return s.run(ctx, st, &InvokeRequest{
		RequestID:      r.ID,
		Payload:        r.Body,
		InvocationType: typ,
		LogType:        logType,
		ClientContext:  r.HTTP.Header.Get("X-Amz-Client-Context"),
		Caller:         r.Caller,
	})
}

// run checks the payload, routes an alias, builds the spec and calls the
// Runner.
func (s *Service) run(ctx context.Context, st *invokeState, req *InvokeRequest) (*invokeResponse, error) {
	if s.isPending(st.ref) {
		return nil, errConflict.New(msgPending)
	}
	if len(req.Payload) > maxPayload {
		return nil, errRequestTooLarge.New(msgPayloadTooBig)
	}
	if len(req.Payload) > 0 && !json.Valid(req.Payload) {
		return nil, badPayload(req.Payload)
	}
	if len(req.Payload) == 0 {
		req.Payload = []byte("{}")
	}
	runner := s.getRunner()
	if runner == nil {
		return nil, errService.New(msgNoRunner)
	}
	rec := st.t.version
	if st.t.alias != nil {
		if v := route(st.t.alias); v != rec.Config.Version {
			routed, err := s.routedVersion(ctx, st, v)
			if err != nil {
				return nil, err
			}
			if routed != nil {
				rec = routed
			}
		}
	}
	if err := s.invokableEnv(rec); err != nil {
		return nil, err
	}
	spec := s.cachedSpec(st, rec)
	var async *EventInvokeConfig
	if req.InvocationType == invokeEvent {
		var err error
		if async, err = s.asyncConfig(ctx, st); err != nil {
			return nil, err
		}
	}
	if c := async; c != nil {
		// The queued event carries its qualifier's limits and destinations.
		cp := *spec
		cp.MaxRetryAttempts, cp.MaxEventAgeSeconds = c.MaximumRetryAttempts, c.MaximumEventAgeInSeconds
		if d := c.DestinationConfig; d != nil {
			if d.OnSuccess != nil && d.OnSuccess.Destination != nil {
				cp.OnSuccess = *d.OnSuccess.Destination
			}
			if d.OnFailure != nil && d.OnFailure.Destination != nil {
				cp.OnFailure = *d.OnFailure.Destination
			}
		}
		spec = &cp
	}
	res, err := runner.Run(ctx, spec, req)
	if err != nil {
		if awsErr(err) {
			return nil, err
		}
		return nil, errService.New(msgRunFailed).Wrap(err)
	}
	return &invokeResponse{res: res, version: rec.Config.Version}, nil
}

// routedVersion is the record of version v, which st's alias routes to
// besides its own; nil if it no longer exists.
func (s *Service) routedVersion(ctx context.Context, st *invokeState, v string) (*versionRecord, error) {
	if r, ok := st.routed.Load(v); ok {
		return r.(*versionRecord), nil
	}
	var routed *versionRecord
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		routed, err = s.getVersion(tx, st.ref, v)
		return err
	}); err != nil {
		return nil, err
	}
	if routed != nil {
		st.routed.Store(v, routed)
	}
	return routed, nil
}

// cachedSpec is s.spec for rec, built once per state: runners only read
// a spec, never change it.
func (s *Service) cachedSpec(st *invokeState, rec *versionRecord) *FunctionSpec {
	v := rec.Config.Version
	if sp, ok := st.specs.Load(v); ok {
		return sp.(*FunctionSpec)
	}
	sp := s.spec(st.ref, rec, st.t.fn)
	sp.ReservedConcurrency = st.reserved
	st.specs.Store(v, sp)
	return sp
}

// spec builds the runtime's view of a version.
func (s *Service) spec(ref FunctionRef, rec *versionRecord, fn *functionRow) *FunctionSpec {
	c := &rec.Config
	sp := &FunctionSpec{
		FunctionARN:         ref.ARN(),
		InvokedARN:          ref.QualifiedARN(ref.Qualifier),
		Name:                ref.Name,
		Account:             ref.Account,
		Region:              ref.Region,
		Version:             c.Version,
		RevisionId:          rec.specRev(),
		Runtime:             c.Runtime,
		Handler:             c.Handler,
		CodePath:            s.db.Blobs().Path(rec.CodeBlob),
		CodeSHA256:          c.CodeSha256,
		CodeSize:            c.CodeSize,
		MemoryMB:            c.MemorySize,
		Timeout:             c.Timeout,
		RoleARN:             c.Role,
		ReservedConcurrency: fn.Reserved,
		Architectures:       c.Architectures,
	}
	if c.Environment != nil {
		sp.Environment = c.Environment.Variables
	}
	if c.EphemeralStorage != nil {
		sp.EphemeralStorageMB = c.EphemeralStorage.Size
	}
	if c.LoggingConfig != nil {
		sp.LogGroup, sp.LogFormat = c.LoggingConfig.LogGroup, c.LoggingConfig.LogFormat
	}
	sp.Layers = s.layerSpecs(rec)
	if c.Runtime != "" {
		sp.RuntimeVersion, sp.RuntimeVersionARN = runtimeVersionName(c.Runtime), runtimeVersionARN(ref, c.Runtime)
	}
	if rec.Image != nil {
		sp.ImageURI, sp.CodePath = rec.Image.Resolved, ""
	}
	return sp
}

// layerSpecs are the layers a version runs, as its FunctionSpec names
// them.
func (s *Service) layerSpecs(rec *versionRecord) []LayerSpec {
	var out []LayerSpec
	for i, l := range rec.Config.Layers {
		ls := LayerSpec{ARN: l.Arn, CodeSize: l.CodeSize}
		if i < len(rec.LayerBlobs) {
			ls.Path = s.db.Blobs().Path(rec.LayerBlobs[i])
		}
		out = append(out, ls)
	}
	return out
}

// dryRun is DryRun's answer: 204 and no body.
type dryRun struct{}

func (dryRun) Respond(w http.ResponseWriter, r *protocol.Request) {
	protocol.WriteJSON(w, r, http.StatusNoContent, nil)
}

// invokeResponse writes an invocation's result: the payload as the body
// and the function's headers.
type invokeResponse struct {
	res     *InvokeResult
	version string
}

func (ir *invokeResponse) Respond(w http.ResponseWriter, r *protocol.Request) {
	// Keys in net/http's canonical form, set directly: Header.Set would
	// canonicalize (and allocate) each on every invoke. The wire carries
	// the same bytes either way.
	// One backing array holds the values.
	v := [...]string{r.ID, ir.version, ir.res.FunctionError, ir.res.LogResult, strconv.Itoa(len(ir.res.Payload))}
	vals := v[:]
	h := w.Header()
	h["X-Amzn-Requestid"] = vals[0:1:1]
	// An Event invocation is only queued: AWS names no executed version.
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#test_invocation_type_event[python3.10]
	if ir.res.StatusCode != http.StatusAccepted {
		h["X-Amz-Executed-Version"] = vals[1:2:2]
	}
	if ir.res.FunctionError != "" {
		h["X-Amz-Function-Error"] = vals[2:3:3]
	}
	if ir.res.LogResult != "" {
		h["X-Amz-Log-Result"] = vals[3:4:4]
	}
	status := ir.res.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = vals[4:5:5]
	w.WriteHeader(status)
	w.Write(ir.res.Payload)
}

// jsonContentType is shared by every response (net/http only reads it).
var jsonContentType = []string{"application/json"}

// InvokeAsInput is an invocation made by another part of seki on behalf of
// a principal: S3 event notifications (as s3.amazonaws.com, with
// aws:SourceArn and aws:SourceAccount), function URLs (as the signed caller,
// or anonymous for AuthType NONE, with lambda:FunctionUrlAuthType and
// lambda:InvokedViaFunctionUrl).
type InvokeAsInput struct {
	// RequestID keys the decision log and becomes the invocation's id.
	RequestID string
	// DecisionID, when set, keys the decision log instead: an S3 event is
	// judged under the S3 request that caused it, while each invocation
	// it causes has an id of its own.
	DecisionID string
	// Caller is the principal invoking: for a service,
	// {Type: policy.Service, ARN: "s3.amazonaws.com"}.
	Caller *authz.Caller
	// FunctionARN is the function ARN, qualified or not.
	FunctionARN string
	// Context carries the condition keys (aws:SourceArn, aws:SourceAccount,
	// ...); nil for none.
	Context *policy.Context
	// Payload, InvocationType ("RequestResponse", "Event" or "DryRun"),
	// LogType and ClientContext are as in the Invoke API.
	Payload        []byte
	InvocationType string
	LogType        string
	ClientContext  string
}

// InvokeAsOutput is the result of InvokeAs: nil Result for DryRun.
type InvokeAsOutput struct {
	Result *InvokeResult
	// ExecutedVersion is the version that ran.
	ExecutedVersion string
}

// InvokeAs authorizes lambda:InvokeFunction for in.Caller on the exact ARN
// in in.FunctionARN, with the policy kept for its qualifier, through the
// same door as API calls (service principals are judged by the resource
// policy alone), and then runs the function unless it is a DryRun. Denials
// are AccessDeniedException with AWS's message.
func (s *Service) InvokeAs(ctx context.Context, in *InvokeAsInput) (*InvokeAsOutput, error) {
	// Only full ARNs: there is no request account or region to fill in.
	ref, ok := splitFunctionName(in.FunctionARN, true)
	if !ok || ref.Account == "" || ref.Region == "" {
		return nil, validationError("functionName", in.FunctionARN, patNamespacedName)
	}
	if ref.Partition == "" {
		ref.Partition = "aws"
	}
	st, err := s.resolveInvoke(ctx, ref)
	if err != nil {
		return nil, err
	}
	decisionID := in.DecisionID
	if decisionID == "" {
		decisionID = in.RequestID
	}
	if err := s.authorizeAs(ctx, ref, st, decisionID, in.Caller, "lambda:InvokeFunction", in.Context); err != nil {
		return nil, err
	}
	if st.err != nil {
		return nil, st.err
	}
	typ := in.InvocationType
	if typ == "" {
		typ = invokeSync
	}
	if typ == invokeDryRun {
		return &InvokeAsOutput{}, nil
	}
	resp, err := s.run(ctx, st, &InvokeRequest{
		RequestID: in.RequestID, Payload: in.Payload, InvocationType: typ,
		LogType: in.LogType, ClientContext: in.ClientContext, Caller: in.Caller,
	})
	if err != nil {
		return nil, err
	}
	return &InvokeAsOutput{Result: resp.res, ExecutedVersion: resp.version}, nil
}

// authorizeAs asks the door whether caller may perform action on the exact
// ARN ref names, with the resource policy kept for its qualifier.
func (s *Service) authorizeAs(ctx context.Context, ref FunctionRef, st *invokeState, requestID string, caller *authz.Caller, action string, c *policy.Context) error {
	az := s.getAuthz()
	if az == nil {
		return errService.New(msgNoAuthorizer)
	}
	return az.Authorize(ctx, &authz.Check{
		RequestID:       requestID,
		Caller:          caller,
		Action:          action,
		Resource:        ref.QualifiedARN(ref.Qualifier),
		ResourceAccount: ref.Account,
		ResourcePolicy:  st.policy,
		Context:         c,
		Deny:            AccessDenied,
	})
}

// AuthorizeAs authorizes action (function URLs ask for
// lambda:InvokeFunctionUrl) for caller on functionARN, a full ARN qualified
// or not, with the resource policy kept for its qualifier, through the same
// door as InvokeAs, and logs the decision under requestID. A denial is
// AccessDeniedException; a missing function is ResourceNotFoundException,
// reported only after the decision, as Invoke does.
func (s *Service) AuthorizeAs(ctx context.Context, requestID string, caller *authz.Caller, action, functionARN string, c *policy.Context) error {
	ref, ok := splitFunctionName(functionARN, true)
	if !ok || ref.Account == "" || ref.Region == "" {
		return validationError("functionName", functionARN, patNamespacedName)
	}
	if ref.Partition == "" {
		ref.Partition = "aws"
	}
	st, err := s.resolveInvoke(ctx, ref)
	if err != nil {
		return err
	}
	if err := s.authorizeAs(ctx, ref, st, requestID, caller, action, c); err != nil {
		return err
	}
	return st.err
}

// serviceContext builds the keys a service principal's invocation carries.
func serviceContext(sourceARN, sourceAccount string) *policy.Context {
	c := policy.NewContext(2)
	if sourceARN != "" {
		c.Set("aws:SourceArn", sourceARN)
	}
	if sourceAccount != "" {
		c.Set("aws:SourceAccount", sourceAccount)
	}
	return c
}

var s3Caller = &authz.Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}

// CheckInvoke reports whether s3.amazonaws.com may invoke functionARN for
// the bucket sourceARN owned by sourceAccount, as S3 checks when a bucket
// notification is configured. A missing function is
// ResourceNotFoundException (checked first, as S3 needs to tell it apart);
// a denial is AccessDeniedException. The decision is logged under
// requestID. (S3's Functions interface.)
func (s *Service) CheckInvoke(ctx context.Context, requestID, functionARN, sourceARN, sourceAccount string) error {
	ref, ok := splitFunctionName(functionARN, true)
	if !ok || ref.Account == "" || ref.Region == "" {
		return validationError("functionName", functionARN, patNamespacedName)
	}
	if ref.Partition == "" {
		ref.Partition = "aws"
	}
	st, err := s.resolveInvoke(ctx, ref)
	if err != nil {
		return err
	}
	if st.err != nil {
		return st.err
	}
	_, err = s.InvokeAs(ctx, &InvokeAsInput{RequestID: requestID, Caller: s3Caller, FunctionARN: functionARN,
		Context: serviceContext(sourceARN, sourceAccount), InvocationType: invokeDryRun})
	return err
}

// InvokeAsync queues an Event invocation of functionARN as
// s3.amazonaws.com, authorizing it again with the policy as it stands.
// (S3's Functions interface.)
func (s *Service) InvokeAsync(ctx context.Context, requestID, functionARN, sourceARN, sourceAccount string, payload []byte) error {
	_, err := s.InvokeAs(ctx, &InvokeAsInput{RequestID: requestID, Caller: s3Caller, FunctionARN: functionARN,
		Context: serviceContext(sourceARN, sourceAccount), Payload: payload, InvocationType: invokeEvent})
	return err
}
