package iam

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Managed policy quotas.
const (
	maxPolicySize     = 6144
	maxPolicyVersions = 5
)

func parseCreatePolicy(p *params, in *input) {
	in.PolicyName = p.required("PolicyName", rulePolicyName)
	in.Path, _ = p.optional("Path", rulePolicyPath)
	in.Document = p.required("PolicyDocument", ruleDocument)
	in.Description, in.HasDescription = p.optional("Description", rulePolicyDesc)
	in.Tags = p.tags()
}

func parseListPolicies(p *params, in *input) {
	in.Scope, _ = p.enum("Scope", "All", "AWS", "Local")
	in.OnlyAttached = p.boolean("OnlyAttached")
	in.PathPrefix, _ = p.optional("PathPrefix", rulePolicyPath)
	in.UsageFilter, _ = p.enum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary")
	in.Page = p.page()
}

func parseCreatePolicyVersion(p *params, in *input) {
	parsePolicyArnParam(p, in)
	in.Document = p.required("PolicyDocument", ruleDocument)
	in.SetAsDefault = p.boolean("SetAsDefault")
}

func parsePolicyVersion(p *params, in *input) {
	parsePolicyArnParam(p, in)
	in.VersionID = p.required("VersionId", ruleVersionID)
}

func parseListEntities(p *params, in *input) {
	parsePolicyArnParam(p, in)
	in.EntityFilter, _ = p.enum("EntityFilter", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
	in.PathPrefix, _ = p.optional("PathPrefix", rulePath)
	in.UsageFilter, _ = p.enum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary")
	in.Page = p.page()
}

func (s *Service) targetNewPolicy(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	requestTags(r, in.Tags)
	return protocol.Target{
		Resource: "arn:aws:iam::" + r.Account() + ":policy" + orRoot(in.Path) + in.PolicyName,
		Name:     "policy " + in.PolicyName,
	}, nil
}

// targetPolicy authorizes on the policy ARN. AWS managed policies belong to
// no account; reading them is a same-account request.
func (s *Service) targetPolicy(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	t := protocol.Target{Resource: in.PolicyArn, Name: "policy " + in.PolicyArn}
	if owner, _, _, ok := parsePolicyARN(in.PolicyArn); !ok || owner == "aws" {
		t.Account = r.Account()
	}
	return t, nil
}

func (s *Service) targetPolicyList(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	prefix := orRoot(in.PathPrefix)
	return protocol.Target{Resource: "arn:aws:iam::" + r.Account() + ":policy" + prefix, Name: "policy path " + prefix}, nil
}

// checkDocument validates a managed policy document and its size quota.
func checkDocument(doc string) error {
	if _, err := policy.Parse([]byte(doc), policy.Identity); err != nil {
		return malformed(err)
	}
	if policy.Size([]byte(doc)) > maxPolicySize {
		return quota("PolicySize", maxPolicySize)
	}
	return nil
}

// usage counts how a managed policy is used in one account.
type usage struct{ attachments, boundaries int }

func policyUsage(tx *store.Tx, account, arn string) (usage, error) {
	var u usage
	var err error
	if u.attachments, err = count(tx, `SELECT COUNT(*) FROM iam_attachments WHERE account = ? AND policy_arn = ?`, account, arn); err != nil {
		return u, err
	}
	u.boundaries, err = count(tx, `SELECT (SELECT COUNT(*) FROM iam_users WHERE account = ?1 AND boundary = ?2)
		+ (SELECT COUNT(*) FROM iam_roles WHERE account = ?1 AND boundary = ?2)`, account, arn)
	return u, err
}

// policyXML renders a managed policy; full adds Description and Tags (GetPolicy).
func policyXML(p *policyRec, u usage, tags []tag, full bool) xPolicy {
	x := xPolicy{
		PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersion,
		AttachmentCount: u.attachments, PermissionsBoundaryUsageCount: u.boundaries, IsAttachable: true,
		CreateDate: isoTime(p.Created), UpdateDate: isoTime(p.Updated),
	}
	if full {
		x.Description = p.Description
		x.Tags = xTags(tags)
	}
	return x
}

type policyResult struct {
	Policy xPolicy
}

func (s *Service) createPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	if err := checkDocument(in.Document); err != nil {
		return nil, err
	}
	now := s.clock()
	p := &policyRec{
		ID: newID("ANPA", 17), Account: r.Account(), Name: in.PolicyName, Path: orRoot(in.Path),
		Description: in.Description, Created: now, Updated: now, DefaultVersion: "v1", NextVersion: 2,
	}
	p.ARN = "arn:aws:iam::" + p.Account + ":policy" + p.Path + p.Name
	err := s.write(ctx, func(tx *store.Tx) error {
		if err := s.ensureAccountRow(tx, p.Account); err != nil {
			return err
		}
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_policies WHERE account = ? AND name_lc = ?`, p.Account, lower(p.Name)); err != nil {
			return err
		} else if n > 0 {
			return policyExists(p.Name)
		}
		if _, err := tx.Exec(`INSERT INTO iam_policies (id, account, name, name_lc, path, arn, description, created, updated, default_version, next_version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'v1', 2)`,
			p.ID, p.Account, p.Name, lower(p.Name), p.Path, p.ARN, p.Description, fmtTime(now), fmtTime(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO iam_policy_versions (policy_id, version, document, created) VALUES (?, 1, ?, ?)`,
			p.ID, in.Document, fmtTime(now)); err != nil {
			return err
		}
		return putTags(tx, p.ID, in.Tags)
	})
	if err != nil {
		return nil, err
	}
	return &policyResult{Policy: policyXML(p, usage{}, in.Tags, true)}, nil
}

