package apigateway

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/funcurl"
	"github.com/seki-dev/seki/internal/jsonstr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// A REST API's Lambda authorizers (API Gateway v1: TOKEN and REQUEST),
// and what they do to a call of a CUSTOM method (Developer Guide, "Use API
// Gateway Lambda authorizers"):
//
//   - The identity source (method.request.header.NAME for TOKEN; headers,
//     query string parameters, stage variables or context variables for
//     REQUEST) must be present, and for TOKEN match
//     identityValidationExpression; else 401 Unauthorized, the function
//     not called.
//   - The function is invoked through the door as apigateway.amazonaws.com
//     with aws:SourceArn arn:aws:execute-api:REGION:ACCOUNT:API_ID/authorizers/ID
//     and the TOKEN event ({"type","authorizationToken","methodArn"}) or the
//     REQUEST event (the format 1.0 event with type and methodArn). An
//     "Unauthorized" error is 401; a refused invocation, another error or
//     an unusable answer is 500.
//   - Its answer ({"principalId","policyDocument","context"}) is cached by
//     identity source for authorizerResultTtlInSeconds (300 unless set) and
//     judged by the door for execute-api:Invoke on the method's ARN, the
//     authorizer as the principal, its policy as the identity policy and
//     the API's resource policy as the resource policy ("evaluated in
//     conjunction", Developer Guide, "How API Gateway resource policies
//     affect authorization workflow"): a denial is 403 "User is not
//     authorized to access this resource", or the resource policy's own
//     denial when its explicit Deny decided. seki evaluates the resource
//     policy once, after the authorizer, where AWS also looks for its
//     explicit denials before calling the authorizer: the answer is the
//     same, only the authorizer runs where AWS's would not.
//   - The context and principalId reach requestContext.authorizer.

type restAuthorizer struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	URI            string `json:"uri"`
	IdentitySource string `json:"identitySource,omitempty"`
	Validation     string `json:"validation,omitempty"`
	TTL            *int   `json:"ttl,omitempty"`
	Credentials    string `json:"credentials,omitempty"`

	functionARN string
	validation  *regexp.Regexp
}

// ttl is the authorizer's cache time: 300 s unless set.
func (au *restAuthorizer) ttl() int {
	if au.TTL == nil {
		return 300
	}
	return *au.TTL
}

// compile finds the authorizer's function and validation expression.
func (au *restAuthorizer) compile() error {
	fn, ok := invokeURIFunction(au.URI)
	if !ok {
		return errBadRequest.Errorf(msgBadAuthorizerURI, au.URI)
	}
	au.functionARN = fn
	au.validation = nil
	if au.Validation != "" {
		re, err := regexp.Compile("^(?:" + au.Validation + ")$")
		if err != nil {
			return errBadRequest.Errorf(msgValidationExpression, au.Validation)
		}
		au.validation = re
	}
	return nil
}

