package apigateway

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
)

// A REST API's deployments, stages and tags.

// deploymentOut is the Deployment shape.
type deploymentOut struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	CreatedDate int64  `json:"createdDate"`
}

func (d *restDeployment) out() *deploymentOut {
	return &deploymentOut{ID: d.ID, Description: d.Description, CreatedDate: d.Created.Unix()}
}

type createDeploymentRestIn struct {
	StageName        string            `json:"stageName"`
	StageDescription string            `json:"stageDescription"`
	Description      string            `json:"description"`
	Variables        map[string]string `json:"variables"`
}

func (s *Service) createDeploymentRestOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createDeploymentRestIn]{
		Name: "CreateDeployment",
		Decode: func(_ context.Context, r *protocol.Request) (createDeploymentRestIn, error) {
			var in createDeploymentRestIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			if in.StageName != "" && !validStageName(in.StageName) {
				return in, errBadRequest.Errorf(msgBadStage, in.StageName)
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:POST", restTarget[createDeploymentRestIn]("deployments")),
		Handle: func(ctx context.Context, r *protocol.Request, in createDeploymentRestIn) (any, error) {
			now := r.Now.UTC().Truncate(time.Second)
			d := &restDeployment{ID: newID(6), Description: in.Description, Created: now}
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				methods := 0
				for _, res := range a.Resources {
					methods += len(res.Methods)
				}
				if methods == 0 {
					return errBadRequest.New(msgNoMethods)
				}
				// The snapshot: copies, so that later changes to the live
				// tree do not reach it.
				d.Resources = make([]*restResource, len(a.Resources))
				for i, res := range a.Resources {
					d.Resources[i] = res.clone()
				}
				a.Deployments = append(a.Deployments, d)
				if in.StageName == "" {
					return nil
				}
				if i := slices.IndexFunc(a.Stages, func(st *restStage) bool { return st.Name == in.StageName }); i >= 0 {
					st := *a.Stages[i]
					st.DeploymentID, st.Updated = d.ID, now
					if in.Variables != nil {
						st.Variables = in.Variables
					}
					a.Stages[i] = &st
					return nil
				}
				a.Stages = append(a.Stages, &restStage{Name: in.StageName, DeploymentID: d.ID, Description: in.StageDescription,
					Variables: in.Variables, Created: now, Updated: now})
				return nil
			})
			if err != nil {
				return nil, err
			}
			return d.out(), nil
		},
	})
}

// validStageName reports whether a stage name is one AWS accepts: letters,
// digits, hyphens and underscores.
func validStageName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Service) getDeploymentsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetDeployments",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("deployments")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			items := make([]*deploymentOut, 0, len(a.Deployments))
			for _, d := range a.Deployments {
				items = append(items, d.out())
			}
			return map[string]any{"item": items}, nil
		},
	})
}

func (s *Service) getDeploymentOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetDeployment",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("deployments", "{deployment_id}")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			d := a.deployment(r.Path["deployment_id"])
			if d == nil {
				return nil, errNotFound.New(msgInvalidDeployment)
			}
			return d.out(), nil
		},
	})
}

func (s *Service) deleteDeploymentOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteDeployment",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]("deployments", "{deployment_id}")),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			id := r.Path["deployment_id"]
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				if a.deployment(id) == nil {
					return errNotFound.New(msgInvalidDeployment)
				}
				for _, st := range a.Stages {
					if st.DeploymentID == id {
						return errBadRequest.New(msgDeploymentInUse)
					}
				}
				a.Deployments = slices.DeleteFunc(a.Deployments, func(d *restDeployment) bool { return d.ID == id })
				return nil
			})
			return nil, err
		},
	})
}

// stageRestOut is the Stage shape.
type stageRestOut struct {
	DeploymentID        string            `json:"deploymentId"`
	StageName           string            `json:"stageName"`
	Description         string            `json:"description,omitempty"`
	CacheClusterEnabled bool              `json:"cacheClusterEnabled"`
	CacheClusterStatus  string            `json:"cacheClusterStatus"`
	MethodSettings      map[string]any    `json:"methodSettings"`
	Variables           map[string]string `json:"variables,omitempty"`
	TracingEnabled      bool              `json:"tracingEnabled"`
	Tags                map[string]string `json:"tags,omitempty"`
	CreatedDate         int64             `json:"createdDate"`
	LastUpdatedDate     int64             `json:"lastUpdatedDate"`
}

