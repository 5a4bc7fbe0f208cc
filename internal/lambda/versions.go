package lambda

import (
	"context"
	"encoding/json"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

type publishInput struct {
	CodeSha256  string  `json:"CodeSha256"`
	Description *string `json:"Description"`
	RevisionId  string  `json:"RevisionId"`
}

// publish snapshots $LATEST (rec) as the next version. As in AWS, nothing
// is published when $LATEST's code and configuration have not changed
// since the last publish: the last version is returned instead. A publish
// gives $LATEST a new RevisionId too (test_version_lifecycle,
// test_function_revisions_version_and_alias: get_function_latest_rev3).
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_revisions_version_and_alias
func (s *Service) publish(tx *store.Tx, ref FunctionRef, fn *functionRow, rec *versionRecord, in *publishInput) (*versionRecord, error) {
	if fn.LastVersion > 0 && fn.PublishedRev == rec.specRev() {
		prev, err := s.getVersion(tx, ref, itoa(fn.LastVersion))
		if err != nil || prev != nil {
			return prev, err
		}
	}
	n := fn.LastVersion + 1
	v := *rec
	v.Config.Version = itoa(n)
	v.Config.FunctionArn = ref.QualifiedARN(v.Config.Version)
	publishSnapStart(&v.Config)
	v.revise()
	if in != nil && in.Description != nil {
		v.Config.Description = *in.Description
	}
	if err := s.putVersion(tx, ref, &v); err != nil {
		return nil, err
	}
	rec.bump()
	if err := s.putVersion(tx, ref, rec); err != nil {
		return nil, err
	}
	_, err := tx.Exec(`UPDATE lambda_functions SET last_version=?, published_rev=? WHERE account=? AND region=? AND name=?`,
		n, rec.specRev(), ref.Account, ref.Region, ref.Name)
	return &v, err
}

func (s *Service) publishVersion(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var in publishInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	if in.Description != nil && len(*in.Description) > 256 {
		var v validation
		v.maxLen("description", *in.Description, 256)
		return nil, v.err()
	}
	if err := onlyLatest(ref); err != nil {
		return nil, err
	}
	var out *versionRecord
	err := s.write(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err != nil {
			return err
		}
		if in.CodeSha256 != "" && in.CodeSha256 != t.version.Config.CodeSha256 {
			return errInvalidParameter.Errorf(msgCodeSha, in.CodeSha256, t.version.Config.CodeSha256)
		}
		if in.RevisionId != "" && in.RevisionId != t.version.Config.RevisionId {
			return errPrecondition.New(msgFunctionRevision)
		}
		out, err = s.publish(tx, ref, t.fn, t.version, &in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return present(out, ref, out.Config.Version), nil
}

type listVersionsOutput struct {
	Versions   []*FunctionConfiguration `json:"Versions"`
	NextMarker string                   `json:"NextMarker,omitempty"`
}

func (s *Service) listVersions(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 10000)
	if err != nil {
		return nil, err
	}
	_, start := decodeMarker(r.Params.Get("Marker"))
	out := listVersionsOutput{Versions: []*FunctionConfiguration{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT num, config FROM lambda_versions WHERE account=? AND region=? AND name=? AND num >= ? ORDER BY num LIMIT ?`,
			ref.Account, ref.Region, ref.Name, start, n+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var num int64
			var cfg string
			if err := rows.Scan(&num, &cfg); err != nil {
				return err
			}
			if len(out.Versions) == n {
				out.NextMarker = encodeMarker(ref.Name, num)
				break
			}
			var rec versionRecord
			if err := json.Unmarshal([]byte(cfg), &rec); err != nil {
				return err
			}
			out.Versions = append(out.Versions, listed(present(&rec, ref, rec.Config.Version)))
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
