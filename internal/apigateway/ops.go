package apigateway

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Handler returns the REST-JSON service for d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.RESTJSON {
	// REST APIs (rest_ops.go) share the signing name and the endpoint.
	return &protocol.RESTJSON{Dispatcher: d, NotFound: errUnknownOp, Routes: append(s.restRoutes(), []protocol.Route{
		{Method: http.MethodPost, Path: "/v2/apis", Op: s.createAPIOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: "/v2/apis", Op: s.getAPIsOp()},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}", Op: s.getAPIOp()},
		{Method: http.MethodDelete, Path: "/v2/apis/{apiId}", Op: s.deleteAPIOp(), Status: http.StatusNoContent},
		{Method: http.MethodPost, Path: "/v2/apis/{apiId}/routes", Op: s.createRouteOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/routes", Op: s.getRoutesOp()},
		{Method: http.MethodPost, Path: "/v2/apis/{apiId}/integrations", Op: s.createIntegrationOp(), Status: http.StatusCreated},
		{Method: http.MethodPost, Path: "/v2/apis/{apiId}/stages", Op: s.createStageOp(), Status: http.StatusCreated},
		{Method: http.MethodPost, Path: "/v2/apis/{apiId}/deployments", Op: s.createDeploymentOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/routes/{routeId}", Op: s.getChildOp("GetRoute", "routes", "routeId")},
		{Method: http.MethodPatch, Path: "/v2/apis/{apiId}/routes/{routeId}", Op: s.updateRouteOp()},
		{Method: http.MethodDelete, Path: "/v2/apis/{apiId}/routes/{routeId}", Op: s.deleteChildOp("DeleteRoute", "routes", "routeId"), Status: http.StatusNoContent},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/integrations", Op: s.listChildrenOp("GetIntegrations", "integrations")},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/integrations/{integrationId}", Op: s.getChildOp("GetIntegration", "integrations", "integrationId")},
		{Method: http.MethodDelete, Path: "/v2/apis/{apiId}/integrations/{integrationId}", Op: s.deleteChildOp("DeleteIntegration", "integrations", "integrationId"), Status: http.StatusNoContent},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/stages", Op: s.listChildrenOp("GetStages", "stages")},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/stages/{stageName}", Op: s.getChildOp("GetStage", "stages", "stageName")},
		{Method: http.MethodDelete, Path: "/v2/apis/{apiId}/stages/{stageName}", Op: s.deleteChildOp("DeleteStage", "stages", "stageName"), Status: http.StatusNoContent},
		{Method: http.MethodPost, Path: "/v2/apis/{apiId}/authorizers", Op: s.createAuthorizerOp(), Status: http.StatusCreated},
		{Method: http.MethodPost, Path: "/v2/tags/{resource-arn}", Op: s.tagResourceOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: "/v2/tags/{resource-arn}", Op: s.getTagsOp()},
		{Method: http.MethodDelete, Path: "/v2/tags/{resource-arn}", Op: s.untagResourceOp(), Status: http.StatusNoContent},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/authorizers", Op: s.listChildrenOp("GetAuthorizers", "authorizers")},
		{Method: http.MethodGet, Path: "/v2/apis/{apiId}/authorizers/{authorizerId}", Op: s.getChildOp("GetAuthorizer", "authorizers", "authorizerId")},
		{Method: http.MethodPatch, Path: "/v2/apis/{apiId}/authorizers/{authorizerId}", Op: s.updateAuthorizerOp()},
		{Method: http.MethodDelete, Path: "/v2/apis/{apiId}/authorizers/{authorizerId}", Op: s.deleteChildOp("DeleteAuthorizer", "authorizers", "authorizerId"), Status: http.StatusNoContent},
	}...)}
}

// resource is the ARN API Gateway authorizes a management call on: the
// resource path under arn:aws:apigateway:REGION:: (Service Authorization
// Reference, "Actions, resources, and condition keys for Amazon API
// Gateway Management V2").
func resource(r *protocol.Request, path string) protocol.Target {
	return protocol.Target{Resource: "arn:aws:apigateway:" + r.Region + "::" + path}
}

