package analyze

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/seki-dev/seki/internal/arn"
	"github.com/seki-dev/seki/internal/policy"
)

// Snapshot is one account as the analysis sees it: identities with their
// compiled policies, functions with their resource policies, and every
// resource that exists.
type Snapshot struct {
	Account, Region string
	Users           []*Identity
	Roles           []*Identity
	Functions       []*Function
	Resources       []Resource
	// Notes say what the data lacked (a managed policy not exported, a
	// document that does not parse); the analysis goes on without it.
	Notes []string

	roleByARN      map[string]*Identity
	bucketPolicy   map[string]*policy.Policy
	notifications  map[string][]string // bucket → function ARNs it notifies
	functionPolicy map[string]*policy.Policy
}

// Identity is a user or a role.
type Identity struct {
	Name, ARN, ID string
	Policies      []*policy.Policy
	Boundary      *policy.Policy
	// Trust is a role's trust policy.
	Trust *policy.Policy
	// Managed and inline policy names, for findings that name what to
	// change.
	PolicyNames []string
	principal   policy.Principal
}

// Function is a function with its entries: the unqualified function, then
// each version or alias that has a resource policy of its own.
type Function struct {
	Name, ARN, Role string
	Entries         []Entry
}

// Entry is one invocable ARN and its resource policy (nil when none).
type Entry struct {
	ARN       string
	Qualifier string
	Policy    *policy.Policy
}

// Resource is something an execution role could reach.
type Resource struct {
	Type string // bucket, table, log-group, function, role, queue, topic
	ARN  string
	Name string
}

