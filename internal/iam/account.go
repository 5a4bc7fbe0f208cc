package iam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// EnsureAccount creates account if it is new and registers accessKeyID and
// secret as credentials of its root user (replacing the secret if the key
// already belongs to that root user).
func (s *Service) EnsureAccount(ctx context.Context, account, accessKeyID, secret string) error {
	if !isAccountID(account) {
		return fmt.Errorf("iam: account id %q is not 12 digits", account)
	}
	if accessKeyID == "" || secret == "" {
		return fmt.Errorf("iam: root key for account %s needs an access key id and a secret", account)
	}
	now := fmtTime(s.clock())
	return s.write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT OR IGNORE INTO iam_accounts (id, created) VALUES (?, ?)`, account, now); err != nil {
			return err
		}
		var owner, user string
		err := tx.QueryRow(`SELECT account, user_id FROM iam_access_keys WHERE akid = ?`, accessKeyID).Scan(&owner, &user)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.Exec(`INSERT INTO iam_access_keys (akid, account, user_id, secret, status, created) VALUES (?, ?, '', ?, 'Active', ?)`,
				accessKeyID, account, secret, now)
			return err
		case err != nil:
			return err
		case owner != account || user != "":
			return fmt.Errorf("iam: access key %s already belongs to another principal", accessKeyID)
		}
		_, err = tx.Exec(`UPDATE iam_access_keys SET secret = ?, status = 'Active' WHERE akid = ?`, secret, accessKeyID)
		return err
	})
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NoteRoleUsed records that a session of the role was created now in
// region, for GetRole's RoleLastUsed. Like AWS it keeps coarse time: a write
// happens at most once a minute per role.
func (s *Service) NoteRoleUsed(ctx context.Context, roleARN, region string) error {
	account, kind, name, _, ok := splitEntityARN(roleARN)
	if !ok || kind != kindRole {
		return nil
	}
	r, err := s.role(ctx, account, name)
	if err != nil || r == nil {
		return err
	}
	now := s.clock()
	if r.LastRegion == region && now.Sub(r.LastUsed) < time.Minute {
		return nil
	}
	return s.write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE iam_roles SET last_used = ?, last_region = ? WHERE id = ?`, fmtTime(now), region, r.ID)
		return err
	})
}
