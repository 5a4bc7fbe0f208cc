package sts

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Session duration limits of AssumeRole, in seconds.
const (
	defaultRoleDuration = 3600
	minDuration         = 900
	maxRoleDuration     = 43200
	// chainedMax is the limit for a role session assuming another role.
	chainedMax = 3600
	// maxPolicyArns is how many managed session policies one call may pass.
	maxPolicyArns = 10
	// packedLimit is the plaintext budget of session policies (and, in
	// seki's accounting, of session tags) that PackedPolicySize measures
	// against. AWS compresses into a binary form whose limit it does not
	// publish; it documents 2,048 characters for the plaintext policies.
	packedLimit = 2048
	// maxSessionPolicy is the documented bound on an inline session policy,
	// in characters (UTF-16 code units, as the model counts).
	maxSessionPolicy = 2048
)

// tag is one session tag.
type tag struct{ Key, Value string }

// assumeInput is a validated AssumeRole request.
type assumeInput struct {
	roleArn, sessionName string
	policyArns           []string
	policy               string
	hasPolicy            bool
	duration             int
	hasDuration          bool
	tags                 []tag
	transitive           []string
	externalID           string
	hasExternalID        bool
	sourceIdentity       string
}

// parseAssumeRole checks an AssumeRole request against the service model,
// member by member in the model's order, as AWS reports them.
func parseAssumeRole(p url.Values) (*assumeInput, error) {
	var v violations
	in := &assumeInput{}
	in.roleArn = v.required(p, "RoleArn", "roleArn", arnShape)
	in.sessionName = v.required(p, "RoleSessionName", "roleSessionName", roleSessionNameShape)
	in.policyArns = policyArnsParam(&v, p)
	in.policy, in.hasPolicy = v.optional(p, "Policy", "policy", sessionPolicyShape)
	in.duration, in.hasDuration = v.integer(p, "DurationSeconds", "durationSeconds", minDuration, maxRoleDuration)
	in.tags = tagsParam(&v, p)
	in.transitive = protocol.Members(p, "TransitiveTagKeys.member")
	if len(in.transitive) > 50 {
		v.add("["+strings.Join(in.transitive, ", ")+"]", "transitiveTagKeys", "have length less than or equal to 50")
	}
	for i, k := range in.transitive {
		v.str(k, "transitiveTagKeys."+strconv.Itoa(i+1)+".member", tagKeyShape)
	}
	in.externalID, in.hasExternalID = v.optional(p, "ExternalId", "externalId", externalIDShape)
	// MFA is not modelled: seki has no MFA devices, so the values are only
	// checked for shape and aws:MultiFactorAuthPresent is never set.
	v.optional(p, "SerialNumber", "serialNumber", serialNumberShape)
	v.optional(p, "TokenCode", "tokenCode", tokenCodeShape)
	in.sourceIdentity, _ = v.optional(p, "SourceIdentity", "sourceIdentity", sourceIdentityShape)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := policyArnsCount(in.policyArns); err != nil {
		return nil, err
	}
	return in, nil
}

// policyArnsParam reads the session policies' ARNs
// (PolicyArns.member.N.arn) of AssumeRole and GetFederationToken.
func policyArnsParam(v *violations, p url.Values) []string {
	var arns []string
	for i, m := range protocol.MemberStructs(p, "PolicyArns.member", "arn") {
		a, ok := m["arn"]
		member := "policyArns." + strconv.Itoa(i+1) + ".member.arn"
		if !ok {
			v.null(member)
			continue
		}
		v.str(a, member, arnShape)
		arns = append(arns, a)
	}
	return arns
}

// policyArnsCount refuses more managed session policies than AWS allows,
// once the members themselves are valid.
func policyArnsCount(arns []string) error {
	if len(arns) <= maxPolicyArns {
		return nil
	}
	var v violations
	// unconfirmed: the model sets no maximum; AWS documents 10.
	v.add("["+strings.Join(arns, ", ")+"]", "policyArns", "have length less than or equal to "+strconv.Itoa(maxPolicyArns))
	return v.err()
}

