package lambda

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Provisioned concurrency: a number of execution environments Lambda keeps
// initialized for a published version or an alias, never $LATEST. A
// config is IN_PROGRESS from the moment it is put until its environments
// would be allocated (provisionReady later), then READY. The concurrency
// it takes comes out of the account's unreserved pool, or out of the
// function's reserved concurrency when it has one.

// provisionReady is how long a config stays IN_PROGRESS. AWS takes a
// minute or two; seki allocates nothing, so it only keeps the state that
// clients poll for observable.
const provisionReady = time.Second

// ProvisionedConcurrencyConfig is Put/Get's answer; List adds FunctionArn.
type ProvisionedConcurrencyConfig struct {
	FunctionArn                              string `json:"FunctionArn,omitempty"`
	RequestedProvisionedConcurrentExecutions int64  `json:"RequestedProvisionedConcurrentExecutions"`
	AvailableProvisionedConcurrentExecutions int64  `json:"AvailableProvisionedConcurrentExecutions"`
	AllocatedProvisionedConcurrentExecutions int64  `json:"AllocatedProvisionedConcurrentExecutions"`
	Status                                   string `json:"Status"`
	StatusReason                             string `json:"StatusReason,omitempty"`
	LastModified                             string `json:"LastModified"`
}

// provisionedRow is one stored config.
type provisionedRow struct {
	qualifier string
	requested int64
	modified  string
	// since is when it was put (Unix milliseconds): Status follows from it.
	since int64
	// allocated is what stays allocated while the config is IN_PROGRESS:
	// nothing for a new config; for one whose alias moved to another
	// version, the environments of the version it left, which serve until
	// the new version's are ready.
	allocated int64
	// failed is the StatusReason of a config whose initialization failed
	// (FAILED), "" otherwise.
	failed string
	// pending says an environment is being initialized for the config
	// (provisioninit.go): it stays IN_PROGRESS until that ends.
	pending bool
}

// answer is the config as the API shows it at now.
func (p *provisionedRow) answer(now time.Time) *ProvisionedConcurrencyConfig {
	c := &ProvisionedConcurrencyConfig{RequestedProvisionedConcurrentExecutions: p.requested, Status: "IN_PROGRESS", LastModified: p.modified,
		AvailableProvisionedConcurrentExecutions: p.allocated, AllocatedProvisionedConcurrentExecutions: p.allocated}
	// The config is IN_PROGRESS while its environment initializes, and at
	// least provisionReady; a failure shows no sooner than a success would
	// (AWS retries INIT for minutes before it gives up).
	if p.pending || now.Sub(time.UnixMilli(p.since)) < provisionReady {
		return c
	}
	if p.failed != "" {
		c.Status, c.StatusReason = "FAILED", p.failed
		c.AvailableProvisionedConcurrentExecutions, c.AllocatedProvisionedConcurrentExecutions = 0, 0
	} else {
		c.Status = "READY"
		c.AvailableProvisionedConcurrentExecutions = p.requested
		c.AllocatedProvisionedConcurrentExecutions = p.requested
	}
	return c
}

type provisionedInput struct {
	ProvisionedConcurrentExecutions *int64 `json:"ProvisionedConcurrentExecutions"`
}

// decodeProvisioned reads the function and its qualifier, which Put, Get
// and Delete require.
func decodeProvisioned(ctx context.Context, r *protocol.Request) (FunctionRef, error) {
	ref, err := plainFunction(ctx, r)
	if err != nil {
		return ref, err
	}
	if ref.Qualifier == "" {
		var v validation
		v.null("qualifier")
		return ref, v.err()
	}
	return ref, nil
}

func decodePutProvisioned(ctx context.Context, r *protocol.Request) (withBody[provisionedInput], error) {
	ref, err := decodeProvisioned(ctx, r)
	if err != nil {
		return withBody[provisionedInput]{}, err
	}
	var in provisionedInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return withBody[provisionedInput]{}, err
	}
	var v validation
	if n := in.ProvisionedConcurrentExecutions; n == nil {
		v.null("provisionedConcurrentExecutions")
	} else if *n < 1 {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (put_provisioned_invalid_param_0)
		v.min("provisionedConcurrentExecutions", *n, 1)
	}
	if err := v.err(); err != nil {
		return withBody[provisionedInput]{}, err
	}
	return withBody[provisionedInput]{ref: ref, in: &in}, nil
}