func (st *restStage) out() *stageRestOut {
	return &stageRestOut{DeploymentID: st.DeploymentID, StageName: st.Name, Description: st.Description,
		CacheClusterStatus: "NOT_AVAILABLE", MethodSettings: map[string]any{}, Variables: st.Variables, Tags: st.Tags,
		CreatedDate: st.Created.Unix(), LastUpdatedDate: st.Updated.Unix()}
}

type createStageRestIn struct {
	StageName    string            `json:"stageName"`
	DeploymentID string            `json:"deploymentId"`
	Description  string            `json:"description"`
	Variables    map[string]string `json:"variables"`
	Tags         map[string]string `json:"tags"`
}

func (s *Service) createStageRestOp() *protocol.Op {
	return protocol.Define(protocol.Spec[createStageRestIn]{
		Name: "CreateStage",
		Decode: func(_ context.Context, r *protocol.Request) (createStageRestIn, error) {
			var in createStageRestIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			switch {
			case in.StageName == "":
				return in, errBadRequest.Errorf(msgRestRequired, "stageName")
			case in.DeploymentID == "":
				return in, errBadRequest.Errorf(msgRestRequired, "deploymentId")
			case !validStageName(in.StageName):
				return in, errBadRequest.Errorf(msgBadStage, in.StageName)
			}
			return in, nil
		},
		Auth: protocol.Check("apigateway:POST", restTarget[createStageRestIn]("stages")),
		Handle: func(ctx context.Context, r *protocol.Request, in createStageRestIn) (any, error) {
			now := r.Now.UTC().Truncate(time.Second)
			st := &restStage{Name: in.StageName, DeploymentID: in.DeploymentID, Description: in.Description,
				Variables: in.Variables, Tags: in.Tags, Created: now, Updated: now}
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				if a.deployment(in.DeploymentID) == nil {
					return errNotFound.New(msgInvalidDeployment)
				}
				if a.stage(in.StageName) != nil {
					return errConflict.New(msgRestStageExists)
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

func (s *Service) getStagesRestOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetStages",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("stages")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			items := []*stageRestOut{}
			for _, st := range a.Stages {
				if dep := r.Params.Get("deploymentId"); dep == "" || dep == st.DeploymentID {
					items = append(items, st.out())
				}
			}
			// The lists of API Gateway v1 are "item" on the wire.
			return map[string]any{"item": items}, nil
		},
	})
}

func (s *Service) getStageRestOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "GetStage",
		Auth: protocol.Check("apigateway:GET", restTarget[struct{}]("stages", "{stage_name}")),
		Handle: func(_ context.Context, r *protocol.Request, _ struct{}) (any, error) {
			a, err := s.lookupRest(r)
			if err != nil {
				return nil, err
			}
			st := a.stage(r.Path["stage_name"])
			if st == nil {
				return nil, errNotFound.New(msgInvalidStage)
			}
			return st.out(), nil
		},
	})
}

func (s *Service) updateStageRestOp() *protocol.Op {
	return protocol.Define(protocol.Spec[patchIn]{
		Name:   "UpdateStage",
		Decode: decodePatch,
		Auth:   protocol.Check("apigateway:PATCH", restTarget[patchIn]("stages", "{stage_name}")),
		Handle: func(ctx context.Context, r *protocol.Request, in patchIn) (any, error) {
			var updated *restStage
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				i := slices.IndexFunc(a.Stages, func(st *restStage) bool { return st.Name == r.Path["stage_name"] })
				if i < 0 {
					return errNotFound.New(msgInvalidStage)
				}
				st := *a.Stages[i]
				st.Variables = cloneMap(st.Variables)
				for _, op := range in.PatchOperations {
					value := ""
					if op.Value != nil {
						value = *op.Value
					}
					if name, ok := strings.CutPrefix(op.Path, "/variables/"); ok && name != "" {
						switch op.Op {
						case "replace", "add":
							if st.Variables == nil {
								st.Variables = map[string]string{}
							}
							st.Variables[name] = value
						case "remove":
							delete(st.Variables, name)
						default:
							return errBadRequest.New(msgPatchOp)
						}
						continue
					}
					if op.Op != "replace" {
						return errBadRequest.New(msgPatchOp)
					}
					switch op.Path {
					case "/description":
						st.Description = value
					case "/deploymentId":
						if a.deployment(value) == nil {
							return errNotFound.New(msgInvalidDeployment)
						}
						st.DeploymentID = value
					default:
						return errBadRequest.Errorf(msgPatchPath, op.Path)
					}
				}
				st.Updated = r.Now.UTC().Truncate(time.Second)
				a.Stages[i] = &st
				updated = &st
				return nil
			})
			if err != nil {
				return nil, err
			}
			return updated.out(), nil
		},
	})
}

