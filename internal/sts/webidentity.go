package sts

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/jwt"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// AssumeRoleWithWebIdentity trades an identity provider's token (GitHub
// Actions, a Kubernetes service account, Cognito) for a role session. The
// call is unsigned: the token is the credential. seki checks it as AWS does
// — an IAM OpenID Connect provider for its issuer in the role's account, a
// signature by a key registered for that provider, an audience among the
// provider's client ids, not expired — and then the role's trust policy
// decides, through the door, with the token's claims as condition keys
// (token.actions.githubusercontent.com:sub, ...:aud).

// OIDCProvider is an IAM OpenID Connect provider as STS sees it.
type OIDCProvider struct {
	ARN, Account string
	// URL is the issuer without "https://".
	URL       string
	ClientIDs []string
}

// Providers is the part of IAM and of seki's configuration that web
// identity needs. The server wires it in.
type Providers interface {
	// OIDCProvider returns account's provider for issuer, or ok=false.
	OIDCProvider(ctx context.Context, account, issuer string) (p OIDCProvider, ok bool, err error)
	// KeySet returns the signing keys registered for a provider URL, or
	// nil when seki was given none.
	KeySet(url string) *jwt.KeySet
}

// Errors of web identity, with the texts of AWS's API reference where it
// gives them.
// (declared in errors.go)

const (
	// source: doc https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
	msgInvalidIdentityToken = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	// source: doc https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
	msgExpiredWebToken = "The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request."
	// source: unconfirmed STS's answer quoted in mozilla-iam/mozilla-aws-cli#127 ("No OpenIDConnect provider found in your account for https://auth.mozilla.auth0.com/")
	msgNoProvider = "No OpenIDConnect provider found in your account for "
	// source: unconfirmed the text STS is commonly reported to give for an aud claim not among the provider's client ids
	msgIncorrectAudience = "Incorrect token audience"
	// source: unconfirmed seki's own: no signing keys were registered for the provider (seki serve --oidc-jwks)
	msgNoKeys = "seki has no signing keys for the identity provider %s; start seki with --oidc-jwks %s=JWKS_FILE"
	// source: unconfirmed the text AssumeRoleWithWebIdentity callers (GitHub Actions among them) commonly report
	msgWebIdentityDenied = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
)

var webIdentityTokenShape = strConstraint(4, 20000, `[\u0021-\u007E]+`, `[\x{0021}-\x{007E}]+`)

type webIdentityResult struct {
	SubjectFromWebIdentityToken string
	Audience                    string
	Provider                    string
	SourceIdentity              string `xml:",omitempty"`
	AssumedRoleUser             assumedRoleUser
	Credentials                 *credentialsXML
	PackedPolicySize            *int `xml:",omitempty"`
}

// webIdentityState is the verified request: the role, the token's subject
// and audience, and the provider that vouched for them.
type webIdentityState struct {
	assumeState
	subject, audience, issuer string
}

func (s *Service) webIdentityOp() *protocol.Op {
	return protocol.Define(protocol.Spec[*webIdentityState]{
		Name:   "AssumeRoleWithWebIdentity",
		Decode: s.prepareWebIdentity,
		Auth: protocol.Check("sts:AssumeRoleWithWebIdentity", func(_ context.Context, _ *protocol.Request, st *webIdentityState) (protocol.Target, error) {
			return st.target, nil
		}),
		Handle: s.assumeRoleWithWebIdentity,
	})
}

// parseWebIdentity checks the request against the service model.
func parseWebIdentity(p url.Values) (*assumeInput, string, error) {
	var v violations
	in := &assumeInput{}
	in.roleArn = v.required(p, "RoleArn", "roleArn", arnShape)
	in.sessionName = v.required(p, "RoleSessionName", "roleSessionName", roleSessionNameShape)
	token := v.required(p, "WebIdentityToken", "webIdentityToken", webIdentityTokenShape)
	parseFederatedSession(&v, p, in)
	if err := v.err(); err != nil {
		return nil, "", err
	}
	return in, token, nil
}

// parseFederatedSession reads the members the federated AssumeRole
// operations share: PolicyArns, Policy and DurationSeconds.
func parseFederatedSession(v *violations, p url.Values, in *assumeInput) {
	for i, m := range protocol.MemberStructs(p, "PolicyArns.member", "arn") {
		member := "policyArns." + strconv.Itoa(i+1) + ".member.arn"
		a, ok := m["arn"]
		if !ok {
			v.null(member)
			continue
		}
		v.str(a, member, arnShape)
		in.policyArns = append(in.policyArns, a)
	}
	in.policy, in.hasPolicy = v.optional(p, "Policy", "policy", sessionPolicyShape)
	in.duration, in.hasDuration = v.integer(p, "DurationSeconds", "durationSeconds", minDuration, maxRoleDuration)
}

