package authz

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
)

type identities map[string][]*policy.Policy

func (ids identities) Policies(_ context.Context, p *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	return ids[p.ARN], nil, nil
}

type memRecorder struct{ entries []*Entry }

func (m *memRecorder) Record(e *Entry) { m.entries = append(m.entries, e) }

func mustParse(t *testing.T, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return p
}

var alice = &Caller{Principal: policy.Principal{Type: policy.User, ARN: "arn:aws:iam::111111111111:user/alice", Account: "111111111111", Username: "alice", UserID: "AIDAALICE"}}

func TestAuthorizeDeniesWithServiceCodeAndRecords(t *testing.T) {
	rec := &memRecorder{}
	a := New(identities{}, rec)
	lambdaDenied := awserr.Code{Name: "AccessDeniedException", Status: 403}
	err := a.Authorize(context.Background(), &Check{
		RequestID: "r1", Caller: alice, Action: "lambda:InvokeFunction",
		Resource: "arn:aws:lambda:us-east-1:222222222222:function:f", Deny: lambdaDenied,
	})
	var e *awserr.Error
	if !errors.As(err, &e) || e.Code != "AccessDeniedException" || e.Status != 403 {
		t.Fatalf("err = %v", err)
	}
	want := "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:222222222222:function:f because no resource-based policy allows the lambda:InvokeFunction action"
	if e.Message != want {
		t.Fatalf("message:\n got %s\nwant %s", e.Message, want)
	}
	var d *Denied
	if !errors.As(err, &d) || d.Decision.Result != policy.ImplicitlyDenied {
		t.Fatalf("cause = %v", e.Cause)
	}
	if len(rec.entries) == 1 {
		rec.entries[0].Explain()
	}
	if len(rec.entries) != 1 || rec.entries[0].RequestID != "r1" || rec.entries[0].Decision != "ImplicitlyDenied" || len(rec.entries[0].Reasons) == 0 {
		t.Fatalf("recorded %+v", rec.entries)
	}
}

