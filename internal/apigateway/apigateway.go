// Package apigateway is seki's Amazon API Gateway for HTTP APIs (API
// Gateway v2, REST-JSON as botocore's apigatewayv2 model describes, signed
// as service apigateway): APIs, routes, AWS_PROXY integrations to Lambda
// functions and stages, and the entry point that calls an API.
//
// Management calls pass the one door as AWS's IAM reference describes them:
// the HTTP verb as the action (apigateway:POST, apigateway:GET,
// apigateway:DELETE) on the resource path's ARN,
// arn:aws:apigateway:REGION::/apis/ID/routes.
//
// Calling an API (http://HOST:PORT/_seki/execute-api/API_ID/STAGE/PATH, the
// stage part omitted for $default) passes the route's authorization first
// (authorizer.go): NONE; AWS_IAM, a call SigV4-signed for execute-api whose
// caller the door allows execute-api:Invoke on the route's execute-api ARN;
// or CUSTOM, a Lambda authorizer. Every invocation of the integration's function is
// made by apigateway.amazonaws.com with aws:SourceArn
// arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/ROUTE_PATH and
// aws:SourceAccount, and Lambda judges it by the function's resource policy
// through the door; the decision is logged under the request id the caller
// receives in apigw-requestid, so `seki explain` shows a refused call.
//
// APIs are kept in the store, one JSON document each, and in memory as
// immutable snapshots replaced on every write.
package apigateway

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Functions is Lambda as an API's integrations need it. *lambda.Service
// implements it.
type Functions interface {
	// InvokeAs authorizes lambda:InvokeFunction for the caller and runs
	// the function.
	InvokeAs(ctx context.Context, in *lambda.InvokeAsInput) (*lambda.InvokeAsOutput, error)
}

// Callers authenticates the signed calls of AWS_IAM routes with the
// server's SigV4 verification. *funcurl.Handler implements it.
type Callers interface {
	// Conditions returns the request's global condition keys.
	Conditions(r *http.Request, now time.Time, region string) *policy.Context
	// Authenticate verifies r's signature for service in region, returns
	// its caller and body, and adds the caller's condition keys to keys.
	Authenticate(ctx context.Context, r *http.Request, service, region string, keys *policy.Context) (*authz.Caller, []byte, error)
}

// Options configure a Service.
type Options struct {
	// Authz is the door AWS_IAM routes and Lambda authorizers' answers
	// are judged by; required to serve them.
	Authz *authz.Authorizer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID makes request ids; nil means random UUIDs.
	NewID func() string
	// Functions is Lambda, for AWS_PROXY integrations; nil answers their
	// calls with 500.
	Functions Functions
	// Callers verifies the signatures of AWS_IAM routes' calls; nil
	// answers them with 500.
	Callers Callers
	// Roles assumes the roles REST integrations name as their credentials;
	// nil answers their calls with 500.
	Roles Roles
}

// Service is API Gateway. It is safe for concurrent use.
type Service struct {
	// rest are the REST APIs by id (rest.go); mu guards it.
	rest  map[string]*restAPI
	roles Roles
	db    *store.DB
	now   func() time.Time
	newID func() string

	door  *authz.Authorizer
	cache authCache

	mu      sync.RWMutex
	apis    map[string]*api // by id
	fn      Functions
	callers Callers
	// writeMu serializes read-modify-write of the snapshots.
	writeMu sync.Mutex
}

// api is an immutable snapshot of one HTTP API; writers replace it.
type api struct {
	ID                       string            `json:"id"`
	Account                  string            `json:"account"`
	Region                   string            `json:"region"`
	Name                     string            `json:"name"`
	Description              string            `json:"description,omitempty"`
	ProtocolType             string            `json:"protocolType"`
	RouteSelectionExpression string            `json:"routeSelectionExpression"`
	Created                  time.Time         `json:"created"`
	Routes                   []*route          `json:"routes"`
	Integrations             []*integration    `json:"integrations"`
	Stages                   []*stage          `json:"stages"`
	Authorizers              []*authorizer     `json:"authorizers,omitempty"`
	Tags                     map[string]string `json:"tags,omitempty"`
}

