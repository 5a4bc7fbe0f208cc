package lambda

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Code signing configs: which signing profiles a function's code must be
// signed by, and what Lambda does with code that is not (Warn, Enforce).
// seki stores them and their attachment to functions, as the API shows
// them; it does not verify signatures (it runs no AWS Signer), so a
// deployment is never refused for its signature.

// CodeSigningConfig is the API's CodeSigningConfig.
type CodeSigningConfig struct {
	CodeSigningConfigId  string               `json:"CodeSigningConfigId"`
	CodeSigningConfigArn string               `json:"CodeSigningConfigArn"`
	Description          string               `json:"Description"`
	AllowedPublishers    *AllowedPublishers   `json:"AllowedPublishers"`
	CodeSigningPolicies  *CodeSigningPolicies `json:"CodeSigningPolicies"`
	LastModified         string               `json:"LastModified"`
}

// AllowedPublishers lists the signing profile versions trusted.
type AllowedPublishers struct {
	SigningProfileVersionArns []string `json:"SigningProfileVersionArns"`
}

// CodeSigningPolicies says what a deployment failing the checks does.
type CodeSigningPolicies struct {
	UntrustedArtifactOnDeployment string `json:"UntrustedArtifactOnDeployment"`
}

type cscOutput struct {
	CodeSigningConfig *CodeSigningConfig `json:"CodeSigningConfig"`
}

type cscInput struct {
	Description         *string              `json:"Description"`
	AllowedPublishers   *AllowedPublishers   `json:"AllowedPublishers"`
	CodeSigningPolicies *CodeSigningPolicies `json:"CodeSigningPolicies"`
}

// cscRef names a code signing config by its ARN's parts.
type cscRef struct {
	arn, account, region, id string
}

// parseCSCArn reads the CodeSigningConfigArn path parameter with the
// model's pattern.
func parseCSCArn(s string) (cscRef, error) {
	parts := strings.Split(s, ":")
	ok := len(s) <= 200 && len(parts) == 7 && parts[0] == "arn" && cscPartition(parts[1]) &&
		parts[2] == "lambda" && cscRegion(parts[3]) && isAccountID(parts[4]) &&
		parts[5] == "code-signing-config" && validCSCID(parts[6])
	if !ok {
		return cscRef{}, validationError("codeSigningConfigArn", s, patCSCArn)
	}
	return cscRef{arn: s, account: parts[4], region: parts[3], id: parts[6]}, nil
}

// cscPartition matches the pattern's (aws[a-zA-Z-]*)?.
func cscPartition(s string) bool {
	if s == "" {
		return true
	}
	rest, ok := strings.CutPrefix(s, "aws")
	return ok && (rest == "" || alnumDash(rest) && strings.IndexFunc(rest, func(r rune) bool { return r >= '0' && r <= '9' }) < 0)
}

// cscRegion matches the pattern's [a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}.
func cscRegion(s string) bool {
	if len(s) < 2 || !lower(s[0]) || !lower(s[1]) {
		return false
	}
	for _, opt := range []string{"", "-gov", "-iso", "-isob"} {
		if rest, ok := strings.CutPrefix(s[2:], opt); ok && strings.HasPrefix(rest, "-") && validRegionTail(rest[1:]) {
			return true
		}
	}
	return false
}