func TestAuthorizeUsesIdentityPolicies(t *testing.T) {
	ids := identities{alice.Principal.ARN: {mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`, policy.Identity)}}
	a := New(ids, nil)
	if err := a.Authorize(context.Background(), &Check{Caller: alice, Action: "iam:GetUser", Resource: "arn:aws:iam::111111111111:user/alice"}); err != nil {
		t.Fatalf("allowed by identity policy: %v", err)
	}
	err := a.Authorize(context.Background(), &Check{Caller: alice, Action: "iam:ListUsers", Resource: "arn:aws:iam::111111111111:user/"})
	if !AccessDenied.Is(err) {
		t.Fatalf("ListUsers: %v, want AccessDenied", err)
	}
}

// A service principal is judged by the resource policy alone: identity
// policies are not even looked up.
func TestServicePrincipalUsesResourcePolicyOnly(t *testing.T) {
	a := New(nil, nil)
	s3 := &Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}
	rp := mustParse(t, `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"},"StringEquals":{"AWS:SourceAccount":"111111111111"}}}]}`, policy.Resource)
	ctx := policy.NewContext(2)
	ctx.Set("aws:SourceArn", "arn:aws:s3:::uploads")
	ctx.Set("aws:SourceAccount", "111111111111")
	check := &Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:111111111111:function:f", ResourcePolicy: rp, Context: ctx}
	if err := a.Authorize(context.Background(), check); err != nil {
		t.Fatalf("matching source: %v", err)
	}
	other := policy.NewContext(2)
	other.Set("aws:SourceArn", "arn:aws:s3:::elsewhere")
	other.Set("aws:SourceAccount", "111111111111")
	check.Context = other
	if err := a.Authorize(context.Background(), check); !AccessDenied.Is(err) {
		t.Fatalf("mismatching source: %v, want AccessDenied", err)
	}
}

func TestLogRotatesAndFinds(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		l.Record(&Entry{RequestID: "req-" + strconv.Itoa(i), Principal: "p", Action: "a", Resource: strings.Repeat("r", 50), Decision: "Allowed"})
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, name := range []string{LogFile, LogFile + ".1"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		total += st.Size()
	}
	if total > 2*2048+512 {
		t.Fatalf("log kept %d bytes, want it bounded near 2x the limit", total)
	}
	got, err := Find(dir, "req-99")
	if err != nil || len(got) != 1 || got[0].RequestID != "req-99" {
		t.Fatalf("Find(req-99) = %v, %v", got, err)
	}
	// The oldest entries were rotated away: bounded size means forgetting.
	if got, _ := Find(dir, "req-0"); len(got) != 0 {
		t.Fatalf("req-0 should have been rotated out, got %v", got)
	}
	if _, err := Find(t.TempDir(), "x"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Find in empty dir: %v", err)
	}
}

func TestHasAccount(t *testing.T) {
	for arn, want := range map[string]bool{
		"arn:aws:lambda:us-east-1:111111111111:function:f": true,
		"arn:aws:s3:::bucket/key":                          false,
		"*":                                                false,
		"arn:aws:iam::111111111111:user/x":                 true,
	} {
		if got := hasAccount(arn); got != want {
			t.Errorf("hasAccount(%s) = %v", arn, got)
		}
	}
}

// A denial is on disk when Authorize returns, named as the service names it.
func TestDenialIsWrittenBeforeTheAnswer(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a := New(identities{}, l)
	err = a.Authorize(context.Background(), &Check{RequestID: "now", Caller: alice, Action: "iam:GetUser",
		Resource: "arn:aws:iam::111111111111:user/bob", ResourceName: "user bob"})
	want := "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:GetUser on resource: user bob because no identity-based policy allows the iam:GetUser action"
	if err == nil || err.(*awserr.Error).Message != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	// Read the file as another process would (Find would first wait for
	// the writer).
	f, err := os.Open(filepath.Join(dir, LogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []Entry
	readLog(f, func(rd *reader, d *decision) { got = append(got, rd.entry(d, false)) }, nil)
	if len(got) != 1 || got[0].Message != want || got[0].Resource != "arn:aws:iam::111111111111:user/bob" {
		t.Fatalf("the log right after the denial holds %+v", got)
	}
}

// An allowed decision reaches the file within the gather interval, and a
// reader in the same process (the web view, tests) sees it at once.
func TestFindSeesAnAllowedDecisionAtOnce(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ids := identities{alice.Principal.ARN: {mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`, policy.Identity)}}
	a := New(ids, l)
	for i := range 3 {
		id := "allowed-" + strconv.Itoa(i)
		if err := a.Authorize(context.Background(), &Check{RequestID: id, Caller: alice, Action: "iam:GetUser",
			Resource: "arn:aws:iam::111111111111:user/alice"}); err != nil {
			t.Fatal(err)
		}
		got, err := Find(filepath.Join(dir, "."), id)
		if err != nil || len(got) != 1 || got[0].Decision != "Allowed" || len(got[0].Reasons) == 0 {
			t.Fatalf("Find(%s) right after the decision = %+v, %v", id, got, err)
		}
	}
}

// The writer batches: a burst of allowed decisions is written in a few
// writes, not one (or one wake-up) per decision, and the door allocates
// nothing for them once the log has warmed up.
func TestLogBatchesAndAllocatesNothing(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ids := identities{alice.Principal.ARN: {mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`, policy.Identity)}}
	a := New(ids, l)
	ctx := policy.NewContext(2)
	ctx.Set("aws:SecureTransport", "true")
	ctx.Set("aws:SourceIp", "203.0.113.7")
	check := &Check{RequestID: "r", Caller: alice, Action: "iam:GetUser", Resource: "arn:aws:iam::111111111111:user/alice", Context: ctx}
	bg := context.Background()
	const n = 20000
	allocs := testing.AllocsPerRun(n, func() {
		if err := a.Authorize(bg, check); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("the door allocates %.2f times per decision with the decision log, want 0", allocs)
	}
	l.Sync()
	// A loaded machine stretches the burst over more gather intervals; a
	// write per decision would be n.
	if b := l.batches.Load(); b > n/50 {
		t.Errorf("the log wrote %d decisions in %d batches, want at most %d", n+1, b, n/50)
	}
	got, err := Find(dir, "r")
	if err != nil || len(got) != n+1 {
		t.Fatalf("Find found %d decisions, want %d (%v)", len(got), n+1, err)
	}
}

// A decision is explained later, from what it saw: changing the request's
// context after the decision (as handlers do between two checks) changes
// neither the recorded explanation nor the next decision's.
func TestExplainedLaterFromTheDecisionsSnapshot(t *testing.T) {
	rec := &memRecorder{}
	a := New(nil, rec)
	s3 := &Caller{Principal: policy.Principal{Type: policy.Service, ARN: "s3.amazonaws.com"}}
	rp := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`, policy.Resource)
	ctx := policy.NewContext(1)
	ctx.Set("aws:SourceArn", "arn:aws:s3:::uploads")
	check := &Check{Caller: s3, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:111111111111:function:f", ResourcePolicy: rp, Context: ctx}
	if err := a.Authorize(context.Background(), check); err != nil {
		t.Fatal(err)
	}
	// Replace the value in place, delete it, add others: each must leave
	// the first decision's snapshot alone.
	ctx.Set("aws:SourceArn", "arn:aws:s3:::elsewhere")
	if err := a.Authorize(context.Background(), check); !AccessDenied.Is(err) {
		t.Fatalf("second decision: %v, want AccessDenied", err)
	}
	ctx.Delete("aws:SourceArn")
	ctx.Set("aws:SourceAccount", "111111111111")
	ctx.Set("aws:SourceArn", "arn:aws:s3:::third")
	for _, e := range rec.entries {
		e.Explain()
	}
	first, second := rec.entries[0], rec.entries[1]
	if first.Decision != "Allowed" || len(first.Reasons) == 0 || first.Reasons[len(first.Reasons)-1].Outcome != policy.OutcomeAllow {
		t.Fatalf("first decision explained as %+v", first.Reasons)
	}
	var cond *policy.ConditionCheck
	for _, r := range second.Reasons {
		if r.Condition != nil {
			cond = r.Condition
		}
	}
	if second.Decision != "ImplicitlyDenied" || cond == nil || len(cond.RequestValues) != 1 || cond.RequestValues[0] != "arn:aws:s3:::elsewhere" {
		t.Fatalf("second decision explained as %+v", second.Reasons)
	}
	// Explaining twice changes nothing; the snapshot is released.
	n := len(first.Reasons)
	first.Explain()
	if len(first.Reasons) != n {
		t.Fatal("a second Explain changed the reasons")
	}
}

// The door allocates at most once per allowed decision: the recorded
// entry, which holds its snapshot by value.
func TestDoorAllocatesOnce(t *testing.T) {
	rec := &memRecorder{}
	ids := identities{alice.Principal.ARN: {mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`, policy.Identity)}}
	a := New(ids, rec)
	ctx := policy.NewContext(1)
	ctx.Set("aws:SecureTransport", "false")
	check := &Check{RequestID: "r", Caller: alice, Action: "iam:GetUser", Resource: "arn:aws:iam::111111111111:user/alice", Context: ctx}
	bg := context.Background()
	rec.entries = make([]*Entry, 0, 1000)
	allocs := testing.AllocsPerRun(100, func() {
		if err := a.Authorize(bg, check); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Fatalf("door allocates %.1f times per decision, want at most 1", allocs)
	}
}

// The owner's root user may always manage its bucket's policy, even when
// the bucket policy denies it; the door decides that, and the decision log
// keeps the rule and what the policies alone said.
func TestOwnerRootRuleIsDecidedAndLogged(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	a := New(identities{}, l)
	deny := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::locked"}]}`, policy.Resource)
	root := &Caller{Principal: policy.Principal{Type: policy.Root, ARN: "arn:aws:iam::111111111111:root", Account: "111111111111"}}
	other := &Caller{Principal: policy.Principal{Type: policy.Root, ARN: "arn:aws:iam::222222222222:root", Account: "222222222222"}}
	check := func(id string, c *Caller, action string) error {
		return a.Authorize(context.Background(), &Check{RequestID: id, Caller: c, Action: action,
			Resource: "arn:aws:s3:::locked", ResourceAccount: "111111111111", ResourcePolicy: deny})
	}
	if err := check("owner", root, "s3:PutBucketPolicy"); err != nil {
		t.Fatalf("owner's root PutBucketPolicy: %v", err)
	}
	// Only the bucket policy operations, and only for the owner's root.
	if err := check("object", root, "s3:GetObject"); err == nil {
		t.Fatal("owner's root GetObject allowed despite the deny")
	}
	if err := check("other", other, "s3:PutBucketPolicy"); err == nil {
		t.Fatal("another account's root allowed")
	}
	l.Close()
	got, err := Find(dir, "owner")
	if err != nil || len(got) != 1 {
		t.Fatalf("Find = %v, %v", got, err)
	}
	e := got[0]
	if e.Decision != "Allowed" || !strings.Contains(e.Rule, "root user of the bucket owner's account") || len(e.Reasons) == 0 || e.Reasons[0].Outcome != policy.OutcomeDeny {
		t.Fatalf("logged %+v", e)
	}
	for _, id := range []string{"object", "other"} {
		if got, _ := Find(dir, id); len(got) != 1 || got[0].Rule != "" || got[0].Decision != "ExplicitlyDenied" {
			t.Fatalf("%s logged %+v", id, got)
		}
	}
}

// versioned is an identity store with generations: it counts the times it
// is asked.
type versioned struct {
	policies []*policy.Policy
	gen      uint64
	asked    int
}

func (v *versioned) Policies(context.Context, *policy.Principal) ([]*policy.Policy, *policy.Policy, error) {
	v.asked++
	return v.policies, nil, nil
}

func (v *versioned) Generation() uint64 { return v.gen }

// The door keeps a principal's policies while the identity store's
// generation stays, and asks again once it moves: a write that changes a
// user's policies changes the next decision.
func TestDoorKeepsPoliciesForAGeneration(t *testing.T) {
	allow := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`, policy.Identity)
	ids := &versioned{policies: []*policy.Policy{allow}, gen: 1}
	a := New(ids, nil)
	check := func(c *Caller) error {
		return a.Authorize(context.Background(), &Check{RequestID: "r", Caller: c, Action: "iam:GetUser", Resource: "arn:aws:iam::111111111111:user/alice"})
	}
	for range 3 {
		if err := check(alice); err != nil {
			t.Fatal(err)
		}
	}
	if ids.asked != 1 {
		t.Fatalf("asked the identity store %d times in one generation, want once", ids.asked)
	}
	// Another principal (a copy of alice's with another user id) is asked
	// for on its own.
	bob := &Caller{Principal: alice.Principal}
	bob.Principal.UserID = "AIDABOB"
	if err := check(bob); err != nil || ids.asked != 2 {
		t.Fatalf("another principal: %v, asked %d times, want 2", err, ids.asked)
	}
	// A write: the policy is detached and the generation moves.
	ids.policies, ids.gen = nil, 2
	if err := check(alice); err == nil {
		t.Fatal("allowed with the policies of an earlier generation")
	}
	if ids.asked != 3 {
		t.Fatalf("asked %d times, want 3", ids.asked)
	}
}

// Requests on many goroutines share the recent-case table and the
// contexts it remembers; every decision is still recorded with its own
// answer and its own context's values (run with -race).
func TestConcurrentDecisionsKeepTheirOwnContext(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ids := identities{alice.Principal.ARN: {mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"203.0.113.1"}}}]}`, policy.Identity)}}
	a := New(ids, l)
	const workers, each = 8, 300
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				ctx := policy.NewContext(2)
				ip := "203.0.113." + strconv.Itoa(1+(i+w)%3) // .1 allowed, .2 and .3 denied
				ctx.Set("aws:SourceIp", ip)
				ctx.Set("aws:SecureTransport", "true")
				a.Authorize(context.Background(), &Check{RequestID: ip + "/" + strconv.Itoa(w) + "/" + strconv.Itoa(i), Caller: alice,
					Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k" + strconv.Itoa(i%4), Context: ctx})
			}
		}()
	}
	for range workers {
		<-done
	}
	n := 0
	if err := Each(dir, func(e *Entry) {
		n++
		ip, _, _ := strings.Cut(e.RequestID, "/")
		want := "ImplicitlyDenied"
		if ip == "203.0.113.1" {
			want = "Allowed"
		}
		if got := e.Keys["aws:SourceIp"]; len(got) != 1 || got[0] != ip || e.Decision != want {
			t.Errorf("%s recorded as %s with aws:SourceIp %v", e.RequestID, e.Decision, got)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if n != workers*each {
		t.Fatalf("%d decisions recorded, want %d", n, workers*each)
	}
}

// A KMS key policy is the primary authority over its key: within the
// key's own account, an identity policy allows only when the key policy
// allows the account (the default key policy's root statement), and
// without that statement even the account's root user is refused. Source:
// "Key policies in AWS KMS",
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html.
func TestKeyPolicyMustAllowTheAccount(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111111111111:key/0b1f6e0e-4a3c-4a7e-9d2b-3f1c2e4d5a6b"
	admin := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.Identity)
	a := New(identities{alice.Principal.ARN: {admin}}, nil)
	root := &Caller{Principal: policy.Principal{Type: policy.Root, ARN: "arn:aws:iam::111111111111:root", Account: "111111111111"}}
	account := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`, policy.Key)
	other := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"kms:*","Resource":"*"}]}`, policy.Key)
	named := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"kms:Decrypt","Resource":"*"}]}`, policy.Key)
	noIdentity := &Caller{Principal: policy.Principal{Type: policy.User, ARN: "arn:aws:iam::111111111111:user/carol", Account: "111111111111", UserID: "AIDACAROL"}}
	for _, c := range []struct {
		name   string
		caller *Caller
		key    *policy.Policy
		allow  bool
	}{
		{"root statement delegates to the admin's identity policy", alice, account, true},
		{"root statement, no identity policy", noIdentity, account, false},
		{"root user with the root statement", root, account, true},
		{"no root statement: the admin's identity policy has no effect", alice, other, false},
		{"no root statement: not even the root user", root, other, false},
		{"the key policy names the user: enough on its own", noIdentity, mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/carol"},"Action":"kms:Decrypt","Resource":"*"}]}`, policy.Key), true},
		{"the key policy names another user", alice, named, true},
	} {
		err := a.Authorize(context.Background(), &Check{Caller: c.caller, Action: "kms:Decrypt", Resource: key, ResourcePolicy: c.key})
		if (err == nil) != c.allow {
			t.Errorf("%s: err = %v, want allowed %v", c.name, err, c.allow)
		}
		if err != nil && !strings.Contains(err.Error(), "because no resource-based policy allows the kms:Decrypt action") && c.caller != noIdentity {
			t.Errorf("%s: message %q", c.name, err)
		}
	}
	// The same documents as plain resource policies: the identity policy
	// alone allows, as for any other resource in the account.
	plain := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"kms:*","Resource":"*"}]}`, policy.Resource)
	if err := a.Authorize(context.Background(), &Check{Caller: alice, Action: "kms:Decrypt", Resource: key, ResourcePolicy: plain}); err != nil {
		t.Errorf("resource policy: %v", err)
	}
}
