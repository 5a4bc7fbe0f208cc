package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Export is an account's data in the shapes the AWS CLI prints them (and
// the APIs answer them): what `seki analyze --from` reads, and what the
// endpoint path fills by calling the same APIs.
type Export struct {
	Auth      AuthDetails
	Functions []FunctionConfig
	// Policies are function (and version/alias) resource policies, as
	// `aws lambda get-policy` prints them.
	Policies []Document
	// BucketPolicies are `aws s3api get-bucket-policy` documents.
	BucketPolicies []Document
	// Notifications are bucket notification configurations by bucket name.
	Notifications map[string]NotificationConfig
	Buckets       []string
	Tables        []string
	LogGroups     []string
	Queues        []string // queue ARNs or URLs
	Topics        []string // topic ARNs
	// Account and Region, when the data says nothing (an empty account).
	Account, Region string
}

// AuthDetails is `aws iam get-account-authorization-details`.
type AuthDetails struct {
	UserDetailList  []UserDetail  `json:"UserDetailList"`
	GroupDetailList []GroupDetail `json:"GroupDetailList"`
	RoleDetailList  []RoleDetail  `json:"RoleDetailList"`
	Policies        []ManagedPolicyDetail
}

// UserDetail is one user of AuthDetails.
type UserDetail struct {
	UserName                string
	UserId                  string
	Arn                     string
	UserPolicyList          []InlinePolicy
	GroupList               []string
	AttachedManagedPolicies []AttachedPolicy
	PermissionsBoundary     *Boundary
}

// GroupDetail is one group of AuthDetails.
type GroupDetail struct {
	GroupName               string
	Arn                     string
	GroupPolicyList         []InlinePolicy
	AttachedManagedPolicies []AttachedPolicy
}

// RoleDetail is one role of AuthDetails.
type RoleDetail struct {
	RoleName                 string
	RoleId                   string
	Arn                      string
	AssumeRolePolicyDocument PolicyText
	RolePolicyList           []InlinePolicy
	AttachedManagedPolicies  []AttachedPolicy
	PermissionsBoundary      *Boundary
}

// InlinePolicy is an inline policy with its document.
type InlinePolicy struct {
	PolicyName     string
	PolicyDocument PolicyText
}

// AttachedPolicy names an attached managed policy.
type AttachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

// Boundary names a permissions boundary.
type Boundary struct {
	PermissionsBoundaryArn string
}

// ManagedPolicyDetail is a managed policy with its versions.
type ManagedPolicyDetail struct {
	PolicyName        string
	Arn               string
	DefaultVersionId  string
	PolicyVersionList []PolicyVersion
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	Document         PolicyText
	VersionId        string
	IsDefaultVersion bool
}

// FunctionConfig is one function of `aws lambda list-functions`.
type FunctionConfig struct {
	FunctionName string
	FunctionArn  string
	Role         string
	Runtime      string
}

// Document is an output whose Policy member is a JSON document in a
// string (`get-policy`, `get-bucket-policy`).
type Document struct {
	Policy string
}

// NotificationConfig is the Lambda part of a bucket notification
// configuration.
type NotificationConfig struct {
	LambdaFunctionConfigurations []struct {
		LambdaFunctionArn string
		Events            []string
	}
}

// PolicyText is a policy document as the APIs give it: a URL-encoded JSON
// string (the raw API and the SDKs), a plain JSON string, or the JSON
// object itself (the AWS CLI decodes IAM's documents).
type PolicyText []byte

// UnmarshalJSON accepts every form.
func (p *PolicyText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*p = nil
		return nil
	}
	if b[0] != '"' {
		*p = append(PolicyText(nil), b...)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*p = PolicyText(decodeDocument(s))
	return nil
}

// decodeDocument undoes IAM's URL encoding of a document when it has it.
func decodeDocument(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		return t
	}
	if u, err := url.QueryUnescape(t); err == nil {
		return u
	}
	return t
}

// ReadFiles loads exports from files, recognizing each by its top-level
// members. A bucket notification configuration has no bucket name in it,
// so its file must be named BUCKET.notification.json.
func ReadFiles(paths []string) (*Export, error) {
	x := &Export{Notifications: map[string]NotificationConfig{}}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if err := x.add(filepath.Base(p), b); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return x, nil
}

func (x *Export) add(name string, b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	has := func(k string) bool { _, ok := top[k]; return ok }
	switch {
	case has("UserDetailList") || has("RoleDetailList") || has("GroupDetailList"):
		var a AuthDetails
		if err := json.Unmarshal(b, &a); err != nil {
			return err
		}
		x.Auth.UserDetailList = append(x.Auth.UserDetailList, a.UserDetailList...)
		x.Auth.GroupDetailList = append(x.Auth.GroupDetailList, a.GroupDetailList...)
		x.Auth.RoleDetailList = append(x.Auth.RoleDetailList, a.RoleDetailList...)
		x.Auth.Policies = append(x.Auth.Policies, a.Policies...)
	case has("Functions"):
		var f struct{ Functions []FunctionConfig }
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		x.Functions = append(x.Functions, f.Functions...)
	case has("Policy"):
		var d Document
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		// Which resource the policy belongs to is in its statements.
		switch r := policyResource(d.Policy); {
		case strings.HasPrefix(r, "arn:aws:s3:::"):
			x.BucketPolicies = append(x.BucketPolicies, d)
		case strings.Contains(r, ":lambda:"):
			x.Policies = append(x.Policies, d)
		default:
			return fmt.Errorf("a policy of neither a function nor a bucket (its first statement names %q)", r)
		}
	case has("LambdaFunctionConfigurations") || has("QueueConfigurations") || has("TopicConfigurations"):
		bucket, ok := strings.CutSuffix(name, ".notification.json")
		if !ok {
			return fmt.Errorf("a notification configuration's file must be named BUCKET.notification.json")
		}
		var n NotificationConfig
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		x.Notifications[bucket] = n
	case has("Buckets"):
		var v struct{ Buckets []struct{ Name string } }
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		for _, bk := range v.Buckets {
			x.Buckets = append(x.Buckets, bk.Name)
		}
	case has("TableNames"):
		var v struct{ TableNames []string }
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		x.Tables = append(x.Tables, v.TableNames...)
	case has("logGroups"):
		var v struct {
			LogGroups []struct{ LogGroupName string }
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		for _, g := range v.LogGroups {
			x.LogGroups = append(x.LogGroups, g.LogGroupName)
		}
	case has("QueueUrls"):
		var v struct{ QueueUrls []string }
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		x.Queues = append(x.Queues, v.QueueUrls...)
	case has("Topics"):
		var v struct{ Topics []struct{ TopicArn string } }
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		for _, t := range v.Topics {
			x.Topics = append(x.Topics, t.TopicArn)
		}
	default:
		return fmt.Errorf("not an export seki knows (get-account-authorization-details, list-functions, get-policy, get-bucket-policy, BUCKET.notification.json, list-buckets, list-tables, describe-log-groups, list-queues, list-topics)")
	}
	return nil
}
