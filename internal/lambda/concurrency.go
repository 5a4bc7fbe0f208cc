package lambda

import (
	"context"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Account-level Lambda quotas (AWS defaults).
const (
	accountConcurrency  = 1000
	minUnreserved       = 100
	totalCodeSizeLimit  = 80530636800
	codeSizeZippedLimit = 52428800
)

type concurrency struct {
	ReservedConcurrentExecutions *int64 `json:"ReservedConcurrentExecutions,omitempty"`
}

func (s *Service) putConcurrency(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	if ref.Qualifier != "" {
		return nil, errInvalidParameter.New(msgFunctionsOnly)
	}
	var in concurrency
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.ReservedConcurrentExecutions == nil {
		v.null("reservedConcurrentExecutions")
	} else if *in.ReservedConcurrentExecutions < 0 {
		v.min("reservedConcurrentExecutions", *in.ReservedConcurrentExecutions, 0)
	}
	if err := v.err(); err != nil {
		// A function that does not exist is reported first.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaReservedConcurrency::test_function_concurrency_exceptions
		if rerr := s.db.Read(ctx, func(tx *store.Tx) error {
			_, err := s.resolve(tx, ref, latest)
			return err
		}); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	n := *in.ReservedConcurrentExecutions
	err := s.write(ctx, func(tx *store.Tx) error {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_function_concurrency_exceptions (put_function_concurrency_with_function_name_doesnotexist: "...:$LATEST")
		if _, err := s.resolve(tx, ref, latest); err != nil {
			return err
		}
		var others int64
		if err := tx.QueryRow(`SELECT COALESCE(SUM(reserved), 0) FROM lambda_functions WHERE account=? AND region=? AND name <> ?`,
			ref.Account, ref.Region, ref.Name).Scan(&others); err != nil {
			return err
		}
		if err := provisionedFloor(tx, ref, n); err != nil {
			return err
		}
		if accountConcurrency-others-n < minUnreserved {
			return errInvalidParameter.Errorf(msgUnreservedMin, minUnreserved)
		}
		_, err := tx.Exec(`UPDATE lambda_functions SET reserved=? WHERE account=? AND region=? AND name=?`, n, ref.Account, ref.Region, ref.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &concurrency{ReservedConcurrentExecutions: &n}, nil
}

func (s *Service) getConcurrency(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var out concurrency
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err != nil {
			return err
		}
		out.ReservedConcurrentExecutions = t.fn.Reserved
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *Service) deleteConcurrency(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE lambda_functions SET reserved=NULL WHERE account=? AND region=? AND name=?`, ref.Account, ref.Region, ref.Name)
		return err
	})
	return nil, err
}

type accountLimit struct {
	TotalCodeSize                  int64 `json:"TotalCodeSize"`
	CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
	CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
	ConcurrentExecutions           int64 `json:"ConcurrentExecutions"`
	UnreservedConcurrentExecutions int64 `json:"UnreservedConcurrentExecutions"`
}

type accountUsage struct {
	TotalCodeSize int64 `json:"TotalCodeSize"`
	FunctionCount int64 `json:"FunctionCount"`
}

type accountSettings struct {
	AccountLimit accountLimit `json:"AccountLimit"`
	AccountUsage accountUsage `json:"AccountUsage"`
}

func (s *Service) getAccountSettings(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	out := accountSettings{AccountLimit: accountLimit{
		TotalCodeSize: totalCodeSizeLimit, CodeSizeUnzipped: maxUnzippedBytes, CodeSizeZipped: codeSizeZippedLimit,
		ConcurrentExecutions: accountConcurrency,
	}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var reserved int64
		if err := tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(reserved), 0) FROM lambda_functions WHERE account=? AND region=?`,
			r.Account(), r.Region).Scan(&out.AccountUsage.FunctionCount, &reserved); err != nil {
			return err
		}
		out.AccountLimit.UnreservedConcurrentExecutions = accountConcurrency - reserved
		// Every version's package counts, $LATEST's and each published
		// version's, even when they are the same content, and so does every
		// layer version: AWS's TotalCodeSize grew by the package's size on
		// UpdateFunctionCode(Publish=True) with unchanged content, by a
		// layer's on each PublishLayerVersion, and again on publishing a
		// configuration change.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_account_settings_total_code_size
		return tx.QueryRow(`SELECT
			COALESCE((SELECT SUM(json_extract(config, '$.Config.CodeSize')) FROM lambda_versions WHERE account=? AND region=?), 0) +
			COALESCE((SELECT SUM(json_extract(config, '$.Content.CodeSize')) FROM lambda_layer_versions WHERE account=? AND region=?), 0)`,
			r.Account(), r.Region, r.Account(), r.Region).Scan(&out.AccountUsage.TotalCodeSize)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
