package iam

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

func parseCreateUser(p *params, in *input) {
	in.Path, _ = p.optional("Path", rulePath)
	in.UserName = p.required("UserName", ruleUserName)
	in.Boundary, _ = p.optional("PermissionsBoundary", ruleARN)
	in.Tags = p.tags()
}

func parseUpdateUser(p *params, in *input) {
	in.UserName = p.required("UserName", ruleExistingUserName)
	in.NewPath, in.HasNewPath = p.optional("NewPath", rulePath)
	in.NewName, in.HasNewName = p.optional("NewUserName", ruleUserName)
}

// requestTags adds aws:RequestTag/K and aws:TagKeys for tags sent with a
// request.
func requestTags(r *protocol.Request, tags []tag) {
	if len(tags) == 0 {
		return
	}
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Key
		keys(r).Set("aws:RequestTag/"+t.Key, t.Value)
	}
	keys(r).Set("aws:TagKeys", names...)
}

func orRoot(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

func (s *Service) targetNewUser(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	if in.Boundary != "" {
		keys(r).Set("iam:PermissionsBoundary", in.Boundary)
	}
	requestTags(r, in.Tags)
	return protocol.Target{Resource: entityARN(r.Account(), "user", orRoot(in.Path), in.UserName)}, nil
}

// checkBoundary verifies that arn names a managed policy the account may
// use as a permissions boundary: its own or an AWS managed one.
func (s *Service) checkBoundary(tx *store.Tx, account, arn string) error {
	owner, _, _, ok := parsePolicyARN(arn)
	if !ok {
		return invalidARN(arn)
	}
	if owner != account && owner != "aws" {
		return noSuchBoundary(arn)
	}
	p, err := s.id.LoadPolicy(tx, arn)
	if err != nil {
		return err
	}
	if p == nil {
		return noSuchBoundary(arn)
	}
	return nil
}

type createUserResult struct {
	User xUser
}

func (s *Service) createUser(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	u := &userRec{
		ID: newID("AIDA", 17), Account: r.Account(), Name: in.UserName, Path: orRoot(in.Path),
		Created: s.clock(), Boundary: in.Boundary, Tags: in.Tags,
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		if err := s.ensureAccountRow(tx, u.Account); err != nil {
			return err
		}
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_users WHERE account = ? AND name_lc = ?`, u.Account, lower(u.Name)); err != nil {
			return err
		} else if n > 0 {
			return userExists(u.Name)
		}
		if u.Boundary != "" {
			if err := s.checkBoundary(tx, u.Account, u.Boundary); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO iam_users (id, account, name, name_lc, path, created, boundary) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Account, u.Name, lower(u.Name), u.Path, fmtTime(u.Created), u.Boundary); err != nil {
			return err
		}
		return putTags(tx, u.ID, u.Tags)
	})
	if err != nil {
		return nil, err
	}
	return &createUserResult{User: userXML(u, true)}, nil
}

// ensureAccountRow records an account the first time something is created
// in it, so that accounts made by a caller seki has not seen before (root
// keys come with EnsureAccount) still have a creation date.
func (s *Service) ensureAccountRow(tx *store.Tx, account string) error {
	_, err := tx.Exec(`INSERT OR IGNORE INTO iam_accounts (id, created) VALUES (?, ?)`, account, fmtTime(s.clock()))
	return err
}

type getUserResult struct {
	User xUser
}

func (s *Service) getUser(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if !in.HasUserName {
		if r.Caller == nil {
			return nil, errValidation.New(msgNeedUserName)
		}
		p := &r.Caller.Principal
		switch p.Type {
		case policy.Root:
			// The root user has no name or path; AWS answers with the
			// account id as its UserId.
			created, err := s.accountCreated(ctx, p.Account)
			if err != nil {
				return nil, err
			}
			return &getUserResult{User: xUser{UserID: p.Account, Arn: p.ARN, CreateDate: isoTime(created)}}, nil
		case policy.User:
			in.UserName = p.Username
		default:
			return nil, errValidation.New(msgNeedUserName)
		}
	}
	u, err := s.user(ctx, r.Account(), in.UserName)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, noSuchUser(in.UserName)
	}
	return &getUserResult{User: userXML(u, true)}, nil
}

func (s *Service) accountCreated(ctx context.Context, account string) (t time.Time, err error) {
	err = s.read(ctx, func(tx *store.Tx) error {
		var c string
		err := tx.QueryRow(`SELECT created FROM iam_accounts WHERE id = ?`, account).Scan(&c)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		t = parseTime(c)
		return err
	})
	return t, err
}

type listUsersResult struct {
	Users list[xUser]
	paged
}

// pathClause restricts a listing to a path prefix.
const pathClause = ` AND substr(path, 1, length(?)) = ?`

func (s *Service) listUsers(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	after, err := markerKey(in.Page)
	if err != nil {
		return nil, err
	}
	prefix := orRoot(in.PathPrefix)
	var users []*userRec
	err = s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT id, name, name_lc, path, created, boundary FROM iam_users
			WHERE account = ? AND name_lc > ?`+pathClause+` ORDER BY name_lc LIMIT ?`,
			r.Account(), after, prefix, prefix, in.Page.max+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u := &userRec{Account: r.Account()}
			var nameLC, created string
			if err := rows.Scan(&u.ID, &u.Name, &nameLC, &u.Path, &created, &u.Boundary); err != nil {
				return err
			}
			u.Created = parseTime(created)
			users = append(users, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	res := &listUsersResult{Users: list[xUser]{}}
	users, res.paged = truncate(users, in.Page.max, func(u *userRec) string { return lower(u.Name) })
	for _, u := range users {
		res.Users = append(res.Users, userXML(u, false))
	}
	return res, nil
}

// markerKey decodes a key-based marker ("" when there is none).
func markerKey(pg page) (string, error) {
	if pg.marker == "" {
		return "", nil
	}
	return decodeMarker(pg.marker)
}

// truncate cuts a page read with LIMIT max+1 to max items and sets the
// marker to the last key returned.
func truncate[T any](items []T, max int, key func(T) string) ([]T, paged) {
	if len(items) <= max {
		return items, paged{}
	}
	items = items[:max]
	return items, paged{IsTruncated: true, Marker: encodeMarker(key(items[len(items)-1]))}
}

func (s *Service) updateUser(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		u, err := loadUser(tx, r.Account(), in.UserName)
		if err != nil {
			return err
		}
		if u == nil {
			return noSuchUser(in.UserName)
		}
		name, path := u.Name, u.Path
		if in.HasNewName {
			if lower(in.NewName) != lower(u.Name) {
				n, err := count(tx, `SELECT COUNT(*) FROM iam_users WHERE account = ? AND name_lc = ?`, u.Account, lower(in.NewName))
				if err != nil {
					return err
				}
				if n > 0 {
					return userExists(in.NewName)
				}
			}
			name = in.NewName
		}
		if in.HasNewPath {
			path = in.NewPath
		}
		_, err = tx.Exec(`UPDATE iam_users SET name = ?, name_lc = ?, path = ? WHERE id = ?`, name, lower(name), path, u.ID)
		return err
	})
}

func (s *Service) deleteUser(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		u, err := loadUser(tx, r.Account(), in.UserName)
		if err != nil {
			return err
		}
		if u == nil {
			return noSuchUser(in.UserName)
		}
		// unconfirmed: the order AWS checks in; this is the order its
		// documentation lists what to remove before deleting a user.
		for _, c := range []struct{ query, msg string }{
			{`SELECT COUNT(*) FROM iam_access_keys WHERE user_id = ?`, msgMustDeleteKeys},
			{`SELECT COUNT(*) FROM iam_inline WHERE owner = ?`, msgMustDeletePolicies},
			{`SELECT COUNT(*) FROM iam_attachments WHERE owner = ?`, msgMustDetach},
			{`SELECT COUNT(*) FROM iam_members WHERE user_id = ?`, msgMustRemoveUsers},
			{`SELECT COUNT(*) FROM iam_service_credentials WHERE user_id = ?`, msgMustRemoveReferenced},
		} {
			n, err := count(tx, c.query, u.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return errDeleteConflict.New(c.msg)
			}
		}
		if err := deleteOwned(tx, u.ID); err != nil {
			return err
		}
		if _, err = tx.Exec(`DELETE FROM iam_users WHERE id = ?`, u.ID); err != nil {
			return err
		}
		return forgetPrincipal(tx, u.ARN(), u.ID)
	})
}

// userOf resolves the user an own-credentials operation is about: UserName,
// or the calling user. root reports a root caller without UserName (access
// keys of the root user).
func (s *Service) userOf(r *protocol.Request, in *input) (name string, root bool, err error) {
	if in.HasUserName {
		return in.UserName, false, nil
	}
	if r.Caller != nil {
		switch r.Caller.Principal.Type {
		case policy.User:
			return r.Caller.Principal.Username, false, nil
		case policy.Root:
			return "", true, nil
		}
	}
	return "", false, errValidation.New(msgNeedUserName)
}
