package apigateway

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// The REST API management operations (botocore's apigateway model,
// 2015-07-09). Each passes the door as AWS's IAM reference for API Gateway
// management describes: the HTTP verb as the action (apigateway:GET,
// apigateway:POST, apigateway:PUT, apigateway:PATCH, apigateway:DELETE) on
// the resource path's ARN, arn:aws:apigateway:REGION::/restapis/ID/....

func (s *Service) restRoutes() []protocol.Route {
	const api = "/restapis/{restapi_id}"
	const res = api + "/resources/{resource_id}"
	const meth = res + "/methods/{http_method}"
	return []protocol.Route{
		{Method: http.MethodPost, Path: "/restapis", Op: s.createRestAPIOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: "/restapis", Op: s.getRestAPIsOp()},
		{Method: http.MethodGet, Path: api, Op: s.getRestAPIOp()},
		{Method: http.MethodPatch, Path: api, Op: s.updateRestAPIOp()},
		{Method: http.MethodDelete, Path: api, Op: s.deleteRestAPIOp(), Status: http.StatusAccepted},
		{Method: http.MethodGet, Path: api + "/resources", Op: s.getResourcesOp()},
		{Method: http.MethodGet, Path: res, Op: s.getResourceOp()},
		{Method: http.MethodPost, Path: api + "/resources/{parent_id}", Op: s.createResourceOp(), Status: http.StatusCreated},
		{Method: http.MethodDelete, Path: res, Op: s.deleteResourceOp(), Status: http.StatusAccepted},
		{Method: http.MethodPut, Path: meth, Op: s.putMethodOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: meth, Op: s.getMethodOp()},
		{Method: http.MethodDelete, Path: meth, Op: s.deleteMethodOp(), Status: http.StatusNoContent},
		{Method: http.MethodPut, Path: meth + "/responses/{status_code}", Op: s.putMethodResponseOp(), Status: http.StatusCreated},
		{Method: http.MethodPut, Path: meth + "/integration", Op: s.putIntegrationOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: meth + "/integration", Op: s.getIntegrationOp()},
		{Method: http.MethodDelete, Path: meth + "/integration", Op: s.deleteIntegrationOp(), Status: http.StatusNoContent},
		{Method: http.MethodPut, Path: meth + "/integration/responses/{status_code}", Op: s.putIntegrationResponseOp(), Status: http.StatusCreated},
		{Method: http.MethodPost, Path: api + "/authorizers", Op: s.createRestAuthorizerOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: api + "/authorizers", Op: s.getRestAuthorizersOp()},
		{Method: http.MethodGet, Path: api + "/authorizers/{authorizer_id}", Op: s.getRestAuthorizerOp()},
		{Method: http.MethodDelete, Path: api + "/authorizers/{authorizer_id}", Op: s.deleteRestAuthorizerOp(), Status: http.StatusAccepted},
		{Method: http.MethodPost, Path: api + "/deployments", Op: s.createDeploymentRestOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: api + "/deployments", Op: s.getDeploymentsOp()},
		{Method: http.MethodGet, Path: api + "/deployments/{deployment_id}", Op: s.getDeploymentOp()},
		{Method: http.MethodDelete, Path: api + "/deployments/{deployment_id}", Op: s.deleteDeploymentOp(), Status: http.StatusAccepted},
		{Method: http.MethodPost, Path: api + "/stages", Op: s.createStageRestOp(), Status: http.StatusCreated},
		{Method: http.MethodGet, Path: api + "/stages", Op: s.getStagesRestOp()},
		{Method: http.MethodGet, Path: api + "/stages/{stage_name}", Op: s.getStageRestOp()},
		{Method: http.MethodPatch, Path: api + "/stages/{stage_name}", Op: s.updateStageRestOp()},
		{Method: http.MethodDelete, Path: api + "/stages/{stage_name}", Op: s.deleteStageRestOp(), Status: http.StatusAccepted},
		{Method: http.MethodPut, Path: "/tags/{resource-arn}", Op: s.tagResourceOp(), Status: http.StatusNoContent},
		{Method: http.MethodGet, Path: "/tags/{resource-arn}", Op: s.getTagsOp()},
		{Method: http.MethodDelete, Path: "/tags/{resource-arn}", Op: s.untagResourceOp(), Status: http.StatusNoContent},
	}
}

