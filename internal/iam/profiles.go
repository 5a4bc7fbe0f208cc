package iam

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Instance profiles: the container EC2 hands a role to an instance
// through. seki runs no instances; it keeps profiles so that tools that
// create them next to a role (CDK, Terraform, moto-based tests) work, with
// IAM's rule that a profile holds at most one role.

// maxProfileRoles is IAM's InstanceSessionsPerInstanceProfile quota.
const maxProfileRoles = 1

// Messages of the instance profile operations.
const (
	// source: unconfirmed IAM's text for a missing profile as quoted in public Terraform reports
	msgNoSuchProfile = "Instance Profile %s cannot be found."
	// source: unconfirmed IAM's text for a taken profile name as quoted in public Terraform reports
	msgProfileExists = "Instance Profile %s already exists."
	// source: unconfirmed IAM's DeleteConflict text for a profile, or a role, still joined, as quoted in public Terraform reports
	msgMustRemoveRoles = "Cannot delete entity, must remove roles from instance profile first."
	// source: unconfirmed removing a role the profile does not hold; follows IAM's NoSuchEntity wording
	msgRoleNotInProfile = "The role with name %s is not associated with instance profile %s."
)

// ruleProfileName is instanceProfileNameType of botocore's IAM model.
var ruleProfileName = rule{1, 128, `[\w+=,.@-]+`, ruleUserName.match}

type profileRec struct {
	ID, Account, Name, Path string
	Created                 time.Time
	Tags                    []tag
}

func (p *profileRec) ARN() string { return entityARN(p.Account, "instance-profile", p.Path, p.Name) }

func parseProfile(p *params, in *input) {
	in.ProfileName = p.required("InstanceProfileName", ruleProfileName)
}

func parseCreateInstanceProfile(p *params, in *input) {
	parseProfile(p, in)
	in.Path, _ = p.optional("Path", rulePath)
	in.Tags = p.tags()
}

func parseProfileRole(p *params, in *input) {
	parseProfile(p, in)
	in.RoleName = p.required("RoleName", ruleRoleName)
}

func loadProfile(tx *store.Tx, account, name string) (*profileRec, error) {
	p := &profileRec{Account: account}
	var created string
	err := tx.QueryRow(`SELECT id, name, path, created FROM iam_instance_profiles WHERE account = ? AND name_lc = ?`,
		account, lower(name)).Scan(&p.ID, &p.Name, &p.Path, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.Created = parseTime(created)
	if p.Tags, err = loadTags(tx, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func noSuchProfile(name string) error { return errNoSuchEntity.Errorf(msgNoSuchProfile, name) }

func (s *Service) targetNewProfile(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	requestTags(r, in.Tags)
	return protocol.Target{Resource: entityARN(r.Account(), "instance-profile", orRoot(in.Path), in.ProfileName)}, nil
}

// targetProfile names an existing profile by its ARN (its path included),
// or the ARN under "/" when it does not exist.
func (s *Service) targetProfile(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	var p *profileRec
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = loadProfile(tx, r.Account(), in.ProfileName)
		return err
	})
	if err != nil {
		return protocol.Target{}, err
	}
	if p == nil {
		return protocol.Target{Resource: entityARN(r.Account(), "instance-profile", "/", in.ProfileName)}, nil
	}
	resourceTags(r, p.Tags)
	return protocol.Target{Resource: p.ARN()}, nil
}

type xInstanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileID   string `xml:"InstanceProfileId"`
	Arn                 string
	CreateDate          isoTime
	Roles               list[xRole]
	Tags                list[xTag] `xml:",omitempty"`
}

// profileXML renders a profile with its roles, which IAM shows as ListRoles
// does.
func profileXML(tx *store.Tx, p *profileRec) (xInstanceProfile, error) {
	x := xInstanceProfile{Path: p.Path, InstanceProfileName: p.Name, InstanceProfileID: p.ID, Arn: p.ARN(),
		CreateDate: isoTime(p.Created), Roles: list[xRole]{}, Tags: xTags(p.Tags)}
	rows, err := tx.Query(`SELECT r.id, r.name, r.path, r.created, r.trust, r.description, r.max_session
		FROM iam_profile_roles pr JOIN iam_roles r ON r.id = pr.role_id WHERE pr.profile_id = ? ORDER BY r.name_lc`, p.ID)
	if err != nil {
		return x, err
	}
	defer rows.Close()
	for rows.Next() {
		role := &roleRec{Account: p.Account}
		var created string
		if err := rows.Scan(&role.ID, &role.Name, &role.Path, &created, &role.Trust, &role.Description, &role.MaxSession); err != nil {
			return x, err
		}
		role.Created = parseTime(created)
		x.Roles = append(x.Roles, roleXML(role, false))
	}
	return x, rows.Err()
}

type profileResult struct {
	InstanceProfile xInstanceProfile
}

func (res *profileResult) render(tx *store.Tx, p *profileRec) (err error) {
	res.InstanceProfile, err = profileXML(tx, p)
	return err
}

