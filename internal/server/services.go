package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/apigateway"
	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/dynamodb"
	"github.com/seki-dev/seki/internal/ec2"
	"github.com/seki-dev/seki/internal/ecr"
	"github.com/seki-dev/seki/internal/events"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/iam"
	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/kinesis"
	"github.com/seki-dev/seki/internal/kms"
	"github.com/seki-dev/seki/internal/lambda"
	"github.com/seki-dev/seki/internal/logs"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	fnruntime "github.com/seki-dev/seki/internal/runtime"
	"github.com/seki-dev/seki/internal/s3"
	"github.com/seki-dev/seki/internal/sigv4"
	"github.com/seki-dev/seki/internal/sns"
	"github.com/seki-dev/seki/internal/sqs"
	"github.com/seki-dev/seki/internal/store"
	"github.com/seki-dev/seki/internal/sts"
)

// services holds every service and the credential sources they share.
type services struct {
	ids    *identity.Store
	iam    *iam.Service
	sts    *sts.Service
	lambda *lambda.Service
	s3     *s3.Service
	logs   *logs.Service
	sqs    *sqs.Service
	sns    *sns.Service
	events *events.Service
	ecr    *ecr.Service
	urls   *funcurl.Handler
	apigw  *apigateway.Service
	ec2    *ec2.Service
	kms    *kms.Service
	authz  *authz.Authorizer
	keys   keys
	byName map[string]service

	// dynamodb serves DynamoDB and DynamoDB Streams (Lambda's mappings read
	// streams through it).
	dynamodb *dynamodb.Service
	// kinesis serves Kinesis Data Streams; DynamoDB's streaming
	// destinations write to it.
	kinesis *kinesis.Service

	// runtime runs function code (lambda's Runner); see runtimewiring.go.
	runtime *fnruntime.Runtime

	// lifecycle lists the services to start, in order; the first started
	// of them are running.
	lifecycle []lifecycle
	started   int
}

func migrations() []store.Migration {
	var m []store.Migration
	m = append(m, iam.Migrations()...)
	m = append(m, sts.Migrations()...)
	m = append(m, lambda.Migrations()...)
	m = append(m, dynamodb.Migrations()...)
	m = append(m, s3.Migrations()...)
	m = append(m, logs.Migrations()...)
	m = append(m, fnruntime.Migrations()...)
	m = append(m, sqs.Migrations()...)
	m = append(m, lambda.ESMMigrations()...)
	m = append(m, sns.Migrations()...)
	m = append(m, events.Migrations()...)
	m = append(m, apigateway.Migrations()...)
	m = append(m, ec2.Migrations()...)
	m = append(m, ecr.Migrations()...)
	m = append(m, kms.Migrations()...)
	m = append(m, kinesis.Migrations()...)
	return m
}

