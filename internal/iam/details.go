package iam

import (
	"context"
	"strconv"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

func parseAuthDetails(p *params, in *input) {
	filters := p.list("Filter", rule{}, 0)
	for i, f := range filters {
		switch f {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
		default:
			p.fail(&filters[i], "filter."+strconv.Itoa(i+1)+".member", "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
		}
	}
	in.Filters = filters
	in.Page = p.page()
}

type xPolicyDetail struct {
	PolicyName     string
	PolicyDocument urlDocument
}

type xUserDetail struct {
	Path                    string
	UserName                string
	UserID                  string `xml:"UserId"`
	Arn                     string
	CreateDate              isoTime
	UserPolicyList          list[xPolicyDetail]
	GroupList               list[string]
	AttachedManagedPolicies list[xAttachedPolicy]
	PermissionsBoundary     *xBoundary `xml:",omitempty"`
	Tags                    list[xTag]
}

type xGroupDetail struct {
	Path                    string
	GroupName               string
	GroupID                 string `xml:"GroupId"`
	Arn                     string
	CreateDate              isoTime
	GroupPolicyList         list[xPolicyDetail]
	AttachedManagedPolicies list[xAttachedPolicy]
}

type xRoleDetail struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               isoTime
	AssumeRolePolicyDocument urlDocument
	InstanceProfileList      list[struct{}]
	RolePolicyList           list[xPolicyDetail]
	AttachedManagedPolicies  list[xAttachedPolicy]
	PermissionsBoundary      *xBoundary `xml:",omitempty"`
	Tags                     list[xTag]
	RoleLastUsed             xRoleLastUsed
}

type xManagedPolicyDetail struct {
	PolicyName                    string
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string
	Path                          string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    isoTime
	UpdateDate                    isoTime
	PolicyVersionList             list[xPolicyVersion]
}

type authDetailsResult struct {
	UserDetailList  list[xUserDetail]
	GroupDetailList list[xGroupDetail]
	RoleDetailList  list[xRoleDetail]
	Policies        list[xManagedPolicyDetail]
	paged
}

// detail is one item of the report, of whichever kind.
type detail struct {
	user   *xUserDetail
	group  *xGroupDetail
	role   *xRoleDetail
	policy *xManagedPolicyDetail
}

func inlineDetails(tx *store.Tx, owner string) (list[xPolicyDetail], error) {
	rows, err := tx.Query(`SELECT name, document FROM iam_inline WHERE owner = ? ORDER BY name_lc`, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := list[xPolicyDetail]{}
	for rows.Next() {
		var d xPolicyDetail
		var doc string
		if err := rows.Scan(&d.PolicyName, &doc); err != nil {
			return nil, err
		}
		d.PolicyDocument = urlDocument(doc)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Service) getAccountAuthorizationDetails(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	want := map[string]bool{}
	for _, f := range in.Filters {
		want[f] = true
	}
	all := len(want) == 0
	account := r.Account()
	var items []detail
	err := s.read(ctx, func(tx *store.Tx) error {
		if all || want["User"] {
			rows, err := tx.Query(`SELECT name FROM iam_users WHERE account = ? ORDER BY name_lc`, account)
			if err != nil {
				return err
			}
			names, err := scanStrings(rows)
			if err != nil {
				return err
			}
			for _, n := range names {
				u, err := loadUser(tx, account, n)
				if err != nil || u == nil {
					return err
				}
				d := &xUserDetail{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.Created),
					PermissionsBoundary: boundaryOf(u.Boundary), Tags: append(list[xTag]{}, xTags(u.Tags)...)}
				if d.UserPolicyList, err = inlineDetails(tx, u.ID); err != nil {
					return err
				}
				grows, err := tx.Query(`SELECT g.name FROM iam_members m JOIN iam_groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY m.seq`, u.ID)
				if err != nil {
					return err
				}
				groups, err := scanStrings(grows)
				if err != nil {
					return err
				}
				d.GroupList = append(list[string]{}, groups...)
				att, err := attachedPolicies(tx, u.ID, "/")
				if err != nil {
					return err
				}
				d.AttachedManagedPolicies = att
				items = append(items, detail{user: d})
			}
		}
		if all || want["Group"] {
			rows, err := tx.Query(`SELECT id, name, path, created FROM iam_groups WHERE account = ? ORDER BY name_lc`, account)
			if err != nil {
				return err
			}
			groups, err := scanGroups(rows, account)
			if err != nil {
				return err
			}
			for _, g := range groups {
				d := &xGroupDetail{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.ARN(), CreateDate: isoTime(g.Created)}
				if d.GroupPolicyList, err = inlineDetails(tx, g.ID); err != nil {
					return err
				}
				if d.AttachedManagedPolicies, err = attachedPolicies(tx, g.ID, "/"); err != nil {
					return err
				}
				items = append(items, detail{group: d})
			}
		}
		if all || want["Role"] {
			rows, err := tx.Query(`SELECT name FROM iam_roles WHERE account = ? ORDER BY name_lc`, account)
			if err != nil {
				return err
			}
			names, err := scanStrings(rows)
			if err != nil {
				return err
			}
			for _, n := range names {
				role, err := loadRole(tx, account, n)
				if err != nil || role == nil {
					return err
				}
				d := &xRoleDetail{Path: role.Path, RoleName: role.Name, RoleID: role.ID, Arn: role.ARN(), CreateDate: isoTime(role.Created),
					AssumeRolePolicyDocument: urlDocument(role.Trust), InstanceProfileList: list[struct{}]{},
					PermissionsBoundary: boundaryOf(role.Boundary), Tags: append(list[xTag]{}, xTags(role.Tags)...),
					RoleLastUsed: xRoleLastUsed{LastUsedDate: timePtr(role.LastUsed), Region: role.LastRegion}}
				if d.RolePolicyList, err = inlineDetails(tx, role.ID); err != nil {
					return err
				}
				if d.AttachedManagedPolicies, err = attachedPolicies(tx, role.ID, "/"); err != nil {
					return err
				}
				items = append(items, detail{role: d})
			}
		}
		if all || want["LocalManagedPolicy"] || want["AWSManagedPolicy"] {
			uses, err := usageMaps(tx, account)
			if err != nil {
				return err
			}
			var policies []*policyRec
			if all || want["AWSManagedPolicy"] {
				// Only the AWS managed policies the account uses, as AWS reports.
				for _, e := range s.id.AWSManaged() {
					if u := uses[e.Rec.ARN]; u.attachments > 0 || u.boundaries > 0 {
						policies = append(policies, &e.Rec)
					}
				}
			}
			if all || want["LocalManagedPolicy"] {
				local, err := localPolicies(tx, account)
				if err != nil {
					return err
				}
				policies = append(policies, local...)
			}
			for _, p := range policies {
				u := uses[p.ARN]
				d := &xManagedPolicyDetail{
					PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersion,
					AttachmentCount: u.attachments, PermissionsBoundaryUsageCount: u.boundaries, IsAttachable: true,
					Description: p.Description, CreateDate: isoTime(p.Created), UpdateDate: isoTime(p.Updated),
				}
				versions, err := policyVersions(tx, p, true)
				if err != nil {
					return err
				}
				d.PolicyVersionList = versions
				items = append(items, detail{policy: d})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	page, pg, err := pageSlice(items, in.Page)
	if err != nil {
		return nil, err
	}
	res := &authDetailsResult{
		UserDetailList: list[xUserDetail]{}, GroupDetailList: list[xGroupDetail]{},
		RoleDetailList: list[xRoleDetail]{}, Policies: list[xManagedPolicyDetail]{}, paged: pg,
	}
	for _, it := range page {
		switch {
		case it.user != nil:
			res.UserDetailList = append(res.UserDetailList, *it.user)
		case it.group != nil:
			res.GroupDetailList = append(res.GroupDetailList, *it.group)
		case it.role != nil:
			res.RoleDetailList = append(res.RoleDetailList, *it.role)
		default:
			res.Policies = append(res.Policies, *it.policy)
		}
	}
	return res, nil
}

func scanStrings(rows rowScanner) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