// tagsParam reads the session tags (Tags.member.N.Key/Value).
func tagsParam(v *violations, p url.Values) []tag {
	members := protocol.MemberStructs(p, "Tags.member", "Key", "Value")
	if len(members) > 50 {
		// unconfirmed: how AWS prints the list value here.
		v.add("["+strconv.Itoa(len(members))+" tags]", "tags", "have length less than or equal to 50")
	}
	var tags []tag
	for i, m := range members {
		base := "tags." + strconv.Itoa(i+1) + ".member."
		k, hasK := m["Key"]
		val, hasV := m["Value"]
		if hasK {
			v.str(k, base+"key", tagKeyShape)
		} else {
			v.null(base + "key")
		}
		if hasV {
			v.str(val, base+"value", tagValueShape)
		} else {
			v.null(base + "value")
		}
		tags = append(tags, tag{k, val})
	}
	return tags
}

// assumeState is a validated AssumeRole request with the role it names, as
// prepareAssumeRole hands it to the door and to assumeRole.
type assumeState struct {
	in       *assumeInput
	role     RoleInfo
	found    bool
	target   protocol.Target
	chaining bool
	inline   *policy.Policy
	// tags are all the new session's tags (inherited transitive ones
	// first); transitive names those passed on again.
	tags           []tag
	transitive     []string
	sourceIdentity string
}

// prepareAssumeRole validates the request, loads the role and names it with
// its trust policy for the door. It also sets AssumeRole's condition keys.
func (s *Service) prepareAssumeRole(ctx context.Context, r *protocol.Request) (*assumeState, error) {
	in, err := parseAssumeRole(r.Params)
	if err != nil {
		return nil, err
	}
	if r.Caller == nil {
		return nil, errMissingCredential.New(msgMissingAuthenticationToken)
	}
	if r.Caller.Principal.Type == policy.Root {
		return nil, errAccessDenied.New(msgRolesMayNotBe)
	}
	a, err := arn.Parse(in.roleArn)
	if err != nil || a.Resource == "" {
		return nil, errValidation.Errorf(msgInvalidRoleFmt, in.roleArn)
	}
	st := &assumeState{in: in, chaining: r.Caller.Principal.Type == policy.AssumedRole}

	// What the calling session passes on: transitive tags and the source
	// identity persist along a role chain.
	var parent Session
	if strings.HasPrefix(r.Caller.AccessKeyID, "ASIA") {
		parent, _ = s.Session(ctx, r.Caller.AccessKeyID)
	}
	if err := st.sessionTags(in, &parent); err != nil {
		return nil, err
	}
	st.sourceIdentity = in.sourceIdentity
	if parent.SourceIdentity != "" {
		if in.sourceIdentity != "" && in.sourceIdentity != parent.SourceIdentity {
			// The source identity "cannot be changed" once set (IAM User
			// Guide); unconfirmed: the text AWS answers with.
			return nil, errAccessDenied.Errorf(msgUserIsNotAuthorizedFmt, r.Caller.Principal.ARN, in.roleArn)
		}
		st.sourceIdentity = parent.SourceIdentity
	}

	if in.hasPolicy {
		p, err := policy.Parse([]byte(in.policy), policy.Session)
		if err != nil {
			return nil, malformed(err)
		}
		p.Name = "inline session policy"
		st.inline = p
	}

	st.role, st.found, err = s.roles.RoleByARN(ctx, in.roleArn)
	if err != nil {
		return nil, err
	}
	st.target = protocol.Target{Resource: in.roleArn, Account: a.AccountID}
	if st.found {
		st.target.Policy = st.role.Trust
	}

	if r.Context == nil {
		r.Context = policy.NewContext(8)
	}
	c := r.Context
	c.Set("sts:RoleSessionName", in.sessionName)
	if in.hasExternalID {
		c.Set("sts:ExternalId", in.externalID)
	}
	if st.sourceIdentity != "" {
		c.Set("sts:SourceIdentity", st.sourceIdentity)
	}
	if len(in.tags) > 0 {
		keys := make([]string, len(in.tags))
		for i, t := range in.tags {
			c.Set("aws:RequestTag/"+t.Key, t.Value)
			keys[i] = t.Key
		}
		c.Set("aws:TagKeys", keys...)
	}
	if len(in.transitive) > 0 {
		c.Set("sts:TransitiveTagKeys", in.transitive...)
	}
	return st, nil
}

