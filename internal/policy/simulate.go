package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Simulation is one `seki policy simulate` input, decoded and compiled:
// a request and every policy that applies to it.
type Simulation struct {
	Request Request
	Set     Set
}

// SimulationResult is what `seki policy simulate` prints.
type SimulationResult struct {
	Decision Result   `json:"decision"`
	Reasons  []Reason `json:"reasons"`
	Message  string   `json:"message"`
}

// simulationInput is the JSON shape of issue 2's simulate input.
type simulationInput struct {
	Principal           string                     `json:"principal"`
	Action              string                     `json:"action"`
	Resource            string                     `json:"resource"`
	ResourceAccount     string                     `json:"resourceAccount"`
	Context             map[string]json.RawMessage `json:"context"`
	IdentityPolicies    []json.RawMessage          `json:"identityPolicies"`
	PermissionsBoundary json.RawMessage            `json:"permissionsBoundary"`
	SessionPolicy       json.RawMessage            `json:"sessionPolicy"`
	SessionPolicies     []json.RawMessage          `json:"sessionPolicies"`
	ResourcePolicy      json.RawMessage            `json:"resourcePolicy"`
	ResourcePolicyType  string                     `json:"resourcePolicyType"`
	SCPs                [][]json.RawMessage        `json:"scps"`
	RCPs                [][]json.RawMessage        `json:"rcps"`
	PrincipalTags       map[string]string          `json:"principalTags"`
	UserID              string                     `json:"userId"`
}

// ParseSimulation reads a simulate input document. Policies inside it are
// validated by their kind, except that a missing or 2008-10-17 Version is
// accepted everywhere (policy variables are then literal text) and Sids
// are not checked for their characters, so that quick experiments need no
// boilerplate. Errors name the offending field.
func ParseSimulation(b []byte) (*Simulation, error) {
	var in simulationInput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("input is not a valid simulate request: %v", err)
	}
	if dec.More() {
		return nil, errors.New("input has data after the JSON object")
	}
	if in.Principal == "" {
		return nil, errors.New(`"principal" is required`)
	}
	if in.Action == "" {
		return nil, errors.New(`"action" is required`)
	}
	if !strings.Contains(in.Action, ":") {
		return nil, fmt.Errorf(`"action" %q must be service:Action`, in.Action)
	}
	if in.Resource == "" {
		return nil, errors.New(`"resource" is required`)
	}
	p, err := ParsePrincipal(in.Principal)
	if err != nil {
		return nil, fmt.Errorf(`"principal": %v`, err)
	}
	if len(in.PrincipalTags) > 0 {
		p.Tags = in.PrincipalTags
	}
	if in.UserID != "" {
		p.UserID = in.UserID
	}
	sim := &Simulation{}
	sim.Request = Request{Principal: &p, Action: in.Action, Resource: in.Resource, ResourceAccount: in.ResourceAccount}
	if in.ResourceAccount != "" && !isAccountID(in.ResourceAccount) {
		return nil, fmt.Errorf(`"resourceAccount" %q is not a 12-digit account id`, in.ResourceAccount)
	}
	ctx := NewContext(len(in.Context))
	for k, raw := range in.Context {
		vs, err := contextValues(raw)
		if err != nil {
			return nil, fmt.Errorf(`"context" key %q: %v`, k, err)
		}
		ctx.Set(k, vs...)
	}
	sim.Request.Context = ctx

	for i, raw := range in.IdentityPolicies {
		pol, err := parseEmbedded(raw, Identity, "identityPolicies["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		sim.Set.Identity = append(sim.Set.Identity, pol)
	}
	if present(in.PermissionsBoundary) {
		if sim.Set.Boundary, err = parseEmbedded(in.PermissionsBoundary, Boundary, "permissionsBoundary"); err != nil {
			return nil, err
		}
	}
	if present(in.SessionPolicy) {
		pol, err := parseEmbedded(in.SessionPolicy, Session, "sessionPolicy")
		if err != nil {
			return nil, err
		}
		sim.Set.Session = append(sim.Set.Session, pol)
	}
	for i, raw := range in.SessionPolicies {
		pol, err := parseEmbedded(raw, Session, "sessionPolicies["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		sim.Set.Session = append(sim.Set.Session, pol)
	}
	if present(in.ResourcePolicy) {
		kind := Resource
		switch in.ResourcePolicyType {
		case "":
			if strings.HasPrefix(strings.ToLower(in.Action), "sts:assumerole") {
				kind = Trust
			}
		case "resource", "trust":
			kind, _ = ParseKind(in.ResourcePolicyType)
		default:
			return nil, fmt.Errorf(`"resourcePolicyType" must be "resource" or "trust", not %q`, in.ResourcePolicyType)
		}
		if sim.Set.Resource, err = parseEmbedded(in.ResourcePolicy, kind, "resourcePolicy"); err != nil {
			return nil, err
		}
	}
	if sim.Set.SCPs, err = parseLevels(in.SCPs, SCP, "scps"); err != nil {
		return nil, err
	}
	if sim.Set.RCPs, err = parseLevels(in.RCPs, RCP, "rcps"); err != nil {
		return nil, err
	}
	return sim, nil
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

func parseLevels(in [][]json.RawMessage, k Kind, field string) ([][]*Policy, error) {
	if in == nil {
		return nil, nil
	}
	out := make([][]*Policy, len(in))
	for i, level := range in {
		out[i] = make([]*Policy, 0, len(level))
		for j, raw := range level {
			pol, err := parseEmbedded(raw, k, field+"["+strconv.Itoa(i)+"]["+strconv.Itoa(j)+"]")
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], pol)
		}
	}
	return out, nil
}

func parseEmbedded(raw json.RawMessage, k Kind, name string) (*Policy, error) {
	doc := []byte(raw)
	// A policy may also be given as a JSON string holding the document,
	// the way AWS APIs carry them.
	if len(doc) > 0 && doc[0] == '"' {
		var s string
		if err := json.Unmarshal(doc, &s); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		doc = []byte(s)
	}
	pol, err := parse(doc, k, parseOptions{anyVersion: true, anySid: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	pol.Name = name
	return pol, nil
}

func contextValues(raw json.RawMessage) ([]string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	scalar := func(x any) (string, bool) {
		switch t := x.(type) {
		case string:
			return t, true
		case bool:
			return strconv.FormatBool(t), true
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64), true
		}
		return "", false
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, x := range list {
			s, ok := scalar(x)
			if !ok {
				return nil, errors.New("values must be strings or lists of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, ok := scalar(v)
	if !ok {
		return nil, errors.New("values must be strings or lists of strings")
	}
	return []string{s}, nil
}

// Run evaluates the simulation and returns what simulate prints.
func (s *Simulation) Run() SimulationResult {
	ex := Explain(&s.Request, &s.Set)
	reasons := ex.Reasons
	if reasons == nil {
		reasons = []Reason{}
	}
	return SimulationResult{Decision: ex.Decision.Result, Reasons: reasons, Message: ex.Decision.Message(&s.Request)}
}
