package awsclient

import (
	"context"
	"net/url"
)

// The query-protocol services: STS, IAM, SNS.

// Identity is sts:GetCallerIdentity's answer.
type Identity struct {
	Account string `xml:"GetCallerIdentityResult>Account"`
	Arn     string `xml:"GetCallerIdentityResult>Arn"`
	UserID  string `xml:"GetCallerIdentityResult>UserId"`
}

// GetCallerIdentity says who the credentials are.
func (c *Client) GetCallerIdentity(ctx context.Context) (*Identity, error) {
	var out Identity
	_, err := c.query(ctx, "sts", "2011-06-15", "GetCallerIdentity", nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

const iamVersion = "2010-05-08"

// AuthDetails is iam:GetAccountAuthorizationDetails's answer, every page.
// Policy documents are as IAM answers them: URL-encoded JSON.
type AuthDetails struct {
	Users    []UserDetail          `xml:"GetAccountAuthorizationDetailsResult>UserDetailList>member"`
	Groups   []GroupDetail         `xml:"GetAccountAuthorizationDetailsResult>GroupDetailList>member"`
	Roles    []RoleDetail          `xml:"GetAccountAuthorizationDetailsResult>RoleDetailList>member"`
	Policies []ManagedPolicyDetail `xml:"GetAccountAuthorizationDetailsResult>Policies>member"`

	IsTruncated bool   `xml:"GetAccountAuthorizationDetailsResult>IsTruncated"`
	Marker      string `xml:"GetAccountAuthorizationDetailsResult>Marker"`
}

// UserDetail is one user of AuthDetails.
type UserDetail struct {
	UserName, UserId, Arn   string
	GroupList               []string         `xml:"GroupList>member"`
	UserPolicyList          []InlinePolicy   `xml:"UserPolicyList>member"`
	AttachedManagedPolicies []AttachedPolicy `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *Boundary
}

// GroupDetail is one group of AuthDetails.
type GroupDetail struct {
	GroupName, Arn          string
	GroupPolicyList         []InlinePolicy   `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []AttachedPolicy `xml:"AttachedManagedPolicies>member"`
}

// RoleDetail is one role of AuthDetails.
type RoleDetail struct {
	RoleName, RoleId, Arn    string
	AssumeRolePolicyDocument string
	RolePolicyList           []InlinePolicy   `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []AttachedPolicy `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *Boundary
}

// InlinePolicy is an inline policy and its document.
type InlinePolicy struct{ PolicyName, PolicyDocument string }

// AttachedPolicy names an attached managed policy.
type AttachedPolicy struct{ PolicyName, PolicyArn string }

// Boundary names a permissions boundary.
type Boundary struct{ PermissionsBoundaryArn string }

// ManagedPolicyDetail is a managed policy with its versions.
type ManagedPolicyDetail struct {
	PolicyName, Arn, DefaultVersionId string
	PolicyVersionList                 []PolicyVersion `xml:"PolicyVersionList>member"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	Document, VersionId string
	IsDefaultVersion    bool
}

// GetAccountAuthorizationDetails returns every page of the account's
// users, groups, roles and policies. On an error it returns the pages
// read so far with it.
func (c *Client) GetAccountAuthorizationDetails(ctx context.Context) (*AuthDetails, error) {
	all := &AuthDetails{}
	marker := ""
	for {
		var page AuthDetails
		q := url.Values{}
		if marker != "" {
			q.Set("Marker", marker)
		}
		if _, err := c.query(ctx, "iam", iamVersion, "GetAccountAuthorizationDetails", q, &page); err != nil {
			return all, err
		}
		all.Users = append(all.Users, page.Users...)
		all.Groups = append(all.Groups, page.Groups...)
		all.Roles = append(all.Roles, page.Roles...)
		all.Policies = append(all.Policies, page.Policies...)
		if !page.IsTruncated || page.Marker == "" || page.Marker == marker {
			return all, nil
		}
		marker = page.Marker
	}
}

// Policy is a managed policy, as iam:GetPolicy answers.
type Policy struct {
	PolicyName       string `xml:"GetPolicyResult>Policy>PolicyName"`
	Arn              string `xml:"GetPolicyResult>Policy>Arn"`
	DefaultVersionId string `xml:"GetPolicyResult>Policy>DefaultVersionId"`
}

// GetPolicy reads a managed policy.
func (c *Client) GetPolicy(ctx context.Context, arn string) (*Policy, error) {
	var out Policy
	if _, err := c.query(ctx, "iam", iamVersion, "GetPolicy", url.Values{"PolicyArn": {arn}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetPolicyVersion reads one version of a managed policy; Document is
// URL-encoded JSON, as IAM answers it.
func (c *Client) GetPolicyVersion(ctx context.Context, arn, version string) (*PolicyVersion, error) {
	var out struct {
		V PolicyVersion `xml:"GetPolicyVersionResult>PolicyVersion"`
	}
	if _, err := c.query(ctx, "iam", iamVersion, "GetPolicyVersion", url.Values{"PolicyArn": {arn}, "VersionId": {version}}, &out); err != nil {
		return nil, err
	}
	return &out.V, nil
}

// CreateRole creates a role with its trust policy.
func (c *Client) CreateRole(ctx context.Context, name, trust, description string) error {
	q := url.Values{"RoleName": {name}, "AssumeRolePolicyDocument": {trust}}
	if description != "" {
		q.Set("Description", description)
	}
	_, err := c.query(ctx, "iam", iamVersion, "CreateRole", q, nil)
	return err
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (c *Client) UpdateAssumeRolePolicy(ctx context.Context, role, doc string) error {
	_, err := c.query(ctx, "iam", iamVersion, "UpdateAssumeRolePolicy", url.Values{"RoleName": {role}, "PolicyDocument": {doc}}, nil)
	return err
}

// PutRolePolicy writes a role's inline policy.
func (c *Client) PutRolePolicy(ctx context.Context, role, name, doc string) error {
	_, err := c.query(ctx, "iam", iamVersion, "PutRolePolicy", url.Values{"RoleName": {role}, "PolicyName": {name}, "PolicyDocument": {doc}}, nil)
	return err
}

// ListTopics returns every SNS topic ARN, page by page. On an error it
// returns the pages read so far with it.
func (c *Client) ListTopics(ctx context.Context) ([]string, error) {
	var arns []string
	token := ""
	for {
		var page struct {
			Topics    []string `xml:"ListTopicsResult>Topics>member>TopicArn"`
			NextToken string   `xml:"ListTopicsResult>NextToken"`
		}
		q := url.Values{}
		if token != "" {
			q.Set("NextToken", token)
		}
		if _, err := c.query(ctx, "sns", "2010-03-31", "ListTopics", q, &page); err != nil {
			return arns, err
		}
		arns = append(arns, page.Topics...)
		if page.NextToken == "" || page.NextToken == token {
			return arns, nil
		}
		token = page.NextToken
	}
}