// federatedState is the part of a federated request's state that does not
// depend on the identity provider: the session policy, the role and the
// door's target (the role's trust policy).
func (s *Service) federatedState(ctx context.Context, in *assumeInput, account string) (assumeState, error) {
	st := assumeState{in: in}
	if in.hasPolicy {
		p, err := policy.Parse([]byte(in.policy), policy.Session)
		if err != nil {
			return st, malformed(err)
		}
		p.Name = "inline session policy"
		st.inline = p
	}
	var err error
	if st.role, st.found, err = s.roles.RoleByARN(ctx, in.roleArn); err != nil {
		return st, err
	}
	st.target = protocol.Target{Resource: in.roleArn, Account: account}
	if st.found {
		st.target.Policy = st.role.Trust
	}
	return st, nil
}

// federatedDuration is the session's duration: DurationSeconds, within
// the role's maximum, or an hour.
func federatedDuration(st *assumeState) (int, error) {
	if !st.in.hasDuration {
		return defaultRoleDuration, nil
	}
	if st.in.duration > roleMax(st.role) {
		return 0, errValidation.New(msgDurationExceedsRoleMax)
	}
	return st.in.duration, nil
}

// prepareWebIdentity validates the request and the token, and makes the
// web identity the request's caller for the door.
func (s *Service) prepareWebIdentity(ctx context.Context, r *protocol.Request) (*webIdentityState, error) {
	in, raw, err := parseWebIdentity(r.Params)
	if err != nil {
		return nil, err
	}
	a, err := arn.Parse(in.roleArn)
	if err != nil || a.Resource == "" {
		return nil, errValidation.Errorf(msgInvalidRoleFmt, in.roleArn)
	}
	tok, err := jwt.Parse(raw)
	if err != nil {
		return nil, errInvalidIdentityToken.New(msgInvalidIdentityToken)
	}
	if s.providers == nil {
		return nil, errInvalidIdentityToken.New(msgNoProvider + tok.Issuer)
	}
	prov, ok, err := s.providers.OIDCProvider(ctx, a.AccountID, tok.Issuer)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errInvalidIdentityToken.New(msgNoProvider + tok.Issuer)
	}
	keys := s.providers.KeySet(prov.URL)
	if keys == nil {
		return nil, errInvalidIdentityToken.Errorf(msgNoKeys, prov.URL, prov.URL)
	}
	if tok.Verify(keys) != nil {
		return nil, errInvalidIdentityToken.New(msgInvalidIdentityToken)
	}
	now := s.now()
	if tok.Expires == 0 || now.Unix() >= tok.Expires {
		return nil, errExpiredWebToken.New(msgExpiredWebToken)
	}
	if tok.NotBefore != 0 && now.Unix() < tok.NotBefore {
		return nil, errInvalidIdentityToken.New(msgInvalidIdentityToken)
	}
	audience := ""
	for _, aud := range tok.Audience {
		for _, id := range prov.ClientIDs {
			if aud == id && audience == "" {
				audience = aud
			}
		}
	}
	if audience == "" {
		return nil, errInvalidIdentityToken.New(msgIncorrectAudience)
	}
	if tok.Subject == "" {
		return nil, errIDPRejectedClaim.New(msgInvalidIdentityToken)
	}

	fst, err := s.federatedState(ctx, in, a.AccountID)
	if err != nil {
		return nil, err
	}
	st := &webIdentityState{assumeState: fst, subject: tok.Subject, audience: audience, issuer: tok.Issuer}

	// The caller is the identity the provider vouches for.
	r.Caller = &authz.Caller{Principal: policy.Principal{
		Type: policy.WebIdentity, ARN: prov.ARN, Account: prov.Account, UserID: prov.URL + ":" + tok.Subject,
	}}
	if r.Context == nil {
		r.Context = policy.NewContext(8)
	}
	c := r.Context
	c.Set("sts:RoleSessionName", in.sessionName)
	c.Set("aws:FederatedProvider", prov.ARN)
	c.Set(prov.URL+":aud", audience)
	c.Set(prov.URL+":sub", tok.Subject)
	if amr := tok.Claim("amr"); amr != "" {
		c.Set(prov.URL+":amr", amr)
	}
	return st, nil
}

// assumeRoleWithWebIdentity runs after the role's trust policy admitted the
// web identity.
func (s *Service) assumeRoleWithWebIdentity(ctx context.Context, r *protocol.Request, st *webIdentityState) (any, error) {
	if !st.found {
		return nil, errAccessDenied.New(msgWebIdentityDenied)
	}
	duration, err := federatedDuration(&st.assumeState)
	if err != nil {
		return nil, err
	}
	res, err := s.startRoleSession(ctx, &st.assumeState, duration, KindWebIdentity)
	if err != nil {
		return nil, err
	}
	return &webIdentityResult{
		SubjectFromWebIdentityToken: st.subject,
		Audience:                    st.audience,
		Provider:                    strings.TrimSuffix(st.issuer, "/"),
		AssumedRoleUser:             res.AssumedRoleUser,
		Credentials:                 res.Credentials,
		PackedPolicySize:            res.PackedPolicySize,
	}, nil
}