// restIdentitySources splits an identity source: comma-separated
// method.request.header.NAME, method.request.querystring.NAME,
// stageVariables.NAME or context.NAME.
func restIdentitySources(src string) ([][2]string, bool) {
	var out [][2]string
	for _, part := range strings.Split(src, ",") {
		part = strings.TrimSpace(part)
		found := false
		for _, k := range []string{"method.request.header.", "method.request.querystring.", "stageVariables.", "context."} {
			if n, ok := strings.CutPrefix(part, k); ok && n != "" {
				out = append(out, [2]string{k, n})
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, len(out) > 0
}

type restAuthorizerIn struct {
	Name                         string `json:"name"`
	Type                         string `json:"type"`
	AuthorizerURI                string `json:"authorizerUri"`
	AuthorizerCredentials        string `json:"authorizerCredentials"`
	IdentitySource               string `json:"identitySource"`
	IdentityValidationExpression string `json:"identityValidationExpression"`
	AuthorizerResultTtlInSeconds *int   `json:"authorizerResultTtlInSeconds"`
}

// restAuthorizerOut is the v1 Authorizer shape.
type restAuthorizerOut struct {
	ID                           string `json:"id"`
	Name                         string `json:"name"`
	Type                         string `json:"type"`
	AuthType                     string `json:"authType"`
	AuthorizerURI                string `json:"authorizerUri"`
	AuthorizerCredentials        string `json:"authorizerCredentials,omitempty"`
	IdentitySource               string `json:"identitySource,omitempty"`
	IdentityValidationExpression string `json:"identityValidationExpression,omitempty"`
	AuthorizerResultTtlInSeconds int    `json:"authorizerResultTtlInSeconds"`
}

func (au *restAuthorizer) out() *restAuthorizerOut {
	return &restAuthorizerOut{ID: au.ID, Name: au.Name, Type: au.Type, AuthType: "custom", AuthorizerURI: au.URI,
		AuthorizerCredentials: au.Credentials, IdentitySource: au.IdentitySource,
		IdentityValidationExpression: au.Validation, AuthorizerResultTtlInSeconds: au.ttl()}
}

func (a *restAPI) authorizer(id string) *restAuthorizer {
	for _, au := range a.Authorizers {
		if au.ID == id {
			return au
		}
	}
	return nil
}

func (s *Service) createRestAuthorizerOp() *protocol.Op {
	return protocol.Define(protocol.Spec[restAuthorizerIn]{
		Name: "CreateAuthorizer",
		Decode: func(_ context.Context, r *protocol.Request) (restAuthorizerIn, error) {
			var in restAuthorizerIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			switch {
			case in.Name == "":
				return in, errBadRequest.Errorf(msgRestRequired, "name")
			case in.Type == "COGNITO_USER_POOLS":
				return in, errBadRequest.New(msgCognito)
			case in.Type != "TOKEN" && in.Type != "REQUEST":
				return in, errBadRequest.Errorf(msgAuthorizerType, in.Type)
			case in.AuthorizerURI == "":
				return in, errBadRequest.New(msgAuthorizerURI)
			case in.AuthorizerResultTtlInSeconds != nil && (*in.AuthorizerResultTtlInSeconds < 0 || *in.AuthorizerResultTtlInSeconds > 3600):
				return in, errBadRequest.New(msgTTL)
			}
			if in.Type == "TOKEN" && in.IdentitySource == "" {
				in.IdentitySource = "method.request.header.Authorization"
			}
			if in.IdentitySource != "" {
				srcs, ok := restIdentitySources(in.IdentitySource)
				if !ok || in.Type == "TOKEN" && (len(srcs) != 1 || srcs[0][0] != "method.request.header.") {
					return in, errBadRequest.Errorf(msgIdentitySource, in.IdentitySource)
				}
			} else if in.AuthorizerResultTtlInSeconds == nil || *in.AuthorizerResultTtlInSeconds > 0 {
				return in, errBadRequest.New(msgIdentityForCache)
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:POST", restTarget[restAuthorizerIn]("authorizers")),
		Handle: func(ctx context.Context, r *protocol.Request, in restAuthorizerIn) (any, error) {
			au := &restAuthorizer{ID: newID(6), Name: in.Name, Type: in.Type, URI: in.AuthorizerURI,
				IdentitySource: in.IdentitySource, Validation: in.IdentityValidationExpression,
				TTL: in.AuthorizerResultTtlInSeconds, Credentials: in.AuthorizerCredentials}
			if err := au.compile(); err != nil {
				return nil, err
			}
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				a.Authorizers = append(a.Authorizers, au)
				return nil
			})
			if err != nil {
				return nil, err
			}
			return au.out(), nil
		},
	})
}

func (s *Service) getRestAuthorizersOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetAuthorizers",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("authorizers")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			items := make([]*restAuthorizerOut, 0, len(a.Authorizers))
			for _, au := range a.Authorizers {
				items = append(items, au.out())
			}
			return map[string]any{"item": items}, nil
		},
	})
}

func (s *Service) getRestAuthorizerOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetAuthorizer",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("authorizers", "{authorizer_id}")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			if au := a.authorizer(r.Path["authorizer_id"]); au != nil {
				return au.out(), nil
			}
			return nil, errNotFound.Errorf(msgInvalidChild, "Authorizer", r.Path["authorizer_id"])
		},
	})
}

func (s *Service) deleteRestAuthorizerOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteAuthorizer",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]("authorizers", "{authorizer_id}")),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			id := r.Path["authorizer_id"]
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				if a.authorizer(id) == nil {
					return errNotFound.Errorf(msgInvalidChild, "Authorizer", id)
				}
				for _, res := range a.Resources {
					for _, m := range res.Methods {
						if m.AuthorizerID == id {
							return errConflict.Errorf(msgAuthorizerInUse, id, m.HTTPMethod+" "+resourcePath(a.Resources, res))
						}
					}
				}
				a.Authorizers = slices.DeleteFunc(a.Authorizers, func(au *restAuthorizer) bool { return au.ID == id })
				return nil
			})
			return nil, err
		},
	})
}

