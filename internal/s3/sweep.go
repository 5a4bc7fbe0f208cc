package s3

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// sweepBlobs removes blob files that no object or part refers to: the
// leftovers of a crash between writing a blob and committing its row, or
// between replacing an object and removing its old blob. Only files older
// than the service are considered, so blobs being written by this process
// are never touched. It runs once, in the background, after New.
func (s *Service) sweepBlobs(ctx context.Context, started time.Time) (removed int, err error) {
	root := s.db.Blobs().Path("s3")
	if root == "" {
		return 0, nil
	}
	refs := map[string]bool{}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		for _, q := range []string{`SELECT blob FROM s3_objects WHERE blob IS NOT NULL`, `SELECT blob FROM s3_parts`} {
			rows, err := tx.Query(q)
			if err != nil {
				return err
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					rows.Close()
					return err
				}
				refs[n] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	base := filepath.Dir(root)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || ctx.Err() != nil {
			return nil
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(started) {
			return nil
		}
		rel, err := filepath.Rel(base, p)
		if err != nil {
			return nil
		}
		name := filepath.ToSlash(rel)
		if !refs[name] && s.db.Blobs().Remove(name) == nil {
			removed++
		}
		return nil
	})
	return removed, err
}