// restTarget authorizes verb on the path under the API of the request:
// "/restapis/ID" + sub.
func restTarget[In any](sub ...string) func(context.Context, *protocol.Request, In) (protocol.Target, error) {
	return func(_ context.Context, r *protocol.Request, _ In) (protocol.Target, error) {
		p := "/restapis/" + r.Path["restapi_id"]
		for _, s := range sub {
			if strings.HasPrefix(s, "{") {
				s = r.Path[strings.Trim(s, "{}")]
			}
			p += "/" + s
		}
		return resource(r, p), nil
	}
}

// restAPIOut is the RestApi shape.
type restAPIOut struct {
	ID                        string            `json:"id"`
	Name                      string            `json:"name"`
	Description               string            `json:"description,omitempty"`
	Version                   string            `json:"version,omitempty"`
	CreatedDate               int64             `json:"createdDate"`
	APIKeySource              string            `json:"apiKeySource"`
	EndpointConfiguration     endpointConfig    `json:"endpointConfiguration"`
	Policy                    string            `json:"policy,omitempty"`
	Tags                      map[string]string `json:"tags,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	RootResourceID            string            `json:"rootResourceId"`
}

type endpointConfig struct {
	Types         []string `json:"types"`
	IPAddressType string   `json:"ipAddressType,omitempty"`
}

func (a *restAPI) out() *restAPIOut {
	return &restAPIOut{
		ID: a.ID, Name: a.Name, Description: a.Description, Version: a.Version, CreatedDate: a.Created.Unix(),
		APIKeySource: "HEADER", EndpointConfiguration: endpointConfig{Types: a.EndpointTypes, IPAddressType: "ipv4"},
		Policy: escapePolicy(a.Policy), Tags: a.Tags, RootResourceID: a.RootID,
	}
}

// escapePolicy is the policy as GetRestApi returns it: compact JSON with
// its quotes and slashes backslash-escaped (the Terraform AWS provider
// unquotes it: "The API returns policy as an escaped JSON string").
func escapePolicy(doc string) string {
	if doc == "" {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case '"', '/':
			b.WriteByte('\\')
		}
		b.WriteByte(doc[i])
	}
	return b.String()
}

// compactPolicy checks a resource policy and returns it compacted, with
// the execute-api:/ shorthand expanded to the API's ARN.
func compactPolicy(doc, executeARN string) (string, error) {
	if doc == "" {
		return "", nil
	}
	expanded := expandPolicy(doc, executeARN)
	if _, err := policy.Parse([]byte(expanded), policy.Resource); err != nil {
		return "", errBadRequest.New(msgRestPolicy)
	}
	var buf strings.Builder
	var v any
	if err := json.Unmarshal([]byte(expanded), &v); err != nil {
		return "", errBadRequest.New(msgRestPolicy)
	}
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", errBadRequest.New(msgRestPolicy)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

type createRestAPIIn struct {
	Name                  *string           `json:"name"`
	Description           *string           `json:"description"`
	Version               string            `json:"version"`
	EndpointConfiguration *endpointConfig   `json:"endpointConfiguration"`
	Policy                string            `json:"policy"`
	Tags                  map[string]string `json:"tags"`
}

func (s *Service) createRestAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createRestAPIIn]{
		Name: "CreateRestApi",
		Decode: func(_ context.Context, r *protocol.Request) (createRestAPIIn, error) {
			var in createRestAPIIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.Name == nil || *in.Name == "" {
				return in, errBadRequest.Errorf(msgRestRequired, "name")
			}
			if in.Description != nil && *in.Description == "" {
				return in, errBadRequest.New(msgEmptyDescription)
			}
			if err := checkTags(in.Tags); err != nil {
				return in, err
			}
			if ec := in.EndpointConfiguration; ec != nil {
				if len(ec.Types) > 1 {
					return in, errBadRequest.New(msgMultipleEndpointTypes)
				}
				for _, t := range ec.Types {
					if t != "REGIONAL" && t != "EDGE" && t != "PRIVATE" {
						return in, errBadRequest.New(msgEndpointTypes)
					}
				}
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ createRestAPIIn) (protocol.Target, error) {
			return resource(r, "/restapis"), nil
		}),
		Handle: func(ctx context.Context, r *protocol.Request, in createRestAPIIn) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			a := &restAPI{
				ID: s.freeID(), Account: r.Account(), Region: r.Region, Name: *in.Name, Version: in.Version,
				EndpointTypes: []string{"EDGE"}, Tags: in.Tags, Created: r.Now.UTC().Truncate(time.Second), RootID: newID(10),
			}
			if in.Description != nil {
				a.Description = *in.Description
			}
			if ec := in.EndpointConfiguration; ec != nil && len(ec.Types) > 0 {
				a.EndpointTypes = ec.Types
			}
			var err error
			if a.Policy, err = compactPolicy(in.Policy, a.executeARN()); err != nil {
				return nil, err
			}
			a.Resources = []*restResource{{ID: a.RootID}}
			if err := a.compile(); err != nil {
				return nil, err
			}
			if err := s.putRest(ctx, a); err != nil {
				return nil, err
			}
			return a.out(), nil
		},
	})
}

func (s *Service) getRestAPIsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetRestApis",
		Auth: protocol.Check("apigateway:GET", func(_ context.Context, r *protocol.Request, _ struct{}) (protocol.Target, error) {
			return resource(r, "/restapis"), nil
		}),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			s.mu.RLock()
			items := []*restAPIOut{}
			for _, a := range s.rest {
				if a.Account == r.Account() && a.Region == r.Region {
					items = append(items, a.out())
				}
			}
			s.mu.RUnlock()
			slices.SortFunc(items, func(x, y *restAPIOut) int { return strings.Compare(x.ID, y.ID) })
			return map[string]any{"item": items}, nil
		},
	})
}

func (s *Service) getRestAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetRestApi",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]()),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			return a.out(), nil
		},
	})
}

func (s *Service) deleteRestAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteRestApi",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]()),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			s.writeMu.Lock()
			defer s.writeMu.Unlock()
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			return nil, s.deleteRest(ctx, a.ID)
		},
	})
}

// patchOp is one member of patchOperations.
type patchOp struct {
	Op    string  `json:"op"`
	Path  string  `json:"path"`
	Value *string `json:"value"`
	From  string  `json:"from"`
}

type patchIn struct {
	PatchOperations []patchOp `json:"patchOperations"`
}

func decodePatch(_ context.Context, r *protocol.Request) (patchIn, error) {
	var in patchIn
	err := protocol.DecodeJSON(r.Body, &in)
	return in, err
}

func (s *Service) updateRestAPIOp() *protocol.Op {
	return protocol.Define(protocol.Spec[patchIn]{
		Name:   "UpdateRestApi",
		Decode: decodePatch,
		Auth:   protocol.Check("apigateway:PATCH", restTarget[patchIn]()),
		Handle: func(ctx context.Context, r *protocol.Request, in patchIn) (any, error) {
			a, err := s.updateRest(ctx, r, func(a *restAPI) error {
				for _, op := range in.PatchOperations {
					value := ""
					if op.Value != nil {
						value = *op.Value
					}
					if op.Op != "replace" {
						return errBadRequest.New(msgPatchOp)
					}
					switch op.Path {
					case "/name":
						if value == "" {
							return errBadRequest.Errorf(msgRestRequired, "name")
						}
						a.Name = value
					case "/description":
						a.Description = value
					case "/version":
						a.Version = value
					case "/policy":
						p, err := compactPolicy(value, a.executeARN())
						if err != nil {
							return err
						}
						a.Policy = p
					default:
						return errBadRequest.Errorf(msgPatchPath, op.Path)
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return a.out(), nil
		},
	})
}

// resourceOut is the Resource shape.
type resourceOut struct {
	ID              string                `json:"id"`
	ParentID        string                `json:"parentId,omitempty"`
	PathPart        string                `json:"pathPart,omitempty"`
	Path            string                `json:"path"`
	ResourceMethods map[string]*methodOut `json:"resourceMethods,omitempty"`
}

// resourceOut returns r's shape; embed includes each method whole, as
// GetResources with embed=methods does (otherwise a method is {}).
func (a *restAPI) resourceOut(r *restResource, embed bool) *resourceOut {
	out := &resourceOut{ID: r.ID, ParentID: r.ParentID, PathPart: r.PathPart, Path: resourcePath(a.Resources, r)}
	if len(r.Methods) > 0 {
		out.ResourceMethods = make(map[string]*methodOut, len(r.Methods))
		for k, m := range r.Methods {
			if embed {
				out.ResourceMethods[k] = m.out(r.ID)
			} else {
				out.ResourceMethods[k] = &methodOut{}
			}
		}
	}
	return out
}

func (s *Service) getResourcesOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetResources",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("resources")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			embed := slices.Contains(r.Params["embed"], "methods")
			items := make([]*resourceOut, 0, len(a.Resources))
			for _, res := range a.Resources {
				items = append(items, a.resourceOut(res, embed))
			}
			return map[string]any{"item": items}, nil
		},
	})
}

// lookupResource returns the caller's REST API and the resource named in
// the path.
func (s *Service) lookupResource(r *protocol.Request) (*restAPI, *restResource, error) {
	a, err := s.lookupRest(r)
	if err != nil {
		return nil, nil, err
	}
	res := a.resource(r.Path["resource_id"])
	if res == nil {
		return nil, nil, errNotFound.New(msgInvalidResource)
	}
	return a, res, nil
}

func (s *Service) getResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetResource",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("resources", "{resource_id}")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, res, err := s.lookupResource(r)
			if err != nil {
				return nil, err
			}
			return a.resourceOut(res, slices.Contains(r.Params["embed"], "methods")), nil
		},
	})
}

type createResourceIn struct {
	PathPart string `json:"pathPart"`
}

func (s *Service) createResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createResourceIn]{
		Name: "CreateResource",
		Decode: func(_ context.Context, r *protocol.Request) (createResourceIn, error) {
			var in createResourceIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			_, _, err := parsePathPart(in.PathPart)
			return in, err
		},
		Auth: protocol.Check("apigateway:POST", restTarget[createResourceIn]("resources", "{parent_id}")),
		Handle: func(ctx context.Context, r *protocol.Request, in createResourceIn) (any, error) {
			kind, _, _ := parsePathPart(in.PathPart)
			res := &restResource{ID: newID(10), ParentID: r.Path["parent_id"], PathPart: in.PathPart}
			a, err := s.updateRest(ctx, r, func(a *restAPI) error {
				parent := a.resource(res.ParentID)
				if parent == nil {
					return errNotFound.New(msgInvalidResource)
				}
				if k, _, _ := parsePathPart(parent.PathPart); parent.ParentID != "" && k == partGreedy {
					return errBadRequest.Errorf(msgGreedyChild, parent.PathPart)
				}
				for _, o := range a.Resources {
					if o.ParentID != parent.ID {
						continue
					}
					if o.PathPart == in.PathPart {
						return errConflict.Errorf(msgSiblingName, in.PathPart)
					}
					if k, _, _ := parsePathPart(o.PathPart); kind != partLiteral && k != partLiteral {
						return errBadRequest.Errorf(msgSiblingVariable, o.PathPart)
					}
				}
				a.Resources = append(a.Resources, res)
				return nil
			})
			if err != nil {
				return nil, err
			}
			return a.resourceOut(res, false), nil
		},
	})
}

func (s *Service) deleteResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteResource",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]("resources", "{resource_id}")),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				res := a.resource(r.Path["resource_id"])
				if res == nil {
					return errNotFound.New(msgInvalidResource)
				}
				if res.ParentID == "" {
					// The root resource cannot be deleted.
					return errBadRequest.New(msgRootDelete)
				}
				// The resource and everything under it.
				gone := map[string]bool{res.ID: true}
				for changed := true; changed; {
					changed = false
					for _, o := range a.Resources {
						if !gone[o.ID] && gone[o.ParentID] {
							gone[o.ID], changed = true, true
						}
					}
				}
				a.Resources = slices.DeleteFunc(a.Resources, func(o *restResource) bool { return gone[o.ID] })
				return nil
			})
			return nil, err
		},
	})
}

// methodOut is the Method shape.
type methodOut struct {
	HTTPMethod        string                         `json:"httpMethod,omitempty"`
	AuthorizationType string                         `json:"authorizationType,omitempty"`
	AuthorizerID      string                         `json:"authorizerId,omitempty"`
	APIKeyRequired    *bool                          `json:"apiKeyRequired,omitempty"`
	OperationName     string                         `json:"operationName,omitempty"`
	MethodResponses   map[string]*restMethodResponse `json:"methodResponses,omitempty"`
	MethodIntegration *integrationRestOut            `json:"methodIntegration,omitempty"`
}

func (m *restMethod) out(resourceID string) *methodOut {
	key := m.APIKeyRequired
	out := &methodOut{HTTPMethod: m.HTTPMethod, AuthorizationType: m.AuthorizationType, AuthorizerID: m.AuthorizerID,
		APIKeyRequired: &key, OperationName: m.OperationName, MethodResponses: m.Responses}
	if m.Integration != nil {
		out.MethodIntegration = m.Integration.out()
	}
	return out
}

// httpMethods are the methods PutMethod accepts.
var httpMethods = []string{"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"}

// checkHTTPMethod checks the method named in the path.
func checkHTTPMethod(r *protocol.Request) error {
	if !slices.Contains(httpMethods, r.Path["http_method"]) {
		return errBadRequest.New(msgHTTPMethod)
	}
	return nil
}

type putMethodIn struct {
	AuthorizationType string `json:"authorizationType"`
	AuthorizerID      string `json:"authorizerId"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
	OperationName     string `json:"operationName"`
}