const timeFormat = "2006-01-02T15:04:05Z"

// apiOut is the Api shape.
type apiOut struct {
	APIEndpoint               string            `json:"apiEndpoint"`
	APIID                     string            `json:"apiId"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	CreatedDate               string            `json:"createdDate"`
	Description               string            `json:"description,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	Name                      string            `json:"name"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	Tags                      map[string]string `json:"tags"`
}

// PathPrefix is where APIs are called: PathPrefix + API_ID + [/STAGE] + PATH.
const PathPrefix = "/_seki/execute-api/"

func (a *api) out(r *protocol.Request) *apiOut {
	return &apiOut{
		APIEndpoint: "http://" + r.HTTP.Host + strings.TrimSuffix(PathPrefix, "/") + "/" + a.ID,
		APIID:       a.ID, APIKeySelectionExpression: "$request.header.x-api-key",
		CreatedDate: a.Created.UTC().Format(timeFormat), Description: a.Description, Name: a.Name,
		ProtocolType: a.ProtocolType, RouteSelectionExpression: a.RouteSelectionExpression, Tags: a.tags(),
	}
}

type createAPIIn struct {
	Name         string            `json:"name"`
	ProtocolType string            `json:"protocolType"`
	Description  string            `json:"description"`
	Target       string            `json:"target"`
	RouteKey     string            `json:"routeKey"`
	Tags         map[string]string `json:"tags"`
}

func (s *Service) createAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createAPIIn]{
		Name: "CreateApi",
		Decode: func(_ context.Context, r *protocol.Request) (createAPIIn, error) {
			var in createAPIIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			switch {
			case in.Name == "":
				return in, errBadRequest.Errorf(msgRequired, "Name")
			case in.ProtocolType == "":
				return in, errBadRequest.Errorf(msgRequired, "ProtocolType")
			case in.ProtocolType != "HTTP":
				return in, errBadRequest.New(msgProtocol)
			case in.Target != "" && !isFunctionARN(in.Target):
				return in, errBadRequest.New(msgIntegration)
			}
			if in.RouteKey == "" {
				in.RouteKey = "$default"
			}
			if _, err := parseRouteKey(in.RouteKey); err != nil {
				return in, err
			}
			return in, checkTags(in.Tags)
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ createAPIIn) (protocol.Target, error) {
			return resource(r, "/apis"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createAPIIn) (any, error) {
			now := r.Now.UTC().Truncate(time.Second)
			a := &api{
				ID: s.freeID(), Account: r.Account(), Region: r.Region, Name: in.Name, Description: in.Description,
				ProtocolType: in.ProtocolType, RouteSelectionExpression: "$request.method $request.path", Created: now,
				Tags: in.Tags,
			}
			if in.Target != "" {
				// Quick create: the route, its Lambda proxy integration
				// and the auto-deployed $default stage, all managed by
				// API Gateway (Developer Guide, "quick create").
				ig := &integration{ID: newID(7), Type: "AWS_PROXY", URI: in.Target, Method: "POST",
					PayloadFormatVersion: "2.0", TimeoutInMillis: 30000, Managed: true}
				rt := &route{ID: newID(7), Key: in.RouteKey, Target: "integrations/" + ig.ID, AuthorizationType: "NONE", Managed: true}
				a.Integrations = []*integration{ig}
				a.Routes = []*route{rt}
				a.Stages = []*stage{{Name: "$default", AutoDeploy: true, Created: now, Updated: now, Managed: true}}
				if err := a.compile(); err != nil {
					return nil, err
				}
			}
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			if err := s.put(ctx, a); err != nil {
				return nil, err
			}
			return a.out(r), nil
		},
	})
}

// isFunctionARN reports whether s is a Lambda function ARN (qualified or
// not), the integration target seki runs.
func isFunctionARN(s string) bool {
	a, err := arn.Parse(s)
	return err == nil && a.Service == "lambda" && a.Region != "" && a.AccountID != "" && strings.HasPrefix(a.Resource, "function:")
}

