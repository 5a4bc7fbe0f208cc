package iam

import (
	"context"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Quotas on group membership.
const maxGroupsPerUser = 10

func parseCreateGroup(p *params, in *input) {
	in.Path, _ = p.optional("Path", rulePath)
	in.GroupName = p.required("GroupName", ruleGroupName)
}

func parseUpdateGroup(p *params, in *input) {
	parseGroup(p, in)
	in.NewPath, in.HasNewPath = p.optional("NewPath", rulePath)
	in.NewName, in.HasNewName = p.optional("NewGroupName", ruleGroupName)
}

func parseGroupUser(p *params, in *input) {
	parseGroup(p, in)
	in.UserName = p.required("UserName", ruleExistingUserName)
}

func (s *Service) targetNewGroup(_ context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	return protocol.Target{Resource: entityARN(r.Account(), "group", orRoot(in.Path), in.GroupName)}, nil
}

type createGroupResult struct {
	Group xGroup
}

func (s *Service) createGroup(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	g := &groupRec{ID: newID("AGPA", 17), Account: r.Account(), Name: in.GroupName, Path: orRoot(in.Path), Created: s.clock()}
	err := s.write(ctx, func(tx *store.Tx) error {
		if err := s.ensureAccountRow(tx, g.Account); err != nil {
			return err
		}
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_groups WHERE account = ? AND name_lc = ?`, g.Account, lower(g.Name)); err != nil {
			return err
		} else if n > 0 {
			return groupExists(g.Name)
		}
		_, err := tx.Exec(`INSERT INTO iam_groups (id, account, name, name_lc, path, created) VALUES (?, ?, ?, ?, ?, ?)`,
			g.ID, g.Account, g.Name, lower(g.Name), g.Path, fmtTime(g.Created))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &createGroupResult{Group: groupXML(g)}, nil
}

type getGroupResult struct {
	Group xGroup
	Users list[xUser]
	paged
}

func (s *Service) getGroup(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	after, err := markerKey(in.Page)
	if err != nil {
		return nil, err
	}
	res := &getGroupResult{Users: list[xUser]{}}
	var users []*userRec
	err = s.read(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(tx, r.Account(), in.GroupName)
		if err != nil {
			return err
		}
		if g == nil {
			return noSuchGroup(in.GroupName)
		}
		res.Group = groupXML(g)
		rows, err := tx.Query(`SELECT u.id, u.name, u.path, u.created FROM iam_members m JOIN iam_users u ON u.id = m.user_id
			WHERE m.group_id = ? AND u.name_lc > ? ORDER BY u.name_lc LIMIT ?`, g.ID, after, in.Page.max+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u := &userRec{Account: g.Account}
			var created string
			if err := rows.Scan(&u.ID, &u.Name, &u.Path, &created); err != nil {
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
	users, res.paged = truncate(users, in.Page.max, func(u *userRec) string { return lower(u.Name) })
	for _, u := range users {
		res.Users = append(res.Users, userXML(u, false))
	}
	return res, nil
}

type listGroupsResult struct {
	Groups list[xGroup]
	paged
}

func (s *Service) listGroups(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	after, err := markerKey(in.Page)
	if err != nil {
		return nil, err
	}
	prefix := orRoot(in.PathPrefix)
	var groups []*groupRec
	err = s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT id, name, path, created FROM iam_groups
			WHERE account = ? AND name_lc > ?`+pathClause+` ORDER BY name_lc LIMIT ?`,
			r.Account(), after, prefix, prefix, in.Page.max+1)
		if err != nil {
			return err
		}
		groups, err = scanGroups(rows, r.Account())
		return err
	})
	if err != nil {
		return nil, err
	}
	res := &listGroupsResult{Groups: list[xGroup]{}}
	groups, res.paged = truncate(groups, in.Page.max, func(g *groupRec) string { return lower(g.Name) })
	for _, g := range groups {
		res.Groups = append(res.Groups, groupXML(g))
	}
	return res, nil
}

type rowScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}