func (s *Service) putMethodOp() *protocol.Op {
	return protocol.Define(protocol.Spec[putMethodIn]{
		Name: "PutMethod",
		Decode: func(_ context.Context, r *protocol.Request) (putMethodIn, error) {
			var in putMethodIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if err := checkHTTPMethod(r); err != nil {
				return in, err
			}
			switch in.AuthorizationType {
			case "":
				return in, errBadRequest.Errorf(msgRestRequired, "authorizationType")
			case "NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS":
			default:
				return in, errBadRequest.New(msgRestAuthorizationType)
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:PUT", restTarget[putMethodIn]("resources", "{resource_id}", "methods", "{http_method}")),
		Handle: func(ctx context.Context, r *protocol.Request, in putMethodIn) (any, error) {
			m := &restMethod{HTTPMethod: r.Path["http_method"], AuthorizationType: in.AuthorizationType,
				AuthorizerID: in.AuthorizerID, APIKeyRequired: in.APIKeyRequired, OperationName: in.OperationName}
			var resID string
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				res := a.resource(r.Path["resource_id"])
				if res == nil {
					return errNotFound.New(msgInvalidResource)
				}
				if in.AuthorizationType == "CUSTOM" && a.authorizer(in.AuthorizerID) == nil || in.AuthorizationType == "COGNITO_USER_POOLS" {
					// A CUSTOM method names one of the API's Lambda
					// authorizers; seki has no Cognito authorizers.
					return errBadRequest.New(msgAuthorizerRequired)
				}
				if res.Methods == nil {
					res.Methods = map[string]*restMethod{}
				}
				res.Methods[m.HTTPMethod] = m
				resID = res.ID
				return nil
			})
			if err != nil {
				return nil, err
			}
			return m.out(resID), nil
		},
	})
}