func (s *Service) getAPIsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetApis",
		Auth: protocol.Check("apigateway:GET", func(_ context.Context, r *protocol.Request, _ struct{}) (protocol.Target, error) {
			return resource(r, "/apis"), nil
		}),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			s.mu.RLock()
			items := []*apiOut{}
			for _, a := range s.apis {
				if a.Account == r.Account() && a.Region == r.Region {
					items = append(items, a.out(r))
				}
			}
			s.mu.RUnlock()
			slices.SortFunc(items, func(x, y *apiOut) int { return strings.Compare(x.APIID, y.APIID) })
			return map[string]any{"items": items}, nil
		},
	})
}

// lookup returns the caller's API named in the path.
func (s *Service) lookup(r *protocol.Request) (*api, error) {
	id := r.Path["apiId"]
	a := s.get(id)
	if a == nil || a.Account != r.Account() || a.Region != r.Region {
		return nil, errNotFound.Errorf(msgInvalidAPI, r.Account(), id)
	}
	return a, nil
}

func (s *Service) getAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetApi",
		Auth: protocol.Check("apigateway:GET", func(_ context.Context, r *protocol.Request, _ struct{}) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]), nil
		}),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookup(r)
			if err != nil {
				return nil, err
			}
			return a.out(r), nil
		},
	})
}

func (s *Service) deleteAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteApi",
		Auth: protocol.Check("apigateway:DELETE", func(_ context.Context, r *protocol.Request, _ struct{}) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			a, err := s.lookup(r)
			if err != nil {
				return nil, err
			}
			err = s.db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(`DELETE FROM apigw_apis WHERE id = ?`, a.ID)
				return err
			})
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			delete(s.apis, a.ID)
			s.mu.Unlock()
			return nil, nil
		},
	})
}

