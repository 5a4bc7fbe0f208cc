package iam

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// warmUser creates a user with inline, attached and group policies and
// returns its access key id.
func warmUser(tb testing.TB, e *env) string {
	c := e.root()
	_, err := c.CreateUser(bg, &awsiam.CreateUserInput{UserName: aws.String("bench")})
	ok(tb, err)
	_, err = c.PutUserPolicy(bg, &awsiam.PutUserPolicyInput{UserName: aws.String("bench"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
	ok(tb, err)
	_, err = c.AttachUserPolicy(bg, &awsiam.AttachUserPolicyInput{UserName: aws.String("bench"), PolicyArn: aws.String(adminARN)})
	ok(tb, err)
	_, err = c.CreateGroup(bg, &awsiam.CreateGroupInput{GroupName: aws.String("g")})
	ok(tb, err)
	_, err = c.AddUserToGroup(bg, &awsiam.AddUserToGroupInput{GroupName: aws.String("g"), UserName: aws.String("bench")})
	ok(tb, err)
	_, err = c.AttachGroupPolicy(bg, &awsiam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String(basicExecARN)})
	ok(tb, err)
	k, err := c.CreateAccessKey(bg, &awsiam.CreateAccessKeyInput{UserName: aws.String("bench")})
	ok(tb, err)
	return aws.ToString(k.AccessKey.AccessKeyId)
}

// BenchmarkCallerPolicies is the identity work every request does: resolve
// the signing key to a caller, then the caller's policies. Warm: map hits.
func BenchmarkCallerPolicies(b *testing.B) {
	e := newEnv(b)
	akid := warmUser(b, e)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := e.svc.id.Caller(ctx, akid)
		if err != nil {
			b.Fatal(err)
		}
		ids, _, err := e.svc.id.Policies(ctx, &c.Principal)
		if err != nil || len(ids) != 3 {
			b.Fatal(len(ids), err)
		}
	}
}

// BenchmarkKey is SigV4's lookup of a secret.
func BenchmarkKey(b *testing.B) {
	e := newEnv(b)
	akid := warmUser(b, e)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := e.svc.id.Key(akid); !ok {
			b.Fatal("key not found")
		}
	}
}

// BenchmarkCallerPoliciesParallel measures contention on the caches.
func BenchmarkCallerPoliciesParallel(b *testing.B) {
	e := newEnv(b)
	akid := warmUser(b, e)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c, err := e.svc.id.Caller(ctx, akid)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := e.svc.id.Policies(ctx, &c.Principal); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetUserHandler is one GetUser through the query protocol
// handler (decode, target, authorize, handle, encode), without HTTP.
func BenchmarkGetUserHandler(b *testing.B) {
	e := newEnv(b)
	akid := warmUser(b, e)
	q := e.svc.Handler(protocol.Dispatcher{Authz: permit{}, Deny: authz.AccessDenied})
	body := []byte(url.Values{"Action": {"GetUser"}, "Version": {Version}, "UserName": {"bench"}}.Encode())
	hr := httptest.NewRequest("POST", "/", nil)
	caller, err := e.svc.id.Caller(bg, akid)
	ok(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		q.ServeAWS(w, &protocol.Request{HTTP: hr, ID: "id", Caller: caller, Body: body, Context: policy.NewContext(4)})
		if w.Code != http.StatusOK {
			b.Fatal(w.Body.String())
		}
	}
}

type permit struct{}

func (permit) Authorize(context.Context, *authz.Check) error { return nil }

// TestAllocBudget pins the warm identity path's allocations: one copy of
// the Caller per request, nothing for the policies.
func TestAllocBudget(t *testing.T) {
	e := newEnv(t)
	akid := warmUser(t, e)
	ctx := context.Background()
	c, _ := e.svc.id.Caller(ctx, akid)
	e.svc.id.Policies(ctx, &c.Principal)
	n := testing.AllocsPerRun(200, func() {
		c, _ := e.svc.id.Caller(ctx, akid)
		e.svc.id.Policies(ctx, &c.Principal)
	})
	if n > 1 {
		t.Fatalf("warm Caller+Policies allocates %v times, budget 1", n)
	}
}

// TestStartupWithManyEntities: New does no work proportional to the state,
// and the first lookup after a restart costs one store read, not a load.
func TestStartupWithManyEntities(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(bg, dir, Migrations())
	ok(t, err)
	const users = 10000
	now := fmtTime(time.Now())
	ok(t, db.Write(bg, func(tx *store.Tx) error {
		for i := 0; i < users; i++ {
			id := newID("AIDA", 17)
			name := fmt.Sprintf("user%05d", i)
			if _, err := tx.Exec(`INSERT INTO iam_users (id, account, name, name_lc, path, created) VALUES (?, ?, ?, ?, '/', ?)`,
				id, testAccount, name, name, now); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO iam_inline (owner, name_lc, name, document) VALUES (?, 'p', 'p', ?)`, id, allowAll); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO iam_access_keys (akid, account, user_id, secret, status, created) VALUES (?, ?, ?, 's', 'Active', ?)`,
				fmt.Sprintf("AKIAUSER%012d", i), testAccount, id, now); err != nil {
				return err
			}
		}
		return nil
	}))
	ok(t, db.Close())

	start := time.Now()
	db, err = store.Open(bg, dir, Migrations())
	ok(t, err)
	defer db.Close()
	idst, err := identity.New(db, identity.Options{})
	ok(t, err)
	svc, err := New(Options{Identity: idst})
	ok(t, err)
	opened := time.Since(start)
	c, err := svc.id.Caller(bg, "AKIAUSER000000004242")
	ok(t, err)
	ids, _, err := svc.id.Policies(bg, &c.Principal)
	ok(t, err)
	first := time.Since(start)
	if c.Principal.Username != "user04242" || len(ids) != 1 {
		t.Fatalf("caller %+v, %d policies", c.Principal, len(ids))
	}
	t.Logf("%d users: store.Open+New %v, first Caller+Policies done at %v", users, opened, first)
	if opened > 100*time.Millisecond {
		t.Errorf("opening took %v with %d users", opened, users)
	}
	if !strings.HasPrefix(c.Principal.ARN, "arn:aws:iam::123456789012:user/") {
		t.Fatal(c.Principal.ARN)
	}
}
