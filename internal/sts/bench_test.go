package sts

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Key and Caller run on every request signed with temporary credentials;
// once a session is cached they must not allocate.

func benchSession(b *testing.B) (*env, string) {
	e := newEnv(b, "", nil)
	out := assume(b, e.as("alice"), &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("bench")})
	return e, aws.ToString(out.Credentials.AccessKeyId)
}

func BenchmarkKey(b *testing.B) {
	e, key := benchSession(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := e.svc.Key(key); !ok {
			b.Fatal("no key")
		}
	}
}

func BenchmarkCaller(b *testing.B) {
	e, key := benchSession(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.svc.Caller(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallerParallel(b *testing.B) {
	e, key := benchSession(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.Caller(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCallerCold measures a lookup that misses the cache: the session
// is read from the store and its policies compiled (after a restart).
func BenchmarkCallerCold(b *testing.B) {
	e, key := benchSession(b)
	b.ReportAllocs()
	for b.Loop() {
		e.svc.mu.Lock()
		clear(e.svc.cache)
		e.svc.mu.Unlock()
		if _, err := e.svc.Caller(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

func serveBody(b *testing.B, q *protocol.Query, caller *authz.Caller, body string) {
	hr := httptest.NewRequest("POST", "/", strings.NewReader(body))
	w := httptest.NewRecorder()
	r := &protocol.Request{HTTP: hr, ID: "bench", Body: []byte(body), Caller: caller, Context: policy.NewContext(8)}
	q.ServeAWS(w, r)
	if w.Code != 200 {
		b.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

// BenchmarkAssumeRole is the whole operation without HTTP: parse, the door
// (trust policy), a durable store write, the XML response.
func BenchmarkAssumeRole(b *testing.B) {
	e := newEnv(b, "", nil)
	q := e.svc.Handler(protocol.Dispatcher{Authz: e.door, Deny: authz.AccessDenied})
	body := "Action=AssumeRole&Version=2011-06-15&RoleArn=" + url.QueryEscape(readerARN) + "&RoleSessionName=bench"
	caller := e.users["alice"].caller
	b.ReportAllocs()
	for b.Loop() {
		serveBody(b, q, caller, body)
	}
}

func BenchmarkGetCallerIdentity(b *testing.B) {
	e, key := benchSession(b)
	q := e.svc.Handler(protocol.Dispatcher{Authz: e.door, Deny: authz.AccessDenied})
	caller, _ := e.svc.Caller(ctx, key)
	b.ReportAllocs()
	for b.Loop() {
		serveBody(b, q, caller, "Action=GetCallerIdentity&Version=2011-06-15")
	}
}

// TestConcurrentSessions makes and uses sessions from many goroutines (run
// with -race): every issued key resolves to its own session.
func TestConcurrentSessions(t *testing.T) {
	e := newEnv(t, "", nil)
	var wg sync.WaitGroup
	keys := make([]string, 32)
	for i := range keys {
		wg.Go(func() {
			name := "g" + strings.Repeat("x", i%5) + string(rune('a'+i%26))
			out, err := e.as("alice").AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String(name)})
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = aws.ToString(out.Credentials.AccessKeyId)
			c, err := e.svc.Caller(ctx, keys[i])
			if err != nil || !strings.HasSuffix(c.Principal.ARN, "/"+name) {
				t.Errorf("session %d: %v %v", i, c, err)
			}
		})
	}
	wg.Wait()
	e.restart()
	for i, k := range keys {
		if _, ok := e.svc.Key(k); !ok {
			t.Errorf("session %d lost after restart", i)
		}
	}
}
