// Package lambda is seki's Lambda control plane: functions, versions,
// aliases, layers, function URLs, tags, concurrency and the resource-based
// policies that say who may invoke, over Lambda's REST-JSON API
// (2015-03-31 and its later path dates).
//
// Every operation is authorized through the one door with its own action and
// resource (the function's ARN, qualified when the request names a version or
// alias), passing the resource policy kept for that exact qualifier, so that
// cross-account callers can do exactly what the policy grants them. Invoke
// with InvocationType=DryRun is the permission check alone; other invocation
// types hand a self-contained FunctionSpec to a Runner (internal/runtime),
// which the server wires in.
//
// Lambda does not import other services. It declares what it needs from
// them: Roles (IAM's roles and their trust policies), Runner (the runtime)
// and Code (S3 objects for S3Bucket/S3Key code).
package lambda

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Role is what Lambda needs to know about an execution role.
type Role struct {
	// ARN is the role's ARN including its path.
	ARN     string
	Account string
	// Trust is the role's trust policy (Kind Trust).
	Trust *policy.Policy
}

// Roles looks up IAM roles. The server adapts IAM to it.
type Roles interface {
	// RoleByARN returns the role named by arn, or ok=false when there is
	// none; err is for failures, not for a missing role.
	RoleByARN(ctx context.Context, arn string) (role Role, ok bool, err error)
}

// Code reads deployment packages from S3 for CreateFunction,
// UpdateFunctionCode and PublishLayerVersion with S3Bucket/S3Key. The S3
// service implements it; caller is the principal making the Lambda call, so
// S3 can apply its own permission checks (AWS reads the object as the
// caller). version is "" for the current version. Errors should be
// *awserr.Error values that Lambda can pass on.
type Code interface {
	Object(ctx context.Context, caller *authz.Caller, bucket, key, version string) (io.ReadCloser, error)
}

// Options configure a Service.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Roles resolves execution roles. Nil means every role is missing, so
	// CreateFunction fails with InvalidParameterValueException.
	Roles Roles
	// Runner runs function code. Nil means only DryRun invocations work.
	Runner Runner
	// Code reads S3 deployment packages. Nil means only ZipFile works.
	Code Code
	// Images resolves the ECR images of PackageType Image functions
	// (image.go). Nil refuses them.
	Images Images
	// Queues reads SQS for event source mappings. Nil means mappings are
	// stored but never poll.
	Queues Queues
	// Streams reads DynamoDB Streams for event source mappings. Nil means
	// stream mappings cannot be created.
	Streams Streams
	// Principals binds the users and roles function policies name to
	// their unique ids (IAM); nil keeps policies as written.
	Principals authz.Principals
	// Networks is EC2, for VpcConfig (vpcconfig.go); nil refuses one.
	Networks Networks
	// Keys is KMS, for KMSKeyArn (envkms.go); nil keeps variables as
	// given.
	Keys Keys
	// Authz is the door used for checks made outside an HTTP request
	// (InvokeAs, CheckInvoke, event source mappings); nil refuses them.
	// Requests are authorized by the Dispatcher given to Handler.
	Authz protocol.Authorizer
	// URLHost is the domain of the function URLs the API returns; "" means
	// localhost, URLPathForm the path form (see urlFor).
	URLHost string
	// Links makes the download URLs of stored packages (GetFunction's
	// Code.Location, a layer version's Content.Location). Nil leaves
	// Location out.
	Links Links
}

// Links makes download URLs for packages kept in the blob store. AWS
// answers a presigned S3 URL valid for ten minutes; the server implements
// it with a URL of its own endpoint, presigned with a secret of its own
// (server/codewiring.go), so that the URL works without credentials until
// it expires and names nothing but that one package.
type Links interface {
	// Link returns the URL of blob for a client that called r, in region.
	Link(r *http.Request, region, blob string) string
}

// URLPathForm as Options.URLHost returns function URLs in the path form.
const URLPathForm = "path"