// lookupMethod returns the method named in the path.
func (s *Service) lookupMethod(r *protocol.Request) (*restMethod, string, error) {
	_, res, err := s.lookupResource(r)
	if err != nil {
		return nil, "", err
	}
	m := res.Methods[r.Path["http_method"]]
	if m == nil {
		return nil, "", errNotFound.New(msgInvalidMethod)
	}
	return m, res.ID, nil
}

func (s *Service) getMethodOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetMethod",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("resources", "{resource_id}", "methods", "{http_method}")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			m, resID, err := s.lookupMethod(r)
			if err != nil {
				return nil, err
			}
			return m.out(resID), nil
		},
	})
}

// changeMethod changes a copy of the method named in the path.
func (s *Service) changeMethod(ctx context.Context, r *protocol.Request, change func(res *restResource, m *restMethod) error) error {
	_, err := s.updateRest(ctx, r, func(a *restAPI) error {
		res := a.resource(r.Path["resource_id"])
		if res == nil {
			return errNotFound.New(msgInvalidResource)
		}
		m := res.Methods[r.Path["http_method"]]
		if m == nil {
			return errNotFound.New(msgInvalidMethod)
		}
		return change(res, m)
	})
	return err
}

func (s *Service) deleteMethodOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteMethod",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]("resources", "{resource_id}", "methods", "{http_method}")),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			return nil, s.changeMethod(ctx, r, func(res *restResource, m *restMethod) error {
				delete(res.Methods, m.HTTPMethod)
				return nil
			})
		},
	})
}

