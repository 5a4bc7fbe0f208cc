package iam

import (
	"context"
	"strings"

	"github.com/seki-dev/seki/internal/identity"
)

// The stored records and their loaders belong to the identity store; these
// names keep the API's code reading as it did.
type (
	userRec      = identity.UserRec
	groupRec     = identity.GroupRec
	roleRec      = identity.RoleRec
	policyRec    = identity.PolicyRec
	tag          = identity.Tag
	entityKind   = identity.EntityKind
	managedEntry = identity.ManagedEntry
	oidcRec      = identity.OIDCRec
	samlRec      = identity.SAMLRec
)

const (
	kindUser  = identity.KindUser
	kindGroup = identity.KindGroup
	kindRole  = identity.KindRole
)

var (
	loadUser        = identity.LoadUser
	loadUserByID    = identity.LoadUserByID
	loadGroup       = identity.LoadGroup
	loadRole        = identity.LoadRole
	loadOIDC        = identity.LoadOIDC
	loadSAML        = identity.LoadSAML
	loadTags        = identity.LoadTags
	versionNumber   = identity.VersionNumber
	policyDocument  = identity.PolicyDocument
	entityARN       = identity.EntityARN
	rootARN         = identity.RootARN
	parsePolicyARN  = identity.ParsePolicyARN
	parseEntityARN  = identity.ParseEntityARN
	splitEntityARN  = identity.SplitEntityARN
	newID           = identity.NewID
	newSecret       = identity.NewSecret
	fmtTime         = identity.FmtTime
	parseTime       = identity.ParseTime
	userPrincipal   = identity.UserPrincipal
	attachedARNs    = identity.AttachedARNs
	tagMap          = identity.TagMap
	noSuchUser      = identity.NoSuchUser
	noSuchRole      = identity.NoSuchRole
	notAttachable   = identity.NotAttachable
	errNoSuchEntity = identity.ErrNoSuchEntity
)

func lower(s string) string { return strings.ToLower(s) }

func (s *Service) user(ctx context.Context, account, name string) (*userRec, error) {
	return s.id.UserRecord(ctx, account, name)
}

func (s *Service) group(ctx context.Context, account, name string) (*groupRec, error) {
	return s.id.GroupRecord(ctx, account, name)
}

func (s *Service) role(ctx context.Context, account, name string) (*roleRec, error) {
	return s.id.RoleRecord(ctx, account, name)
}