// Service is the Lambda service. It is safe for concurrent use.
type Service struct {
	db   *store.DB
	now  func() time.Time
	opts Options

	// codeMu orders storing packages against removing them: a package is
	// stored once per account and content (putCode), so a create or
	// update may reuse a blob that a delete is about to find unreferenced.
	// They hold it shared from finding (or writing) the blob to the commit
	// that refers to it; gcBlobs holds it exclusively.
	codeMu sync.RWMutex

	// authz is Options.Authz: the door for checks outside a request.
	authz protocol.Authorizer

	// policies caches compiled resource policies by their text, so a hot
	// Invoke parses a policy once. Entries are checked against the stored
	// text on every use, so they are never stale.
	policies sync.Map // string key → *cachedPolicy

	// gen counts finished writes. Invoke targets are cached with the gen
	// read before they were loaded and used only while it is unchanged, so
	// any write (all of Lambda's go through write) invalidates them.
	gen     atomic.Uint64
	targets sync.Map // string key → *cachedTarget

	// esm runs the event source mappings' pollers (esm.go).
	esm esms

	// collect runs the runner's code collection (codegc.go).
	collect collection
	// prov runs provisioned concurrency's initializations (provisioninit.go).
	prov provisioning

	// pending holds the unqualified ARNs of functions created and not yet
	// Active (their code is being prepared): see pending.go.
	pending sync.Map // string → *struct{}
}

type cachedTarget struct {
	gen uint64
	st  *invokeState
}

// write runs fn in a store write transaction and then invalidates the
// invoke cache.
func (s *Service) write(ctx context.Context, fn func(tx *store.Tx) error) error {
	defer s.gen.Add(1)
	return s.db.Write(ctx, fn)
}

type cachedPolicy struct {
	doc string
	p   *policy.Policy
}

// New returns the Lambda service keeping its state in db (opened with
// Migrations) and its code in db's blobs.
func New(db *store.DB, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{db: db, now: now, opts: opts, authz: opts.Authz}
	if r, ok := opts.Runner.(Refresher); ok {
		r.UseCurrent(s.CurrentSpec)
	}
	return s
}

// Start settles every stored event source mapping and starts the pollers
// of the enabled ones (StartMappings), which Stop stops, initializes the
// provisioned concurrency a previous run left initializing, and lets the
// runner collect what a previous run prepared for code deleted since.
func (s *Service) Start(ctx context.Context) error {
	if err := s.StartMappings(ctx); err != nil {
		return err
	}
	if err := s.resumeProvisioning(ctx); err != nil {
		return err
	}
	s.collectCode()
	return nil
}

// Stop stops the event source mappings' pollers, letting in-flight batches
// finish.
func (s *Service) Stop(ctx context.Context) error {
	s.StopMappings()
	s.prov.stop()
	// The runner's code collection ends before the runner stops.
	s.collect.wg.Wait()
	return nil
}

func (s *Service) getRunner() Runner { return s.opts.Runner }

// link returns blob's download URL, or "" without Links.
func (s *Service) link(r *protocol.Request, region, blob string) string {
	if s.opts.Links == nil || blob == "" {
		return ""
	}
	return s.opts.Links.Link(r.HTTP, region, blob)
}

func (s *Service) getCode() Code { return s.opts.Code }

func (s *Service) getAuthz() protocol.Authorizer { return s.authz }

// Handler is Lambda's endpoint on the server.
type Handler struct {
	main  protocol.RESTJSON
	byARN protocol.RESTJSON
}

// Operations lists every Lambda operation.
func (h *Handler) Operations() []*protocol.Op {
	return append(h.main.Operations(), h.byARN.Operations()...)
}

// ServeAWS answers one Lambda call. GetLayerVersionByArn shares ListLayers'
// path and is told apart by its find=LayerVersion query, so it has its own
// route table; so has ListProvisionedConcurrencyConfigs (List=ALL), which
// shares GetProvisionedConcurrencyConfig's.
func (h *Handler) ServeAWS(w http.ResponseWriter, r *protocol.Request) {
	if r.HTTP.Method == http.MethodGet && strings.TrimSuffix(r.HTTP.URL.Path, "/") == "/2018-10-31/layers" &&
		r.HTTP.URL.Query().Get("find") == "LayerVersion" {
		h.byARN.ServeAWS(w, r)
		return
	}
	if r.HTTP.Method == http.MethodGet && strings.HasSuffix(strings.TrimSuffix(r.HTTP.URL.Path, "/"), "/provisioned-concurrency") &&
		r.HTTP.URL.Query().Get("List") == "ALL" {
		h.byARN.ServeAWS(w, r)
		return
	}
	h.main.ServeAWS(w, r)
}