type putMethodResponseIn struct {
	ResponseParameters map[string]bool   `json:"responseParameters"`
	ResponseModels     map[string]string `json:"responseModels"`
}

func (s *Service) putMethodResponseOp() *protocol.Op {
	return protocol.Define(protocol.Spec[putMethodResponseIn]{
		Name: "PutMethodResponse",
		Decode: func(_ context.Context, r *protocol.Request) (putMethodResponseIn, error) {
			var in putMethodResponseIn
			return in, protocol.DecodeJSON(r.Body, &in)
		},
		Auth: protocol.Check("apigateway:PUT", restTarget[putMethodResponseIn]("resources", "{resource_id}", "methods", "{http_method}", "responses", "{status_code}")),
		Handle: func(ctx context.Context, r *protocol.Request, in putMethodResponseIn) (any, error) {
			mr := &restMethodResponse{StatusCode: r.Path["status_code"], ResponseParameters: in.ResponseParameters, ResponseModels: in.ResponseModels}
			err := s.changeMethod(ctx, r, func(_ *restResource, m *restMethod) error {
				m.Responses = cloneMap(m.Responses)
				if m.Responses == nil {
					m.Responses = map[string]*restMethodResponse{}
				}
				m.Responses[mr.StatusCode] = mr
				return nil
			})
			if err != nil {
				return nil, err
			}
			return mr, nil
		},
	})
}