// visiblePolicy loads a managed policy the caller's account may see: its own
// or an AWS managed one. Others answer notFound(arn).
func (s *Service) visiblePolicy(tx *store.Tx, account, arn string, notFound func(string) error) (*policyRec, error) {
	if _, _, _, ok := parsePolicyARN(arn); !ok {
		return nil, invalidARN(arn)
	}
	p, err := s.id.LoadPolicy(tx, arn)
	if err != nil {
		return nil, err
	}
	if p == nil || (p.AWS == nil && p.Account != account) {
		return nil, notFound(arn)
	}
	return p, nil
}

// ownPolicy is visiblePolicy for changes: AWS managed policies cannot be
// changed.
func (s *Service) ownPolicy(tx *store.Tx, account, arn string) (*policyRec, error) {
	p, err := s.visiblePolicy(tx, account, arn, noSuchPolicy)
	if err != nil {
		return nil, err
	}
	if p.AWS != nil {
		return nil, errInvalidInput.Errorf(msgNotYourNamespace, arn)
	}
	return p, nil
}

func (s *Service) getPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var res *policyResult
	err := s.read(ctx, func(tx *store.Tx) error {
		p, err := s.visiblePolicy(tx, r.Account(), in.PolicyArn, noSuchPolicy)
		if err != nil {
			return err
		}
		u, err := policyUsage(tx, r.Account(), p.ARN)
		if err != nil {
			return err
		}
		var tags []tag
		if p.AWS == nil {
			if tags, err = loadTags(tx, p.ID); err != nil {
				return err
			}
		}
		res = &policyResult{Policy: policyXML(p, u, tags, true)}
		return nil
	})
	return res, err
}

type listPoliciesResult struct {
	Policies list[xPolicy]
	paged
}

// usageMaps counts every policy's attachments and boundary uses in account.
func usageMaps(tx *store.Tx, account string) (map[string]usage, error) {
	m := map[string]usage{}
	rows, err := tx.Query(`SELECT policy_arn, COUNT(*) FROM iam_attachments WHERE account = ? GROUP BY policy_arn`, account)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var arn string
		var n int
		if err := rows.Scan(&arn, &n); err != nil {
			rows.Close()
			return nil, err
		}
		u := m[arn]
		u.attachments = n
		m[arn] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(`SELECT boundary FROM iam_users WHERE account = ?1 AND boundary <> ''
		UNION ALL SELECT boundary FROM iam_roles WHERE account = ?1 AND boundary <> ''`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var arn string
		if err := rows.Scan(&arn); err != nil {
			return nil, err
		}
		u := m[arn]
		u.boundaries++
		m[arn] = u
	}
	return m, rows.Err()
}

