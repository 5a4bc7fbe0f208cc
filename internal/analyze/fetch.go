package analyze

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awsclient"
	"github.com/seki-dev/seki/internal/sigv4"
)

// Endpoint says where and as whom to fetch an account's data. An empty URL
// means AWS itself: each service's endpoint in Region.
type Endpoint struct {
	URL, Region              string
	AccessKey, Secret, Token string
}

func (ep Endpoint) client() *awsclient.Client {
	return awsclient.New(awsclient.Config{Endpoint: ep.URL, Region: ep.Region,
		Credentials: sigv4.Credentials{AccessKeyID: ep.AccessKey, Secret: ep.Secret, SessionToken: ep.Token}})
}

// Fetch exports the caller's account from a running seki (or any endpoint
// speaking the AWS APIs) with the same calls the AWS CLI exports make:
// get-account-authorization-details, list-functions, get-policy per
// function and alias, list-buckets, get-bucket-policy and the notification
// configuration per bucket, list-tables, describe-log-groups, list-queues.
// Services that are missing or refuse are noted and skipped.
func Fetch(ctx context.Context, ep Endpoint) (*Export, []string, error) {
	c := ep.client()
	x := &Export{Region: ep.Region, Notifications: map[string]NotificationConfig{}}
	var notes []string
	note := func(what string, err error) {
		var ae *awsclient.Error
		if errors.As(err, &ae) {
			notes = append(notes, fmt.Sprintf("%s: %s: %s", what, ae.ErrorCode(), ae.ErrorMessage()))
			return
		}
		notes = append(notes, fmt.Sprintf("%s: %v", what, err))
	}

	who, err := c.GetCallerIdentity(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("who is calling (sts get-caller-identity): %w", err)
	}
	x.Account = who.Account

	auth, err := c.GetAccountAuthorizationDetails(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("iam get-account-authorization-details: %w", err)
	}
	addAuth(x, auth)

	// AWS managed policies attached but not listed: fetch their documents.
	have := map[string]bool{}
	for _, p := range x.Auth.Policies {
		have[p.Arn] = true
	}
	var attached []string
	for _, u := range x.Auth.UserDetailList {
		for _, a := range u.AttachedManagedPolicies {
			attached = append(attached, a.PolicyArn)
		}
	}
	for _, g := range x.Auth.GroupDetailList {
		for _, a := range g.AttachedManagedPolicies {
			attached = append(attached, a.PolicyArn)
		}
	}
	for _, r := range x.Auth.RoleDetailList {
		for _, a := range r.AttachedManagedPolicies {
			attached = append(attached, a.PolicyArn)
		}
		if r.PermissionsBoundary != nil {
			attached = append(attached, r.PermissionsBoundary.PermissionsBoundaryArn)
		}
	}
	for _, a := range attached {
		if have[a] {
			continue
		}
		have[a] = true
		pol, err := c.GetPolicy(ctx, a)
		if err != nil {
			note("iam get-policy "+a, err)
			continue
		}
		v, err := c.GetPolicyVersion(ctx, a, pol.DefaultVersionId)
		if err != nil {
			note("iam get-policy-version "+a, err)
			continue
		}
		x.Auth.Policies = append(x.Auth.Policies, ManagedPolicyDetail{PolicyName: pol.PolicyName, Arn: a,
			DefaultVersionId: pol.DefaultVersionId,
			PolicyVersionList: []PolicyVersion{{Document: PolicyText(decodeDocument(v.Document)),
				VersionId: v.VersionId, IsDefaultVersion: true}}})
	}

	fns, err := c.ListFunctions(ctx)
	if err != nil {
		note("lambda list-functions", err)
	}
	for _, f := range fns {
		x.Functions = append(x.Functions, FunctionConfig{FunctionName: f.FunctionName,
			FunctionArn: f.FunctionArn, Role: f.Role, Runtime: f.Runtime})
	}
	for _, f := range x.Functions {
		quals := []string{""}
		if names, err := c.ListAliases(ctx, f.FunctionName); err == nil {
			quals = append(quals, names...)
		}
		if versions, err := c.ListVersionsByFunction(ctx, f.FunctionName); err == nil {
			for _, v := range versions {
				if v != "$LATEST" {
					quals = append(quals, v)
				}
			}
		}
		for _, q := range quals {
			pol, err := c.GetFunctionPolicy(ctx, f.FunctionName, q)
			if err != nil {
				continue // no policy: ResourceNotFoundException
			}
			x.Policies = append(x.Policies, Document{Policy: pol})
		}
	}

	if buckets, err := c.ListBuckets(ctx); err != nil {
		note("s3api list-buckets", err)
	} else {
		for _, name := range buckets {
			x.Buckets = append(x.Buckets, name)
			if pol, err := c.GetBucketPolicy(ctx, name); err == nil {
				x.BucketPolicies = append(x.BucketPolicies, Document{Policy: pol})
			}
			if n, err := c.GetBucketNotificationConfiguration(ctx, name); err == nil {
				var nc NotificationConfig
				for _, l := range n.Lambda {
					nc.LambdaFunctionConfigurations = append(nc.LambdaFunctionConfigurations, struct {
						LambdaFunctionArn string
						Events            []string
					}{LambdaFunctionArn: l.FunctionArn})
				}
				x.Notifications[name] = nc
			}
		}
	}
	if tables, err := c.ListTables(ctx); err != nil {
		note("dynamodb list-tables", err)
	} else {
		x.Tables = tables
	}
	if groups, err := c.DescribeLogGroups(ctx); err != nil {
		note("logs describe-log-groups", err)
	} else {
		x.LogGroups = groups
	}
	if queues, err := c.ListQueues(ctx); err == nil {
		x.Queues = queues
	}
	// Topics read before a failure are kept, as the pages read were.
	x.Topics, _ = c.ListTopics(ctx)
	return x, notes, nil
}

