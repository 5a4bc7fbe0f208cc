package sts

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// The test world: two accounts, a few users, a few roles. Identity policies
// and trust policies are real documents evaluated by the real engine
// through the real door (authz.Authorizer).

const (
	acctA = "111111111111"
	acctB = "222222222222"
)

// clock is an injectable clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeRoles is IAM as far as STS sees it.
type fakeRoles struct {
	mu       sync.Mutex
	roles    map[string]RoleInfo
	policies map[string]*policy.Policy
}

func (f *fakeRoles) RoleByARN(ctx context.Context, arn string) (RoleInfo, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.roles[arn]
	return r, ok, nil
}

func (f *fakeRoles) ManagedPolicy(ctx context.Context, arn string) (*policy.Policy, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.policies[arn]
	return p, ok, nil
}

// identities supplies identity policies by principal (users by ARN, role
// sessions by role ARN).
type identities map[string][]*policy.Policy

func (ids identities) Policies(ctx context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	if p.Type == policy.AssumedRole {
		return ids[p.RoleARN], nil, nil
	}
	return ids[p.ARN], nil, nil
}

func mustParse(t testing.TB, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", kind, err, doc)
	}
	return p
}

func trust(t testing.TB, principal string, actions ...string) *policy.Policy {
	t.Helper()
	if len(actions) == 0 {
		actions = []string{"sts:AssumeRole"}
	}
	return mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":`+principal+`,"Action":["`+strings.Join(actions, `","`)+`"]}]}`, policy.Trust)
}

func identity(t testing.TB, action, resource string) *policy.Policy {
	t.Helper()
	return mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"`+action+`","Resource":"`+resource+`"}]}`, policy.Identity)
}

// user is a long-term credential of the test world.
type user struct {
	key, secret string
	caller      *authz.Caller
}

func userCaller(account, name, id string) *authz.Caller {
	return &authz.Caller{
		AccessKeyID: "AKIA" + strings.ToUpper(name) + strings.Repeat("X", 16-len(name)),
		Principal: policy.Principal{Type: policy.User, ARN: "arn:aws:iam::" + account + ":user/" + name,
			Account: account, UserID: id, Username: name},
	}
}

func rootCaller(account string) *authz.Caller {
	return &authz.Caller{
		AccessKeyID: "AKIAROOT" + account[:12],
		Principal:   policy.Principal{Type: policy.Root, ARN: "arn:aws:iam::" + account + ":root", Account: account, UserID: account},
	}
}

// Role ARNs of the test world.
const (
	readerARN  = "arn:aws:iam::" + acctA + ":role/app/Reader"
	strictARN  = "arn:aws:iam::" + acctA + ":role/Strict"
	noTagARN   = "arn:aws:iam::" + acctA + ":role/NoTag"
	chainARN   = "arn:aws:iam::" + acctA + ":role/Chain"
	crossARN   = "arn:aws:iam::" + acctA + ":role/CrossB"
	lambdaARN  = "arn:aws:iam::" + acctA + ":role/LambdaExec"
	readOnlyS3 = "arn:aws:iam::" + acctA + ":policy/S3Read"
)

type env struct {
	t     testing.TB
	dir   string
	clock *clock
	roles *fakeRoles
	ids   identities
	door  *authz.Authorizer
	db    *store.DB
	svc   *Service
	srv   *httptest.Server
	users map[string]*user // by name
	byKey map[string]*authz.Caller
	reqID atomic.Int64
}

// newEnv opens a store in dir (a new temporary one when empty) and serves
// STS over real HTTP.
func newEnv(t testing.TB, dir string, c *clock) *env {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	if c == nil {
		c = &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	}
	e := &env{t: t, dir: dir, clock: c, users: map[string]*user{}, byKey: map[string]*authz.Caller{}}
	alice := userCaller(acctA, "alice", "AIDAALICE0000000000A")
	carol := userCaller(acctA, "carol", "AIDACAROL0000000000C")
	bob := userCaller(acctB, "bob", "AIDABOB000000000000B")
	dave := userCaller(acctB, "dave", "AIDADAVE00000000000D")
	for name, c := range map[string]*authz.Caller{"alice": alice, "carol": carol, "bob": bob, "dave": dave, "rootA": rootCaller(acctA), "rootB": rootCaller(acctB)} {
		u := &user{key: c.AccessKeyID, secret: "secret-" + name, caller: c}
		e.users[name] = u
		e.byKey[u.key] = c
	}
	allTrusted := `{"AWS":"` + alice.Principal.ARN + `"}`
	e.roles = &fakeRoles{
		roles: map[string]RoleInfo{
			readerARN: {ARN: readerARN, RoleID: "AROAREADER0000000001", Name: "Reader", Path: "/app/", Account: acctA,
				Trust:              trust(t, allTrusted, "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"),
				MaxSessionDuration: 7200, Tags: map[string]string{"team": "blue", "env": "test"}},
			strictARN: {ARN: strictARN, RoleID: "AROASTRICT0000000002", Name: "Strict", Path: "/", Account: acctA,
				Trust: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"open-sesame"}}}]}`, policy.Trust)},
			noTagARN: {ARN: noTagARN, RoleID: "AROANOTAG00000000003", Name: "NoTag", Path: "/", Account: acctA,
				Trust: trust(t, allTrusted)},
			chainARN: {ARN: chainARN, RoleID: "AROACHAIN00000000004", Name: "Chain", Path: "/", Account: acctA,
				Trust:              trust(t, `{"AWS":"`+readerARN+`"}`, "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"),
				MaxSessionDuration: 43200},
			crossARN: {ARN: crossARN, RoleID: "AROACROSS00000000005", Name: "CrossB", Path: "/", Account: acctA,
				Trust: trust(t, `{"AWS":"`+acctB+`"}`)},
			lambdaARN: {ARN: lambdaARN, RoleID: "AROALAMBDA0000000006", Name: "LambdaExec", Path: "/", Account: acctA,
				Trust: trust(t, `{"Service":"lambda.amazonaws.com"}`)},
		},
		policies: map[string]*policy.Policy{
			readOnlyS3: identity(t, "s3:GetObject", "*"),
		},
	}
	e.ids = identities{
		// The Reader role may do anything in S3 and assume roles.
		readerARN: {mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Resource":"*"}]}`, policy.Identity)},
		// bob may assume the cross-account role; dave may not.
		bob.Principal.ARN: {identity(t, "sts:AssumeRole", crossARN)},
	}
	e.door = authz.New(e.ids, nil)
	e.open()
	return e
}