// validCSCID matches csc-[a-z0-9]{17}.
func validCSCID(s string) bool {
	rest, ok := strings.CutPrefix(s, "csc-")
	if !ok || len(rest) != 17 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func decodeCSCRef(_ context.Context, r *protocol.Request) (cscRef, error) {
	return parseCSCArn(r.Path["CodeSigningConfigArn"])
}

func decodeCSCBody(ctx context.Context, r *protocol.Request) (withCSC, error) {
	ref, err := decodeCSCRef(ctx, r)
	if err != nil {
		return withCSC{}, err
	}
	in, err := decodeCSCInput(r, false)
	return withCSC{ref: ref, in: in}, err
}

type withCSC struct {
	ref cscRef
	in  *cscInput
}

func decodeCreateCSC(_ context.Context, r *protocol.Request) (*cscInput, error) {
	return decodeCSCInput(r, true)
}

// decodeCSCInput reads Create's and Update's body with the model's
// constraints.
func decodeCSCInput(r *protocol.Request, create bool) (*cscInput, error) {
	var in cscInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	var v validation
	if d := in.Description; d != nil && len(*d) > 256 {
		v.maxLen("description", *d, 256)
	}
	if p := in.AllowedPublishers; p == nil {
		if create {
			v.null("allowedPublishers")
		}
	} else if n, list := len(p.SigningProfileVersionArns), "["+strings.Join(p.SigningProfileVersionArns, ", ")+"]"; n == 0 {
		v.minLen("allowedPublishers.signingProfileVersionArns", list, 1)
	} else if n > 20 {
		v.maxLen("allowedPublishers.signingProfileVersionArns", list, 20)
	}
	if c := in.CodeSigningPolicies; c != nil && c.UntrustedArtifactOnDeployment != "" && c.UntrustedArtifactOnDeployment != "Warn" && c.UntrustedArtifactOnDeployment != "Enforce" {
		v.enum("codeSigningPolicies.untrustedArtifactOnDeployment", c.UntrustedArtifactOnDeployment, []string{"Warn", "Enforce"})
	}
	return &in, v.err()
}

func getCSC(tx *store.Tx, ref cscRef) (*CodeSigningConfig, error) {
	var cfg string
	err := tx.QueryRow(`SELECT config FROM lambda_code_signing WHERE account=? AND region=? AND id=?`, ref.account, ref.region, ref.id).Scan(&cfg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c CodeSigningConfig
	return &c, json.Unmarshal([]byte(cfg), &c)
}

func putCSC(tx *store.Tx, account, region string, c *CodeSigningConfig) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO lambda_code_signing (account, region, id, config) VALUES (?,?,?,?)
		ON CONFLICT (account, region, id) DO UPDATE SET config=excluded.config`, account, region, c.CodeSigningConfigId, string(raw))
	return err
}

// noCSC is the not-found answer of the config's own operations.
// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (get_csc_invalid, delete_csc_notfound)
func noCSC(ref cscRef) error {
	return errNotFound.Errorf(msgCSCMissing, ref.arn)
}

func (s *Service) cscTarget(_ context.Context, _ *protocol.Request, ref cscRef) (protocol.Target, error) {
	return protocol.Target{Resource: ref.arn, Account: ref.account}, nil
}

func (s *Service) cscBodyTarget(ctx context.Context, r *protocol.Request, b withCSC) (protocol.Target, error) {
	return s.cscTarget(ctx, r, b.ref)
}

func (s *Service) createCSC(ctx context.Context, r *protocol.Request, in *cscInput) (any, error) {
	id := "csc-" + randomID(17)
	c := &CodeSigningConfig{
		CodeSigningConfigId:  id,
		CodeSigningConfigArn: "arn:aws:lambda:" + r.Region + ":" + r.Account() + ":code-signing-config:" + id,
		AllowedPublishers:    in.AllowedPublishers,
		CodeSigningPolicies:  &CodeSigningPolicies{UntrustedArtifactOnDeployment: "Warn"},
		LastModified:         timestamp(r.Now),
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.CodeSigningPolicies != nil && in.CodeSigningPolicies.UntrustedArtifactOnDeployment != "" {
		c.CodeSigningPolicies = in.CodeSigningPolicies
	}
	if err := s.write(ctx, func(tx *store.Tx) error { return putCSC(tx, r.Account(), r.Region, c) }); err != nil {
		return nil, err
	}
	return &cscOutput{CodeSigningConfig: c}, nil
}

func (s *Service) getCSCConfig(ctx context.Context, r *protocol.Request, ref cscRef) (any, error) {
	var c *CodeSigningConfig
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = getCSC(tx, ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, noCSC(ref)
	}
	return &cscOutput{CodeSigningConfig: c}, nil
}

func (s *Service) updateCSC(ctx context.Context, r *protocol.Request, b withCSC) (any, error) {
	var c *CodeSigningConfig
	err := s.write(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = getCSC(tx, b.ref); err != nil {
			return err
		}
		if c == nil {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (update_csc_invalid_csc_arn, update_csc_noupdates)
			return noCSC(b.ref)
		}
		in := b.in
		if in.Description == nil && in.AllowedPublishers == nil && in.CodeSigningPolicies == nil {
			// Nothing to change: the config as it is.
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (update_csc_noupdate_response)
			return nil
		}
		if in.Description != nil {
			c.Description = *in.Description
		}
		if in.AllowedPublishers != nil {
			c.AllowedPublishers = in.AllowedPublishers
		}
		if in.CodeSigningPolicies != nil && in.CodeSigningPolicies.UntrustedArtifactOnDeployment != "" {
			c.CodeSigningPolicies = in.CodeSigningPolicies
		}
		c.LastModified = timestamp(r.Now)
		return putCSC(tx, b.ref.account, b.ref.region, c)
	})
	if err != nil {
		return nil, err
	}
	return &cscOutput{CodeSigningConfig: c}, nil
}

func (s *Service) deleteCSC(ctx context.Context, r *protocol.Request, ref cscRef) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		c, err := getCSC(tx, ref)
		if err != nil {
			return err
		}
		if c == nil {
			return noCSC(ref)
		}
		var used int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM lambda_function_code_signing WHERE csc_arn=?`, ref.arn).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			// "You can delete the code signing configuration only if no
			// function is using it." (DeleteCodeSigningConfig, API reference)
			return errConflict.New(msgCSCInUse)
		}
		_, err = tx.Exec(`DELETE FROM lambda_code_signing WHERE account=? AND region=? AND id=?`, ref.account, ref.region, ref.id)
		return err
	})
	return nil, err
}