// sessionTags merges the request's tags with those the calling session
// passes on, with AWS's checks (tag keys are case-insensitive).
func (st *assumeState) sessionTags(in *assumeInput, parent *Session) error {
	for i, t := range in.tags {
		for _, u := range in.tags[:i] {
			if strings.EqualFold(t.Key, u.Key) {
				return errInvalidParameter.New(msgDuplicateTagKeysFound)
			}
		}
	}
	for _, k := range in.transitive {
		if indexTag(in.tags, k) < 0 {
			return errInvalidParameter.New(msgTheSpecifiedTransitiveTag)
		}
	}
	for _, k := range parent.TransitiveTagKeys {
		if indexTag(in.tags, k) >= 0 {
			// unconfirmed for a conflicting tag that is not itself marked
			// transitive; confirmed for a transitive one.
			return errInvalidParameter.New(msgOneOfTheSpecified)
		}
		st.tags = append(st.tags, tag{k, parent.SessionTags[k]})
		st.transitive = append(st.transitive, k)
	}
	st.tags = append(st.tags, in.tags...)
	for _, k := range in.transitive {
		// Keep the key as the tag spells it.
		st.transitive = append(st.transitive, in.tags[indexTag(in.tags, k)].Key)
	}
	return nil
}

func indexTag(tags []tag, key string) int {
	for i, t := range tags {
		if strings.EqualFold(t.Key, key) {
			return i
		}
	}
	return -1
}

// malformed turns a policy parse failure into MalformedPolicyDocument.
func malformed(err error) error {
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		return errMalformedPolicy.New(se.Message).Wrap(err)
	}
	return awserr.As(err)
}

type assumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string
}

type assumeRoleResult struct {
	SourceIdentity   string `xml:",omitempty"`
	AssumedRoleUser  assumedRoleUser
	Credentials      *credentialsXML
	PackedPolicySize *int `xml:",omitempty"`
}

// assumeRole runs after the door allowed sts:AssumeRole on the role.
func (s *Service) assumeRole(ctx context.Context, r *protocol.Request, st *assumeState) (any, error) {
	in := st.in
	if !st.found {
		// No role, so no trust policy that could have allowed the caller;
		// AWS does not tell a caller whether the role exists.
		return nil, errAccessDenied.Errorf(msgUserIsNotAuthorizedFmt2, r.Caller.Principal.ARN, in.roleArn)
	}
	duration := defaultRoleDuration
	if in.hasDuration {
		duration = in.duration
		// unconfirmed: which of the two checks AWS makes first.
		if st.chaining && duration > chainedMax {
			return nil, errValidation.New(msgTheRequestedDurationsecondsExceeds)
		}
		if duration > roleMax(st.role) {
			return nil, errValidation.New(msgDurationExceedsRoleMax)
		}
	}
	// Session tags and a source identity need their own permission in the
	// trust policy (and, across accounts, in the caller's identity policy).
	if len(st.tags) > 0 {
		if err := r.Authorize(ctx, "sts:TagSession", st.target, nil); err != nil {
			return nil, err
		}
	}
	if st.sourceIdentity != "" {
		if err := r.Authorize(ctx, "sts:SetSourceIdentity", st.target, nil); err != nil {
			return nil, err
		}
	}
	return s.startRoleSession(ctx, st, duration, KindAssumeRole)
}

// startRoleSession issues the credentials of a session of st's role, with
// its session policies, once the door has allowed it.
func (s *Service) startRoleSession(ctx context.Context, st *assumeState, duration int, kind Kind) (*assumeRoleResult, error) {
	in := st.in
	policies, records, err := s.sessionPolicies(ctx, st.inline, in)
	if err != nil {
		return nil, err
	}
	packed, err := packedSize(in, st.tags)
	if err != nil {
		return nil, err
	}

	partition := "aws"
	if a, err := arn.Parse(st.role.ARN); err == nil {
		partition = a.Partition
	}
	now := s.now().Truncate(time.Second)
	rec := &record{
		Session: Session{
			AccessKeyID:       newKeyID(),
			Kind:              kind,
			Issued:            now,
			Expires:           now.Add(time.Duration(duration) * time.Second),
			SourceIdentity:    st.sourceIdentity,
			SessionTags:       tagMap(st.tags),
			TransitiveTagKeys: st.transitive,
		},
		Principal: rolePrincipal(partition, st.role, in.sessionName, st.tags),
		Policies:  records,
	}
	creds, err := s.issue(ctx, rec, policies)
	if err != nil {
		return nil, err
	}
	res := &assumeRoleResult{
		SourceIdentity:  st.sourceIdentity,
		AssumedRoleUser: assumedRoleUser{AssumedRoleID: rec.Principal.UserID, Arn: rec.Principal.ARN},
		Credentials:     creds.xml(),
	}
	if len(in.policyArns) > 0 || in.hasPolicy || len(st.tags) > 0 {
		res.PackedPolicySize = &packed
	}
	return res, nil
}