// Build turns an export into a snapshot.
func Build(x *Export) *Snapshot {
	s := &Snapshot{
		Account: x.Account, Region: x.Region,
		roleByARN: map[string]*Identity{}, bucketPolicy: map[string]*policy.Policy{},
		notifications: map[string][]string{}, functionPolicy: map[string]*policy.Policy{},
	}
	s.guessAccount(x)

	managed := map[string][]byte{}
	for _, p := range x.Auth.Policies {
		for _, v := range p.PolicyVersionList {
			if v.IsDefaultVersion || v.VersionId == p.DefaultVersionId {
				managed[p.Arn] = v.Document
			}
		}
	}
	parse := func(doc []byte, kind policy.Kind, name string) *policy.Policy {
		if len(doc) == 0 {
			return nil
		}
		p, err := policy.Parse(doc, kind)
		if err != nil {
			s.Notes = append(s.Notes, name+": "+err.Error())
			return nil
		}
		p.Name = name
		return p
	}
	attach := func(id *Identity, inline []InlinePolicy, attached []AttachedPolicy) {
		for _, ip := range inline {
			if p := parse(ip.PolicyDocument, policy.Identity, ip.PolicyName); p != nil {
				id.Policies = append(id.Policies, p)
				id.PolicyNames = append(id.PolicyNames, ip.PolicyName)
			}
		}
		for _, ap := range attached {
			doc, ok := managed[ap.PolicyArn]
			if !ok {
				s.Notes = append(s.Notes, "managed policy "+ap.PolicyArn+" is not in the export; its permissions are not counted")
				continue
			}
			if p := parse(doc, policy.Identity, ap.PolicyArn); p != nil {
				id.Policies = append(id.Policies, p)
				id.PolicyNames = append(id.PolicyNames, ap.PolicyArn)
			}
		}
	}
	boundary := func(id *Identity, b *Boundary) {
		if b == nil || b.PermissionsBoundaryArn == "" {
			return
		}
		doc, ok := managed[b.PermissionsBoundaryArn]
		if !ok {
			s.Notes = append(s.Notes, "permissions boundary "+b.PermissionsBoundaryArn+" is not in the export; "+id.ARN+" is analysed as if it allowed nothing")
			doc = []byte(`{"Version":"2012-10-17","Statement":[]}`)
		}
		id.Boundary = parse(doc, policy.Boundary, b.PermissionsBoundaryArn)
	}

	groups := map[string]GroupDetail{}
	for _, g := range x.Auth.GroupDetailList {
		groups[g.GroupName] = g
	}
	for _, u := range x.Auth.UserDetailList {
		id := &Identity{Name: u.UserName, ARN: u.Arn, ID: u.UserId}
		attach(id, u.UserPolicyList, u.AttachedManagedPolicies)
		for _, gn := range u.GroupList {
			g := groups[gn]
			attach(id, g.GroupPolicyList, g.AttachedManagedPolicies)
		}
		boundary(id, u.PermissionsBoundary)
		id.principal = policy.Principal{Type: policy.User, ARN: u.Arn, Account: accountOf(u.Arn), UserID: u.UserId, Username: u.UserName}
		s.Users = append(s.Users, id)
	}
	for _, r := range x.Auth.RoleDetailList {
		id := &Identity{Name: r.RoleName, ARN: r.Arn, ID: r.RoleId}
		attach(id, r.RolePolicyList, r.AttachedManagedPolicies)
		boundary(id, r.PermissionsBoundary)
		id.Trust = parse(r.AssumeRolePolicyDocument, policy.Trust, "trust policy of "+r.Arn)
		acct := accountOf(r.Arn)
		id.principal = policy.Principal{Type: policy.AssumedRole, Account: acct, RoleARN: r.Arn,
			ARN: "arn:aws:sts::" + acct + ":assumed-role/" + r.RoleName + "/seki-analyze", UserID: r.RoleId + ":seki-analyze"}
		s.Roles = append(s.Roles, id)
		s.roleByARN[r.Arn] = id
		s.Resources = append(s.Resources, Resource{Type: "role", ARN: r.Arn, Name: r.RoleName})
	}

	byARN := map[string]*Function{}
	for _, f := range x.Functions {
		fn := &Function{Name: f.FunctionName, ARN: f.FunctionArn, Role: f.Role, Entries: []Entry{{ARN: f.FunctionArn}}}
		s.Functions = append(s.Functions, fn)
		byARN[f.FunctionArn] = fn
		s.Resources = append(s.Resources,
			Resource{Type: "function", ARN: f.FunctionArn, Name: f.FunctionName},
			Resource{Type: "log-group", ARN: s.logGroupARN("/aws/lambda/" + f.FunctionName), Name: "/aws/lambda/" + f.FunctionName})
	}
	for _, d := range x.Policies {
		target := policyResource(d.Policy)
		p := parse([]byte(d.Policy), policy.Resource, "resource policy of "+target)
		if p == nil || target == "" {
			continue
		}
		base, qual := splitQualifier(target)
		fn := byARN[base]
		if fn == nil {
			s.Notes = append(s.Notes, "a function policy names "+target+", which list-functions did not list")
			continue
		}
		s.functionPolicy[target] = p
		if qual == "" {
			fn.Entries[0].Policy = p
		} else {
			fn.Entries = append(fn.Entries, Entry{ARN: target, Qualifier: qual, Policy: p})
		}
	}
	for _, d := range x.BucketPolicies {
		target := policyResource(d.Policy)
		bucket := strings.SplitN(strings.TrimPrefix(target, "arn:aws:s3:::"), "/", 2)[0]
		if p := parse([]byte(d.Policy), policy.Resource, "bucket policy of "+bucket); p != nil && bucket != "" {
			s.bucketPolicy[bucket] = p
		}
	}
	for bucket, n := range x.Notifications {
		for _, c := range n.LambdaFunctionConfigurations {
			s.notifications[bucket] = append(s.notifications[bucket], c.LambdaFunctionArn)
		}
	}
	seen := map[string]bool{}
	for _, b := range x.Buckets {
		seen[b] = true
		s.Resources = append(s.Resources, Resource{Type: "bucket", ARN: "arn:aws:s3:::" + b, Name: b})
	}
	for b := range s.bucketPolicy {
		if !seen[b] {
			s.Resources = append(s.Resources, Resource{Type: "bucket", ARN: "arn:aws:s3:::" + b, Name: b})
		}
	}
	for _, t := range x.Tables {
		s.Resources = append(s.Resources, Resource{Type: "table", ARN: "arn:aws:dynamodb:" + s.Region + ":" + s.Account + ":table/" + t, Name: t})
	}
	for _, g := range x.LogGroups {
		a := s.logGroupARN(g)
		if !s.has(a) {
			s.Resources = append(s.Resources, Resource{Type: "log-group", ARN: a, Name: g})
		}
	}
	for _, q := range x.Queues {
		a := queueARN(q, s.Region, s.Account)
		s.Resources = append(s.Resources, Resource{Type: "queue", ARN: a, Name: a[strings.LastIndexByte(a, ':')+1:]})
	}
	for _, t := range x.Topics {
		s.Resources = append(s.Resources, Resource{Type: "topic", ARN: t, Name: t[strings.LastIndexByte(t, ':')+1:]})
	}
	sort.Slice(s.Functions, func(i, j int) bool { return s.Functions[i].ARN < s.Functions[j].ARN })
	return s
}

