package apigateway

import (
	"encoding/json"
	"testing"
)

// FuzzAuthorizerAnswer feeds parseAuthorizerAnswer what an authorizer
// function may return: it must never panic, and an answer it accepts has
// a policy and, when there is a context, a JSON object.
func FuzzAuthorizerAnswer(f *testing.F) {
	for _, s := range []string{
		`{"isAuthorized":true,"context":{"a":1}}`,
		`{"isAuthorized":false}`,
		`{"principalId":"p","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]},"context":{"k":"v"}}`,
		`{"principalId":"p","policyDocument":{"Statement":{"Effect":"Deny","Action":"*","Resource":"arn:aws:execute-api:*"}}}`,
		`{"context":[1]}`, `null`, `"x"`, `{"isAuthorized":"yes"}`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, payload []byte, simple bool) {
		res, ok := parseAuthorizerAnswer(payload, simple, "arn:aws:execute-api:us-east-1:111111111111:abc", "n (x)")
		if !ok {
			return
		}
		if res.grant == nil {
			t.Fatal("accepted without a policy")
		}
		if res.context != nil {
			var m map[string]any
			if json.Unmarshal(res.context, &m) != nil {
				t.Fatalf("context %q is not an object", res.context)
			}
		}
	})
}

// FuzzIdentitySource checks the identity source and invoke URI parsers
// never panic and accept only what they can use.
func FuzzIdentitySource(f *testing.F) {
	for _, s := range []string{"$request.header.Authorization", "$request.querystring.q", "$context.stage", "$x", "",
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:f/invocations"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if kind, name, ok := parseIdentitySource(s); ok && (kind == "" || name == "" || kind+name != s) {
			t.Fatalf("%q split into %q %q", s, kind, name)
		}
		if fn, ok := invokeURIFunction(s); ok && !isFunctionARN(fn) {
			t.Fatalf("%q named %q", s, fn)
		}
	})
}