// open (re)opens the store and the service, as a server start does.
func (e *env) open() {
	e.t.Helper()
	db, err := store.Open(context.Background(), e.dir, Migrations())
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
	e.svc = New(db, e.roles, Options{Now: e.clock.Now, Region: "us-east-1", Authz: e.door})
	q := e.svc.Handler(protocol.Dispatcher{Authz: e.door, Deny: authz.AccessDenied})
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		e.serve(q, w, hr)
	}))
	e.t.Cleanup(e.close)
}

// close stops the server and closes the store; safe to call twice.
func (e *env) close() {
	if e.srv == nil {
		return
	}
	e.srv.Close()
	e.db.Close()
	e.srv = nil
}

// restart simulates a server restart on the same data directory.
func (e *env) restart() {
	e.close()
	e.open()
}

// serve stands in for the server's SigV4 and caller resolution: the access
// key comes from the Authorization header; temporary keys resolve through
// the service under test, with their session token checked, as SigV4 does.
func (e *env) serve(q *protocol.Query, w http.ResponseWriter, hr *http.Request) {
	body, _ := io.ReadAll(hr.Body)
	r := &protocol.Request{HTTP: hr, ID: "req-" + strconv.FormatInt(e.reqID.Add(1), 10), Service: "sts",
		Region: "us-east-1", Body: body, Context: policy.NewContext(8), Now: e.clock.Now()}
	akid := credentialKey(hr.Header.Get("Authorization"))
	if strings.HasPrefix(akid, "ASIA") {
		k, ok := e.svc.Key(akid)
		switch {
		case !ok:
			q.WriteError(w, r, errInvalidClientTok.New("The security token included in the request is invalid."))
			return
		case hr.Header.Get("X-Amz-Security-Token") != k.SessionToken:
			q.WriteError(w, r, errInvalidClientTok.New("The security token included in the request is invalid."))
			return
		case !e.clock.Now().Before(k.Expires):
			q.WriteError(w, r, errExpiredToken.New("The security token included in the request is expired"))
			return
		}
		c, err := e.svc.Caller(hr.Context(), akid)
		if err != nil {
			q.WriteError(w, r, err)
			return
		}
		r.Caller = c
	} else if c := e.byKey[akid]; c != nil {
		r.Caller = c
	} else {
		q.WriteError(w, r, errInvalidClientTok.New("The security token included in the request is invalid."))
		return
	}
	q.ServeAWS(w, r)
}

func credentialKey(auth string) string {
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return ""
	}
	s := auth[i+len("Credential="):]
	if j := strings.IndexByte(s, '/'); j >= 0 {
		return s[:j]
	}
	return s
}

// client returns an aws-sdk-go-v2 STS client with the given credentials.
func (e *env) client(key, secret, token string) *awssts.Client {
	return awssts.New(awssts.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, token),
		BaseEndpoint:     aws.String(e.srv.URL),
		RetryMaxAttempts: 1,
	})
}

// as returns a client signed as one of the test world's long-term users.
func (e *env) as(name string) *awssts.Client {
	u := e.users[name]
	if u == nil {
		e.t.Fatalf("no user %s", name)
	}
	return e.client(u.key, u.secret, "")
}

// session returns a client using temporary credentials.
func (e *env) session(c *types.Credentials) *awssts.Client {
	return e.client(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

// apiError asserts err is an AWS error with code and message (message
// compared exactly when it does not end in "…", else as a prefix).
func apiError(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if prefix, ok := strings.CutSuffix(msg, "…"); ok {
		if !strings.HasPrefix(ae.ErrorMessage(), prefix) {
			t.Fatalf("message = %q, want prefix %q", ae.ErrorMessage(), prefix)
		}
	} else if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("message = %q\n          want %q", ae.ErrorMessage(), msg)
	}
}
