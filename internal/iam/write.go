package iam

import (
	"database/sql"
	"errors"

	"github.com/seki-dev/seki/internal/store"
)

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
