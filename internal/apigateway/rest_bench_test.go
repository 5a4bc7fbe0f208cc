package apigateway_test

import (
	"testing"
)

// BenchmarkRestWarmCall measures a warm call through a REST API to a real
// aws-lambda-go function (testdata/restecho) over loopback HTTP: routing
// in the deployment's tree, the format 1.0 event, the logged decision
// against the function's resource policy, the runtime round trip and the
// response mapping; "with-policy" adds the API's resource policy, judged by
// the door for the anonymous caller (a second logged decision). It reports
// p50 and p99, to be read beside BenchmarkWarmCall's HTTP API and
// function URL rows.
func BenchmarkRestWarmCall(b *testing.B) {
	for _, policy := range []bool{false, true} {
		name := "rest-api"
		if policy {
			name = "rest-api-with-policy"
		}
		b.Run(name, func(b *testing.B) {
			e := newRestEnv(b)
			e.permit("bench", e.base()+"/*/*/*")
			if policy {
				e.setPolicy(restPolicy(`{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`))
			}
			warmCalls(b, e.url("/prod/items/7?x=1"))
		})
	}
}
