package apigateway

import (
	"context"
	"slices"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// An HTTP API's Lambda authorizers (type REQUEST): the management calls.
// What an authorizer does to a call is in authorizer_exec.go.

type authorizer struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Type           string   `json:"type"`
	URI            string   `json:"uri"`
	PayloadVersion string   `json:"payloadVersion"`
	Simple         bool     `json:"simple,omitempty"`
	IdentitySource []string `json:"identitySource,omitempty"`
	TTL            int      `json:"ttl"`
	CredentialsARN string   `json:"credentialsArn,omitempty"`

	// functionARN is the function URI names; set by check.
	functionARN string
}

// authorizerOut is the Authorizer shape.
type authorizerOut struct {
	AuthorizerCredentialsArn       string   `json:"authorizerCredentialsArn,omitempty"`
	AuthorizerID                   string   `json:"authorizerId"`
	AuthorizerPayloadFormatVersion string   `json:"authorizerPayloadFormatVersion,omitempty"`
	AuthorizerResultTtlInSeconds   int      `json:"authorizerResultTtlInSeconds"`
	AuthorizerType                 string   `json:"authorizerType"`
	AuthorizerURI                  string   `json:"authorizerUri,omitempty"`
	EnableSimpleResponses          bool     `json:"enableSimpleResponses"`
	IdentitySource                 []string `json:"identitySource"`
	Name                           string   `json:"name"`
}

func (au *authorizer) out() *authorizerOut {
	src := au.IdentitySource
	if src == nil {
		src = []string{}
	}
	return &authorizerOut{AuthorizerCredentialsArn: au.CredentialsARN, AuthorizerID: au.ID,
		AuthorizerPayloadFormatVersion: au.PayloadVersion, AuthorizerResultTtlInSeconds: au.TTL,
		AuthorizerType: au.Type, AuthorizerURI: au.URI, EnableSimpleResponses: au.Simple,
		IdentitySource: src, Name: au.Name}
}

// authorizerIn is CreateAuthorizer's and UpdateAuthorizer's input: nil
// members are not changed by an update.
type authorizerIn struct {
	Name                           *string  `json:"name"`
	AuthorizerType                 *string  `json:"authorizerType"`
	AuthorizerURI                  *string  `json:"authorizerUri"`
	AuthorizerPayloadFormatVersion *string  `json:"authorizerPayloadFormatVersion"`
	EnableSimpleResponses          *bool    `json:"enableSimpleResponses"`
	IdentitySource                 []string `json:"identitySource"`
	AuthorizerResultTtlInSeconds   *int     `json:"authorizerResultTtlInSeconds"`
	AuthorizerCredentialsArn       *string  `json:"authorizerCredentialsArn"`
	JwtConfiguration               any      `json:"jwtConfiguration"`
}

// apply sets au's members from in.
func (in *authorizerIn) apply(au *authorizer) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&au.Name, in.Name)
	set(&au.Type, in.AuthorizerType)
	set(&au.URI, in.AuthorizerURI)
	set(&au.PayloadVersion, in.AuthorizerPayloadFormatVersion)
	set(&au.CredentialsARN, in.AuthorizerCredentialsArn)
	if in.EnableSimpleResponses != nil {
		au.Simple = *in.EnableSimpleResponses
	}
	if in.IdentitySource != nil {
		au.IdentitySource = in.IdentitySource
	}
	if in.AuthorizerResultTtlInSeconds != nil {
		au.TTL = *in.AuthorizerResultTtlInSeconds
	}
}

