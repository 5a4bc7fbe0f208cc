package lambda

import (
	"context"
	"database/sql"
	"errors"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Recursive loop detection (Get/PutFunctionRecursionConfig): a function's
// choice between Lambda stopping a detected recursive loop (Terminate, the
// default) and letting it run (Allow). seki stores and answers it; it
// detects no loops, so Allow and Terminate run alike.

// recursionSchema keeps the choice of the functions that made one; a
// function without a row has the default. It goes with its function.
const recursionSchema = `
CREATE TABLE lambda_recursion (
	account TEXT NOT NULL,
	region  TEXT NOT NULL,
	name    TEXT NOT NULL,
	loop    TEXT NOT NULL,
	PRIMARY KEY (account, region, name),
	FOREIGN KEY (account, region, name) REFERENCES lambda_functions ON DELETE CASCADE
) WITHOUT ROWID;
`

// recursionConfig is Put's input and both operations' answer.
type recursionConfig struct {
	RecursiveLoop *string `json:"RecursiveLoop"`
}

// decodeRecursion reads the function (unqualified: the configuration is
// the function's, as the model's UnqualifiedFunctionName says) and, for
// Put, validates the body before the function is looked for.
func decodeRecursion(put bool) func(context.Context, *protocol.Request) (withBody[recursionConfig], error) {
	return func(ctx context.Context, r *protocol.Request) (withBody[recursionConfig], error) {
		var none withBody[recursionConfig]
		ref, err := unqualifiedFunction(ctx, r)
		if err != nil {
			return none, err
		}
		if ref.Qualifier != "" {
			return none, errInvalidParameter.New(msgFunctionsOnly)
		}
		var in recursionConfig
		if put {
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return none, err
			}
			var v validation
			switch {
			case in.RecursiveLoop == nil:
				v.null("recursiveLoop")
			case *in.RecursiveLoop != recursionAllow && *in.RecursiveLoop != recursionTerminate:
				v.enum("recursiveLoop", *in.RecursiveLoop, recursiveLoopValues)
			}
			if err := v.err(); err != nil {
				return none, err
			}
		}
		return withBody[recursionConfig]{ref: ref, in: &in}, nil
	}
}

func (s *Service) recursionTarget(ctx context.Context, r *protocol.Request, b withBody[recursionConfig]) (protocol.Target, error) {
	return s.functionTarget(ctx, r, b.ref)
}

func (s *Service) getRecursion(ctx context.Context, _ *protocol.Request, b withBody[recursionConfig]) (any, error) {
	loop := recursionTerminate
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, b.ref, ""); err != nil {
			return err
		}
		err := tx.QueryRow(`SELECT loop FROM lambda_recursion WHERE account=? AND region=? AND name=?`,
			b.ref.Account, b.ref.Region, b.ref.Name).Scan(&loop)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &recursionConfig{RecursiveLoop: &loop}, nil
}

func (s *Service) putRecursion(ctx context.Context, _ *protocol.Request, b withBody[recursionConfig]) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, b.ref, ""); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO lambda_recursion (account, region, name, loop) VALUES (?,?,?,?)
			ON CONFLICT (account, region, name) DO UPDATE SET loop=excluded.loop`,
			b.ref.Account, b.ref.Region, b.ref.Name, *b.in.RecursiveLoop)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &recursionConfig{RecursiveLoop: b.in.RecursiveLoop}, nil
}