func scanGroups(rows rowScanner, account string) ([]*groupRec, error) {
	defer rows.Close()
	var out []*groupRec
	for rows.Next() {
		g := &groupRec{Account: account}
		var created string
		if err := rows.Scan(&g.ID, &g.Name, &g.Path, &created); err != nil {
			return nil, err
		}
		g.Created = parseTime(created)
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Service) updateGroup(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(tx, r.Account(), in.GroupName)
		if err != nil {
			return err
		}
		if g == nil {
			return noSuchGroup(in.GroupName)
		}
		name, path := g.Name, g.Path
		if in.HasNewName {
			if lower(in.NewName) != lower(g.Name) {
				n, err := count(tx, `SELECT COUNT(*) FROM iam_groups WHERE account = ? AND name_lc = ?`, g.Account, lower(in.NewName))
				if err != nil {
					return err
				}
				if n > 0 {
					return groupExists(in.NewName)
				}
			}
			name = in.NewName
		}
		if in.HasNewPath {
			path = in.NewPath
		}
		_, err = tx.Exec(`UPDATE iam_groups SET name = ?, name_lc = ?, path = ? WHERE id = ?`, name, lower(name), path, g.ID)
		return err
	})
}

func (s *Service) deleteGroup(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		g, err := loadGroup(tx, r.Account(), in.GroupName)
		if err != nil {
			return err
		}
		if g == nil {
			return noSuchGroup(in.GroupName)
		}
		for _, c := range []struct{ query, msg string }{
			{`SELECT COUNT(*) FROM iam_members WHERE group_id = ?`, msgMustRemoveUsers},
			{`SELECT COUNT(*) FROM iam_inline WHERE owner = ?`, msgMustDeletePolicies},
			{`SELECT COUNT(*) FROM iam_attachments WHERE owner = ?`, msgMustDetach},
		} {
			n, err := count(tx, c.query, g.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return errDeleteConflict.New(c.msg)
			}
		}
		if err := deleteOwned(tx, g.ID); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM iam_groups WHERE id = ?`, g.ID)
		return err
	})
}

// groupAndUser loads both ends of a membership change.
func groupAndUser(tx *store.Tx, account string, in *input) (*groupRec, *userRec, error) {
	g, err := loadGroup(tx, account, in.GroupName)
	if err != nil {
		return nil, nil, err
	}
	if g == nil {
		return nil, nil, noSuchGroup(in.GroupName)
	}
	u, err := loadUser(tx, account, in.UserName)
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, noSuchUser(in.UserName)
	}
	return g, u, nil
}

func (s *Service) addUserToGroup(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		g, u, err := groupAndUser(tx, r.Account(), in)
		if err != nil {
			return err
		}
		if n, err := count(tx, `SELECT COUNT(*) FROM iam_members WHERE group_id = ? AND user_id = ?`, g.ID, u.ID); err != nil || n > 0 {
			return err // already a member: AWS succeeds
		}
		n, err := count(tx, `SELECT COUNT(*) FROM iam_members WHERE user_id = ?`, u.ID)
		if err != nil {
			return err
		}
		if n >= maxGroupsPerUser {
			return quota("GroupsPerUser", maxGroupsPerUser)
		}
		seq, err := nextSeq(tx, "iam_members", "user_id", u.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO iam_members (group_id, user_id, seq) VALUES (?, ?, ?)`, g.ID, u.ID, seq)
		return err
	})
}

func (s *Service) removeUserFromGroup(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		g, u, err := groupAndUser(tx, r.Account(), in)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM iam_members WHERE group_id = ? AND user_id = ?`, g.ID, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// unconfirmed: AWS's message for removing a non-member.
			return errNoSuchEntity.Errorf("The user with name %s cannot be found.", in.UserName)
		}
		return nil
	})
}

func (s *Service) listGroupsForUser(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var groups []*groupRec
	err := s.read(ctx, func(tx *store.Tx) error {
		u, err := loadUser(tx, r.Account(), in.UserName)
		if err != nil {
			return err
		}
		if u == nil {
			return noSuchUser(in.UserName)
		}
		rows, err := tx.Query(`SELECT g.id, g.name, g.path, g.created FROM iam_members m JOIN iam_groups g ON g.id = m.group_id
			WHERE m.user_id = ? ORDER BY g.name_lc`, u.ID)
		if err != nil {
			return err
		}
		groups, err = scanGroups(rows, r.Account())
		return err
	})
	if err != nil {
		return nil, err
	}
	items, pg, err := pageSlice(groups, in.Page)
	if err != nil {
		return nil, err
	}
	res := &listGroupsResult{Groups: list[xGroup]{}, paged: pg}
	for _, g := range items {
		res.Groups = append(res.Groups, groupXML(g))
	}
	return res, nil
}
