package apigateway

import (
	"context"
	"slices"

	"github.com/seki-dev/seki/internal/protocol"
)

// An API's routes, integrations and stages are read and deleted alike:
// GET or DELETE on arn:aws:apigateway:REGION::/apis/ID/KIND[/CHILD].

func (ig *integration) out() *integrationOut {
	return &integrationOut{APIGatewayManaged: ig.Managed, ConnectionType: "INTERNET", IntegrationID: ig.ID,
		IntegrationMethod: ig.Method, IntegrationType: ig.Type, IntegrationURI: ig.URI,
		PayloadFormatVersion: ig.PayloadFormatVersion, TimeoutInMillis: ig.TimeoutInMillis}
}

func (st *stage) out() *stageOut {
	return &stageOut{APIGatewayManaged: st.Managed, AutoDeploy: st.AutoDeploy, CreatedDate: st.Created.UTC().Format(timeFormat),
		LastUpdatedDate: st.Updated.UTC().Format(timeFormat), StageName: st.Name, Tags: map[string]string{}}
}

// children returns the outputs of an API's children of kind, and the id
// of each.
func (a *api) children(kind string) (ids []string, outs []any) {
	switch kind {
	case "routes":
		for _, r := range a.Routes {
			ids, outs = append(ids, r.ID), append(outs, r.out())
		}
	case "integrations":
		for _, ig := range a.Integrations {
			ids, outs = append(ids, ig.ID), append(outs, ig.out())
		}
	case "stages":
		for _, st := range a.Stages {
			ids, outs = append(ids, st.Name), append(outs, st.out())
		}
	case "authorizers":
		for _, au := range a.Authorizers {
			ids, outs = append(ids, au.ID), append(outs, au.out())
		}
	}
	return ids, outs
}

// without removes the child id of kind from a; it reports whether there
// was one.
func (a *api) without(kind, id string) bool {
	n := len(a.Routes) + len(a.Integrations) + len(a.Stages) + len(a.Authorizers)
	switch kind {
	case "routes":
		a.Routes = slices.DeleteFunc(a.Routes, func(r *route) bool { return r.ID == id })
	case "integrations":
		a.Integrations = slices.DeleteFunc(a.Integrations, func(ig *integration) bool { return ig.ID == id })
	case "stages":
		a.Stages = slices.DeleteFunc(a.Stages, func(st *stage) bool { return st.Name == id })
	case "authorizers":
		a.Authorizers = slices.DeleteFunc(a.Authorizers, func(au *authorizer) bool { return au.ID == id })
	}
	return len(a.Routes)+len(a.Integrations)+len(a.Stages)+len(a.Authorizers) < n
}

func childTarget(kind, param string) func(context.Context, *protocol.Request, struct{}) (protocol.Target, error) {
	return func(_ context.Context, r *protocol.Request, _ struct{}) (protocol.Target, error) {
		path := "/apis/" + r.Path["apiId"] + "/" + kind
		if param != "" {
			path += "/" + r.Path[param]
		}
		return resource(r, path), nil
	}
}

func (s *Service) listChildrenOp(name, kind string) *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: name,
		Auth: protocol.Check("apigateway:GET", childTarget(kind, "")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookup(r)
			if err != nil {
				return nil, err
			}
			_, outs := a.children(kind)
			if outs == nil {
				outs = []any{}
			}
			return map[string]any{"items": outs}, nil
		},
	})
}

func (s *Service) getChildOp(name, kind, param string) *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: name,
		Auth: protocol.Check("apigateway:GET", childTarget(kind, param)),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookup(r)
			if err != nil {
				return nil, err
			}
			ids, outs := a.children(kind)
			if i := slices.Index(ids, r.Path[param]); i >= 0 {
				return outs[i], nil
			}
			return nil, errNotFound.Errorf(msgInvalidChild, kindNames[kind], r.Path[param])
		},
	})
}

func (s *Service) deleteChildOp(name, kind, param string) *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: name,
		Auth: protocol.Check("apigateway:DELETE", childTarget(kind, param)),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			id := r.Path[param]
			_, err := s.update(ctx, r, func(a *api) error {
				if kind == "authorizers" {
					for _, rt := range a.Routes {
						if rt.AuthorizerID == id {
							return errConflict.Errorf(msgAuthorizerInUse, id, rt.Key)
						}
					}
				}
				if !a.without(kind, id) {
					return errNotFound.Errorf(msgInvalidChild, kindNames[kind], id)
				}
				return nil
			})
			return nil, err
		},
	})
}

// kindNames are the resource names of the not-found messages.
var kindNames = map[string]string{"routes": "Route", "integrations": "Integration", "stages": "Stage", "authorizers": "Authorizer"}

type createDeploymentIn struct {
	StageName   string `json:"stageName"`
	Description string `json:"description"`
}

// createDeploymentOp accepts a deployment and reports it DEPLOYED. seki
// serves an API's routes and integrations as they are at each call, so
// every stage behaves as if auto-deployed and a deployment changes
// nothing; it is accepted so that scripts written for AWS run unchanged.
func (s *Service) createDeploymentOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createDeploymentIn]{
		Name: "CreateDeployment",
		Decode: func(_ context.Context, r *protocol.Request) (createDeploymentIn, error) {
			var in createDeploymentIn
			err := protocol.DecodeJSON(r.Body, &in)
			return in, err
		},
		Auth: protocol.Check("apigateway:POST", func(_ context.Context, r *protocol.Request, _ createDeploymentIn) (protocol.Target, error) {
			return resource(r, "/apis/"+r.Path["apiId"]+"/deployments"), nil
		}),
		Handle: func(_ context.Context, r *protocol.Request, in createDeploymentIn) (any, error) {
			a, err := s.lookup(r)
			if err != nil {
				return nil, err
			}
			if in.StageName != "" && a.stage(in.StageName) == nil {
				return nil, errNotFound.Errorf(msgInvalidChild, "Stage", in.StageName)
			}
			return map[string]any{
				"autoDeployed": false, "createdDate": r.Now.UTC().Format(timeFormat), "deploymentId": newID(6),
				"deploymentStatus": "DEPLOYED", "description": in.Description,
			}, nil
		},
	})
}