func (s *Service) createInstanceProfile(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	p := &profileRec{ID: newID("AIPA", 17), Account: r.Account(), Name: in.ProfileName, Path: orRoot(in.Path),
		Created: s.clock(), Tags: in.Tags}
	res := &profileResult{}
	err := s.write(ctx, func(tx *store.Tx) error {
		if err := s.ensureAccountRow(tx, p.Account); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO iam_instance_profiles (id, account, name, name_lc, path, created) VALUES (?, ?, ?, ?, ?, ?)`,
			p.ID, p.Account, p.Name, lower(p.Name), p.Path, fmtTime(p.Created)); err != nil {
			if store.IsUniqueViolation(err) {
				return errEntityExists.Errorf(msgProfileExists, p.Name)
			}
			return err
		}
		if err := putTags(tx, p.ID, p.Tags); err != nil {
			return err
		}
		return res.render(tx, p)
	})
	return res, err
}

// withProfile runs fn on an existing profile within one transaction.
func (s *Service) withProfile(ctx context.Context, write bool, account, name string, fn func(tx *store.Tx, p *profileRec) error) error {
	run := s.read
	if write {
		run = s.write
	}
	return run(ctx, func(tx *store.Tx) error {
		p, err := loadProfile(tx, account, name)
		if err != nil {
			return err
		}
		if p == nil {
			return noSuchProfile(name)
		}
		return fn(tx, p)
	})
}

func (s *Service) getInstanceProfile(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	res := &profileResult{}
	return res, s.withProfile(ctx, false, r.Account(), in.ProfileName, res.render)
}

func (s *Service) deleteInstanceProfile(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.withProfile(ctx, true, r.Account(), in.ProfileName, func(tx *store.Tx, p *profileRec) error {
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_profile_roles WHERE profile_id = ?`, p.ID); err != nil {
			return err
		} else if n > 0 {
			return errDeleteConflict.New(msgMustRemoveRoles)
		}
		if err := deleteOwned(tx, p.ID); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM iam_instance_profiles WHERE id = ?`, p.ID)
		return err
	})
}

// addRoleToInstanceProfile also needs iam:PassRole on the role: the
// profile hands the role to whoever runs in the instance, and AWS's
// documentation of the operation requires the caller to be allowed to pass
// it.
func (s *Service) addRoleToInstanceProfile(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	role, err := s.role(ctx, r.Account(), in.RoleName)
	if err != nil {
		return nil, err
	}
	if role == nil {
		return nil, noSuchRole(in.RoleName)
	}
	if err := r.Authorize(ctx, "iam:PassRole", protocol.Target{Resource: role.ARN()}, nil); err != nil {
		return nil, err
	}
	return nil, s.withProfile(ctx, true, r.Account(), in.ProfileName, func(tx *store.Tx, p *profileRec) error {
		// The role may have gone since it was read.
		current, err := loadRole(tx, r.Account(), in.RoleName)
		if err != nil {
			return err
		}
		if current == nil {
			return noSuchRole(in.RoleName)
		}
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_profile_roles WHERE profile_id = ?`, p.ID); err != nil {
			return err
		} else if n >= maxProfileRoles {
			return quota("InstanceSessionsPerInstanceProfile", maxProfileRoles)
		}
		_, err = tx.Exec(`INSERT INTO iam_profile_roles (profile_id, role_id) VALUES (?, ?)`, p.ID, current.ID)
		return err
	})
}

func (s *Service) removeRoleFromInstanceProfile(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.withProfile(ctx, true, r.Account(), in.ProfileName, func(tx *store.Tx, p *profileRec) error {
		role, err := loadRole(tx, r.Account(), in.RoleName)
		if err != nil {
			return err
		}
		if role == nil {
			return noSuchRole(in.RoleName)
		}
		res, err := tx.Exec(`DELETE FROM iam_profile_roles WHERE profile_id = ? AND role_id = ?`, p.ID, role.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNoSuchEntity.Errorf(msgRoleNotInProfile, in.RoleName, p.Name)
		}
		return nil
	})
}

type listProfilesResult struct {
	InstanceProfiles list[xInstanceProfile]
	paged
}

// listProfiles reads a page of profiles chosen by where (with args), in
// name order from after.
func (s *Service) listProfiles(ctx context.Context, account string, pg page, where string, args ...any) (*listProfilesResult, error) {
	after, err := markerKey(pg)
	if err != nil {
		return nil, err
	}
	res := &listProfilesResult{InstanceProfiles: list[xInstanceProfile]{}}
	err = s.read(ctx, func(tx *store.Tx) error {
		q := `SELECT p.id, p.name, p.path, p.created FROM iam_instance_profiles p WHERE p.account = ? AND p.name_lc > ? ` +
			where + ` ORDER BY p.name_lc LIMIT ?`
		rows, err := tx.Query(q, append(append([]any{account, after}, args...), pg.max+1)...)
		if err != nil {
			return err
		}
		var profiles []*profileRec
		for rows.Next() {
			p := &profileRec{Account: account}
			var created string
			if err := rows.Scan(&p.ID, &p.Name, &p.Path, &created); err != nil {
				rows.Close()
				return err
			}
			p.Created = parseTime(created)
			profiles = append(profiles, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		profiles, res.paged = truncate(profiles, pg.max, func(p *profileRec) string { return lower(p.Name) })
		for _, p := range profiles {
			x, err := profileXML(tx, p)
			if err != nil {
				return err
			}
			res.InstanceProfiles = append(res.InstanceProfiles, x)
		}
		return nil
	})
	return res, err
}

func (s *Service) listInstanceProfiles(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	prefix := orRoot(in.PathPrefix)
	return s.listProfiles(ctx, r.Account(), in.Page, `AND substr(p.path, 1, length(?)) = ?`, prefix, prefix)
}

func (s *Service) listInstanceProfilesForRole(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	role, err := s.role(ctx, r.Account(), in.RoleName)
	if err != nil {
		return nil, err
	}
	if role == nil {
		return nil, noSuchRole(in.RoleName)
	}
	return s.listProfiles(ctx, r.Account(), in.Page,
		`AND p.id IN (SELECT profile_id FROM iam_profile_roles WHERE role_id = ?)`, role.ID)
}