// localPolicies lists an account's customer managed policies by name.
func localPolicies(tx *store.Tx, account string) ([]*policyRec, error) {
	rows, err := tx.Query(`SELECT id, name, path, arn, description, created, updated, default_version, next_version
		FROM iam_policies WHERE account = ? ORDER BY name_lc`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*policyRec
	for rows.Next() {
		p := &policyRec{Account: account}
		var created, updated string
		if err := rows.Scan(&p.ID, &p.Name, &p.Path, &p.ARN, &p.Description, &created, &updated, &p.DefaultVersion, &p.NextVersion); err != nil {
			return nil, err
		}
		p.Created, p.Updated = parseTime(created), parseTime(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) listPolicies(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	after, err := markerKey(in.Page)
	if err != nil {
		return nil, err
	}
	prefix := orRoot(in.PathPrefix)
	type row struct {
		p *policyRec
		u usage
	}
	var rows []row
	err = s.read(ctx, func(tx *store.Tx) error {
		uses, err := usageMaps(tx, r.Account())
		if err != nil {
			return err
		}
		var all []*policyRec
		if in.Scope != "Local" {
			for _, e := range s.id.AWSManaged() {
				all = append(all, &e.Rec)
			}
		}
		if in.Scope != "AWS" {
			local, err := localPolicies(tx, r.Account())
			if err != nil {
				return err
			}
			all = append(all, local...)
		}
		for _, p := range all {
			u := uses[p.ARN]
			switch {
			case !strings.HasPrefix(p.Path, prefix):
				continue
			case in.OnlyAttached && u.attachments == 0 && u.boundaries == 0:
				continue
			case in.UsageFilter == "PermissionsPolicy" && u.attachments == 0:
				continue
			case in.UsageFilter == "PermissionsBoundary" && u.boundaries == 0:
				continue
			}
			rows = append(rows, row{p, u})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	key := func(x row) string { return lower(x.p.Name) + "\x00" + x.p.ARN }
	sort.Slice(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
	if after != "" {
		i := sort.Search(len(rows), func(i int) bool { return key(rows[i]) > after })
		rows = rows[i:]
	}
	res := &listPoliciesResult{Policies: list[xPolicy]{}}
	rows, res.paged = truncate(rows, in.Page.max, key)
	for _, x := range rows {
		res.Policies = append(res.Policies, policyXML(x.p, x.u, nil, false))
	}
	return res, nil
}

func (s *Service) deletePolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		p, err := s.ownPolicy(tx, r.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		u, err := policyUsage(tx, r.Account(), p.ARN)
		if err != nil {
			return err
		}
		// unconfirmed: AWS's message when the policy is only used as a
		// permissions boundary.
		if u.attachments > 0 || u.boundaries > 0 {
			return errDeleteConflict.New(msgPolicyAttached)
		}
		n, err := count(tx, `SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = ?`, p.ID)
		if err != nil {
			return err
		}
		if n > 1 {
			return errDeleteConflict.New(msgPolicyHasVersions)
		}
		for _, q := range []string{
			`DELETE FROM iam_policy_versions WHERE policy_id = ?`,
			`DELETE FROM iam_tags WHERE owner = ?`,
			`DELETE FROM iam_policies WHERE id = ?`,
		} {
			if _, err := tx.Exec(q, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

type policyVersionResult struct {
	PolicyVersion xPolicyVersion
}

func (s *Service) createPolicyVersion(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if err := checkDocument(in.Document); err != nil {
		return nil, err
	}
	now := s.clock()
	var res *policyVersionResult
	err := s.write(ctx, func(tx *store.Tx) error {
		p, err := s.ownPolicy(tx, r.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		n, err := count(tx, `SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = ?`, p.ID)
		if err != nil {
			return err
		}
		if n >= maxPolicyVersions {
			return errLimitExceeded.New(msgTooManyVersions)
		}
		v := p.NextVersion
		if _, err := tx.Exec(`INSERT INTO iam_policy_versions (policy_id, version, document, created) VALUES (?, ?, ?, ?)`,
			p.ID, v, in.Document, fmtTime(now)); err != nil {
			return err
		}
		vid := "v" + strconv.Itoa(v)
		if _, err := tx.Exec(`UPDATE iam_policies SET next_version = ? WHERE id = ?`, v+1, p.ID); err != nil {
			return err
		}
		if in.SetAsDefault {
			if _, err := tx.Exec(`UPDATE iam_policies SET default_version = ?, updated = ? WHERE id = ?`, vid, fmtTime(now), p.ID); err != nil {
				return err
			}
		}
		res = &policyVersionResult{PolicyVersion: xPolicyVersion{VersionID: vid, IsDefaultVersion: in.SetAsDefault, CreateDate: isoTime(now)}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Service) getPolicyVersion(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var res *policyVersionResult
	err := s.read(ctx, func(tx *store.Tx) error {
		p, err := s.visiblePolicy(tx, r.Account(), in.PolicyArn, noSuchPolicy)
		if err != nil {
			return err
		}
		doc, created, ok, err := policyDocument(tx, p, in.VersionID)
		if err != nil {
			return err
		}
		if !ok {
			return noSuchVersion(in.PolicyArn, in.VersionID)
		}
		res = &policyVersionResult{PolicyVersion: xPolicyVersion{
			Document: urlDocument(doc), VersionID: in.VersionID, IsDefaultVersion: in.VersionID == p.DefaultVersion,
			CreateDate: isoTime(parseTime(created)),
		}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

type listPolicyVersionsResult struct {
	Versions list[xPolicyVersion]
	paged
}

// policyVersions lists p's versions, newest first; documents too if docs.
func policyVersions(tx *store.Tx, p *policyRec, docs bool) ([]xPolicyVersion, error) {
	if p.AWS != nil {
		v := xPolicyVersion{VersionID: p.DefaultVersion, IsDefaultVersion: true, CreateDate: isoTime(p.Updated)}
		if docs {
			v.Document = urlDocument(p.AWS.Document)
		}
		return []xPolicyVersion{v}, nil
	}
	rows, err := tx.Query(`SELECT version, document, created FROM iam_policy_versions WHERE policy_id = ? ORDER BY version DESC`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []xPolicyVersion
	for rows.Next() {
		var n int
		var doc, created string
		if err := rows.Scan(&n, &doc, &created); err != nil {
			return nil, err
		}
		v := xPolicyVersion{VersionID: "v" + strconv.Itoa(n), CreateDate: isoTime(parseTime(created))}
		v.IsDefaultVersion = v.VersionID == p.DefaultVersion
		if docs {
			v.Document = urlDocument(doc)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Service) listPolicyVersions(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var versions []xPolicyVersion
	err := s.read(ctx, func(tx *store.Tx) error {
		p, err := s.visiblePolicy(tx, r.Account(), in.PolicyArn, noSuchPolicy)
		if err != nil {
			return err
		}
		versions, err = policyVersions(tx, p, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	items, pg, err := pageSlice(versions, in.Page)
	if err != nil {
		return nil, err
	}
	return &listPolicyVersionsResult{Versions: append(list[xPolicyVersion]{}, items...), paged: pg}, nil
}

func (s *Service) deletePolicyVersion(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		p, err := s.ownPolicy(tx, r.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		if _, _, ok, err := policyDocument(tx, p, in.VersionID); err != nil {
			return err
		} else if !ok {
			return noSuchVersion(in.PolicyArn, in.VersionID)
		}
		if in.VersionID == p.DefaultVersion {
			return errDeleteConflict.New(msgDefaultVersion)
		}
		_, err = tx.Exec(`DELETE FROM iam_policy_versions WHERE policy_id = ? AND version = ?`, p.ID, versionNumber(in.VersionID))
		return err
	})
}

func (s *Service) setDefaultPolicyVersion(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		p, err := s.ownPolicy(tx, r.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		if _, _, ok, err := policyDocument(tx, p, in.VersionID); err != nil {
			return err
		} else if !ok {
			return noSuchVersion(in.PolicyArn, in.VersionID)
		}
		_, err = tx.Exec(`UPDATE iam_policies SET default_version = ?, updated = ? WHERE id = ?`,
			in.VersionID, fmtTime(s.clock()), p.ID)
		return err
	})
}
