package authz

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/seki-dev/seki/internal/policy"
)

// Decisions are explained when read back, from what the log recorded: the
// reasons `seki explain` shows must equal the engine's explanation at
// decision time, across restarts of the writer (policy numbers start over)
// and rotation (each file defines its policies again), and however the
// request's context changed after the decision.
func TestLogExplainsOnReadAsAtDecisionTime(t *testing.T) {
	dir := t.TempDir()
	fn := mustParse(t, `{"Version":"2012-10-17","Id":"default","Statement":[
		{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}},
		{"Sid":"NoOutsiders","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"core"}}},
		{"Sid":"alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`, policy.Resource)
	fn.Name = "resource policy"
	inline := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, policy.Identity)
	inline.Name = "read-data"
	session := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, policy.Session)
	tagged := &Caller{Principal: policy.Principal{Type: policy.User, ARN: alice.Principal.ARN, Account: "111111111111",
		Username: "alice", UserID: "AIDAALICE", Tags: map[string]string{"team": "core", "cost\"center": "x\ny"}}}
	role := &Caller{Principal: policy.Principal{Type: policy.AssumedRole, ARN: "arn:aws:sts::111111111111:assumed-role/r/s",
		Account: "111111111111", RoleARN: "arn:aws:iam::111111111111:role/r", UserID: "AROAR:s"},
		SessionPolicies: []*policy.Policy{session}}
	ids := identities{alice.Principal.ARN: {inline}, role.Principal.ARN: {inline}}
	s3 := &Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}

	type asked struct {
		id   string
		want []policy.Reason
	}
	var all []asked
	decide := func(a *Authorizer, id string, c *Check) {
		t.Helper()
		c.RequestID = id
		// What the engine explains at decision time, before the context
		// changes below.
		req := policy.Request{Principal: &c.Caller.Principal, Action: c.Action, Resource: c.Resource, Context: c.Context}
		if req.ResourceAccount == "" && !hasAccount(c.Resource) {
			req.ResourceAccount = c.Caller.Principal.Account
		}
		set := policy.Set{Resource: c.ResourcePolicy, Session: c.Caller.SessionPolicies}
		if needsIdentity(c.Caller.Principal.Type) {
			set.Identity, set.Boundary, _ = ids.Policies(context.Background(), &c.Caller.Principal)
		}
		all = append(all, asked{id, policy.Explain(&req, &set).Reasons})
		a.Authorize(context.Background(), c)
		if c.Context != nil {
			c.Context.Set("aws:SourceArn", "changed after the decision")
			c.Context.Delete("aws:SecureTransport")
		}
	}
	fnARN := "arn:aws:lambda:us-east-1:111111111111:function:f"
	ctx := func(kv ...string) *policy.Context {
		c := policy.NewContext(len(kv) / 2)
		for i := 0; i+1 < len(kv); i += 2 {
			c.Set(kv[i], kv[i+1])
		}
		return c
	}
	round := func(limit int64, n int) {
		l, err := OpenLog(dir, limit)
		if err != nil {
			t.Fatal(err)
		}
		a := New(ids, l)
		for i := 0; i < n; i++ {
			p := strconv.Itoa(len(all))
			decide(a, "svc-ok-"+p, &Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: fnARN, ResourcePolicy: fn, Context: ctx("aws:SourceArn", "arn:aws:s3:::uploads")})
			decide(a, "svc-no-"+p, &Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: fnARN, ResourcePolicy: fn, Context: ctx("aws:SourceArn", "arn:aws:s3:::other")})
			decide(a, "alice-"+p, &Check{Caller: tagged, Action: "lambda:InvokeFunction", Resource: fnARN, ResourcePolicy: fn})
			decide(a, "untagged-"+p, &Check{Caller: alice, Action: "lambda:InvokeFunction", Resource: fnARN, ResourcePolicy: fn})
			decide(a, "read-"+p, &Check{Caller: role, Action: "s3:GetObject", Resource: "arn:aws:s3:::data/k", Context: ctx("aws:SecureTransport", "true")})
			decide(a, "plain-"+p, &Check{Caller: role, Action: "s3:GetObject", Resource: "arn:aws:s3:::data/k", Context: ctx("aws:SecureTransport", "false")})
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
	round(1<<20, 2)
	round(1<<20, 2) // a second writer on the same file numbers from 1 again
	for _, q := range all {
		got, err := Find(dir, q.id)
		if err != nil || len(got) != 1 {
			t.Fatalf("Find(%s) = %v, %v", q.id, got, err)
		}
		if !reflect.DeepEqual(got[0].Reasons, q.want) {
			t.Fatalf("%s explained on read as\n %+v\nat decision time\n %+v", q.id, got[0].Reasons, q.want)
		}
	}
	// A small limit rotates often; what the current file still holds is
	// explained from its own definitions.
	all = all[:0]
	round(4096, 10)
	found := 0
	for _, q := range all {
		got, err := Find(dir, q.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			continue // rotated away
		}
		found++
		if !reflect.DeepEqual(got[0].Reasons, q.want) {
			t.Fatalf("%s after rotation explained as\n %+v\nwant\n %+v", q.id, got[0].Reasons, q.want)
		}
	}
	if found == 0 || found == len(all) {
		t.Fatalf("found %d of %d after rotation; want some but not all", found, len(all))
	}
}
