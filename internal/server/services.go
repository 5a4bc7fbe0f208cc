package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/apigateway"
	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/dynamodb"
	"github.com/seki-dev/seki/internal/events"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/iam"
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
	iam    *iam.Service
	sts    *sts.Service
	lambda *lambda.Service
	s3     *s3.Service
	logs   *logs.Service
	sqs    *sqs.Service
	sns    *sns.Service
	events *events.Service
	urls   *funcurl.Handler
	apigw  *apigateway.Service
	authz  *authz.Authorizer
	keys   keys
	byName map[string]service

	// runtime runs function code (lambda's Runner); see runtimewiring.go.
	runtime *fnruntime.Runtime
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
	return m
}

func build(ctx context.Context, s *Server) (*services, error) {
	sv := &services{byName: map[string]service{}}
	var err error
	if sv.iam, err = iam.New(s.db, iam.Options{Now: s.cfg.Now}); err != nil {
		return nil, err
	}
	for _, k := range s.cfg.RootKeys {
		if err := sv.iam.EnsureAccount(ctx, k.Account, k.AccessKeyID, k.Secret); err != nil {
			return nil, err
		}
	}
	sv.authz = authz.New(sv.iam, s.decisions)
	sv.sts = sts.New(s.db, stsRoles{sv.iam}, sts.Options{Now: s.cfg.Now, Region: s.cfg.Region, Authz: sv.authz,
		Providers: oidcProviders{iam: sv.iam, keys: s.oidcKeys}, SAML: samlProviders{sv.iam}})
	sv.keys = keys{iam: sv.iam, sts: sv.sts}

	denied := protocol.Dispatcher{Authz: sv.authz, Deny: authz.AccessDenied}
	sv.byName["iam"] = sv.iam.Handler(denied)
	sv.byName["sts"] = sv.sts.Handler(denied)
	if s.code, err = newCodeLinks(s.cfg.DataDir, s.cfg.Now); err != nil {
		return nil, err
	}
	sv.lambda = lambda.New(s.db, lambda.Options{Now: s.cfg.Now, URLHost: s.cfg.URLHost, Roles: lambdaRoles{sv.iam}, Authz: sv.authz, Links: s.code})
	sv.byName["lambda"] = sv.lambda.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: lambda.AccessDenied})
	sv.byName["dynamodb"] = dynamodb.New(s.db, dynamodb.Options{Now: s.cfg.Now}).Handler(protocol.Dispatcher{Authz: sv.authz, Deny: dynamodb.AccessDenied})
	if sv.s3, err = s3.New(ctx, s.db, s3.Options{Now: s.cfg.Now, Region: s.cfg.Region, Authz: sv.authz}); err != nil {
		return nil, err
	}
	sv.byName["s3"] = sv.s3.Handler(denied)
	s.verifier.HostBucket = sv.s3.HostBucket
	sv.logs = logs.New(s.db, logs.Options{Now: s.cfg.Now, Authz: sv.authz, Callers: sv.sts})
	sv.byName["logs"] = sv.logs.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: logs.AccessDenied})
	if sv.sqs, err = sqs.New(ctx, s.db, sqs.Options{Now: s.cfg.Now, Region: s.cfg.Region, Authz: sv.authz}); err != nil {
		return nil, err
	}
	sv.byName["sqs"] = sv.sqs.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: sqs.AccessDenied})
	sv.lambda.SetQueues(newESMQueues(sv.sqs, sv.sts))
	sv.s3.SetFunctions(s3Functions{sv.lambda})
	if sv.sns, err = sns.New(ctx, s.db, sns.Options{Now: s.cfg.Now}); err != nil {
		return nil, err
	}
	sv.byName["sns"] = sv.sns.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: sns.AuthorizationError})
	sv.sns.SetFunctions(pushFunctions{sv.lambda, servicePrincipal("sns.amazonaws.com")})
	if sv.events, err = events.New(ctx, s.db, events.Options{Now: s.cfg.Now}); err != nil {
		return nil, err
	}
	sv.byName["events"] = sv.events.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: events.AccessDenied})
	sv.events.SetFunctions(pushFunctions{sv.lambda, servicePrincipal("events.amazonaws.com")})
	if sv.apigw, err = apigateway.New(ctx, s.db, apigateway.Options{Now: s.cfg.Now, Authz: sv.authz}); err != nil {
		return nil, err
	}
	sv.byName["apigateway"] = sv.apigw.Handler(protocol.Dispatcher{Authz: sv.authz, Deny: apigateway.AccessDenied})
	sv.apigw.SetFunctions(sv.lambda)
	sv.lambda.SetCode(sv.s3)
	if sv.runtime, err = newRuntime(s, sv); err != nil {
		return nil, err
	}
	sv.runtime.SetLogSink(logSink{sv.logs})
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
	sv.apigw.SetCallers(sv.urls)
	return sv, nil
}

// SetLambdaRunner replaces what runs function code; end-to-end tests use it
// to stand in for the runtime.
func (s *Server) SetLambdaRunner(r lambda.Runner) { s.svc.lambda.SetRunner(r) }

func (sv *services) close() {
	if sv.events != nil {
		// First: its scheduled deliveries go to the runtime's queue.
		sv.events.Close()
	}
	if sv.lambda != nil {
		// Pollers first: their last batches still invoke the runtime.
		sv.lambda.StopMappings()
	}
	if sv.runtime != nil {
		sv.runtime.Close()
	}
	if sv.s3 != nil {
		sv.s3.Close()
	}
	if sv.logs != nil {
		// After the runtime: its last deliveries are stored before the
		// store closes.
		sv.logs.Close()
	}
}

// keys resolves access keys for SigV4: temporary (ASIA) keys from STS,
// long-term and root keys from IAM.
type keys struct {
	iam *iam.Service
	sts *sts.Service
}

func (k keys) Key(id string) (sigv4.Key, bool) {
	if strings.HasPrefix(id, "ASIA") {
		return k.sts.Key(id)
	}
	return k.iam.Key(id)
}

// errSessionTokenForIAM is AWS's answer when GetSessionToken credentials
// without MFA call IAM: IAM refuses them outright.
var errSessionTokenForIAM = awserr.Code{Name: "InvalidClientTokenId", Status: http.StatusForbidden}

// identify resolves the caller behind a verified access key, and adds the
// condition keys its credentials carry to c.
func (sv *services) identify(ctx context.Context, service, id string, c *policy.Context) (*authz.Caller, error) {
	if !strings.HasPrefix(id, "ASIA") {
		return sv.iam.Caller(ctx, id)
	}
	caller, err := sv.sts.Caller(ctx, id)
	if err != nil {
		return nil, err
	}
	if sess, ok := sv.sts.Session(ctx, id); ok {
		if sess.Kind == sts.KindSessionToken && service == "iam" {
			return nil, errSessionTokenForIAM.New("The security token included in the request is invalid")
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
type lambdaRoles struct{ iam *iam.Service }

func (a lambdaRoles) RoleByARN(ctx context.Context, arn string) (lambda.Role, bool, error) {
	r, err := a.iam.RoleByARN(ctx, arn)
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
	}
	return out
}
