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

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Endpoint says where and as whom to fetch an account's data.
type Endpoint struct {
	URL, Region              string
	AccessKey, Secret, Token string
}

// Fetch exports the caller's account from a running seki (or any endpoint
// speaking the AWS APIs) with the same calls the AWS CLI exports make:
// get-account-authorization-details, list-functions, get-policy per
// function and alias, list-buckets, get-bucket-policy and the notification
// configuration per bucket, list-tables, describe-log-groups, list-queues.
// Services that are missing or refuse are noted and skipped.
func Fetch(ctx context.Context, ep Endpoint) (*Export, []string, error) {
	cfg := aws.Config{
		Region:       ep.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(ep.AccessKey, ep.Secret, ep.Token),
		BaseEndpoint: aws.String(ep.URL),
		HTTPClient:   &http.Client{Timeout: 60 * time.Second},
	}
	x := &Export{Region: ep.Region, Notifications: map[string]NotificationConfig{}}
	var notes []string
	note := func(what string, err error) {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			notes = append(notes, fmt.Sprintf("%s: %s: %s", what, ae.ErrorCode(), ae.ErrorMessage()))
			return
		}
		notes = append(notes, fmt.Sprintf("%s: %v", what, err))
	}

	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, nil, fmt.Errorf("who is calling (sts get-caller-identity): %w", err)
	}
	x.Account = aws.ToString(who.Account)

	ic := iam.NewFromConfig(cfg)
	for p := iam.NewGetAccountAuthorizationDetailsPaginator(ic, &iam.GetAccountAuthorizationDetailsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("iam get-account-authorization-details: %w", err)
		}
		addAuth(x, out)
	}

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
		pol, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(a)})
		if err != nil {
			note("iam get-policy "+a, err)
			continue
		}
		v, err := ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(a), VersionId: pol.Policy.DefaultVersionId})
		if err != nil {
			note("iam get-policy-version "+a, err)
			continue
		}
		x.Auth.Policies = append(x.Auth.Policies, ManagedPolicyDetail{PolicyName: aws.ToString(pol.Policy.PolicyName), Arn: a,
			DefaultVersionId: aws.ToString(pol.Policy.DefaultVersionId),
			PolicyVersionList: []PolicyVersion{{Document: PolicyText(decodeDocument(aws.ToString(v.PolicyVersion.Document))),
				VersionId: aws.ToString(v.PolicyVersion.VersionId), IsDefaultVersion: true}}})
	}

	lc := lambda.NewFromConfig(cfg)
	for p := lambda.NewListFunctionsPaginator(lc, &lambda.ListFunctionsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			note("lambda list-functions", err)
			break
		}
		for _, f := range out.Functions {
			x.Functions = append(x.Functions, FunctionConfig{FunctionName: aws.ToString(f.FunctionName),
				FunctionArn: aws.ToString(f.FunctionArn), Role: aws.ToString(f.Role), Runtime: string(f.Runtime)})
		}
	}
	for _, f := range x.Functions {
		quals := []string{""}
		if out, err := lc.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String(f.FunctionName)}); err == nil {
			for _, al := range out.Aliases {
				quals = append(quals, aws.ToString(al.Name))
			}
		}
		if out, err := lc.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(f.FunctionName)}); err == nil {
			for _, v := range out.Versions {
				if q := aws.ToString(v.Version); q != "$LATEST" {
					quals = append(quals, q)
				}
			}
		}
		for _, q := range quals {
			in := &lambda.GetPolicyInput{FunctionName: aws.String(f.FunctionName)}
			if q != "" {
				in.Qualifier = aws.String(q)
			}
			out, err := lc.GetPolicy(ctx, in)
			if err != nil {
				continue // no policy: ResourceNotFoundException
			}
			x.Policies = append(x.Policies, Document{Policy: aws.ToString(out.Policy)})
		}
	}

	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if out, err := sc.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		note("s3api list-buckets", err)
	} else {
		for _, b := range out.Buckets {
			name := aws.ToString(b.Name)
			x.Buckets = append(x.Buckets, name)
			if pol, err := sc.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b.Name}); err == nil {
				x.BucketPolicies = append(x.BucketPolicies, Document{Policy: aws.ToString(pol.Policy)})
			}
			if n, err := sc.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b.Name}); err == nil {
				var nc NotificationConfig
				for _, c := range n.LambdaFunctionConfigurations {
					nc.LambdaFunctionConfigurations = append(nc.LambdaFunctionConfigurations, struct {
						LambdaFunctionArn string
						Events            []string
					}{LambdaFunctionArn: aws.ToString(c.LambdaFunctionArn)})
				}
				x.Notifications[name] = nc
			}
		}
	}
	if out, err := dynamodb.NewFromConfig(cfg).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		note("dynamodb list-tables", err)
	} else {
		x.Tables = out.TableNames
	}
	if out, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}); err != nil {
		note("logs describe-log-groups", err)
	} else {
		for _, g := range out.LogGroups {
			x.LogGroups = append(x.LogGroups, aws.ToString(g.LogGroupName))
		}
	}
	if out, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{}); err == nil {
		x.Queues = out.QueueUrls
	}
	for p := sns.NewListTopicsPaginator(sns.NewFromConfig(cfg), &sns.ListTopicsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			break
		}
		for _, t := range out.Topics {
			x.Topics = append(x.Topics, aws.ToString(t.TopicArn))
		}
	}
	return x, notes, nil
}

