package iam

import (
	"context"
	"database/sql"
	"errors"

	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// inlineQuota is the combined size of all inline policies one entity may
// hold, counted without whitespace.
func inlineQuota(kind entityKind) int {
	switch kind {
	case kindUser:
		return 2048
	case kindGroup:
		return 5120
	}
	return 10240
}

func parseUserPolicy(p *params, in *input) {
	parseUser(p, in)
	in.PolicyName = p.required("PolicyName", rulePolicyName)
}

func parseUserPolicyDoc(p *params, in *input) {
	parseUserPolicy(p, in)
	in.Document = p.required("PolicyDocument", ruleDocument)
}

func parseGroupPolicy(p *params, in *input) {
	parseGroup(p, in)
	in.PolicyName = p.required("PolicyName", rulePolicyName)
}

func parseGroupPolicyDoc(p *params, in *input) {
	parseGroupPolicy(p, in)
	in.Document = p.required("PolicyDocument", ruleDocument)
}

func parseRolePolicy(p *params, in *input) {
	parseRole(p, in)
	in.PolicyName = p.required("PolicyName", rulePolicyName)
}

func parseRolePolicyDoc(p *params, in *input) {
	parseRolePolicy(p, in)
	in.Document = p.required("PolicyDocument", ruleDocument)
}

// entity is the part of a user, group or role that owns policies.
type entity struct {
	kind     entityKind
	id, name string
	account  string
	path     string
	boundary string
}

func (e *entity) arn() string { return entityARN(e.account, string(e.kind), e.path, e.name) }

// nameOf returns the entity name a request names for kind.
func (in *input) nameOf(kind entityKind) string {
	switch kind {
	case kindUser:
		return in.UserName
	case kindGroup:
		return in.GroupName
	}
	return in.RoleName
}

// loadEntity finds the user, group or role a request names, or the
// NoSuchEntity error for it.
func loadEntity(tx *store.Tx, account string, kind entityKind, name string) (*entity, error) {
	switch kind {
	case kindUser:
		u, err := loadUser(tx, account, name)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, noSuchUser(name)
		}
		return &entity{kindUser, u.ID, u.Name, u.Account, u.Path, u.Boundary}, nil
	case kindGroup:
		g, err := loadGroup(tx, account, name)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, noSuchGroup(name)
		}
		return &entity{kindGroup, g.ID, g.Name, g.Account, g.Path, ""}, nil
	}
	r, err := loadRole(tx, account, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, noSuchRole(name)
	}
	return &entity{kindRole, r.ID, r.Name, r.Account, r.Path, r.Boundary}, nil
}

func (s *Service) putInline(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		if _, err := policy.Parse([]byte(in.Document), policy.Identity); err != nil {
			return nil, malformed(err)
		}
		return nil, s.write(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			total := policy.Size([]byte(in.Document))
			rows, err := tx.Query(`SELECT document FROM iam_inline WHERE owner = ? AND name_lc <> ?`, e.id, lower(in.PolicyName))
			if err != nil {
				return err
			}
			for rows.Next() {
				var doc string
				if err := rows.Scan(&doc); err != nil {
					rows.Close()
					return err
				}
				total += policy.Size([]byte(doc))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if total > inlineQuota(kind) {
				return inlineTooLarge(kind, e.name, inlineQuota(kind))
			}
			_, err = tx.Exec(`INSERT OR REPLACE INTO iam_inline (owner, name_lc, name, document) VALUES (?, ?, ?, ?)`,
				e.id, lower(in.PolicyName), in.PolicyName, in.Document)
			return err
		})
	}
}

type getInlineResult struct {
	UserName       string `xml:",omitempty"`
	GroupName      string `xml:",omitempty"`
	RoleName       string `xml:",omitempty"`
	PolicyName     string
	PolicyDocument urlDocument
}

func (s *Service) getInline(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		res := &getInlineResult{}
		err := s.read(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			var doc string
			err = tx.QueryRow(`SELECT name, document FROM iam_inline WHERE owner = ? AND name_lc = ?`, e.id, lower(in.PolicyName)).
				Scan(&res.PolicyName, &doc)
			if errors.Is(err, sql.ErrNoRows) {
				return noSuchInline(kind, in.PolicyName)
			}
			res.PolicyDocument = urlDocument(doc)
			switch kind {
			case kindUser:
				res.UserName = e.name
			case kindGroup:
				res.GroupName = e.name
			default:
				res.RoleName = e.name
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		return res, nil
	}
}

type listInlineResult struct {
	PolicyNames list[string]
	paged
}

// inlineNames lists an entity's inline policy names in name order.
func inlineNames(tx *store.Tx, owner string) ([]string, error) {
	rows, err := tx.Query(`SELECT name FROM iam_inline WHERE owner = ? ORDER BY name_lc`, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (s *Service) listInline(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		var names []string
		err := s.read(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			names, err = inlineNames(tx, e.id)
			return err
		})
		if err != nil {
			return nil, err
		}
		items, pg, err := pageSlice(names, in.Page)
		if err != nil {
			return nil, err
		}
		return &listInlineResult{PolicyNames: append(list[string]{}, items...), paged: pg}, nil
	}
}

func (s *Service) deleteInline(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		return nil, s.write(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			res, err := tx.Exec(`DELETE FROM iam_inline WHERE owner = ? AND name_lc = ?`, e.id, lower(in.PolicyName))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return noSuchInline(kind, in.PolicyName)
			}
			return nil
		})
	}
}