// integrationRestOut is the Integration shape.
type integrationRestOut struct {
	Type                 string                              `json:"type"`
	HTTPMethod           string                              `json:"httpMethod,omitempty"`
	URI                  string                              `json:"uri,omitempty"`
	Credentials          string                              `json:"credentials,omitempty"`
	PassthroughBehavior  string                              `json:"passthroughBehavior"`
	TimeoutInMillis      int                                 `json:"timeoutInMillis"`
	CacheNamespace       string                              `json:"cacheNamespace,omitempty"`
	CacheKeyParameters   []string                            `json:"cacheKeyParameters"`
	IntegrationResponses map[string]*restIntegrationResponse `json:"integrationResponses,omitempty"`
}

func (ig *restIntegration) out() *integrationRestOut {
	return &integrationRestOut{Type: ig.Type, HTTPMethod: ig.HTTPMethod, URI: ig.URI, Credentials: ig.Credentials,
		PassthroughBehavior: ig.PassthroughBehavior, TimeoutInMillis: ig.TimeoutInMillis, CacheNamespace: ig.CacheNamespace,
		CacheKeyParameters: []string{}, IntegrationResponses: ig.Responses}
}

type putIntegrationIn struct {
	Type                string `json:"type"`
	HTTPMethod          string `json:"httpMethod"`
	URI                 string `json:"uri"`
	Credentials         string `json:"credentials"`
	PassthroughBehavior string `json:"passthroughBehavior"`
	TimeoutInMillis     int    `json:"timeoutInMillis"`
}