// build constructs everything in one direction: the store (already open)
// → identities (internal/identity) → the door (authz) → the IAM API → STS
// → the services, each given
// what it depends on in its Options. Nothing starts here: start does that,
// in the order of sv.lifecycle.
func build(ctx context.Context, s *Server) (*services, error) {
	sv := &services{byName: map[string]service{}}
	var err error
	if sv.ids, err = identity.New(s.db, identity.Options{Now: s.cfg.Now}); err != nil {
		return nil, err
	}
	sv.authz = authz.New(sv.ids, s.decisions)
	if sv.iam, err = iam.New(iam.Options{Identity: sv.ids}); err != nil {
		return nil, err
	}
	for _, k := range s.cfg.RootKeys {
		if err := sv.iam.EnsureAccount(ctx, k.Account, k.AccessKeyID, k.Secret); err != nil {
			return nil, err
		}
	}
	sv.sts = sts.New(s.db, stsRoles{sv.ids}, sts.Options{Now: s.cfg.Now, Region: s.cfg.Region, Authz: sv.authz,
		Providers: oidcProviders{ids: sv.ids, keys: s.oidcKeys}, SAML: samlProviders{sv.ids}})
	sv.keys = keys{ids: sv.ids, sts: sv.sts}

	denied := protocol.Dispatcher{Authz: sv.authz, Deny: authz.AccessDenied}
	sv.byName["iam"] = sv.iam.Handler(denied)
	sv.byName["sts"] = sv.sts.Handler(denied)
	if s.code, err = newCodeLinks(s.cfg.DataDir, s.cfg.Now); err != nil {
		return nil, err
	}
	sv.kinesis = kinesis.New(s.db, kinesis.Options{Now: s.cfg.Now})
	sv.byName["kinesis"] = sv.kinesis.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: kinesis.AccessDenied})
	sv.dynamodb = dynamodb.New(s.db, dynamodb.Options{Now: s.cfg.Now, Authz: sv.authz, Kinesis: sv.kinesis})
	sv.byName["dynamodb"] = sv.dynamodb.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: dynamodb.AccessDenied})
	sv.logs = logs.New(s.db, logs.Options{Now: s.cfg.Now, Authz: sv.authz, Callers: sv.sts})
	sv.byName["logs"] = sv.logs.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: logs.AccessDenied})
	sv.sqs = sqs.New(s.db, sqs.Options{Now: s.cfg.Now, Region: s.cfg.Region, Authz: sv.authz, Principals: sv.ids})
	sv.byName["sqs"] = sv.sqs.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: sqs.AccessDenied})
	if sv.runtime, err = newRuntime(s, sv.sts, sv.logs, newDestinations(sv.sqs, sv.sts, s.cfg.Now)); err != nil {
		return nil, err
	}
	// Lambda reads S3 code and S3 invokes Lambda: the one cycle. Lambda
	// gets code first, an adapter that S3 fills in below, before anything
	// starts or serves.
	code := &s3Code{}
	sv.ecr = ecr.New(s.db, ecr.Options{Now: s.cfg.Now, Authz: sv.authz, Principals: sv.ids})
	sv.byName["ecr"] = sv.ecr.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: ecr.AccessDenied})
	var runner lambda.Runner = sv.runtime
	if s.cfg.LambdaRunner != nil {
		runner = s.cfg.LambdaRunner
	}
	sv.ec2 = ec2.New(s.db, ec2.Options{Now: s.cfg.Now, Authz: sv.authz})
	sv.byName["ec2"] = sv.ec2.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: ec2.UnauthorizedOperation})
	sv.kms = kms.New(s.db, kms.Options{Now: s.cfg.Now})
	sv.byName["kms"] = sv.kms.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: kms.AccessDenied})
	sv.lambda = lambda.New(s.db, lambda.Options{Now: s.cfg.Now, URLHost: s.cfg.URLHost, Roles: lambdaRoles{sv.ids}, Authz: sv.authz,
		Links: s.code, Runner: runner, Code: code, Images: ecrImages{sv.ecr}, Queues: newESMQueues(sv.sqs, sv.sts), Streams: newESMStreams(sv.dynamodb, sv.sts), Principals: sv.ids,
		Networks: newLambdaNetworks(sv.ec2, sv.sts), Keys: sv.kms})
	sv.byName["lambda"] = sv.lambda.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: lambda.AccessDenied})
	sv.s3 = s3.New(s.db, s3.Options{Now: s.cfg.Now, Region: s.cfg.Region, Authz: sv.authz, Functions: s3Functions{sv.lambda}, Principals: sv.ids, Keys: sv.kms,
		Roles: newServiceSessions(sv.sts, "s3.amazonaws.com")})
	code.s3 = sv.s3
	sv.byName["s3"] = sv.s3.Handler(denied)
	s.verifier.HostBucket = sv.s3.HostBucket
	sv.sns = sns.New(s.db, sns.Options{Now: s.cfg.Now, Functions: pushFunctions{sv.lambda, servicePrincipal("sns.amazonaws.com")}, Principals: sv.ids})
	sv.byName["sns"] = sv.sns.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: sns.AuthorizationError})
	sv.events = events.New(s.db, events.Options{Now: s.cfg.Now, Functions: pushFunctions{sv.lambda, servicePrincipal("events.amazonaws.com")}, Principals: sv.ids})
	sv.byName["events"] = sv.events.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: events.AccessDenied})
	sv.urls = funcurl.New(funcurl.Options{
		Functions: sv.lambda, Verifier: s.verifier, Keys: sv.keys, Now: s.cfg.Now, NewID: protocol.NewUUID,
		Identify: func(ctx context.Context, id string, c *policy.Context) (*authz.Caller, error) {
			return sv.identify(ctx, "lambda", id, c)
		},
		Context: func(hr *http.Request, now time.Time, region string) *policy.Context {
			return requestContext(&protocol.Request{HTTP: hr, Now: now, Region: region})
		},
	})
	// AWS_IAM routes of HTTP APIs are verified as AWS_IAM function URLs are.
	sv.apigw = apigateway.New(s.db, apigateway.Options{Now: s.cfg.Now, Authz: sv.authz, Functions: sv.lambda, Callers: sv.urls,
		Roles: newServiceSessions(sv.sts, "apigateway.amazonaws.com")})
	sv.byName["apigateway"] = sv.apigw.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: apigateway.AccessDenied})
	// The start order: each after what it delivers to. Logs stores what
	// the runtime ships; the runtime runs what Lambda's pollers and the
	// push sources (S3, SNS, EventBridge schedules) invoke.
	sv.lifecycle = []lifecycle{
		{"kms", sv.kms}, {"logs", sv.logs}, {"ecr", sv.ecr}, {"runtime", sv.runtime}, {"sqs", sv.sqs}, {"lambda", sv.lambda},
		{"s3", sv.s3}, {"sns", sv.sns}, {"events", sv.events}, {"apigateway", sv.apigw},
	}
	return sv, nil
}

