package sts

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// KindFederation is a session GetFederationToken made.
const KindFederation Kind = "GetFederationToken"

// federationNameShape is the model's userNameType, GetFederationToken's
// Name.
var federationNameShape = strConstraint(2, 32, `[\w+=,.@-]*`, `[\w+=,.@-]*`)

// noPermissions is the session policy of a federated user given none:
// "if you do not pass a policy, then the resulting federated user session
// has no permissions" (STS API Reference, GetFederationToken). It allows
// no action, so the session policies allow nothing.
const noPermissions = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}`

// federationState is a validated GetFederationToken request.
type federationState struct {
	in     *assumeInput // sessionName holds Name
	inline *policy.Policy
	target protocol.Target
}

// parseFederation checks a GetFederationToken request against the model,
// member by member in the model's order.
func parseFederation(p url.Values) (*assumeInput, error) {
	var v violations
	in := &assumeInput{}
	in.sessionName = v.required(p, "Name", "name", federationNameShape)
	in.policy, in.hasPolicy = v.optional(p, "Policy", "policy", sessionPolicyShape)
	in.policyArns = policyArnsParam(&v, p)
	in.duration, in.hasDuration = v.integer(p, "DurationSeconds", "durationSeconds", minDuration, maxSessionDuration)
	in.tags = tagsParam(&v, p)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := policyArnsCount(in.policyArns); err != nil {
		return nil, err
	}
	return in, nil
}

// prepareFederation validates the request and names the federated user
// for the door: an IAM user needs sts:GetFederationToken on
// arn:aws:sts::A:federated-user/Name. Only long-term credentials of a user
// or the root user may ask.
func (s *Service) prepareFederation(ctx context.Context, r *protocol.Request) (*federationState, error) {
	in, err := parseFederation(r.Params)
	if err != nil {
		return nil, err
	}
	c := r.Caller
	if c == nil {
		return nil, errMissingCredential.New(msgMissingAuthenticationToken)
	}
	if strings.HasPrefix(c.AccessKeyID, "ASIA") || (c.Principal.Type != policy.User && c.Principal.Type != policy.Root) {
		return nil, errAccessDenied.New(msgCannotCallGetFederationToken)
	}
	st := &federationState{in: in}
	if in.hasPolicy {
		p, err := policy.Parse([]byte(in.policy), policy.Session)
		if err != nil {
			return nil, malformed(err)
		}
		p.Name = "inline session policy"
		st.inline = p
	}
	if err := (&assumeState{}).sessionTags(in, &Session{}); err != nil {
		return nil, err
	}
	st.target = protocol.Target{Resource: federatedUserARN(c.Principal.ARN, c.Principal.Account, in.sessionName), Account: c.Principal.Account}
	if len(in.tags) > 0 {
		if r.Context == nil {
			r.Context = policy.NewContext(4)
		}
		keys := make([]string, len(in.tags))
		for i, t := range in.tags {
			r.Context.Set("aws:RequestTag/"+t.Key, t.Value)
			keys[i] = t.Key
		}
		r.Context.Set("aws:TagKeys", keys...)
	}
	return st, nil
}

// federatedUserARN is arn:PARTITION:sts::A:federated-user/NAME, in the
// caller's partition.
func federatedUserARN(callerARN, account, name string) string {
	partition := "aws"
	if a, err := arn.Parse(callerARN); err == nil && a.Partition != "" {
		partition = a.Partition
	}
	return "arn:" + partition + ":sts::" + account + ":federated-user/" + name
}

type federatedUserXML struct {
	Arn             string
	FederatedUserID string `xml:"FederatedUserId"`
}

type getFederationTokenResult struct {
	Credentials      *credentialsXML
	FederatedUser    federatedUserXML
	PackedPolicySize int
}

// getFederationToken issues the federated user's credentials once the door
// allowed the caller. The session acts with the caller's identity policies
// (its base identity is kept as the principal's RoleARN, which the identity
// store reads for a federated user) limited by the session policies.
func (s *Service) getFederationToken(ctx context.Context, r *protocol.Request, st *federationState) (any, error) {
	in := st.in
	c := r.Caller
	if len(in.tags) > 0 {
		if err := r.Authorize(ctx, "sts:TagSession", st.target, nil); err != nil {
			return nil, err
		}
	}
	duration := defaultUserSessionDuration
	if in.hasDuration {
		duration = in.duration
	}
	if c.Principal.Type == policy.Root {
		// Root's federation sessions last an hour at most; a longer request
		// gets an hour (STS API Reference, GetFederationToken).
		duration = min(duration, rootMaxDuration)
	}
	policies, records, err := s.sessionPolicies(ctx, st.inline, in)
	if err != nil {
		return nil, err
	}
	packed, err := packedSize(in, in.tags)
	if err != nil {
		return nil, err
	}
	if len(policies) == 0 {
		p, err := policy.Parse([]byte(noPermissions), policy.Session)
		if err != nil {
			return nil, err
		}
		p.Name = "no session policy"
		policies = []*policy.Policy{p}
		records = []policyRecord{{Name: p.Name, Doc: noPermissions}}
	}
	// The user's tags, overlaid by the session's (IAM User Guide, "Passing
	// session tags using GetFederationToken").
	var tags map[string]string
	if len(c.Principal.Tags)+len(in.tags) > 0 {
		tags = make(map[string]string, len(c.Principal.Tags)+len(in.tags))
		for k, v := range c.Principal.Tags {
			if indexTag(in.tags, k) < 0 {
				tags[k] = v
			}
		}
		for _, t := range in.tags {
			tags[t.Key] = t.Value
		}
	}
	base := c.Principal.ARN
	if c.Principal.Type == policy.Root && base == "" {
		base = "arn:aws:iam::" + c.Principal.Account + ":root"
	}
	now := s.now().Truncate(time.Second)
	rec := &record{
		Session: Session{
			AccessKeyID: newKeyID(),
			Kind:        KindFederation,
			Issued:      now,
			Expires:     now.Add(time.Duration(duration) * time.Second),
			SessionTags: tagMap(in.tags),
		},
		Principal: principalRecord{
			Type:    policy.FederatedUser.String(),
			ARN:     st.target.Resource,
			Account: c.Principal.Account,
			RoleARN: base,
			UserID:  c.Principal.Account + ":" + in.sessionName,
			Tags:    tags,
		},
		Policies: records,
	}
	creds, err := s.issue(ctx, rec, policies)
	if err != nil {
		return nil, err
	}
	return &getFederationTokenResult{
		Credentials:      creds.xml(),
		FederatedUser:    federatedUserXML{Arn: rec.Principal.ARN, FederatedUserID: rec.Principal.UserID},
		PackedPolicySize: packed,
	}, nil
}

// federationOp is GetFederationToken.
func (s *Service) federationOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*federationState]{
		Name:   "GetFederationToken",
		Decode: s.prepareFederation,
		Auth: protocol.Check("sts:GetFederationToken", func(_ context.Context, _ *protocol.Request, st *federationState) (protocol.Target, error) {
			return st.target, nil
		}),
		Handle: s.getFederationToken,
	})
}