func addAuth(x *Export, out *iam.GetAccountAuthorizationDetailsOutput) {
	inline := func(name, doc *string) InlinePolicy {
		return InlinePolicy{PolicyName: aws.ToString(name), PolicyDocument: PolicyText(decodeDocument(aws.ToString(doc)))}
	}
	for _, u := range out.UserDetailList {
		d := UserDetail{UserName: aws.ToString(u.UserName), UserId: aws.ToString(u.UserId), Arn: aws.ToString(u.Arn), GroupList: u.GroupList}
		for _, p := range u.UserPolicyList {
			d.UserPolicyList = append(d.UserPolicyList, inline(p.PolicyName, p.PolicyDocument))
		}
		for _, p := range u.AttachedManagedPolicies {
			d.AttachedManagedPolicies = append(d.AttachedManagedPolicies, AttachedPolicy{PolicyName: aws.ToString(p.PolicyName), PolicyArn: aws.ToString(p.PolicyArn)})
		}
		if u.PermissionsBoundary != nil {
			d.PermissionsBoundary = &Boundary{PermissionsBoundaryArn: aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn)}
		}
		x.Auth.UserDetailList = append(x.Auth.UserDetailList, d)
	}
	for _, g := range out.GroupDetailList {
		d := GroupDetail{GroupName: aws.ToString(g.GroupName), Arn: aws.ToString(g.Arn)}
		for _, p := range g.GroupPolicyList {
			d.GroupPolicyList = append(d.GroupPolicyList, inline(p.PolicyName, p.PolicyDocument))
		}
		for _, p := range g.AttachedManagedPolicies {
			d.AttachedManagedPolicies = append(d.AttachedManagedPolicies, AttachedPolicy{PolicyName: aws.ToString(p.PolicyName), PolicyArn: aws.ToString(p.PolicyArn)})
		}
		x.Auth.GroupDetailList = append(x.Auth.GroupDetailList, d)
	}
	for _, r := range out.RoleDetailList {
		d := RoleDetail{RoleName: aws.ToString(r.RoleName), RoleId: aws.ToString(r.RoleId), Arn: aws.ToString(r.Arn),
			AssumeRolePolicyDocument: PolicyText(decodeDocument(aws.ToString(r.AssumeRolePolicyDocument)))}
		for _, p := range r.RolePolicyList {
			d.RolePolicyList = append(d.RolePolicyList, inline(p.PolicyName, p.PolicyDocument))
		}
		for _, p := range r.AttachedManagedPolicies {
			d.AttachedManagedPolicies = append(d.AttachedManagedPolicies, AttachedPolicy{PolicyName: aws.ToString(p.PolicyName), PolicyArn: aws.ToString(p.PolicyArn)})
		}
		if r.PermissionsBoundary != nil {
			d.PermissionsBoundary = &Boundary{PermissionsBoundaryArn: aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)}
		}
		x.Auth.RoleDetailList = append(x.Auth.RoleDetailList, d)
	}
	for _, p := range out.Policies {
		d := ManagedPolicyDetail{PolicyName: aws.ToString(p.PolicyName), Arn: aws.ToString(p.Arn), DefaultVersionId: aws.ToString(p.DefaultVersionId)}
		for _, v := range p.PolicyVersionList {
			d.PolicyVersionList = append(d.PolicyVersionList, PolicyVersion{Document: PolicyText(decodeDocument(aws.ToString(v.Document))),
				VersionId: aws.ToString(v.VersionId), IsDefaultVersion: v.IsDefaultVersion})
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
	creds := aws.Credentials{AccessKeyID: ep.AccessKey, SecretAccessKey: ep.Secret, SessionToken: ep.Token}
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptyHash, "iam", ep.Region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
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