// sessionPolicies are a new session's policies: the inline one (already
// parsed) and the managed ones in.policyArns names, with the records that
// let a restart compile them again.
func (s *Service) sessionPolicies(ctx context.Context, inline *policy.Policy, in *assumeInput) ([]*policy.Policy, []policyRecord, error) {
	var policies []*policy.Policy
	var records []policyRecord
	if inline != nil {
		policies = append(policies, inline)
		records = append(records, policyRecord{Name: inline.Name, Doc: in.policy})
	}
	for _, a := range in.policyArns {
		p, ok, err := s.roles.ManagedPolicy(ctx, a)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			// unconfirmed: AWS's answer for a session policy ARN that names
			// no policy; this is IAM's text for the same case.
			return nil, nil, errValidation.Errorf(msgPolicyDoesNotExistFmt, a)
		}
		policies = append(policies, p)
		records = append(records, policyRecord{Name: a, Doc: string(p.Source())})
	}
	return policies, records, nil
}

// roleMax is the role's maximum session duration in seconds.
func roleMax(r RoleInfo) int {
	if r.MaxSessionDuration <= 0 {
		return defaultRoleDuration
	}
	return r.MaxSessionDuration
}

// rolePrincipal is the principal of a session of role named session:
// arn:aws:sts::A:assumed-role/R/S (no path), the role's tags overlaid by
// the session tags.
func rolePrincipal(partition string, role RoleInfo, session string, tags []tag) principalRecord {
	var all map[string]string
	if len(role.Tags)+len(tags) > 0 {
		all = make(map[string]string, len(role.Tags)+len(tags))
		for k, v := range role.Tags {
			if indexTag(tags, k) < 0 {
				all[k] = v
			}
		}
		for _, t := range tags {
			all[t.Key] = t.Value
		}
	}
	return principalRecord{
		Type:    policy.AssumedRole.String(),
		ARN:     "arn:" + partition + ":sts::" + role.Account + ":assumed-role/" + role.Name + "/" + session,
		Account: role.Account,
		RoleARN: role.ARN,
		UserID:  role.RoleID + ":" + session,
		Tags:    all,
	}
}

func tagMap(tags []tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// packedSize returns PackedPolicySize, the percentage of the packed budget
// the session policies and tags use, or PackedPolicyTooLarge. AWS's packing
// is a compressed binary form it does not document; seki counts plaintext
// characters (policy whitespace excluded) against 2,048, so a request within
// AWS's documented plaintext limits fits, and the percentages are
// comparable but not identical to AWS's.
func packedSize(in *assumeInput, tags []tag) (int, error) {
	pol := 0
	if in.hasPolicy {
		pol = policy.Size([]byte(in.policy))
	}
	for _, a := range in.policyArns {
		pol += len(a)
	}
	tg := 0
	for _, t := range tags {
		tg += len(t.Key) + len(t.Value)
	}
	if pol > packedLimit {
		return 0, errPackedTooLarge.Errorf(msgPackedPolicyConsumesFFmt, percent(pol))
	}
	total := percent(pol + tg)
	if total > 100 {
		return 0, errPackedTooLarge.Errorf(msgPackedSizeOfSessionFmt, total)
	}
	return total, nil
}

func percent(n int) int { return (n*100 + packedLimit - 1) / packedLimit }

// issue makes credentials for rec, stores the session and returns them.
func (s *Service) issue(ctx context.Context, rec *record, policies []*policy.Policy) (Credentials, error) {
	secret, token := newSecret(), newToken()
	if _, err := s.save(ctx, rec, secret, token, policies); err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKeyID: rec.AccessKeyID, SecretAccessKey: secret, SessionToken: token, Expiration: rec.Expires}, nil
}