// routeOut is the Route shape.
type routeOut struct {
	APIGatewayManaged bool   `json:"apiGatewayManaged"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
	AuthorizationType string `json:"authorizationType"`
	AuthorizerID      string `json:"authorizerId,omitempty"`
	RouteID           string `json:"routeId"`
	RouteKey          string `json:"routeKey"`
	Target            string `json:"target,omitempty"`
}

func (rt *route) out() *routeOut {
	return &routeOut{APIGatewayManaged: rt.Managed, AuthorizationType: rt.AuthorizationType, AuthorizerID: rt.AuthorizerID,
		RouteID: rt.ID, RouteKey: rt.Key, Target: rt.Target}
}

type createRouteIn struct {
	RouteKey          string `json:"routeKey"`
	Target            string `json:"target"`
	AuthorizationType string `json:"authorizationType"`
	AuthorizerID      string `json:"authorizerId"`
}

func (s *Service) createRouteOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createRouteIn]{
		Name: "CreateRoute",
		Decode: func(_ context.Context, r *protocol.Request) (createRouteIn, error) {
			var in createRouteIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.RouteKey == "" {
				return in, errBadRequest.Errorf(msgRequired, "RouteKey")
			}
			if _, err := parseRouteKey(in.RouteKey); err != nil {
				return in, err
			}
			if in.AuthorizationType == "" {
				in.AuthorizationType = "NONE"
			}
			return in, checkAuthorizationType(in.AuthorizationType)
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ createRouteIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/routes"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createRouteIn) (any, error) {
			if _, err := s.lookup(r); err != nil {
				return nil, err
			}
			p, _ := parseRouteKey(in.RouteKey)
			rt := &route{ID: newID(7), Key: in.RouteKey, Target: in.Target, AuthorizationType: in.AuthorizationType,
				AuthorizerID: in.AuthorizerID, pattern: p}
			_, err := s.update(ctx, r, func(a *api) error {
				if err := a.checkRouteAuth(rt); err != nil {
					return err
				}
				for _, o := range a.Routes {
					if o.Key == in.RouteKey {
						return errConflict.Errorf(msgRouteExists, in.RouteKey)
					}
				}
				if in.Target != "" && a.integration(in.Target) == nil {
					return errNotFound.New(msgInvalidIntegration)
				}
				a.Routes = append(a.Routes, rt)
				return nil
			})
			if err != nil {
				return nil, err
			}
			return rt.out(), nil
		},
	})
}

// integration returns the integration a route target names
// ("integrations/ID").
func (a *api) integration(target string) *integration {
	id, ok := strings.CutPrefix(target, "integrations/")
	if !ok {
		return nil
	}
	for _, ig := range a.Integrations {
		if ig.ID == id {
			return ig
		}
	}
	return nil
}

func (s *Service) getRoutesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetRoutes",
		Auth: protocol.Check("apigateway:GET", func(_ context.Context, r *protocol.Request, _ struct{}) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/routes"), nil
		}),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookup(r)
			if err != nil {
				return nil, err
			}
			items := make([]*routeOut, 0, len(a.Routes))
			for _, rt := range a.Routes {
				items = append(items, rt.out())
			}
			return map[string]any{"items": items}, nil
		},
	})
}

// integrationOut is the Integration shape.
type integrationOut struct {
	APIGatewayManaged    bool   `json:"apiGatewayManaged"`
	ConnectionType       string `json:"connectionType"`
	IntegrationID        string `json:"integrationId"`
	IntegrationMethod    string `json:"integrationMethod,omitempty"`
	IntegrationType      string `json:"integrationType"`
	IntegrationURI       string `json:"integrationUri"`
	PayloadFormatVersion string `json:"payloadFormatVersion"`
	TimeoutInMillis      int    `json:"timeoutInMillis"`
}

type createIntegrationIn struct {
	IntegrationType      string `json:"integrationType"`
	IntegrationURI       string `json:"integrationUri"`
	IntegrationMethod    string `json:"integrationMethod"`
	PayloadFormatVersion string `json:"payloadFormatVersion"`
	TimeoutInMillis      int    `json:"timeoutInMillis"`
}

func (s *Service) createIntegrationOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createIntegrationIn]{
		Name: "CreateIntegration",
		Decode: func(_ context.Context, r *protocol.Request) (createIntegrationIn, error) {
			var in createIntegrationIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.IntegrationType == "" {
				return in, errBadRequest.Errorf(msgRequired, "IntegrationType")
			}
			if in.IntegrationType != "AWS_PROXY" || !isFunctionARN(in.IntegrationURI) {
				return in, errBadRequest.New(msgIntegration)
			}
			if in.PayloadFormatVersion == "" {
				return in, errBadRequest.Errorf(msgRequired, "PayloadFormatVersion")
			}
			switch in.PayloadFormatVersion {
			case "1.0", "2.0":
			default:
				return in, errBadRequest.New(msgPayloadVersion)
			}
			if in.TimeoutInMillis == 0 {
				in.TimeoutInMillis = 30000
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ createIntegrationIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/integrations"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createIntegrationIn) (any, error) {
			ig := &integration{ID: newID(7), Type: in.IntegrationType, URI: in.IntegrationURI, Method: in.IntegrationMethod,
				PayloadFormatVersion: in.PayloadFormatVersion, TimeoutInMillis: in.TimeoutInMillis}
			_, err := s.update(ctx, r, func(a *api) error {
				a.Integrations = append(a.Integrations, ig)
				return nil
			})
			if err != nil {
				return nil, err
			}
			return ig.out(), nil
		},
	})
}

// stageOut is the Stage shape.
type stageOut struct {
	APIGatewayManaged bool              `json:"apiGatewayManaged"`
	AutoDeploy        bool              `json:"autoDeploy"`
	CreatedDate       string            `json:"createdDate"`
	LastUpdatedDate   string            `json:"lastUpdatedDate"`
	StageName         string            `json:"stageName"`
	Tags              map[string]string `json:"tags"`
}

type createStageIn struct {
	StageName  string `json:"stageName"`
	AutoDeploy bool   `json:"autoDeploy"`
}

func (s *Service) createStageOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createStageIn]{
		Name: "CreateStage",
		Decode: func(_ context.Context, r *protocol.Request) (createStageIn, error) {
			var in createStageIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.StageName == "" {
				return in, errBadRequest.Errorf(msgRequired, "StageName")
			}
			if strings.ContainsAny(in.StageName, "/ ") {
				return in, errBadRequest.Errorf(msgBadStage, in.StageName)
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ createStageIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/stages"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createStageIn) (any, error) {
			now := r.Now.UTC().Truncate(time.Second)
			st := &stage{Name: in.StageName, AutoDeploy: in.AutoDeploy, Created: now, Updated: now}
			_, err := s.update(ctx, r, func(a *api) error {
				if a.stage(in.StageName) != nil {
					return errConflict.New(msgStageExists)
				}
				a.Stages = append(a.Stages, st)
				return nil
			})
			if err != nil {
				return nil, err
			}
			return st.out(), nil
		},
	})
}

func (a *api) stage(name string) *stage {
	for _, st := range a.Stages {
		if st.Name == name {
			return st
		}
	}
	return nil
}

type updateRouteIn struct {
	RouteKey          *string `json:"routeKey"`
	Target            *string `json:"target"`
	AuthorizationType *string `json:"authorizationType"`
	AuthorizerID      *string `json:"authorizerId"`
}

func (s *Service) updateRouteOp() *protocol.Op {
	return protocol.Define(protocol.Spec[updateRouteIn]{
		Name: "UpdateRoute",
		Decode: func(_ context.Context, r *protocol.Request) (updateRouteIn, error) {
			var in updateRouteIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.RouteKey != nil {
				if _, err := parseRouteKey(*in.RouteKey); err != nil {
					return in, err
				}
			}
			if in.AuthorizationType != nil {
				return in, checkAuthorizationType(*in.AuthorizationType)
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:PATCH", func(_ context.Context, r *protocol.Request, _ updateRouteIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/routes/"+r.Path["routeId"]), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in updateRouteIn) (any, error) {
			var updated *route
			_, err := s.update(ctx, r, func(a *api) error {
				i := slices.IndexFunc(a.Routes, func(rt *route) bool { return rt.ID == r.Path["routeId"] })
				if i < 0 {
					return errNotFound.Errorf(msgInvalidChild, "Route", r.Path["routeId"])
				}
				rt := *a.Routes[i]
				if in.RouteKey != nil && *in.RouteKey != rt.Key {
					for _, o := range a.Routes {
						if o.Key == *in.RouteKey {
							return errConflict.Errorf(msgRouteExists, *in.RouteKey)
						}
					}
					rt.Key = *in.RouteKey
					rt.pattern, _ = parseRouteKey(rt.Key)
				}
				if in.Target != nil {
					if *in.Target != "" && a.integration(*in.Target) == nil {
						return errNotFound.New(msgInvalidIntegration)
					}
					rt.Target = *in.Target
				}
				if in.AuthorizationType != nil {
					rt.AuthorizationType = *in.AuthorizationType
					if rt.AuthorizationType != "CUSTOM" {
						rt.AuthorizerID = ""
					}
				}
				if in.AuthorizerID != nil {
					rt.AuthorizerID = *in.AuthorizerID
				}
				if err := a.checkRouteAuth(&rt); err != nil {
					return err
				}
				a.Routes[i] = &rt
				updated = &rt
				return nil
			})
			if err != nil {
				return nil, err
			}
			return updated.out(), nil
		},
	})
}

// checkAuthorizationType accepts the route authorizations seki serves:
// NONE, AWS_IAM and CUSTOM (a Lambda authorizer); JWT is refused.
func checkAuthorizationType(t string) error {
	switch t {
	case "NONE", "AWS_IAM", "CUSTOM":
		return nil
	}
	return errBadRequest.Errorf(msgAuthorizationType, t)
}

// checkRouteAuth checks that a CUSTOM route names one of a's authorizers,
// and that no other route names one.
func (a *api) checkRouteAuth(rt *route) error {
	if rt.AuthorizationType != "CUSTOM" {
		if rt.AuthorizerID != "" {
			return errBadRequest.New(msgAuthorizerNotCustom)
		}
		return nil
	}
	if rt.AuthorizerID == "" {
		return errBadRequest.New(msgAuthorizerIDRequired)
	}
	if a.authorizer(rt.AuthorizerID) == nil {
		return errNotFound.Errorf(msgInvalidChild, "Authorizer", rt.AuthorizerID)
	}
	return nil
}