// WriteError answers err in Lambda's error shape.
func (h *Handler) WriteError(w http.ResponseWriter, r *protocol.Request, err error) {
	protocol.WriteRESTJSONError(w, r, err)
}

// Handler returns the Lambda endpoint, dispatching through d (whose Deny
// should be AccessDenied).
func (s *Service) Handler(d protocol.Dispatcher) *Handler {
	const (
		fn   = "/2015-03-31/functions/{FunctionName}"
		lyr  = "/2018-10-31/layers/{LayerName}/versions"
		lyrV = lyr + "/{VersionNumber}"
		eic  = "/2019-09-25/functions/{FunctionName}/event-invoke-config"
		pc   = "/2019-09-30/functions/{FunctionName}/provisioned-concurrency"
		csc  = "/2020-04-22/code-signing-configs"
		fcsc = "/2020-06-30/functions/{FunctionName}/code-signing-config"
	)
	routes := []protocol.Route{
		// Functions
		{Method: "POST", Path: "/2015-03-31/functions", Status: 201, Op: op("CreateFunction", "lambda:CreateFunction", decodeCreateFunction, s.createFunctionTarget, s.createFunction)},
		{Method: "GET", Path: "/2015-03-31/functions", Op: op("ListFunctions", "lambda:ListFunctions", noInput, nil, s.listFunctions)},
		{Method: "GET", Path: fn, Op: op("GetFunction", "lambda:GetFunction", namespacedFunction, s.functionTarget, s.getFunction)},
		{Method: "GET", Path: fn + "/configuration", Op: op("GetFunctionConfiguration", "lambda:GetFunctionConfiguration", namespacedFunction, s.functionTarget, s.getFunctionConfiguration)},
		{Method: "PUT", Path: fn + "/configuration", Op: op("UpdateFunctionConfiguration", "lambda:UpdateFunctionConfiguration", decodeUpdateConfiguration, s.updateConfigurationTarget, s.updateFunctionConfiguration)},
		{Method: "PUT", Path: fn + "/code", Op: op("UpdateFunctionCode", "lambda:UpdateFunctionCode", plainFunction, s.functionTarget, s.updateFunctionCode)},
		{Method: "DELETE", Path: fn, Status: 204, Op: op("DeleteFunction", "lambda:DeleteFunction", namespacedFunction, s.functionTarget, s.deleteFunction)},
		// Versions
		{Method: "POST", Path: fn + "/versions", Status: 201, Op: op("PublishVersion", "lambda:PublishVersion", plainFunction, s.functionTarget, s.publishVersion)},
		{Method: "GET", Path: fn + "/versions", Op: op("ListVersionsByFunction", "lambda:ListVersionsByFunction", namespacedFunction, s.functionTarget, s.listVersions)},
		// Aliases
		{Method: "POST", Path: fn + "/aliases", Status: 201, Op: op("CreateAlias", "lambda:CreateAlias", plainFunction, s.functionTarget, s.createAlias)},
		{Method: "GET", Path: fn + "/aliases", Op: op("ListAliases", "lambda:ListAliases", plainFunction, s.functionTarget, s.listAliases)},
		{Method: "GET", Path: fn + "/aliases/{Name}", Op: op("GetAlias", "lambda:GetAlias", plainFunction, s.functionTarget, s.getAlias)},
		{Method: "PUT", Path: fn + "/aliases/{Name}", Op: op("UpdateAlias", "lambda:UpdateAlias", plainFunction, s.functionTarget, s.updateAlias)},
		{Method: "DELETE", Path: fn + "/aliases/{Name}", Status: 204, Op: op("DeleteAlias", "lambda:DeleteAlias", plainFunction, s.functionTarget, s.deleteAlias)},
		// Permissions
		{Method: "POST", Path: fn + "/policy", Status: 201, Op: op("AddPermission", "lambda:AddPermission", decodeAddPermission, s.addPermissionTarget, s.addPermission)},
		{Method: "GET", Path: fn + "/policy", Op: op("GetPolicy", "lambda:GetPolicy", namespacedFunction, s.functionTarget, s.getPolicy)},
		{Method: "DELETE", Path: fn + "/policy/{StatementId}", Status: 204, Op: op("RemovePermission", "lambda:RemovePermission", namespacedFunction, s.removePermissionTarget, s.removePermission)},
		// Invoke
		{Method: "POST", Path: fn + "/invocations", Op: op("Invoke", "lambda:InvokeFunction", s.decodeInvoke, invokeTarget, s.invoke)},
		// Function URLs
		{Method: "POST", Path: "/2021-10-31/functions/{FunctionName}/url", Status: 201, Op: op("CreateFunctionUrlConfig", "lambda:CreateFunctionUrlConfig", decodeURLBody, s.urlBodyTarget, s.createURL)},
		{Method: "GET", Path: "/2021-10-31/functions/{FunctionName}/url", Op: op("GetFunctionUrlConfig", "lambda:GetFunctionUrlConfig", decodeURLFunction, s.urlTarget, s.getURL)},
		{Method: "PUT", Path: "/2021-10-31/functions/{FunctionName}/url", Op: op("UpdateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig", decodeURLBody, s.urlBodyTarget, s.updateURL)},
		{Method: "DELETE", Path: "/2021-10-31/functions/{FunctionName}/url", Status: 204, Op: op("DeleteFunctionUrlConfig", "lambda:DeleteFunctionUrlConfig", decodeURLFunction, s.urlTarget, s.deleteURL)},
		{Method: "GET", Path: "/2021-10-31/functions/{FunctionName}/urls", Op: op("ListFunctionUrlConfigs", "lambda:ListFunctionUrlConfigs", plainFunction, s.functionTarget, s.listURLs)},
		// Tags
		{Method: "POST", Path: "/2017-03-31/tags/{Resource}", Status: 204, Op: op("TagResource", "lambda:TagResource", decodeTagged, s.tagsTarget, s.tagResource)},
		{Method: "DELETE", Path: "/2017-03-31/tags/{Resource}", Status: 204, Op: op("UntagResource", "lambda:UntagResource", decodeTagged, s.tagsTarget, s.untagResource)},
		{Method: "GET", Path: "/2017-03-31/tags/{Resource}", Op: op("ListTags", "lambda:ListTags", decodeTagged, s.tagsTarget, s.listTags)},
		// Concurrency
		{Method: "PUT", Path: "/2017-10-31/functions/{FunctionName}/concurrency", Op: op("PutFunctionConcurrency", "lambda:PutFunctionConcurrency", unqualifiedFunction, s.functionTarget, s.putConcurrency)},
		{Method: "GET", Path: "/2019-09-30/functions/{FunctionName}/concurrency", Op: op("GetFunctionConcurrency", "lambda:GetFunctionConcurrency", unqualifiedFunction, s.functionTarget, s.getConcurrency)},
		{Method: "DELETE", Path: "/2017-10-31/functions/{FunctionName}/concurrency", Status: 204, Op: op("DeleteFunctionConcurrency", "lambda:DeleteFunctionConcurrency", unqualifiedFunction, s.functionTarget, s.deleteConcurrency)},
		// Recursive loop detection (recursion.go)
		{Method: "GET", Path: "/2024-08-31/functions/{FunctionName}/recursion-config", Op: op("GetFunctionRecursionConfig", "lambda:GetFunctionRecursionConfig", decodeRecursion(false), s.recursionTarget, s.getRecursion)},
		{Method: "PUT", Path: "/2024-08-31/functions/{FunctionName}/recursion-config", Op: op("PutFunctionRecursionConfig", "lambda:PutFunctionRecursionConfig", decodeRecursion(true), s.recursionTarget, s.putRecursion)},
		{Method: "GET", Path: "/2016-08-19/account-settings", Op: op("GetAccountSettings", "lambda:GetAccountSettings", noInput, nil, s.getAccountSettings)},
		// Layers
		{Method: "GET", Path: "/2018-10-31/layers", Op: op("ListLayers", "lambda:ListLayers", noInput, nil, s.listLayers)},
		{Method: "POST", Path: lyr, Status: 201, Op: op("PublishLayerVersion", "lambda:PublishLayerVersion", decodeLayer, layerTarget, s.publishLayerVersion)},
		{Method: "GET", Path: lyr, Op: op("ListLayerVersions", "lambda:ListLayerVersions", decodeLayer, layerTarget, s.listLayerVersions)},
		{Method: "GET", Path: lyrV, Op: op("GetLayerVersion", "lambda:GetLayerVersion", decodeLayerVersion, s.layerVersionTarget, s.getLayerVersion)},
		{Method: "DELETE", Path: lyrV, Status: 204, Op: op("DeleteLayerVersion", "lambda:DeleteLayerVersion", decodeLayerVersion, s.layerVersionTarget, s.deleteLayerVersion)},
		{Method: "POST", Path: lyrV + "/policy", Status: 201, Op: op("AddLayerVersionPermission", "lambda:AddLayerVersionPermission", decodeLayerVersion, s.layerVersionTarget, s.addLayerVersionPermission)},
		{Method: "GET", Path: lyrV + "/policy", Op: op("GetLayerVersionPolicy", "lambda:GetLayerVersionPolicy", decodeLayerVersion, s.layerVersionTarget, s.getLayerVersionPolicy)},
		{Method: "DELETE", Path: lyrV + "/policy/{StatementId}", Status: 204, Op: op("RemoveLayerVersionPermission", "lambda:RemoveLayerVersionPermission", decodeLayerVersion, s.layerVersionTarget, s.removeLayerVersionPermission)},
		// Event invoke configs (eventinvoke.go)
		{Method: "PUT", Path: eic, Op: op("PutFunctionEventInvokeConfig", "lambda:PutFunctionEventInvokeConfig", decodeEventInvoke, s.eventInvokeBodyTarget, s.putEventInvoke)},
		{Method: "POST", Path: eic, Op: op("UpdateFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", decodeEventInvoke, s.eventInvokeBodyTarget, s.updateEventInvoke)},
		{Method: "GET", Path: eic, Op: op("GetFunctionEventInvokeConfig", "lambda:GetFunctionEventInvokeConfig", namespacedFunction, s.functionTarget, s.getEventInvoke)},
		{Method: "DELETE", Path: eic, Status: 204, Op: op("DeleteFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig", namespacedFunction, s.functionTarget, s.deleteEventInvoke)},
		{Method: "GET", Path: eic + "/list", Op: op("ListFunctionEventInvokeConfigs", "lambda:ListFunctionEventInvokeConfigs", unqualifiedNamespaced, s.functionTarget, s.listEventInvoke)},
		// Provisioned concurrency (provisioned.go; List is told apart by its query, in byQuery)
		{Method: "PUT", Path: pc, Status: 202, Op: op("PutProvisionedConcurrencyConfig", "lambda:PutProvisionedConcurrencyConfig", decodePutProvisioned, s.provisionedBodyTarget, s.putProvisioned)},
		{Method: "GET", Path: pc, Op: op("GetProvisionedConcurrencyConfig", "lambda:GetProvisionedConcurrencyConfig", decodeProvisioned, s.functionTarget, s.getProvisionedConfig)},
		{Method: "DELETE", Path: pc, Status: 204, Op: op("DeleteProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig", decodeProvisioned, s.functionTarget, s.deleteProvisioned)},
		// Code signing configs (codesigning.go)
		{Method: "POST", Path: csc, Status: 201, Op: op("CreateCodeSigningConfig", "lambda:CreateCodeSigningConfig", decodeCreateCSC, nil, s.createCSC)},
		{Method: "GET", Path: csc, Op: op("ListCodeSigningConfigs", "lambda:ListCodeSigningConfigs", noInput, nil, s.listCSCs)},
		{Method: "GET", Path: csc + "/{CodeSigningConfigArn}", Op: op("GetCodeSigningConfig", "lambda:GetCodeSigningConfig", decodeCSCRef, s.cscTarget, s.getCSCConfig)},
		{Method: "PUT", Path: csc + "/{CodeSigningConfigArn}", Op: op("UpdateCodeSigningConfig", "lambda:UpdateCodeSigningConfig", decodeCSCBody, s.cscBodyTarget, s.updateCSC)},
		{Method: "DELETE", Path: csc + "/{CodeSigningConfigArn}", Status: 204, Op: op("DeleteCodeSigningConfig", "lambda:DeleteCodeSigningConfig", decodeCSCRef, s.cscTarget, s.deleteCSC)},
		{Method: "GET", Path: csc + "/{CodeSigningConfigArn}/functions", Op: op("ListFunctionsByCodeSigningConfig", "lambda:ListFunctionsByCodeSigningConfig", decodeCSCRef, s.cscTarget, s.listFunctionsByCSC)},
		{Method: "PUT", Path: fcsc, Op: op("PutFunctionCodeSigningConfig", "lambda:PutFunctionCodeSigningConfig", decodePutFunctionCSC, s.putFunctionCSCTarget, s.putFunctionCSC)},
		{Method: "GET", Path: fcsc, Op: op("GetFunctionCodeSigningConfig", "lambda:GetFunctionCodeSigningConfig", unqualifiedNamespaced, s.functionTarget, s.getFunctionCSC)},
		{Method: "DELETE", Path: fcsc, Status: 204, Op: op("DeleteFunctionCodeSigningConfig", "lambda:DeleteFunctionCodeSigningConfig", unqualifiedNamespaced, s.functionTarget, s.deleteFunctionCSC)},
		// Event source mappings (esm.go)
		{Method: "POST", Path: "/2015-03-31/event-source-mappings", Status: 202, Op: op("CreateEventSourceMapping", "lambda:CreateEventSourceMapping", decodeESM(false), createESMTarget, s.createESM)},
		{Method: "GET", Path: "/2015-03-31/event-source-mappings", Op: op("ListEventSourceMappings", "lambda:ListEventSourceMappings", noInput, nil, s.listESMs)},
		{Method: "GET", Path: "/2015-03-31/event-source-mappings/{UUID}", Op: op("GetEventSourceMapping", "lambda:GetEventSourceMapping", decodeESMID, s.esmTarget, s.getESM)},
		{Method: "PUT", Path: "/2015-03-31/event-source-mappings/{UUID}", Status: 202, Op: op("UpdateEventSourceMapping", "lambda:UpdateEventSourceMapping", decodeESM(true), s.esmTarget, s.updateESM)},
		{Method: "DELETE", Path: "/2015-03-31/event-source-mappings/{UUID}", Status: 202, Op: op("DeleteEventSourceMapping", "lambda:DeleteEventSourceMapping", decodeESMID, s.esmTarget, s.deleteESM)},
	}
	return &Handler{
		main: protocol.RESTJSON{Dispatcher: d, Routes: routes, NotFound: errUnknownOperation},
		byARN: protocol.RESTJSON{Dispatcher: d, NotFound: errUnknownOperation, Routes: []protocol.Route{
			{Method: "GET", Path: "/2018-10-31/layers", Op: op("GetLayerVersionByArn", "lambda:GetLayerVersion", decodeLayerByARN, s.layerVersionTarget, s.getLayerVersion)},
			{Method: "GET", Path: pc, Op: op("ListProvisionedConcurrencyConfigs", "lambda:ListProvisionedConcurrencyConfigs", unqualifiedFunction, s.functionTarget, s.listProvisionedConfigs)},
		}},
	}
}

// setKey adds a condition key to the request's context.
func setKey(r *protocol.Request, key string, values ...string) {
	if r.Context == nil {
		r.Context = policy.NewContext(4)
	}
	r.Context.Set(key, values...)
}

// randomID returns n random lower-case letters and digits.
func randomID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