func (s *Service) provisionedBodyTarget(ctx context.Context, r *protocol.Request, b withBody[provisionedInput]) (protocol.Target, error) {
	return s.functionTarget(ctx, r, b.ref)
}

// resolveProvisioned finds the version or alias a config is for. A missing
// alias is named as an alias, a missing version as a function, whether or
// not the function itself exists.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (get_provisioned_functionname_doesnotexist, get_provisioned_version_doesnotexist)
func (s *Service) resolveProvisioned(tx *store.Tx, ref FunctionRef) (*target, error) {
	q := ref.Qualifier
	missing := func() error {
		if isDigits(q) {
			return errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(q))
		}
		return errNotFound.Errorf(msgNoAliasArn, ref.QualifiedARN(q))
	}
	fn, err := getFunctionRow(tx, ref)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, missing()
	}
	t, err := s.resolve(tx, ref, q)
	if errNotFound.Is(err) {
		return nil, missing()
	}
	return t, err
}

func getProvisioned(tx *store.Tx, ref FunctionRef, q string) (*provisionedRow, error) {
	p := provisionedRow{qualifier: q}
	err := tx.QueryRow(`SELECT requested, modified, since, allocated, failed, pending FROM lambda_provisioned WHERE account=? AND region=? AND name=? AND qualifier=?`,
		ref.Account, ref.Region, ref.Name, q).Scan(&p.requested, &p.modified, &p.since, &p.allocated, &p.failed, &p.pending)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func listProvisioned(tx *store.Tx, ref FunctionRef) ([]*provisionedRow, error) {
	rows, err := tx.Query(`SELECT qualifier, requested, modified, since, allocated, failed, pending FROM lambda_provisioned WHERE account=? AND region=? AND name=? ORDER BY qualifier`,
		ref.Account, ref.Region, ref.Name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*provisionedRow
	for rows.Next() {
		var p provisionedRow
		if err := rows.Scan(&p.qualifier, &p.requested, &p.modified, &p.since, &p.allocated, &p.failed, &p.pending); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// provisionedTotal is the concurrency a function's configs take,
// leaving out the one of qualifier except.
func provisionedTotal(tx *store.Tx, ref FunctionRef, except string) (int64, error) {
	var n int64
	err := tx.QueryRow(`SELECT COALESCE(SUM(requested), 0) FROM lambda_provisioned WHERE account=? AND region=? AND name=? AND qualifier <> ?`,
		ref.Account, ref.Region, ref.Name, except).Scan(&n)
	return n, err
}

// unreservedConcurrency is the account's concurrency that no function
// reserves and no provisioned config of a function without a reservation
// takes.
func unreservedConcurrency(tx *store.Tx, account, region string) (int64, error) {
	var reserved, provisioned int64
	if err := tx.QueryRow(`SELECT COALESCE(SUM(reserved), 0) FROM lambda_functions WHERE account=? AND region=?`, account, region).Scan(&reserved); err != nil {
		return 0, err
	}
	if err := tx.QueryRow(`SELECT COALESCE(SUM(p.requested), 0) FROM lambda_provisioned p JOIN lambda_functions f
		ON f.account=p.account AND f.region=p.region AND f.name=p.name WHERE p.account=? AND p.region=? AND f.reserved IS NULL`,
		account, region).Scan(&provisioned); err != nil {
		return 0, err
	}
	return accountConcurrency - reserved - provisioned, nil
}

func (s *Service) putProvisioned(ctx context.Context, r *protocol.Request, b withBody[provisionedInput]) (any, error) {
	ref, n := b.ref, *b.in.ProvisionedConcurrentExecutions
	q := ref.Qualifier
	if q == latest {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (put_provisioned_latest)
		return nil, errInvalidParameter.New(msgProvisionedUnpublished)
	}
	var out *ProvisionedConcurrencyConfig
	err := s.write(ctx, func(tx *store.Tx) error {
		t, err := s.resolveProvisioned(tx, ref)
		if err != nil {
			return err
		}
		if err := provisionedConflict(tx, ref, t); err != nil {
			return err
		}
		others, err := provisionedTotal(tx, ref, q)
		if err != nil {
			return err
		}
		if t.fn.Reserved != nil {
			if others+n > *t.fn.Reserved {
				// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_reserved_provisioned_overlap (reserved_equals_provisioned_another_provisioned_exc)
				return errInvalidParameter.New(msgProvisionedOverReserved)
			}
		} else {
			free, err := unreservedConcurrency(tx, ref.Account, ref.Region)
			if err != nil {
				return err
			}
			old, err := getProvisioned(tx, ref, q)
			if err != nil {
				return err
			}
			if old != nil {
				free += old.requested
			}
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits
			switch {
			case n > free:
				return errInvalidParameter.Errorf(msgProvisionedOverUnreserved, free)
			case free-n < minUnreserved:
				return errInvalidParameter.Errorf(msgProvisionedUnreservedMin, minUnreserved)
			}
		}
		p := provisionedRow{qualifier: q, requested: n, modified: timestamp(r.Now), since: r.Now.UnixMilli(), pending: s.provisions()}
		if _, err := tx.Exec(`INSERT INTO lambda_provisioned (account, region, name, qualifier, requested, modified, since, pending) VALUES (?,?,?,?,?,?,?,?)
			ON CONFLICT (account, region, name, qualifier) DO UPDATE SET requested=excluded.requested, modified=excluded.modified, since=excluded.since, allocated=0, failed='', pending=excluded.pending`,
			ref.Account, ref.Region, ref.Name, q, p.requested, p.modified, p.since, p.pending); err != nil {
			return err
		}
		out = p.answer(r.Now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.provision(ref, q, r.Now.UnixMilli())
	return out, nil
}

// provisionedConflict refuses a config for an alias whose version has one
// of its own, and for a version an alias with a config points to.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle (put_provisioned_on_alias_versionconflict, put_provisioned_on_version_conflict)
func provisionedConflict(tx *store.Tx, ref FunctionRef, t *target) error {
	if t.alias != nil {
		p, err := getProvisioned(tx, ref, t.alias.FunctionVersion)
		if err != nil {
			return err
		}
		if p != nil {
			return errConflict.New(msgProvisionedAliasOnVersion)
		}
		return nil
	}
	all, err := listProvisioned(tx, ref)
	if err != nil {
		return err
	}
	for _, p := range all {
		if isDigits(p.qualifier) {
			continue
		}
		a, err := getAliasRecord(tx, ref, p.qualifier)
		if err != nil {
			return err
		}
		if a != nil && a.FunctionVersion == ref.Qualifier {
			return errConflict.New(msgProvisionedVersionByAlias)
		}
	}
	return nil
}

// checkProvisionedQualifier refuses $LATEST for Get and Delete.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (get_provisioned_latest, delete_provisioned_latest)
func checkProvisionedQualifier(ref FunctionRef) error {
	if ref.Qualifier == latest {
		return errInvalidParameter.New(msgProvisionedAliasOrVersion)
	}
	return nil
}

func (s *Service) getProvisionedConfig(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	if err := checkProvisionedQualifier(ref); err != nil {
		return nil, err
	}
	var p *provisionedRow
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolveProvisioned(tx, ref); err != nil {
			return err
		}
		var err error
		p, err = getProvisioned(tx, ref, ref.Qualifier)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p == nil {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (get_provisioned_config_doesnotexist)
		return nil, errProvisionedNotFound.New(msgNoProvisioned)
	}
	return p.answer(r.Now), nil
}

func (s *Service) deleteProvisioned(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	if err := checkProvisionedQualifier(ref); err != nil {
		return nil, err
	}
	// Deleting a config that does not exist succeeds.
	// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (delete_provisioned_config_doesnotexist)
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolveProvisioned(tx, ref); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM lambda_provisioned WHERE account=? AND region=? AND name=? AND qualifier=?`,
			ref.Account, ref.Region, ref.Name, ref.Qualifier)
		return err
	})
	return nil, err
}

type listProvisionedOutput struct {
	ProvisionedConcurrencyConfigs []*ProvisionedConcurrencyConfig `json:"ProvisionedConcurrencyConfigs"`
	NextMarker                    string                          `json:"NextMarker,omitempty"`
}

func (s *Service) listProvisionedConfigs(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 50)
	if err != nil {
		return nil, err
	}
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listProvisionedOutput{ProvisionedConcurrencyConfigs: []*ProvisionedConcurrencyConfig{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions (list_provisioned_functionname_doesnotexist)
			return err
		}
		all, err := listProvisioned(tx, ref)
		if err != nil {
			return err
		}
		for _, p := range all {
			if p.qualifier < start {
				continue
			}
			if len(out.ProvisionedConcurrencyConfigs) == n {
				out.NextMarker = encodeMarker(p.qualifier, 0)
				break
			}
			c := p.answer(r.Now)
			c.FunctionArn = ref.QualifiedARN(p.qualifier)
			out.ProvisionedConcurrencyConfigs = append(out.ProvisionedConcurrencyConfigs, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// provisionedFloor refuses a reserved concurrency below what the
// function's provisioned configs take (PutFunctionConcurrency).
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_reserved_provisioned_overlap (reserved_lower_than_provisioned_exc)
func provisionedFloor(tx *store.Tx, ref FunctionRef, reserved int64) error {
	total, err := provisionedTotal(tx, ref, "")
	if err != nil {
		return err
	}
	if reserved < total {
		return errInvalidParameter.Errorf(msgReservedBelowProvisioned, reserved, total)
	}
	return nil
}

// reservedFor is the concurrency the invocations of ref's qualifier may
// use: nil without a reservation; the whole reservation for a qualifier
// with provisioned concurrency of its own; for any other, what the
// function's provisioned configs leave of it, so that a function whose
// reservation they take entirely throttles its on-demand invocations
// ($LATEST among them) while its provisioned version or alias still runs.
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_lambda_concurrency_block (invoke_latest_first_exc, invoke_v1_after_block)
func reservedFor(tx *store.Tx, ref FunctionRef, fn *functionRow) (*int64, error) {
	if fn.Reserved == nil {
		return nil, nil
	}
	if ref.Qualifier != "" && ref.Qualifier != latest {
		own, err := getProvisioned(tx, ref, ref.Qualifier)
		if err != nil || own != nil {
			return fn.Reserved, err
		}
	}
	total, err := provisionedTotal(tx, ref, "")
	if err != nil || total == 0 {
		return fn.Reserved, err
	}
	left := max(*fn.Reserved-total, 0)
	return &left, nil
}

// moveProvisioned follows an alias to the version it now points to: its
// config, if it has one, is IN_PROGRESS again while the new version's
// environments are provisioned, and what was allocated for the version it
// left stays allocated (and available) until then.
// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_lambda_provisioned_concurrency_moves_with_alias (get_provisioned_config_after_alias_move)
// It reports whether the alias has a config, which then needs provisioning
// (pending says it will be).
func moveProvisioned(tx *store.Tx, ref FunctionRef, alias string, now time.Time, pending bool) (bool, error) {
	p, err := getProvisioned(tx, ref, alias)
	if err != nil || p == nil {
		return false, err
	}
	allocated := p.answer(now).AllocatedProvisionedConcurrentExecutions
	_, err = tx.Exec(`UPDATE lambda_provisioned SET since=?, allocated=?, failed='', pending=? WHERE account=? AND region=? AND name=? AND qualifier=?`,
		now.UnixMilli(), allocated, pending, ref.Account, ref.Region, ref.Name, alias)
	return err == nil, err
}