type listCSCOutput struct {
	CodeSigningConfigs []*CodeSigningConfig `json:"CodeSigningConfigs"`
	NextMarker         string               `json:"NextMarker,omitempty"`
}

func (s *Service) listCSCs(ctx context.Context, r *protocol.Request, _ struct{}) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 10000)
	if err != nil {
		return nil, err
	}
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listCSCOutput{CodeSigningConfigs: []*CodeSigningConfig{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT id, config FROM lambda_code_signing WHERE account=? AND region=? AND id >= ? ORDER BY id`, r.Account(), r.Region, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, cfg string
			if err := rows.Scan(&id, &cfg); err != nil {
				return err
			}
			if len(out.CodeSigningConfigs) == n {
				out.NextMarker = encodeMarker(id, 0)
				break
			}
			var c CodeSigningConfig
			if err := json.Unmarshal([]byte(cfg), &c); err != nil {
				return err
			}
			out.CodeSigningConfigs = append(out.CodeSigningConfigs, &c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type listFunctionsByCSCOutput struct {
	FunctionArns []string `json:"FunctionArns"`
	NextMarker   string   `json:"NextMarker,omitempty"`
}

func (s *Service) listFunctionsByCSC(ctx context.Context, r *protocol.Request, ref cscRef) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 10000)
	if err != nil {
		return nil, err
	}
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listFunctionsByCSCOutput{FunctionArns: []string{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := getCSC(tx, ref)
		if err != nil {
			return err
		}
		if c == nil {
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (list_functions_by_csc_invalid_cscarn)
			return noCSC(ref)
		}
		rows, err := tx.Query(`SELECT name FROM lambda_function_code_signing WHERE account=? AND region=? AND csc_arn=? AND name >= ? ORDER BY name`,
			ref.account, ref.region, ref.arn, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			if len(out.FunctionArns) == n {
				out.NextMarker = encodeMarker(name, 0)
				break
			}
			fn := FunctionRef{Partition: "aws", Region: ref.region, Account: ref.account, Name: name}
			out.FunctionArns = append(out.FunctionArns, fn.ARN())
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Attaching a config to a function.

type functionCSCInput struct {
	CodeSigningConfigArn *string `json:"CodeSigningConfigArn"`
}

type functionCSCOutput struct {
	CodeSigningConfigArn string `json:"CodeSigningConfigArn,omitempty"`
	FunctionName         string `json:"FunctionName,omitempty"`
}

type withFunctionCSC struct {
	fn  FunctionRef
	csc cscRef
}

func decodePutFunctionCSC(ctx context.Context, r *protocol.Request) (withFunctionCSC, error) {
	fn, err := unqualifiedNamespaced(ctx, r)
	if err != nil {
		return withFunctionCSC{}, err
	}
	var in functionCSCInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return withFunctionCSC{}, err
	}
	if in.CodeSigningConfigArn == nil {
		var v validation
		v.null("codeSigningConfigArn")
		return withFunctionCSC{}, v.err()
	}
	csc, err := parseCSCArn(*in.CodeSigningConfigArn)
	return withFunctionCSC{fn: fn, csc: csc}, err
}

// putFunctionCSCTarget names the function and adds
// lambda:CodeSigningConfigArn, the config being attached.
func (s *Service) putFunctionCSCTarget(ctx context.Context, r *protocol.Request, b withFunctionCSC) (protocol.Target, error) {
	setKey(r, "lambda:CodeSigningConfigArn", b.csc.arn)
	return s.functionTarget(ctx, r, b.fn)
}

func (s *Service) putFunctionCSC(ctx context.Context, r *protocol.Request, b withFunctionCSC) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		// The config is looked for first: a missing config is reported
		// even when the function is missing too.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (put_function_csc_invalid_both)
		c, err := getCSC(tx, b.csc)
		if err != nil {
			return err
		}
		if c == nil || b.csc.account != b.fn.Account || b.csc.region != b.fn.Region {
			return errCSCNotFound.Errorf(msgCSCNotFound, b.csc.arn)
		}
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (put_function_csc_invalid_fnname)
		if _, err := s.resolve(tx, b.fn, ""); err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO lambda_function_code_signing (account, region, name, csc_arn) VALUES (?,?,?,?)
			ON CONFLICT (account, region, name) DO UPDATE SET csc_arn=excluded.csc_arn`, b.fn.Account, b.fn.Region, b.fn.Name, b.csc.arn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &functionCSCOutput{CodeSigningConfigArn: b.csc.arn, FunctionName: b.fn.Name}, nil
}

func (s *Service) getFunctionCSC(ctx context.Context, r *protocol.Request, fn FunctionRef) (any, error) {
	out := &functionCSCOutput{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (get_function_csc_nonexistingfn)
		if _, err := s.resolve(tx, fn, ""); err != nil {
			return err
		}
		err := tx.QueryRow(`SELECT csc_arn FROM lambda_function_code_signing WHERE account=? AND region=? AND name=?`,
			fn.Account, fn.Region, fn.Name).Scan(&out.CodeSigningConfigArn)
		if errors.Is(err, sql.ErrNoRows) {
			// A function without a config answers an empty object.
			// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (get_function_csc_fnwithoutcsc)
			return nil
		}
		out.FunctionName = fn.Name
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) deleteFunctionCSC(ctx context.Context, r *protocol.Request, fn FunctionRef) (any, error) {
	err := s.write(ctx, func(tx *store.Tx) error {
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#tests/aws/services/lambda_/test_lambda_api.py::TestCodeSigningConfig::test_code_signing_not_found_excs (delete_function_csc_fnnotfound, nothing_to_delete_response)
		if _, err := s.resolve(tx, fn, ""); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM lambda_function_code_signing WHERE account=? AND region=? AND name=?`, fn.Account, fn.Region, fn.Name)
		return err
	})
	return nil, err
}
