package identity

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/seki-dev/seki/internal/store"
)

// Reads of single entities. Each returns nil, nil when there is none.

func LoadUser(tx *store.Tx, account, name string) (*UserRec, error) {
	u := &UserRec{Account: account}
	var created string
	err := tx.QueryRow(`SELECT id, name, path, created, boundary FROM iam_users WHERE account = ? AND name_lc = ?`,
		account, lower(name)).Scan(&u.ID, &u.Name, &u.Path, &created, &u.Boundary)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u.Created = ParseTime(created)
	if u.Tags, err = LoadTags(tx, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func LoadUserByID(tx *store.Tx, id string) (*UserRec, error) {
	var account, name string
	err := tx.QueryRow(`SELECT account, name FROM iam_users WHERE id = ?`, id).Scan(&account, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return LoadUser(tx, account, name)
}

func LoadGroup(tx *store.Tx, account, name string) (*GroupRec, error) {
	g := &GroupRec{Account: account}
	var created string
	err := tx.QueryRow(`SELECT id, name, path, created FROM iam_groups WHERE account = ? AND name_lc = ?`,
		account, lower(name)).Scan(&g.ID, &g.Name, &g.Path, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	g.Created = ParseTime(created)
	return g, nil
}

func LoadRole(tx *store.Tx, account, name string) (*RoleRec, error) {
	r := &RoleRec{Account: account}
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
	r.Created, r.LastUsed = ParseTime(created), ParseTime(lastUsed)
	if r.Tags, err = LoadTags(tx, r.ID); err != nil {
		return nil, err
	}
	return r, nil
}

func LoadTags(tx *store.Tx, owner string) ([]Tag, error) {
	rows, err := tx.Query(`SELECT key, value FROM iam_tags WHERE owner = ? ORDER BY seq`, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.Key, &t.Value); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LoadPolicy finds a managed policy by ARN: AWS managed ones in the
// catalogue, customer managed ones in the store.
func (s *Store) LoadPolicy(tx *store.Tx, arn string) (*PolicyRec, error) {
	if e := s.catalog.byARN[arn]; e != nil {
		return &e.Rec, nil
	}
	p := &PolicyRec{ARN: arn}
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
	p.Created, p.Updated = ParseTime(created), ParseTime(updated)
	return p, nil
}

// VersionNumber parses "v3" to 3; 0 when it is not of that form.
func VersionNumber(v string) int {
	if len(v) < 2 || v[0] != 'v' {
		return 0
	}
	n, err := strconv.Atoi(v[1:])
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// PolicyDocument returns the document of version (vN) of p, ok=false when
// p has no such version.
func PolicyDocument(tx *store.Tx, p *PolicyRec, version string) (doc string, created string, ok bool, err error) {
	if p.AWS != nil {
		if version != p.DefaultVersion {
			return "", "", false, nil
		}
		return p.AWS.Document, FmtTime(p.Updated), true, nil
	}
	n := VersionNumber(version)
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

func (s *Store) UserRecord(ctx context.Context, account, name string) (*UserRec, error) {
	return cached(&s.cache, pickUsers, nameKey{account, lower(name)}, func() (u *UserRec, err error) {
		err = s.Read(ctx, func(tx *store.Tx) error {
			u, err = LoadUser(tx, account, name)
			return err
		})
		return u, err
	})
}

func (s *Store) GroupRecord(ctx context.Context, account, name string) (*GroupRec, error) {
	return cached(&s.cache, pickGroups, nameKey{account, lower(name)}, func() (g *GroupRec, err error) {
		err = s.Read(ctx, func(tx *store.Tx) error {
			g, err = LoadGroup(tx, account, name)
			return err
		})
		return g, err
	})
}

func (s *Store) RoleRecord(ctx context.Context, account, name string) (*RoleRec, error) {
	return cached(&s.cache, pickRoles, nameKey{account, lower(name)}, func() (r *RoleRec, err error) {
		err = s.Read(ctx, func(tx *store.Tx) error {
			r, err = LoadRole(tx, account, name)
			return err
		})
		return r, err
	})
}