type route struct {
	ID                string `json:"id"`
	Key               string `json:"key"`
	Target            string `json:"target,omitempty"`
	AuthorizationType string `json:"authorizationType"`
	AuthorizerID      string `json:"authorizerId,omitempty"`
	Managed           bool   `json:"managed,omitempty"`

	pattern *routePattern
}

type integration struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	URI                  string `json:"uri"`
	Method               string `json:"method,omitempty"`
	PayloadFormatVersion string `json:"payloadFormatVersion"`
	TimeoutInMillis      int    `json:"timeoutInMillis"`
	Managed              bool   `json:"managed,omitempty"`
}

type stage struct {
	Name       string    `json:"name"`
	AutoDeploy bool      `json:"autoDeploy"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Managed    bool      `json:"managed,omitempty"`
}

// Migrations are API Gateway's tables.
func Migrations() []store.Migration {
	return []store.Migration{{Component: "apigateway", Version: 1, SQL: `
CREATE TABLE apigw_apis (
	id      TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	doc     TEXT NOT NULL
);
`}, restMigrations()[0]}
}

// New returns the service over db (opened with Migrations); Start loads
// the APIs kept there.
func New(db *store.DB, opts Options) *Service {
	s := &Service{db: db, now: opts.Now, newID: opts.NewID, door: opts.Authz, fn: opts.Functions, callers: opts.Callers, apis: map[string]*api{}}
	s.roles, s.rest = opts.Roles, map[string]*restAPI{}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = protocol.NewUUID
	}
	return s
}

// Start loads the APIs.
func (s *Service) Start(ctx context.Context) error {
	err := readDocs(ctx, s.db, "apigw_apis", func(a *api) error {
		if err := a.compile(); err != nil {
			return err
		}
		s.apis[a.ID] = a
		return nil
	})
	if err == nil {
		err = s.loadRest(ctx)
	}
	if err != nil {
		return fmt.Errorf("apigateway: loading APIs: %w", err)
	}
	return nil
}

// Stop has nothing to stop: invocations belong to their requests.
func (s *Service) Stop(ctx context.Context) error { return nil }

// compile parses the route keys of a loaded API.
func (a *api) compile() error {
	for _, r := range a.Routes {
		p, err := parseRouteKey(r.Key)
		if err != nil {
			return err
		}
		r.pattern = p
	}
	for _, au := range a.Authorizers {
		au.functionARN, _ = invokeURIFunction(au.URI)
	}
	return nil
}

// get returns the snapshot of API id.
func (s *Service) get(id string) *api {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.apis[id]
}

// update replaces the caller's API named in r's path by what change makes of a copy of it, in the store
// and then in memory. change may return an error to abandon the update.
func (s *Service) update(ctx context.Context, r *protocol.Request, change func(a *api) error) (*api, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.lookup(r)
	if err != nil {
		return nil, err
	}
	a := *old
	a.Routes = append([]*route(nil), old.Routes...)
	a.Integrations = append([]*integration(nil), old.Integrations...)
	a.Stages = append([]*stage(nil), old.Stages...)
	a.Authorizers = append([]*authorizer(nil), old.Authorizers...)
	if err := change(&a); err != nil {
		return nil, err
	}
	if err := s.put(ctx, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// put stores a and makes it the snapshot; the caller holds writeMu.
func (s *Service) put(ctx context.Context, a *api) error {
	if err := s.writeDoc(ctx, "apigw_apis", a.ID, a.Account, a.Region, a); err != nil {
		return err
	}
	s.mu.Lock()
	s.apis[a.ID] = a
	s.mu.Unlock()
	return nil
}

// idChars are the characters of API Gateway's ids: lower-case letters and
// digits.
const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID makes an id of n characters (10 for APIs, 7 for routes and
// integrations, as AWS's are).
func newID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}