// authorizeRestLambda runs a CUSTOM method's Lambda authorizer. When it
// returns false it has answered the caller.
func (s *Service) authorizeRestLambda(c *restCall) (*authorization, bool) {
	au := c.a.authorizer(c.m.AuthorizerID)
	if au == nil || s.door == nil || au.functionARN == "" {
		restAnswer(c.w, http.StatusInternalServerError, typeAuthorizerConfig, bodyAuthorizerConfig)
		return nil, false
	}
	vals, ok := c.identity(au)
	if !ok {
		restAnswer(c.w, http.StatusUnauthorized, typeUnauthorized, bodyUnauthorized)
		return nil, false
	}
	key := authKey{rest: au, identity: strings.Join(vals, "\x00")}
	ttl := au.ttl()
	var res *authResult
	if ttl > 0 {
		res = s.cache.get(key, c.now)
	}
	if res == nil {
		var event []byte
		if au.Type == "TOKEN" {
			event = []byte(`{"type":"TOKEN","authorizationToken":`)
			event = jsonstr.Append(event, vals[0])
			event = append(event, `,"methodArn":`...)
			event = jsonstr.Append(event, c.methodARN())
			event = append(event, '}')
		} else {
			head := jsonstr.Append([]byte(`{"type":"REQUEST","methodArn":`), c.methodARN())
			event = append(append(head, ','), bytes.TrimPrefix(c.event(nil, &authorization{}), []byte("{"))...)
		}
		a := c.a
		payload, fail := s.runAuthorizer(c.r.Context(), c.reqID, au.functionARN, a.executeARN()+"/authorizers/"+au.ID, a.Account, event)
		switch fail {
		case authUnauthorized:
			restAnswer(c.w, http.StatusUnauthorized, typeUnauthorized, bodyUnauthorized)
			return nil, false
		case authFailed:
			restAnswer(c.w, http.StatusInternalServerError, typeAuthorizerConfig, bodyAuthorizerConfig)
			return nil, false
		}
		if res, ok = parseAuthorizerAnswer(payload, false, a.executeARN(), au.Name+" ("+au.ID+")"); !ok {
			restAnswer(c.w, http.StatusInternalServerError, typeAuthorizerConfig, bodyAuthorizerConfig)
			return nil, false
		}
		if ttl > 0 {
			res.expires = c.now.Add(time.Duration(ttl) * time.Second)
			s.cache.put(key, res, c.now)
		}
	}
	keys := policy.NewContext(0)
	if _, callers := s.parts(); callers != nil {
		keys = callers.Conditions(c.r, c.now, c.a.Region)
	}
	err := s.judge(c.r.Context(), c.reqID, c.a.executeARN()+"/authorizers/"+au.ID, c.a.Account, res, c.methodARN(), c.a.policy, keys)
	if err != nil {
		var d *authz.Denied
		if errors.As(err, &d) && d.Decision.Result == policy.ExplicitlyDenied && d.Decision.By == policy.Resource {
			// The API's resource policy refused: its own words.
			restDenied(c.w, anonymousCaller, c.methodARN(), err)
		} else if errors.As(err, &d) {
			body := bodyRestAuthorizerDenied
			if d.Decision.Result == policy.ExplicitlyDenied {
				body = bodyRestAuthorizerExplicit
			}
			restAnswer(c.w, http.StatusForbidden, typeAccessDenied, body)
		} else {
			restAnswer(c.w, http.StatusInternalServerError, "", bodyRestInternal)
		}
		return nil, false
	}
	return &authorization{lambda: res.context, principalID: res.principalID}, true
}

// identity returns the values of the authorizer's identity sources for c,
// and false when one is missing or a token fails the validation
// expression.
func (c *restCall) identity(au *restAuthorizer) ([]string, bool) {
	srcs, _ := restIdentitySources(au.IdentitySource)
	vals := make([]string, 0, len(srcs))
	for _, src := range srcs {
		var v string
		switch src[0] {
		case "method.request.header.":
			v = strings.Join(c.r.Header.Values(src[1]), ",")
		case "method.request.querystring.":
			v = strings.Join(c.r.URL.Query()[src[1]], ",")
		case "stageVariables.":
			v = c.stage.Variables[src[1]]
		case "context.":
			switch src[1] {
			case "httpMethod":
				v = c.r.Method
			case "stage":
				v = c.stage.Name
			case "identity.sourceIp":
				v = funcurl.SourceIP(c.r.RemoteAddr)
			}
		}
		if v == "" {
			return nil, false
		}
		vals = append(vals, v)
	}
	if au.Type == "TOKEN" && au.validation != nil && !au.validation.MatchString(vals[0]) {
		return nil, false
	}
	return vals, true
}
