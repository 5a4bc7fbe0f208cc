// Command authfn is both sides of seki's Lambda authorizer tests, built with
// aws-lambda-go: called with an authorizer's event (one with a "type") it
// answers as the token in the event says; called with anything else it
// answers 200 with the event it received, as JSON, so that a test can read
// every member API Gateway sent.
//
// Tokens: allow / deny (simple responses, with a context), policy-allow /
// policy-deny (IAM policy responses on the ARN in the event),
// unauthorized (the "Unauthorized" error), anything else an error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Type               string            `json:"type"`
	RouteArn           string            `json:"routeArn"`
	MethodArn          string            `json:"methodArn"`
	IdentitySource     json.RawMessage   `json:"identitySource"`
	AuthorizationToken string            `json:"authorizationToken"`
	Headers            map[string]string `json:"headers"`
}

func (e *event) token() string {
	if e.AuthorizationToken != "" {
		return e.AuthorizationToken
	}
	var list []string
	if json.Unmarshal(e.IdentitySource, &list) == nil && len(list) > 0 {
		return list[0]
	}
	var one string
	if json.Unmarshal(e.IdentitySource, &one) == nil && one != "" {
		return strings.Split(one, ",")[0]
	}
	if t := e.Headers["authorization"]; t != "" {
		return t
	}
	return e.Headers["Authorization"]
}

func handle(_ context.Context, raw json.RawMessage) (any, error) {
	var e event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, err
	}
	if e.Type == "" {
		return map[string]any{"statusCode": 200, "headers": map[string]string{"Content-Type": "application/json"}, "body": string(raw)}, nil
	}
	arn := e.RouteArn
	if arn == "" {
		arn = e.MethodArn
	}
	ctx := map[string]any{"user": "alice", "level": 7, "token": e.token()}
	switch tok := e.token(); tok {
	case "allow", "deny":
		return map[string]any{"isAuthorized": tok == "allow", "context": ctx}, nil
	case "policy-allow", "policy-deny":
		effect := "Allow"
		if tok == "policy-deny" {
			effect = "Deny"
		}
		return map[string]any{
			"principalId": "alice",
			"policyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Action": "execute-api:Invoke", "Effect": effect, "Resource": arn},
			}},
			"context": ctx,
		}, nil
	case "unauthorized":
		return nil, errors.New("Unauthorized")
	}
	return nil, errors.New("unexpected token " + e.token())
}

func main() { lambda.Start(handle) }