// lifecycle is a service that has state to load or work to run in the
// background: Start begins it, Stop ends it (waiting for it).
type lifecycle struct {
	name string
	svc  interface {
		Start(ctx context.Context) error
		Stop(ctx context.Context) error
	}
}

// start starts the services in order. When one fails, the ones already
// started are stopped, in reverse order, and its error is returned.
func (sv *services) start(ctx context.Context) error {
	for i, l := range sv.lifecycle {
		if err := l.svc.Start(ctx); err != nil {
			sv.started = i
			sv.stop(ctx)
			return fmt.Errorf("starting %s: %w", l.name, err)
		}
	}
	sv.started = len(sv.lifecycle)
	return nil
}

// stop stops the started services in reverse order: a service stops
// before what it delivers to, so that its last deliveries land.
func (sv *services) stop(ctx context.Context) error {
	var first error
	for i := sv.started - 1; i >= 0; i-- {
		if err := sv.lifecycle[i].svc.Stop(ctx); err != nil && first == nil {
			first = fmt.Errorf("stopping %s: %w", sv.lifecycle[i].name, err)
		}
	}
	sv.started = 0
	return first
}

// keys resolves access keys for SigV4: temporary (ASIA) keys from STS,
// long-term and root keys from IAM.
type keys struct {
	ids *identity.Store
	sts *sts.Service
}

func (k keys) Key(id string) (sigv4.Key, bool) {
	if strings.HasPrefix(id, "ASIA") {
		return k.sts.Key(id)
	}
	return k.ids.Key(id)
}

// identify resolves the caller behind a verified access key, and adds the
// condition keys its credentials carry to c.
func (sv *services) identify(ctx context.Context, service, id string, c *policy.Context) (*authz.Caller, error) {
	if !strings.HasPrefix(id, "ASIA") {
		return sv.ids.Caller(ctx, id)
	}
	caller, err := sv.sts.Caller(ctx, id)
	if err != nil {
		return nil, err
	}
	if sess, ok := sv.sts.Session(ctx, id); ok {
		// Neither GetSessionToken's credentials (without MFA) nor a
		// federated user's may call IAM (STS API Reference).
		if (sess.Kind == sts.KindSessionToken || sess.Kind == sts.KindFederation) && service == "iam" {
			return nil, errSessionTokenForIAM.New(msgSessionTokenForIAM)
		}
		c.Set("aws:TokenIssueTime", sess.Issued.UTC().Format("2006-01-02T15:04:05Z"))
		if sess.SourceIdentity != "" {
			c.Set("aws:SourceIdentity", sess.SourceIdentity)
		}
	}
	return caller, nil
}

// lambdaRoles is IAM as Lambda sees it: execution roles and their trust
// policies. A malformed or missing role is simply not there.
type lambdaRoles struct{ ids *identity.Store }

func (a lambdaRoles) RoleByARN(ctx context.Context, arn string) (lambda.Role, bool, error) {
	r, err := a.ids.RoleByARN(ctx, arn)
	var e *awserr.Error
	if errors.As(err, &e) && e.Status < 500 {
		return lambda.Role{}, false, nil
	}
	if err != nil {
		return lambda.Role{}, false, err
	}
	return lambda.Role{ARN: r.ARN, Account: r.Account, Trust: r.Trust}, true, nil
}

// Operations lists every operation of every service, by the service's
// signing name. A service whose endpoint cannot list its operations is
// listed with none, so that a test walking them notices.
func (s *Server) Operations() map[string][]*protocol.Op {
	out := make(map[string][]*protocol.Op, len(s.svc.byName))
	for name, svc := range s.svc.byName {
		if l, ok := svc.(protocol.Lister); ok {
			out[name] = l.Operations()
		} else {
			out[name] = nil
		}
		// DynamoDB Streams shares DynamoDB's signing name; its operations
		// are listed apart, as SDKs make it a client of its own.
		if x, ok := svc.(interface{ Streams() *protocol.JSON }); ok {
			out[name+"streams"] = x.Streams().Operations()
		}
	}
	return out
}