// check validates an authorizer as it would be stored, and finds its
// function.
func (au *authorizer) check() error {
	switch {
	case au.Name == "":
		return errBadRequest.Errorf(msgRequired, "Name")
	case au.Type == "JWT":
		return errBadRequest.New(msgJWT)
	case au.Type != "REQUEST":
		return errBadRequest.Errorf(msgAuthorizerType, au.Type)
	case au.URI == "":
		return errBadRequest.New(msgAuthorizerURI)
	}
	fn, ok := invokeURIFunction(au.URI)
	if !ok {
		return errBadRequest.Errorf(msgBadAuthorizerURI, au.URI)
	}
	au.functionARN = fn
	switch au.PayloadVersion {
	case "":
		return errBadRequest.New(msgAuthorizerVersion)
	case "1.0", "2.0":
	default:
		return errBadRequest.Errorf(msgBadAuthorizerVersion, au.PayloadVersion)
	}
	if au.Simple && au.PayloadVersion != "2.0" {
		return errBadRequest.New(msgSimpleV2)
	}
	if au.TTL < 0 || au.TTL > 3600 {
		return errBadRequest.New(msgTTL)
	}
	if au.TTL > 0 && len(au.IdentitySource) == 0 {
		return errBadRequest.New(msgIdentityForCache)
	}
	for _, src := range au.IdentitySource {
		if _, _, ok := parseIdentitySource(src); !ok {
			return errBadRequest.Errorf(msgIdentitySource, src)
		}
	}
	return nil
}

// invokeURIFunction returns the function ARN of a Lambda invoke URI,
// arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations.
func invokeURIFunction(uri string) (string, bool) {
	_, rest, ok := strings.Cut(uri, ":lambda:path/2015-03-31/functions/")
	if !ok || !strings.HasPrefix(uri, "arn:aws:apigateway:") {
		return "", false
	}
	fn, ok := strings.CutSuffix(rest, "/invocations")
	if !ok || !isFunctionARN(fn) {
		return "", false
	}
	return fn, true
}

// parseIdentitySource splits an identity source of an HTTP API authorizer:
// $request.header.NAME, $request.querystring.NAME, $context.NAME or
// $stageVariables.NAME.
func parseIdentitySource(src string) (kind, name string, ok bool) {
	for _, k := range []string{"$request.header.", "$request.querystring.", "$context.", "$stageVariables."} {
		if n, found := strings.CutPrefix(src, k); found && n != "" {
			return k, n, true
		}
	}
	return "", "", false
}

func (s *Service) createAuthorizerOp() *protocol.Op {
	return protocol.Define(protocol.Spec[authorizerIn]{
		Name: "CreateAuthorizer",
		Decode: func(_ context.Context, r *protocol.Request) (authorizerIn, error) {
			var in authorizerIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.AuthorizerType == nil {
				return in, errBadRequest.Errorf(msgRequired, "AuthorizerType")
			}
			var au authorizer
			in.apply(&au)
			return in, au.check()
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ authorizerIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/authorizers"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in authorizerIn) (any, error) {
			au := &authorizer{ID: newID(6)}
			in.apply(au)
			au.check()
			_, err := s.update(ctx, r, func(a *api) error {
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

func (s *Service) updateAuthorizerOp() *protocol.Op {
	return protocol.Define(protocol.Spec[authorizerIn]{
		Name: "UpdateAuthorizer",
		Decode: func(_ context.Context, r *protocol.Request) (authorizerIn, error) {
			var in authorizerIn
			err := protocol.DecodeJSON(r.Body, &in)
			return in, err
		},
		Auth: protocol.Check("apigateway:PATCH", func(_ context.Context, r *protocol.Request, _ authorizerIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/authorizers/"+r.Path["authorizerId"]), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in authorizerIn) (any, error) {
			var updated *authorizer
			_, err := s.update(ctx, r, func(a *api) error {
				i := slices.IndexFunc(a.Authorizers, func(au *authorizer) bool { return au.ID == r.Path["authorizerId"] })
				if i < 0 {
					return errNotFound.Errorf(msgInvalidChild, "Authorizer", r.Path["authorizerId"])
				}
				// A new snapshot: results cached for the old one no
				// longer apply.
				au := *a.Authorizers[i]
				in.apply(&au)
				if err := au.check(); err != nil {
					return err
				}
				a.Authorizers[i] = &au
				updated = &au
				return nil
			})
			if err != nil {
				return nil, err
			}
			return updated.out(), nil
		},
	})
}

// authorizer returns the API's authorizer id, or nil.
func (a *api) authorizer(id string) *authorizer {
	for _, au := range a.Authorizers {
		if au.ID == id {
			return au
		}
	}
	return nil
}