func (s *Service) putIntegrationOp() *protocol.Op {
	return protocol.Define(protocol.Spec[putIntegrationIn]{
		Name: "PutIntegration",
		Decode: func(_ context.Context, r *protocol.Request) (putIntegrationIn, error) {
			var in putIntegrationIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if err := checkHTTPMethod(r); err != nil {
				return in, err
			}
			switch in.Type {
			case "":
				return in, errBadRequest.Errorf(msgRestRequired, "type")
			case "AWS_PROXY":
			case "MOCK":
				// A MOCK integration has no function to call; seki keeps
				// it so that CORS OPTIONS methods of tools deploy.
				return in, nil
			default:
				return in, errBadRequest.Errorf(msgIntegrationType, in.Type)
			}
			switch {
			case !strings.HasPrefix(in.URI, "arn:"):
				return in, errBadRequest.New(msgIntegrationBadARN)
			case !strings.Contains(in.URI, ":path/") && !strings.Contains(in.URI, ":action/"):
				return in, errBadRequest.New(msgIntegrationARN)
			}
			if _, ok := invokeURIFunction(in.URI); !ok {
				return in, errBadRequest.New(msgIntegrationProxy)
			}
			if in.HTTPMethod == "" {
				return in, errBadRequest.Errorf(msgRestRequired, "integrationHttpMethod")
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:PUT", restTarget[putIntegrationIn]("resources", "{resource_id}", "methods", "{http_method}", "integration")),
		Handle: func(ctx context.Context, r *protocol.Request, in putIntegrationIn) (any, error) {
			if in.TimeoutInMillis == 0 {
				in.TimeoutInMillis = 29000
			}
			if in.PassthroughBehavior == "" {
				in.PassthroughBehavior = "WHEN_NO_MATCH"
			}
			ig := &restIntegration{Type: in.Type, HTTPMethod: in.HTTPMethod, URI: in.URI, Credentials: in.Credentials,
				PassthroughBehavior: in.PassthroughBehavior, TimeoutInMillis: in.TimeoutInMillis, CacheNamespace: r.Path["resource_id"]}
			err := s.changeMethod(ctx, r, func(_ *restResource, m *restMethod) error {
				m.Integration = ig
				return nil
			})
			if err != nil {
				return nil, err
			}
			return ig.out(), nil
		},
	})
}

func (s *Service) getIntegrationOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetIntegration",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("resources", "{resource_id}", "methods", "{http_method}", "integration")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			m, _, err := s.lookupMethod(r)
			if err != nil {
				return nil, err
			}
			if m.Integration == nil {
				return nil, errNotFound.New(msgNoIntegration)
			}
			return m.Integration.out(), nil
		},
	})
}

func (s *Service) deleteIntegrationOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteIntegration",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]("resources", "{resource_id}", "methods", "{http_method}", "integration")),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			return nil, s.changeMethod(ctx, r, func(_ *restResource, m *restMethod) error {
				if m.Integration == nil {
					return errNotFound.New(msgNoIntegration)
				}
				m.Integration = nil
				return nil
			})
		},
	})
}

type putIntegrationResponseIn struct {
	SelectionPattern   string            `json:"selectionPattern"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
}

func (s *Service) putIntegrationResponseOp() *protocol.Op {
	return protocol.Define(protocol.Spec[putIntegrationResponseIn]{
		Name: "PutIntegrationResponse",
		Decode: func(_ context.Context, r *protocol.Request) (putIntegrationResponseIn, error) {
			var in putIntegrationResponseIn
			return in, protocol.DecodeJSON(r.Body, &in)
		},
		Auth: protocol.Check("apigateway:PUT", restTarget[putIntegrationResponseIn]("resources", "{resource_id}", "methods", "{http_method}", "integration", "responses", "{status_code}")),
		Handle: func(ctx context.Context, r *protocol.Request, in putIntegrationResponseIn) (any, error) {
			ir := &restIntegrationResponse{StatusCode: r.Path["status_code"], SelectionPattern: in.SelectionPattern,
				ResponseParameters: in.ResponseParameters, ResponseTemplates: in.ResponseTemplates}
			err := s.changeMethod(ctx, r, func(_ *restResource, m *restMethod) error {
				if m.Integration == nil {
					return errNotFound.New(msgNoIntegration)
				}
				if m.Integration.Responses == nil {
					m.Integration.Responses = map[string]*restIntegrationResponse{}
				}
				m.Integration.Responses[ir.StatusCode] = ir
				return nil
			})
			if err != nil {
				return nil, err
			}
			return ir, nil
		},
	})
}