func (s *Service) deleteStageRestOp() *protocol.Op {
	return protocol.Define(protocol.Spec[struct{}]{
		Name: "DeleteStage",
		Auth: protocol.Check("apigateway:DELETE", restTarget[struct{}]("stages", "{stage_name}")),
		Handle: func(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
			_, err := s.updateRest(ctx, r, func(a *restAPI) error {
				n := len(a.Stages)
				a.Stages = slices.DeleteFunc(a.Stages, func(st *restStage) bool { return st.Name == r.Path["stage_name"] })
				if len(a.Stages) == n {
					return errNotFound.New(msgInvalidStage)
				}
				return nil
			})
			return nil, err
		},
	})
}

// Tags: TagResource, GetTags and UntagResource (tags.go, one set of
// operations for both kinds of API) name a REST API
// (arn:aws:apigateway:REGION::/restapis/ID) or one of its stages
// (.../restapis/ID/stages/NAME) by ARN.

// isRestARN reports whether the request's tagged ARN names a REST API or
// one of its stages.
func isRestARN(r *protocol.Request) bool {
	return strings.HasPrefix(r.Path["resource-arn"], "arn:aws:apigateway:"+r.Region+"::/restapis/")
}

// restTagged parses the request's taggable ARN into the API id and the
// stage name (empty for the API itself), and sets restapi_id for lookupRest.
func restTagged(r *protocol.Request) (stage string, err error) {
	arn := r.Path["resource-arn"]
	rest := strings.TrimPrefix(arn, "arn:aws:apigateway:"+r.Region+"::/restapis/")
	apiID, after, _ := strings.Cut(rest, "/")
	r.Path["restapi_id"] = apiID
	if after == "" {
		return "", nil
	}
	stage, ok := strings.CutPrefix(after, "stages/")
	if !ok || stage == "" || strings.Contains(stage, "/") {
		return "", errNotFound.Errorf(msgTagResource, arn)
	}
	return stage, nil
}

// retagRest applies change to the tags of the REST API or stage the
// request's ARN names.
func (s *Service) retagRest(ctx context.Context, r *protocol.Request, change func(map[string]string)) error {
	stage, err := restTagged(r)
	if err != nil {
		return err
	}
	_, err = s.updateRest(ctx, r, func(a *restAPI) error {
		tags := &a.Tags
		if stage != "" {
			i := slices.IndexFunc(a.Stages, func(st *restStage) bool { return st.Name == stage })
			if i < 0 {
				return errNotFound.New(msgInvalidStage)
			}
			st := *a.Stages[i]
			a.Stages[i] = &st
			tags = &st.Tags
		}
		*tags = cloneMap(*tags)
		if *tags == nil {
			*tags = map[string]string{}
		}
		change(*tags)
		if len(*tags) > maxTags {
			return errBadRequest.New(msgTooManyTags)
		}
		return nil
	})
	return err
}

// restTags returns the tags of the REST API or stage the request's ARN
// names, never nil.
func (s *Service) restTags(r *protocol.Request) (map[string]string, error) {
	stage, err := restTagged(r)
	if err != nil {
		return nil, err
	}
	a, err := s.lookupRest(r)
	if err != nil {
		return nil, err
	}
	tags := a.Tags
	if stage != "" {
		st := a.stage(stage)
		if st == nil {
			return nil, errNotFound.New(msgInvalidStage)
		}
		tags = st.Tags
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, nil
}