func addAuth(x *Export, out *awsclient.AuthDetails) {
	inline := func(ps []awsclient.InlinePolicy) []InlinePolicy {
		var l []InlinePolicy
		for _, p := range ps {
			l = append(l, InlinePolicy{PolicyName: p.PolicyName, PolicyDocument: PolicyText(decodeDocument(p.PolicyDocument))})
		}
		return l
	}
	attached := func(ps []awsclient.AttachedPolicy) []AttachedPolicy {
		var l []AttachedPolicy
		for _, p := range ps {
			l = append(l, AttachedPolicy{PolicyName: p.PolicyName, PolicyArn: p.PolicyArn})
		}
		return l
	}
	boundary := func(b *awsclient.Boundary) *Boundary {
		if b == nil {
			return nil
		}
		return &Boundary{PermissionsBoundaryArn: b.PermissionsBoundaryArn}
	}
	for _, u := range out.Users {
		x.Auth.UserDetailList = append(x.Auth.UserDetailList, UserDetail{UserName: u.UserName, UserId: u.UserId, Arn: u.Arn,
			GroupList: u.GroupList, UserPolicyList: inline(u.UserPolicyList),
			AttachedManagedPolicies: attached(u.AttachedManagedPolicies), PermissionsBoundary: boundary(u.PermissionsBoundary)})
	}
	for _, g := range out.Groups {
		x.Auth.GroupDetailList = append(x.Auth.GroupDetailList, GroupDetail{GroupName: g.GroupName, Arn: g.Arn,
			GroupPolicyList: inline(g.GroupPolicyList), AttachedManagedPolicies: attached(g.AttachedManagedPolicies)})
	}
	for _, r := range out.Roles {
		x.Auth.RoleDetailList = append(x.Auth.RoleDetailList, RoleDetail{RoleName: r.RoleName, RoleId: r.RoleId, Arn: r.Arn,
			AssumeRolePolicyDocument: PolicyText(decodeDocument(r.AssumeRolePolicyDocument)),
			RolePolicyList:           inline(r.RolePolicyList), AttachedManagedPolicies: attached(r.AttachedManagedPolicies),
			PermissionsBoundary: boundary(r.PermissionsBoundary)})
	}
	for _, p := range out.Policies {
		d := ManagedPolicyDetail{PolicyName: p.PolicyName, Arn: p.Arn, DefaultVersionId: p.DefaultVersionId}
		for _, v := range p.PolicyVersionList {
			d.PolicyVersionList = append(d.PolicyVersionList, PolicyVersion{Document: PolicyText(decodeDocument(v.Document)),
				VersionId: v.VersionId, IsDefaultVersion: v.IsDefaultVersion})
		}
		x.Auth.Policies = append(x.Auth.Policies, d)
	}
}

// DecisionsPath is where a running seki answers which calls a principal
// made, for `seki policy generate --endpoint`: a SigV4-signed GET (signed
// for IAM) with principal= and since= (RFC 3339), authorized through the
// door as access-analyzer:StartPolicyGeneration on the principal.
const DecisionsPath = "/_seki/decisions"

// FetchObserved asks a running seki for the calls principal made.
func FetchObserved(ctx context.Context, ep Endpoint, principal string, since time.Time) ([]Call, error) {
	q := url.Values{"principal": {principal}}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ep.URL+DecisionsPath+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	sigv4.Sign(req, sigv4.Credentials{AccessKeyID: ep.AccessKey, Secret: ep.Secret, SessionToken: ep.Token},
		ep.Region, "iam", sigv4.PayloadHash(nil), time.Now())
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var calls []Call
	return calls, json.Unmarshal(body, &calls)
}
