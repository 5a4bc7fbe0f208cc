package iam

import (
	"context"
	"database/sql"
	"errors"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// maxKeysPerUser is IAM's AccessKeysPerUser quota (active or inactive).
const maxKeysPerUser = 2

func parseAccessKey(p *params, in *input) {
	parseOptUser(p, in)
	in.AccessKeyID = p.required("AccessKeyId", ruleAccessKeyID)
}

func parseAccessKeyOnly(p *params, in *input) {
	in.AccessKeyID = p.required("AccessKeyId", ruleAccessKeyID)
}

func parseUpdateAccessKey(p *params, in *input) {
	parseAccessKey(p, in)
	if _, ok := p.v["Status"]; !ok {
		p.fail(nil, "status", "Member must not be null")
		return
	}
	in.Status, _ = p.enum("Status", "Active", "Inactive", "Expired")
}

// keyOwner resolves whose keys an operation manages: the user's id, or ""
// for the root user. It fails with NoSuchEntity for a missing user.
func (s *Service) keyOwner(tx *store.Tx, r *protocol.Request, in *input) (ownerID, userName string, err error) {
	name, root, err := s.userOf(r, in)
	if err != nil || root {
		return "", "", err
	}
	u, err := loadUser(tx, r.Account(), name)
	if err != nil {
		return "", "", err
	}
	if u == nil {
		return "", "", noSuchUser(name)
	}
	return u.ID, u.Name, nil
}

type createAccessKeyResult struct {
	AccessKey xAccessKey
}

func (s *Service) createAccessKey(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	k := xAccessKey{AccessKeyID: newID("AKIA", 16), Status: "Active", SecretAccessKey: newSecret(), CreateDate: isoTime(s.clock())}
	err := s.write(ctx, func(tx *store.Tx) error {
		owner, name, err := s.keyOwner(tx, r, in)
		if err != nil {
			return err
		}
		k.UserName = name
		n, err := count(tx, `SELECT COUNT(*) FROM iam_access_keys WHERE account = ? AND user_id = ?`, r.Account(), owner)
		if err != nil {
			return err
		}
		if n >= maxKeysPerUser {
			return quota("AccessKeysPerUser", maxKeysPerUser)
		}
		_, err = tx.Exec(`INSERT INTO iam_access_keys (akid, account, user_id, secret, status, created) VALUES (?, ?, ?, ?, 'Active', ?)`,
			k.AccessKeyID, r.Account(), owner, k.SecretAccessKey, fmtTime(s.clock()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &createAccessKeyResult{AccessKey: k}, nil
}

type listAccessKeysResult struct {
	AccessKeyMetadata list[xAccessKeyMetadata]
	paged
}

func (s *Service) listAccessKeys(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var all []xAccessKeyMetadata
	err := s.read(ctx, func(tx *store.Tx) error {
		owner, name, err := s.keyOwner(tx, r, in)
		if err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT akid, status, created FROM iam_access_keys WHERE account = ? AND user_id = ? ORDER BY created, akid`,
			r.Account(), owner)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := xAccessKeyMetadata{UserName: name}
			var created string
			if err := rows.Scan(&m.AccessKeyID, &m.Status, &created); err != nil {
				return err
			}
			m.CreateDate = isoTime(parseTime(created))
			all = append(all, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	items, pg, err := pageSlice(all, in.Page)
	if err != nil {
		return nil, err
	}
	return &listAccessKeysResult{AccessKeyMetadata: list[xAccessKeyMetadata](items), paged: pg}, nil
}

func (s *Service) updateAccessKey(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if in.Status == "Expired" {
		// unconfirmed: AWS's answer for setting a key to Expired.
		return nil, errInvalidInput.New(msgStatusExpired)
	}
	return nil, s.write(ctx, func(tx *store.Tx) error {
		owner, _, err := s.keyOwner(tx, r, in)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE iam_access_keys SET status = ? WHERE akid = ? AND account = ? AND user_id = ?`,
			in.Status, in.AccessKeyID, r.Account(), owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchAccessKey(in.AccessKeyID)
		}
		return nil
	})
}

func (s *Service) deleteAccessKey(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		owner, _, err := s.keyOwner(tx, r, in)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM iam_access_keys WHERE akid = ? AND account = ? AND user_id = ?`,
			in.AccessKeyID, r.Account(), owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchAccessKey(in.AccessKeyID)
		}
		return nil
	})
}

// keyOwnerRec finds the account and user (nil for root) of an access key.
func (s *Service) keyOwnerRec(ctx context.Context, akid string) (account string, u *userRec, found bool, err error) {
	err = s.read(ctx, func(tx *store.Tx) error {
		var userID string
		err := tx.QueryRow(`SELECT account, user_id FROM iam_access_keys WHERE akid = ?`, akid).Scan(&account, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		if userID != "" {
			u, err = loadUserByID(tx, userID)
		}
		return err
	})
	return account, u, found, err
}

func (s *Service) targetKeyOwner(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
	account, u, found, err := s.keyOwnerRec(ctx, in.AccessKeyID)
	if err != nil {
		return protocol.Target{}, err
	}
	switch {
	case !found:
		return protocol.Target{Resource: "*"}, nil
	case u == nil:
		return protocol.Target{Resource: rootARN(account)}, nil
	}
	return protocol.Target{Resource: u.ARN()}, nil
}

type xAccessKeyLastUsed struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	ServiceName  string
	Region       string
}

type getAccessKeyLastUsedResult struct {
	UserName          string `xml:",omitempty"`
	AccessKeyLastUsed xAccessKeyLastUsed
}

// getAccessKeyLastUsed answers as AWS does for a key it has no record of
// using: ServiceName and Region "N/A". seki does not track key use.
func (s *Service) getAccessKeyLastUsed(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	account, u, found, err := s.keyOwnerRec(ctx, in.AccessKeyID)
	if err != nil {
		return nil, err
	}
	if !found || account != r.Account() {
		return nil, noSuchAccessKey(in.AccessKeyID)
	}
	res := &getAccessKeyLastUsedResult{AccessKeyLastUsed: xAccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}}
	if u != nil {
		res.UserName = u.Name
	}
	return res, nil
}
