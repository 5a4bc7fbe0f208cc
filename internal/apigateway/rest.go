package apigateway

// REST APIs (API Gateway v1, botocore's "apigateway" model, REST-JSON
// under /restapis, signed as service apigateway like HTTP APIs): a tree of
// resources whose methods have AWS_PROXY Lambda integrations, deployments
// that snapshot the tree, stages that point at a deployment, and the API's
// resource policy. REST API ids share the HTTP APIs' namespace, so
// /_seki/execute-api/ID/... finds either kind.
//
// Each REST API is one JSON document in apigw_restapis and an immutable
// snapshot in memory, replaced on every write, as HTTP APIs are.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// restMigrations are the REST APIs' table.
func restMigrations() []store.Migration {
	return []store.Migration{{Component: "apigateway-rest", Version: 1, SQL: `
CREATE TABLE apigw_restapis (
	id      TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	doc     TEXT NOT NULL
);
`}}
}

// restAPI is an immutable snapshot of one REST API; writers replace it.
type restAPI struct {
	ID            string            `json:"id"`
	Account       string            `json:"account"`
	Region        string            `json:"region"`
	Name          string            `json:"name"`
	Description   string            `json:"description,omitempty"`
	Version       string            `json:"version,omitempty"`
	EndpointTypes []string          `json:"endpointTypes"`
	Policy        string            `json:"policy,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	Created       time.Time         `json:"created"`
	RootID        string            `json:"rootId"`
	Resources     []*restResource   `json:"resources"`
	Deployments   []*restDeployment `json:"deployments"`
	Stages        []*restStage      `json:"stages"`
	// Authorizers are the API's Lambda authorizers (authorizer_rest.go).
	Authorizers []*restAuthorizer `json:"authorizers,omitempty"`

	// policy is Policy compiled; nil when there is none.
	policy *policy.Policy
}

// restResource is one node of the tree. Methods are by HTTP method (ANY
// included).
type restResource struct {
	ID       string                 `json:"id"`
	ParentID string                 `json:"parentId,omitempty"`
	PathPart string                 `json:"pathPart,omitempty"`
	Methods  map[string]*restMethod `json:"methods,omitempty"`
}

type restMethod struct {
	HTTPMethod        string           `json:"httpMethod"`
	AuthorizationType string           `json:"authorizationType"`
	AuthorizerID      string           `json:"authorizerId,omitempty"`
	APIKeyRequired    bool             `json:"apiKeyRequired,omitempty"`
	OperationName     string           `json:"operationName,omitempty"`
	Integration       *restIntegration `json:"integration,omitempty"`
	// Responses are the method responses by status code.
	Responses map[string]*restMethodResponse `json:"responses,omitempty"`
}

type restMethodResponse struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]bool   `json:"responseParameters,omitempty"`
	ResponseModels     map[string]string `json:"responseModels,omitempty"`
}

type restIntegration struct {
	Type                string `json:"type"`
	HTTPMethod          string `json:"httpMethod,omitempty"`
	URI                 string `json:"uri,omitempty"`
	Credentials         string `json:"credentials,omitempty"`
	PassthroughBehavior string `json:"passthroughBehavior,omitempty"`
	TimeoutInMillis     int    `json:"timeoutInMillis"`
	CacheNamespace      string `json:"cacheNamespace,omitempty"`
	// Responses are the integration responses by status code.
	Responses map[string]*restIntegrationResponse `json:"responses,omitempty"`

	// function is the Lambda function ARN of URI.
	function string
}

type restIntegrationResponse struct {
	StatusCode         string            `json:"statusCode"`
	SelectionPattern   string            `json:"selectionPattern,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
}

// restDeployment is what CreateDeployment froze: the resource tree as it
// was. Stages call a deployment, never the live tree.
type restDeployment struct {
	ID          string          `json:"id"`
	Description string          `json:"description,omitempty"`
	Created     time.Time       `json:"created"`
	Resources   []*restResource `json:"resources"`

	// routes is Resources compiled for calling.
	routes *routeTree
}

