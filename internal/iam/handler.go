package iam

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
)

// Version and XMLNS of the IAM query API.
const (
	Version = "2010-05-08"
	XMLNS   = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// Handler returns the IAM query-protocol service, dispatching through d.
func (s *Service) Handler(d protocol.Dispatcher) *protocol.Query {
	return &protocol.Query{Dispatcher: d, Version: Version, XMLNS: XMLNS, Ops: s.ops()}
}

// input holds the parameters of any IAM operation; each operation's parser
// fills the members it has, validated as botocore's model constrains them.
type input struct {
	UserName, GroupName, RoleName, PolicyName, PolicyArn string
	NewName, NewPath                                     string
	HasNewName, HasNewPath                               bool
	Path, PathPrefix                                     string
	HasUserName                                          bool
	Document, Description                                string
	HasDescription                                       bool
	VersionID, AccessKeyID, Status, Boundary             string
	CredentialID                                         string
	MaxSession                                           int
	HasMaxSession                                        bool
	SetAsDefault, OnlyAttached                           bool
	Scope, UsageFilter, EntityFilter                     string
	Tags                                                 []tag
	TagKeys                                              []string
	Filters                                              []string
	Service, Suffix                                      string
	ProfileName                                          string
	Page                                                 page
	sim                                                  *simInput
}

// parser reads one operation's members into in.
type parser func(p *params, in *input)

// targeter names the resource an operation is authorized on and adds its
// condition keys; it runs before authorization, so it must not fail when the
// resource is missing.
type targeter func(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error)

// handler performs an operation.
type handler func(ctx context.Context, r *protocol.Request, in *input) (any, error)

// op assembles a table row: the parameters are validated before
// authorization, as AWS validates requests before it authorizes them, and
// every IAM operation is one check of iam:NAME on the resource target names.
func op(name string, parse parser, target targeter, handle handler) *protocol.Op {
	return protocol.Define(protocol.Spec[*input]{
		Name: name,
		Decode: func(_ context.Context, r *protocol.Request) (*input, error) {
			p := newParams(r)
			in := &input{}
			parse(p, in)
			return in, p.err()
		},
		Auth:   protocol.Check("iam:"+name, target),
		Handle: handle,
	})
}

// How IAM names the resource in its AccessDenied messages ("... is not
// authorized to perform: iam:X on resource: R because ..."). The decision log
// always records the ARN; only the message's R differs (protocol.Target.Name).
// The rule, from AWS responses quoted in public reports:
//
//   - An existing user, group or role named by a request parameter is
//     "user NAME", "group NAME", "role NAME", the name as the request gave it:
//     GetUser ("user dev_user1"), GetLoginProfile ("user vault"),
//     CreateAccessKey ("user Claude"), UpdateAccessKey, PutUserPolicy,
//     ListAccessKeys ("user sbmtd"); GetGroup ("group deploy-group"),
//     AddUserToGroup ("group Admin"), RemoveUserFromGroup, PutGroupPolicy,
//     ListAttachedGroupPolicies; GetRole ("role helloworld-dev"), DeleteRole,
//     UpdateRole, UpdateAssumeRolePolicy, PutRolePolicy, DeleteRolePolicy,
//     ListRolePolicies, AttachRolePolicy, DetachRolePolicy,
//     ListAttachedRolePolicies ("role ServerManager"), ListRoleTags. Every
//     other operation on one user, group or role (inline policies,
//     attachments, boundaries, tags, membership, Update/Delete) is of the same
//     family and follows it.
//   - A managed policy named by PolicyArn is "policy ARN": GetPolicy ("policy
//     arn:aws:iam::aws:policy/GreengrassV2TokenExchangeRoleAccess"),
//     ListPolicyVersions, DeletePolicyVersion; and so every PolicyArn
//     operation (versions, tags, ListEntitiesForPolicy, DeletePolicy).
//   - CreatePolicy names the new policy by name: "policy
//     FraudFirstStepFunctionsDeploy" (and so does the iam:TagPolicy check of
//     CreatePolicy with tags: "policy fi-read-pg-password").
//   - CreateUser, CreateGroup and CreateRole name the new entity's ARN
//     ("arn:aws:iam::058264546342:role/service-role/OlympicsDataExtraction-
//     role-gxqt7ypj", "arn:aws:iam::803964124082:group/S3-Analysts"); so does
//     the iam:TagRole check of CreateRole with tags.
//   - ListUsers, ListGroups and ListRoles name the path prefix ARN
//     ("arn:aws:iam::111122223333:user/", "...:group/", "...:role/"), but
//     ListPolicies says "policy path /".
//   - GetUser without UserName names the caller's ARN; the access-key
//     operations without UserName say "user null" and the caller's name
//     (targetOwnKeys). The service-specific-credential operations, a user's
//     other credentials, follow the access keys (no evidence of their own).
//   - GetAccountAuthorizationDetails names "*".
//
// Operations with no evidence either way keep the ARN:
// GetAccessKeyLastUsed (named by key id) and SimulatePrincipalPolicy.
func (s *Service) ops() map[string]*protocol.Op {
	return protocol.Table(append([]*protocol.Op{
		// Users and access keys.
		op("CreateUser", parseCreateUser, s.targetNewUser, s.createUser),
		op("GetUser", parseOptUser, s.targetSelfUser, s.getUser),
		op("ListUsers", parsePathList, s.targetPathList("user"), s.listUsers),
		op("UpdateUser", parseUpdateUser, s.targetUser, s.updateUser),
		op("DeleteUser", parseUser, s.targetUser, s.deleteUser),
		op("CreateAccessKey", parseOptUser, s.targetOwnKeys, s.createAccessKey),
		op("ListAccessKeys", parseOptUserPage, s.targetOwnKeys, s.listAccessKeys),
		op("UpdateAccessKey", parseUpdateAccessKey, s.targetOwnKeys, s.updateAccessKey),
		op("DeleteAccessKey", parseAccessKey, s.targetOwnKeys, s.deleteAccessKey),
		op("GetAccessKeyLastUsed", parseAccessKeyOnly, s.targetKeyOwner, s.getAccessKeyLastUsed),
		op("CreateServiceSpecificCredential", parseCreateSSC, s.targetUser, s.createServiceSpecificCredential),
		op("ListServiceSpecificCredentials", parseListSSC, s.targetOwnKeys, s.listServiceSpecificCredentials),
		op("UpdateServiceSpecificCredential", parseUpdateSSC, s.targetOwnKeys, s.updateServiceSpecificCredential),
		op("ResetServiceSpecificCredential", parseSSC, s.targetOwnKeys, s.resetServiceSpecificCredential),
		op("DeleteServiceSpecificCredential", parseSSC, s.targetOwnKeys, s.deleteServiceSpecificCredential),

		// Groups.
		op("CreateGroup", parseCreateGroup, s.targetNewGroup, s.createGroup),
		op("GetGroup", parseGroupPage, s.targetGroup, s.getGroup),
		op("ListGroups", parsePathList, s.targetPathList("group"), s.listGroups),
		op("UpdateGroup", parseUpdateGroup, s.targetGroup, s.updateGroup),
		op("DeleteGroup", parseGroup, s.targetGroup, s.deleteGroup),
		op("AddUserToGroup", parseGroupUser, s.targetGroup, s.addUserToGroup),
		op("RemoveUserFromGroup", parseGroupUser, s.targetGroup, s.removeUserFromGroup),
		op("ListGroupsForUser", parseUserPage, s.targetUser, s.listGroupsForUser),

		// Roles.
		op("CreateRole", parseCreateRole, s.targetNewRole, s.createRole),
		op("GetRole", parseRole, s.targetRole, s.getRole),
		op("ListRoles", parsePathList, s.targetPathList("role"), s.listRoles),
		op("UpdateRole", parseUpdateRole, s.targetRole, s.updateRole),
		op("UpdateRoleDescription", parseUpdateRoleDescription, s.targetRole, s.updateRoleDescription),
		op("UpdateAssumeRolePolicy", parseRoleDocument, s.targetRole, s.updateAssumeRolePolicy),
		op("DeleteRole", parseRole, s.targetRole, s.deleteRole),
		op("CreateServiceLinkedRole", parseCreateServiceLinkedRole, s.targetServiceLinkedRole, s.createServiceLinkedRole),
		op("DeleteServiceLinkedRole", parseRole, s.targetRole, s.deleteServiceLinkedRole),
		op("GetServiceLinkedRoleDeletionStatus", parseDeletionTask, s.targetDeletionTask, s.getServiceLinkedRoleDeletionStatus),

		// Instance profiles: profiles.go.
		op("CreateInstanceProfile", parseCreateInstanceProfile, s.targetNewProfile, s.createInstanceProfile),
		op("GetInstanceProfile", parseProfile, s.targetProfile, s.getInstanceProfile),
		op("ListInstanceProfiles", parsePathList, s.targetPathList("instance-profile"), s.listInstanceProfiles),
		op("DeleteInstanceProfile", parseProfile, s.targetProfile, s.deleteInstanceProfile),
		op("AddRoleToInstanceProfile", parseProfileRole, s.targetProfile, s.addRoleToInstanceProfile),
		op("RemoveRoleFromInstanceProfile", parseProfileRole, s.targetProfile, s.removeRoleFromInstanceProfile),
		op("ListInstanceProfilesForRole", parseRolePage, s.targetRole, s.listInstanceProfilesForRole),

		// Inline policies.
		op("PutUserPolicy", parseUserPolicyDoc, s.targetUserWithBoundary, s.putInline(kindUser)),
		op("GetUserPolicy", parseUserPolicy, s.targetUser, s.getInline(kindUser)),
		op("ListUserPolicies", parseUserPage, s.targetUser, s.listInline(kindUser)),
		op("DeleteUserPolicy", parseUserPolicy, s.targetUserWithBoundary, s.deleteInline(kindUser)),
		op("PutGroupPolicy", parseGroupPolicyDoc, s.targetGroup, s.putInline(kindGroup)),
		op("GetGroupPolicy", parseGroupPolicy, s.targetGroup, s.getInline(kindGroup)),
		op("ListGroupPolicies", parseGroupPage, s.targetGroup, s.listInline(kindGroup)),
		op("DeleteGroupPolicy", parseGroupPolicy, s.targetGroup, s.deleteInline(kindGroup)),
		op("PutRolePolicy", parseRolePolicyDoc, s.targetRoleWithBoundary, s.putInline(kindRole)),
		op("GetRolePolicy", parseRolePolicy, s.targetRole, s.getInline(kindRole)),
		op("ListRolePolicies", parseRolePage, s.targetRole, s.listInline(kindRole)),
		op("DeleteRolePolicy", parseRolePolicy, s.targetRoleWithBoundary, s.deleteInline(kindRole)),

		// Managed policies and their versions.
		op("CreatePolicy", parseCreatePolicy, s.targetNewPolicy, s.createPolicy),
		op("GetPolicy", parsePolicyArnParam, s.targetPolicy, s.getPolicy),
		op("ListPolicies", parseListPolicies, s.targetPolicyList, s.listPolicies),
		op("DeletePolicy", parsePolicyArnParam, s.targetPolicy, s.deletePolicy),
		op("CreatePolicyVersion", parseCreatePolicyVersion, s.targetPolicy, s.createPolicyVersion),
		op("GetPolicyVersion", parsePolicyVersion, s.targetPolicy, s.getPolicyVersion),
		op("ListPolicyVersions", parsePolicyARNPage, s.targetPolicy, s.listPolicyVersions),
		op("DeletePolicyVersion", parsePolicyVersion, s.targetPolicy, s.deletePolicyVersion),
		op("SetDefaultPolicyVersion", parsePolicyVersion, s.targetPolicy, s.setDefaultPolicyVersion),
		op("ListEntitiesForPolicy", parseListEntities, s.targetPolicy, s.listEntitiesForPolicy),

		// Attachments.
		op("AttachUserPolicy", parseUserARN, s.targetAttach(kindUser), s.attach(kindUser)),
		op("DetachUserPolicy", parseUserARN, s.targetAttach(kindUser), s.detach(kindUser)),
		op("ListAttachedUserPolicies", parseUserAttachedList, s.targetUser, s.listAttached(kindUser)),
		op("AttachGroupPolicy", parseGroupARN, s.targetAttach(kindGroup), s.attach(kindGroup)),
		op("DetachGroupPolicy", parseGroupARN, s.targetAttach(kindGroup), s.detach(kindGroup)),
		op("ListAttachedGroupPolicies", parseGroupAttachedList, s.targetGroup, s.listAttached(kindGroup)),
		op("AttachRolePolicy", parseRoleARN, s.targetAttach(kindRole), s.attach(kindRole)),
		op("DetachRolePolicy", parseRoleARN, s.targetAttach(kindRole), s.detach(kindRole)),
		op("ListAttachedRolePolicies", parseRoleAttachedList, s.targetRole, s.listAttached(kindRole)),

		// Permissions boundaries.
		op("PutUserPermissionsBoundary", parseUserBoundary, s.targetPutBoundary(kindUser), s.putBoundary(kindUser)),
		op("DeleteUserPermissionsBoundary", parseUser, s.targetUserWithBoundary, s.deleteBoundary(kindUser)),
		op("PutRolePermissionsBoundary", parseRoleBoundary, s.targetPutBoundary(kindRole), s.putBoundary(kindRole)),
		op("DeleteRolePermissionsBoundary", parseRole, s.targetRoleWithBoundary, s.deleteBoundary(kindRole)),

		// Tags.
		op("TagUser", parseUserTags, s.targetTagging(s.targetUser), s.tagEntity(kindUser)),
		op("UntagUser", parseUserTagKeys, s.targetUntagging(s.targetUser), s.untagEntity(kindUser)),
		op("ListUserTags", parseUserPage, s.targetUser, s.listEntityTags(kindUser)),
		op("TagRole", parseRoleTags, s.targetTagging(s.targetRole), s.tagEntity(kindRole)),
		op("UntagRole", parseRoleTagKeys, s.targetUntagging(s.targetRole), s.untagEntity(kindRole)),
		op("ListRoleTags", parseRolePage, s.targetRole, s.listEntityTags(kindRole)),
		op("TagPolicy", parsePolicyTags, s.targetTagging(s.targetPolicy), s.tagPolicy),
		op("UntagPolicy", parsePolicyTagKeys, s.targetUntagging(s.targetPolicy), s.untagPolicy),
		op("ListPolicyTags", parsePolicyARNPage, s.targetPolicy, s.listPolicyTags),

		// Reports and simulation.
		op("GetAccountAuthorizationDetails", parseAuthDetails, targetAny, s.getAccountAuthorizationDetails),
		op("SimulatePrincipalPolicy", parseSimulatePrincipal, s.targetSimulatePrincipal, s.simulatePrincipalPolicy),
		op("SimulateCustomPolicy", parseSimulateCustom, targetAny, s.simulateCustomPolicy),
		op("GetContextKeysForPrincipalPolicy", parseContextKeysPrincipal, s.targetSimulatePrincipal, s.getContextKeysForPrincipalPolicy),
		op("GetContextKeysForCustomPolicy", parseContextKeysCustom, targetAny, s.getContextKeysForCustomPolicy),

		// Identity providers: oidc.go and saml.go.
	}, append(s.oidcOps(), s.samlOps()...)...)...)
}

// Parsers shared by several operations.

func parseUser(p *params, in *input) { in.UserName = p.required("UserName", ruleExistingUserName) }
func parseOptUser(p *params, in *input) {
	in.UserName, in.HasUserName = p.optional("UserName", ruleExistingUserName)
}
func parseOptUserPage(p *params, in *input)    { parseOptUser(p, in); in.Page = p.page() }
func parseUserPage(p *params, in *input)       { parseUser(p, in); in.Page = p.page() }
func parseGroup(p *params, in *input)          { in.GroupName = p.required("GroupName", ruleGroupName) }
func parseGroupPage(p *params, in *input)      { parseGroup(p, in); in.Page = p.page() }
func parseRole(p *params, in *input)           { in.RoleName = p.required("RoleName", ruleRoleName) }
func parseRolePage(p *params, in *input)       { parseRole(p, in); in.Page = p.page() }
func parsePolicyArnParam(p *params, in *input) { in.PolicyArn = p.required("PolicyArn", ruleARN) }
func parsePolicyARNPage(p *params, in *input) {
	parsePolicyArnParam(p, in)
	in.Page = p.page()
}
func parsePathList(p *params, in *input) {
	in.PathPrefix, _ = p.optional("PathPrefix", rulePathPrefix)
	in.Page = p.page()
}

// Targets shared by several operations.

func targetAny(context.Context, *protocol.Request, *input) (protocol.Target, error) {
	return protocol.Target{Resource: "*"}, nil
}

// keys returns the request's condition keys, creating them if the server
// did not.
func keys(r *protocol.Request) *policy.Context {
	if r.Context == nil {
		r.Context = policy.NewContext(4)
	}
	return r.Context
}

func resourceTags(r *protocol.Request, tags []tag) {
	for _, t := range tags {
		keys(r).Set("aws:ResourceTag/"+t.Key, t.Value)
		keys(r).Set("iam:ResourceTag/"+t.Key, t.Value)
	}
}

func (s *Service) targetUser(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	u, err := s.user(ctx, r.Account(), in.UserName)
	if err != nil {
		return protocol.Target{}, err
	}
	name := "user " + in.UserName
	if u == nil {
		return protocol.Target{Resource: entityARN(r.Account(), "user", "/", in.UserName), Name: name}, nil
	}
	resourceTags(r, u.Tags)
	return protocol.Target{Resource: u.ARN(), Name: name}, nil
}

// targetUserWithBoundary is targetUser for the operations that carry
// iam:PermissionsBoundary: the user's current boundary.
func (s *Service) targetUserWithBoundary(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	t, err := s.targetUser(ctx, r, in)
	if err == nil {
		if u, _ := s.user(ctx, r.Account(), in.UserName); u != nil && u.Boundary != "" {
			keys(r).Set("iam:PermissionsBoundary", u.Boundary)
		}
	}
	return t, err
}

// targetSelfUser names the user GetUser is about: UserName, or the caller
// itself when it is omitted, which AWS names by its ARN ("iam:GetUser on
// resource: arn:aws:iam::959094731163:user/mperry", an IAM error response
// quoted in BD2KGenomics/cgcloud#216; also realestate-com-au/credulous#79).
func (s *Service) targetSelfUser(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	if in.HasUserName {
		return s.targetUser(ctx, r, in)
	}
	if r.Caller == nil {
		return protocol.Target{Resource: "*"}, nil
	}
	p := &r.Caller.Principal
	if p.Type == policy.User || p.Type == policy.Root {
		return protocol.Target{Resource: p.ARN}, nil
	}
	return protocol.Target{Resource: "*"}, nil
}

// targetOwnKeys names the user an access-key operation is about. With
// UserName it is "user NAME"; without, AWS authorizes on the calling user
// and its message says "user null" followed by the caller's name, the
// missing parameter printed as null ("iam:CreateAccessKey on resource: user
// nullweb_admin", "iam:ListAccessKeys on resource: user nulltesting", the
// same for DeleteAccessKey, in CloudTrail records and CLI output quoted in
// public reports, 2017 to 2025).
func (s *Service) targetOwnKeys(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	t, err := s.targetSelfUser(ctx, r, in)
	if err == nil && !in.HasUserName && r.Caller != nil && r.Caller.Principal.Type == policy.User {
		t.Name = "user null" + r.Caller.Principal.Username
	}
	return t, err
}

func (s *Service) targetGroup(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	g, err := s.group(ctx, r.Account(), in.GroupName)
	if err != nil {
		return protocol.Target{}, err
	}
	name := "group " + in.GroupName
	if g == nil {
		return protocol.Target{Resource: entityARN(r.Account(), "group", "/", in.GroupName), Name: name}, nil
	}
	return protocol.Target{Resource: g.ARN(), Name: name}, nil
}

func (s *Service) targetRole(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	role, err := s.role(ctx, r.Account(), in.RoleName)
	if err != nil {
		return protocol.Target{}, err
	}
	name := "role " + in.RoleName
	if role == nil {
		return protocol.Target{Resource: entityARN(r.Account(), "role", "/", in.RoleName), Name: name}, nil
	}
	resourceTags(r, role.Tags)
	return protocol.Target{Resource: role.ARN(), Name: name}, nil
}

func (s *Service) targetRoleWithBoundary(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	t, err := s.targetRole(ctx, r, in)
	if err == nil {
		if role, _ := s.role(ctx, r.Account(), in.RoleName); role != nil && role.Boundary != "" {
			keys(r).Set("iam:PermissionsBoundary", role.Boundary)
		}
	}
	return t, err
}

// targetPathList names what List{Users,Groups,Roles} is authorized on: the
// path prefix under the entity kind (arn:aws:iam::A:user/ for all users).
func (s *Service) targetPathList(kind string) targeter {
	return func(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
		prefix := in.PathPrefix
		if prefix == "" {
			prefix = "/"
		}
		return protocol.Target{Resource: "arn:aws:iam::" + r.Account() + ":" + kind + prefix}, nil
	}
}

// Markers are opaque to clients: the last key of the page before,
// base64-encoded.

func encodeMarker(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeMarker(m string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", errInvalidInput.New(msgBadMarker)
	}
	return string(b), nil
}

// pageSlice pages an in-memory list by position.
func pageSlice[T any](items []T, pg page) ([]T, paged, error) {
	start := 0
	if pg.marker != "" {
		k, err := decodeMarker(pg.marker)
		if err != nil {
			return nil, paged{}, err
		}
		n, err := strconv.Atoi(strings.TrimPrefix(k, "i"))
		if err != nil || !strings.HasPrefix(k, "i") || n < 0 {
			return nil, paged{}, errInvalidInput.New(msgBadMarker)
		}
		start = min(n, len(items))
	}
	end := min(start+pg.max, len(items))
	out := items[start:end]
	if end < len(items) {
		return out, paged{IsTruncated: true, Marker: encodeMarker("i" + strconv.Itoa(end))}, nil
	}
	return out, paged{}, nil
}
