package sts

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// FuzzAssumeRoleParams feeds arbitrary form bodies to AssumeRole's input
// checks: they must never panic, and what they accept must satisfy the
// model's constraints.
func FuzzAssumeRoleParams(f *testing.F) {
	for _, s := range []string{
		"RoleArn=arn:aws:iam::111111111111:role/R&RoleSessionName=s1",
		"RoleArn=arn:aws:iam::111111111111:role/R&RoleSessionName=s1&DurationSeconds=900&ExternalId=x-1",
		"RoleArn=arn:aws:iam::111111111111:role/R&RoleSessionName=s1&Tags.member.1.Key=k&Tags.member.1.Value=v&TransitiveTagKeys.member.1=k",
		"RoleArn=arn:aws:iam::111111111111:role/R&RoleSessionName=s1&Tags.member.1.Key=K&Tags.member.2.Key=k",
		"RoleArn=arn:aws:iam::111111111111:role/R&RoleSessionName=s1&PolicyArns.member.1.arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
		"RoleArn=x&RoleSessionName=%F0%90%80%80%F0%90%80%80&DurationSeconds=-1",
		"RoleArn=&RoleSessionName=&SourceIdentity=&Policy=",
		"DurationSeconds=99999999999999999999999",
		"Tags.member.1.Value=only-a-value",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, err := parseAssumeRole(p)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ValidationError: ") {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if n := javaLen(in.sessionName); n < 2 || n > 64 {
			t.Fatalf("accepted session name %q", in.sessionName)
		}
		if n := javaLen(in.roleArn); n < 20 || n > 2048 {
			t.Fatalf("accepted role ARN %q", in.roleArn)
		}
		if in.hasDuration && (in.duration < minDuration || in.duration > maxRoleDuration) {
			t.Fatalf("accepted duration %d", in.duration)
		}
		if len(in.policyArns) > maxPolicyArns || len(in.tags) > 50 {
			t.Fatalf("accepted %d policy ARNs, %d tags", len(in.policyArns), len(in.tags))
		}
		var st assumeState
		if err := st.sessionTags(in, &Session{TransitiveTagKeys: []string{"inherited"}, SessionTags: map[string]string{"inherited": "v"}}); err == nil {
			if _, err := packedSize(in, st.tags); err != nil && !errPackedTooLarge.Is(err) {
				t.Fatalf("packedSize: %v", err)
			}
		}
	})
}

// FuzzFederationParams is FuzzAssumeRoleParams for GetFederationToken.
func FuzzFederationParams(f *testing.F) {
	for _, s := range []string{
		"Name=carol",
		"Name=carol&DurationSeconds=129600&Policy=%7B%7D",
		"Name=c&DurationSeconds=899",
		"Name=carol&PolicyArns.member.1.arn=arn:aws:iam::aws:policy/ReadOnlyAccess&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&Tags.member.1.Key=K&Tags.member.2.Key=k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, err := parseFederation(p)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ValidationError: ") {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if n := javaLen(in.sessionName); n < 2 || n > 32 {
			t.Fatalf("accepted name %q", in.sessionName)
		}
		if in.hasDuration && (in.duration < minDuration || in.duration > maxSessionDuration) {
			t.Fatalf("accepted duration %d", in.duration)
		}
		if len(in.policyArns) > maxPolicyArns || len(in.tags) > 50 {
			t.Fatalf("accepted %d policy ARNs, %d tags", len(in.policyArns), len(in.tags))
		}
	})
}

// FuzzQuery drives the whole STS handler with arbitrary bodies as an
// authenticated user: every answer is a well-formed response, never a panic
// or a 5xx.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"Action=GetCallerIdentity&Version=2011-06-15",
		"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900",
		"Action=GetFederationToken&Version=2011-06-15&Name=carol&Policy=%7B%7D",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=" + url.QueryEscape(readerARN) + "&RoleSessionName=s1",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=" + url.QueryEscape(readerARN) + "&RoleSessionName=s1&Policy=%7B%7D",
		"Action=AssumeRole&RoleArn=" + url.QueryEscape(readerARN) + "&RoleSessionName=s1&Tags.member.1.Key=a&Tags.member.1.Value=b&SourceIdentity=me",
		"Action=Nope",
		"%zz",
	} {
		f.Add(s)
	}
	e := newEnv(f, "", nil)
	q := e.svc.Handler(protocol.Dispatcher{Authz: e.door, Deny: authz.AccessDenied})
	caller := e.users["alice"].caller
	f.Fuzz(func(t *testing.T, body string) {
		hr := httptest.NewRequest("POST", "/", strings.NewReader(body))
		w := httptest.NewRecorder()
		r := &protocol.Request{HTTP: hr, ID: "fuzz", Body: []byte(body), Caller: caller, Context: policy.NewContext(4), Now: e.clock.Now()}
		q.ServeAWS(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q:\n%s", w.Code, body, w.Body.String())
		}
	})
}
