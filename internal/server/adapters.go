package server

import (
	"context"
	"errors"
	"github.com/seki-dev/seki/internal/jwt"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/identity"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/sts"
)

// Services do not import each other; these adapters give each the narrow
// view of another that it declared.

// isNoSuchEntity tells a missing IAM entity from a failure.
func isNoSuchEntity(err error) bool {
	var e *awserr.Error
	return errors.As(err, &e) && e.Code == "NoSuchEntity"
}

// stsRoles is IAM as STS sees it.
type stsRoles struct{ ids *identity.Store }

func (a stsRoles) RoleByARN(ctx context.Context, arn string) (sts.RoleInfo, bool, error) {
	r, err := a.ids.RoleByARN(ctx, arn)
	if isNoSuchEntity(err) {
		return sts.RoleInfo{}, false, nil
	}
	if err != nil {
		return sts.RoleInfo{}, false, err
	}
	return sts.RoleInfo{
		ARN: r.ARN, RoleID: r.RoleID, Name: r.Name, Path: r.Path, Account: r.Account,
		Trust: r.Trust, MaxSessionDuration: r.MaxSessionDuration, Tags: r.Tags,
	}, true, nil
}

func (a stsRoles) ManagedPolicy(ctx context.Context, arn string) (*policy.Policy, bool, error) {
	p, err := a.ids.ManagedPolicyAs(ctx, arn, policy.Session)
	if isNoSuchEntity(err) {
		return nil, false, nil
	}
	return p, err == nil, err
}

// oidcProviders is IAM's OpenID Connect providers with the signing keys
// seki was given for them (Config.OIDCKeys), as STS's web identity needs
// them.
type oidcProviders struct {
	ids  *identity.Store
	keys map[string]*jwt.KeySet
}

func (o oidcProviders) OIDCProvider(ctx context.Context, account, issuer string) (sts.OIDCProvider, bool, error) {
	p, ok, err := o.ids.OIDCProviderFor(ctx, account, issuer)
	if err != nil || !ok {
		return sts.OIDCProvider{}, false, err
	}
	return sts.OIDCProvider{ARN: p.ARN, Account: p.Account, URL: p.URL, ClientIDs: p.ClientIDs}, true, nil
}

func (o oidcProviders) KeySet(url string) *jwt.KeySet { return o.keys[url] }

// samlProviders is IAM's SAML providers as AssumeRoleWithSAML needs them.
type samlProviders struct{ ids *identity.Store }

func (p samlProviders) SAMLProvider(ctx context.Context, arn string) (sts.SAMLProvider, bool, error) {
	v, ok, err := p.ids.SAMLProviderFor(ctx, arn)
	if err != nil || !ok {
		return sts.SAMLProvider{}, false, err
	}
	return sts.SAMLProvider{ARN: v.ARN, Account: v.Account, Name: v.Name, EntityID: v.EntityID, Certs: v.Certs}, true, nil
}
