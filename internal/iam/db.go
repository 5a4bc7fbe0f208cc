package iam

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/seki-dev/seki/internal/store"
)

// Reads of single entities. Each returns nil, nil when there is none.

func loadUser(tx *store.Tx, account, name string) (*userRec, error) {
	u := &userRec{Account: account}
	var created string
	err := tx.QueryRow(`SELECT id, name, path, created, boundary FROM iam_users WHERE account = ? AND name_lc = ?`,
		account, lower(name)).Scan(&u.ID, &u.Name, &u.Path, &created, &u.Boundary)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u.Created = parseTime(created)
	if u.Tags, err = loadTags(tx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func loadUserByID(tx *store.Tx, id string) (*userRec, error) {
	var account, name string
	err := tx.QueryRow(`SELECT account, name FROM iam_users WHERE id = ?`, id).Scan(&account, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return loadUser(tx, account, name)
}

func loadGroup(tx *store.Tx, account, name string) (*groupRec, error) {
	g := &groupRec{Account: account}
	var created string
	err := tx.QueryRow(`SELECT id, name, path, created FROM iam_groups WHERE account = ? AND name_lc = ?`,
		account, lower(name)).Scan(&g.ID, &g.Name, &g.Path, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	g.Created = parseTime(created)
	return g, nil
}

func loadRole(tx *store.Tx, account, name string) (*roleRec, error) {
	r := &roleRec{Account: account}
	var created, lastUsed string
	err := tx.QueryRow(`SELECT id, name, path, created, trust, description, max_session, boundary, last_used, last_region
		FROM iam_roles WHERE account = ? AND name_lc = ?`, account, lower(name)).
		Scan(&r.ID, &r.Name, &r.Path, &created, &r.Trust, &r.Description, &r.MaxSession, &r.Boundary, &lastUsed, &r.LastRegion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.Created, r.LastUsed = parseTime(created), parseTime(lastUsed)
	if r.Tags, err = loadTags(tx, r.ID); err != nil {
		return nil, err
	}
	return r, nil
}

func loadTags(tx *store.Tx, owner string) ([]tag, error) {
	rows, err := tx.Query(`SELECT key, value FROM iam_tags WHERE owner = ? ORDER BY seq`, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tag
	for rows.Next() {
		var t tag
		if err := rows.Scan(&t.Key, &t.Value); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// loadPolicy finds a managed policy by ARN: AWS managed ones in the
// catalogue, customer managed ones in the store.
func (s *Service) loadPolicy(tx *store.Tx, arn string) (*policyRec, error) {
	if e := s.catalog.byARN[arn]; e != nil {
		return &e.rec, nil
	}
	p := &policyRec{ARN: arn}
	var created, updated string
	err := tx.QueryRow(`SELECT id, account, name, path, description, created, updated, default_version, next_version
		FROM iam_policies WHERE arn = ?`, arn).
		Scan(&p.ID, &p.Account, &p.Name, &p.Path, &p.Description, &created, &updated, &p.DefaultVersion, &p.NextVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.Created, p.Updated = parseTime(created), parseTime(updated)
	return p, nil
}

// versionNumber parses "v3" to 3; 0 when it is not of that form.
func versionNumber(v string) int {
	if len(v) < 2 || v[0] != 'v' {
		return 0
	}
	n, err := strconv.Atoi(v[1:])
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// policyDocument returns the document of version (vN) of p, ok=false when
// p has no such version.
func policyDocument(tx *store.Tx, p *policyRec, version string) (doc string, created string, ok bool, err error) {
	if p.aws != nil {
		if version != p.DefaultVersion {
			return "", "", false, nil
		}
		return p.aws.document, fmtTime(p.Updated), true, nil
	}
	n := versionNumber(version)
	if n == 0 {
		return "", "", false, nil
	}
	err = tx.QueryRow(`SELECT document, created FROM iam_policy_versions WHERE policy_id = ? AND version = ?`, p.ID, n).
		Scan(&doc, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	return doc, created, true, nil
}

// Cached reads for the paths every request takes (operation targets,
// identity lookups). The records are shared: callers must not modify them.

func (s *Service) user(ctx context.Context, account, name string) (*userRec, error) {
	return cached(&s.cache, pickUsers, nameKey{account, lower(name)}, func() (u *userRec, err error) {
		err = s.read(ctx, func(tx *store.Tx) error {
			u, err = loadUser(tx, account, name)
			return err
		})
		return u, err
	})
}

func (s *Service) group(ctx context.Context, account, name string) (*groupRec, error) {
	return cached(&s.cache, pickGroups, nameKey{account, lower(name)}, func() (g *groupRec, err error) {
		err = s.read(ctx, func(tx *store.Tx) error {
			g, err = loadGroup(tx, account, name)
			return err
		})
		return g, err
	})
}

func (s *Service) role(ctx context.Context, account, name string) (*roleRec, error) {
	return cached(&s.cache, pickRoles, nameKey{account, lower(name)}, func() (r *roleRec, err error) {
		err = s.read(ctx, func(tx *store.Tx) error {
			r, err = loadRole(tx, account, name)
			return err
		})
		return r, err
	})
}

// nextSeq returns the next ordering number within table for owner.
func nextSeq(tx *store.Tx, table, ownerCol, owner string) (int64, error) {
	var n int64
	err := tx.QueryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM `+table+` WHERE `+ownerCol+` = ?`, owner).Scan(&n)
	return n, err
}

// putTags adds or replaces tags on owner (keys compared case-insensitively)
// and enforces the limit of 50 per entity.
func putTags(tx *store.Tx, owner string, tags []tag) error {
	for _, t := range tags {
		var seq int64
		err := tx.QueryRow(`SELECT seq FROM iam_tags WHERE owner = ? AND key_lc = ?`, owner, lower(t.Key)).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			if seq, err = nextSeq(tx, "iam_tags", "owner", owner); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT OR REPLACE INTO iam_tags (owner, key_lc, key, value, seq) VALUES (?, ?, ?, ?, ?)`,
			owner, lower(t.Key), t.Key, t.Value, seq); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM iam_tags WHERE owner = ?`, owner).Scan(&n); err != nil {
		return err
	}
	if n > 50 {
		return errLimitExceeded.New(msgTooManyTags)
	}
	return nil
}

// deleteOwned removes the rows every entity kind may own.
func deleteOwned(tx *store.Tx, owner string) error {
	for _, q := range []string{
		`DELETE FROM iam_tags WHERE owner = ?`,
		`DELETE FROM iam_inline WHERE owner = ?`,
		`DELETE FROM iam_attachments WHERE owner = ?`,
	} {
		if _, err := tx.Exec(q, owner); err != nil {
			return err
		}
	}
	return nil
}

// count runs a COUNT query.
func count(tx *store.Tx, query string, args ...any) (int, error) {
	var n int
	err := tx.QueryRow(query, args...).Scan(&n)
	return n, err
}