func (s *Snapshot) has(a string) bool {
	for _, r := range s.Resources {
		if r.ARN == a {
			return true
		}
	}
	return false
}

func (s *Snapshot) logGroupARN(name string) string {
	return "arn:aws:logs:" + s.Region + ":" + s.Account + ":log-group:" + name
}

// guessAccount takes the account and region from the data when the export
// does not say them.
func (s *Snapshot) guessAccount(x *Export) {
	for _, f := range x.Functions {
		if a, err := arn.Parse(f.FunctionArn); err == nil {
			if s.Account == "" {
				s.Account = a.AccountID
			}
			if s.Region == "" {
				s.Region = a.Region
			}
		}
	}
	for _, r := range x.Auth.RoleDetailList {
		if s.Account == "" {
			s.Account = accountOf(r.Arn)
		}
	}
	for _, u := range x.Auth.UserDetailList {
		if s.Account == "" {
			s.Account = accountOf(u.Arn)
		}
	}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
}

func accountOf(a string) string { return arn.Account(a) }

// policyResource is the resource the first statement of a resource policy
// names: the function (or version/alias) or bucket the policy belongs to.
func policyResource(doc string) string {
	var v struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &v) != nil {
		return ""
	}
	var stmts []struct{ Resource json.RawMessage }
	if json.Unmarshal(v.Statement, &stmts) != nil {
		var one struct{ Resource json.RawMessage }
		if json.Unmarshal(v.Statement, &one) != nil {
			return ""
		}
		stmts = append(stmts, one)
	}
	for _, st := range stmts {
		var r string
		if json.Unmarshal(st.Resource, &r) == nil && r != "" {
			return r
		}
		var rs []string
		if json.Unmarshal(st.Resource, &rs) == nil && len(rs) > 0 {
			return rs[0]
		}
	}
	return ""
}

// splitQualifier splits arn:aws:lambda:R:A:function:NAME[:QUALIFIER].
func splitQualifier(a string) (base, qualifier string) {
	parts := strings.Split(a, ":")
	if len(parts) == 8 {
		return strings.Join(parts[:7], ":"), parts[7]
	}
	return a, ""
}

// queueARN turns a queue URL (http://host/ACCOUNT/NAME) into its ARN.
func queueARN(q, region, account string) string {
	if strings.HasPrefix(q, "arn:") {
		return q
	}
	parts := strings.Split(strings.TrimRight(q, "/"), "/")
	if len(parts) >= 2 {
		return "arn:aws:sqs:" + region + ":" + parts[len(parts)-2] + ":" + parts[len(parts)-1]
	}
	return "arn:aws:sqs:" + region + ":" + account + ":" + q
}