type restStage struct {
	Name         string            `json:"name"`
	DeploymentID string            `json:"deploymentId"`
	Description  string            `json:"description,omitempty"`
	Variables    map[string]string `json:"variables,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
	Created      time.Time         `json:"created"`
	Updated      time.Time         `json:"updated"`
}

// compile prepares a loaded or changed snapshot: the policy, the
// integrations' functions and each deployment's routing tree.
func (a *restAPI) compile() error {
	a.policy = nil
	if a.Policy != "" {
		p, err := policy.Parse([]byte(expandPolicy(a.Policy, a.executeARN())), policy.Resource)
		if err != nil {
			return err
		}
		a.policy = p
	}
	for _, r := range a.Resources {
		for _, m := range r.Methods {
			if m.Integration != nil {
				m.Integration.function, _ = invokeURIFunction(m.Integration.URI)
			}
		}
	}
	for _, au := range a.Authorizers {
		au.compile()
	}
	for _, d := range a.Deployments {
		for _, r := range d.Resources {
			for _, m := range r.Methods {
				if m.Integration != nil {
					m.Integration.function, _ = invokeURIFunction(m.Integration.URI)
				}
			}
		}
		t, err := buildTree(d.Resources)
		if err != nil {
			return err
		}
		d.routes = t
	}
	return nil
}

// executeARN is the API's execute-api ARN, the prefix of every method's.
func (a *restAPI) executeARN() string {
	return "arn:aws:execute-api:" + a.Region + ":" + a.Account + ":" + a.ID
}

// expandPolicy replaces the "execute-api:/" shorthand of API resource
// policies with the API's own ARN, as API Gateway does when it stores the
// policy (Developer Guide, "API Gateway resource policy examples").
func expandPolicy(doc, executeARN string) string {
	return strings.ReplaceAll(doc, `"execute-api:/`, `"`+executeARN+"/")
}

// resource returns the resource with id, nil when there is none.
func (a *restAPI) resource(id string) *restResource {
	for _, r := range a.Resources {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (a *restAPI) deployment(id string) *restDeployment {
	for _, d := range a.Deployments {
		if d.ID == id {
			return d
		}
	}
	return nil
}

func (a *restAPI) stage(name string) *restStage {
	for _, st := range a.Stages {
		if st.Name == name {
			return st
		}
	}
	return nil
}

// path is the full path of resource r ("/", "/items/{id}").
func resourcePath(all []*restResource, r *restResource) string {
	var parts []string
	for depth := 0; r != nil && r.ParentID != "" && depth <= len(all); depth++ {
		parts = append(parts, r.PathPart)
		parent := r.ParentID
		r = nil
		for _, o := range all {
			if o.ID == parent {
				r = o
				break
			}
		}
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}

// clone returns a copy of a whose slices and resources the caller may
// change; deployments and stages are copied shallowly (a deployment is
// never changed once made).
func (a *restAPI) clone() *restAPI {
	c := *a
	c.Resources = make([]*restResource, len(a.Resources))
	for i, r := range a.Resources {
		c.Resources[i] = r.clone()
	}
	c.Deployments = slices.Clone(a.Deployments)
	c.Stages = slices.Clone(a.Stages)
	c.Authorizers = slices.Clone(a.Authorizers)
	c.Tags = cloneMap(a.Tags)
	c.EndpointTypes = slices.Clone(a.EndpointTypes)
	return &c
}

func (r *restResource) clone() *restResource {
	c := *r
	if r.Methods != nil {
		c.Methods = make(map[string]*restMethod, len(r.Methods))
		for k, m := range r.Methods {
			mc := *m
			if m.Integration != nil {
				ic := *m.Integration
				ic.Responses = cloneMap(m.Integration.Responses)
				mc.Integration = &ic
			}
			mc.Responses = cloneMap(m.Responses)
			c.Methods[k] = &mc
		}
	}
	return &c
}

func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	c := make(map[string]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// loadRest reads the REST APIs kept in db.
func (s *Service) loadRest(ctx context.Context) error {
	return readDocs(ctx, s.db, "apigw_restapis", func(a *restAPI) error {
		if err := a.compile(); err != nil {
			return fmt.Errorf("REST API %s: %w", a.ID, err)
		}
		s.rest[a.ID] = a
		return nil
	})
}

// readDocs decodes each JSON document of table (apigw_apis or
// apigw_restapis) into a new T and hands it to keep.
func readDocs[T any](ctx context.Context, db *store.DB, table string, keep func(*T) error) error {
	return db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT doc FROM ` + table)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				return err
			}
			v := new(T)
			if err := json.Unmarshal([]byte(doc), v); err != nil {
				return err
			}
			if err := keep(v); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// getRest returns the snapshot of REST API id.
func (s *Service) getRest(id string) *restAPI {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rest[id]
}

// lookupRest returns the caller's REST API named in the path.
func (s *Service) lookupRest(r *protocol.Request) (*restAPI, error) {
	id := r.Path["restapi_id"]
	a := s.getRest(id)
	if a == nil || a.Account != r.Account() || a.Region != r.Region {
		return nil, errNotFound.Errorf(msgInvalidAPI, r.Account(), id)
	}
	return a, nil
}

// updateRest replaces the caller's REST API named in r's path by what
// change makes of a copy of it, in the store and then in memory.
func (s *Service) updateRest(ctx context.Context, r *protocol.Request, change func(a *restAPI) error) (*restAPI, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.lookupRest(r)
	if err != nil {
		return nil, err
	}
	a := old.clone()
	if err := change(a); err != nil {
		return nil, err
	}
	if err := a.compile(); err != nil {
		return nil, err
	}
	if err := s.putRest(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// putRest stores a and makes it the snapshot; the caller holds writeMu.
func (s *Service) putRest(ctx context.Context, a *restAPI) error {
	if err := s.writeDoc(ctx, "apigw_restapis", a.ID, a.Account, a.Region, a); err != nil {
		return err
	}
	s.mu.Lock()
	s.rest[a.ID] = a
	s.mu.Unlock()
	return nil
}

// writeDoc stores v as the JSON document of API id in table (apigw_apis
// or apigw_restapis), replacing the one there.
func (s *Service) writeDoc(ctx context.Context, table, id, account, region string, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO `+table+` (id, account, region, doc) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`, id, account, region, string(doc))
		return err
	})
}

// deleteRest removes REST API id; the caller holds writeMu.
func (s *Service) deleteRest(ctx context.Context, id string) error {
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`DELETE FROM apigw_restapis WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.rest, id)
	s.mu.Unlock()
	return nil
}

// freeID returns a new API id that neither kind of API uses, so that
// /_seki/execute-api/ID finds one API whatever its kind.
func (s *Service) freeID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for {
		id := newID(10)
		if s.apis[id] == nil && s.rest[id] == nil {
			return id
		}
	}
}
