package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

type aliasInput struct {
	Name            string                     `json:"Name"`
	FunctionVersion *string                    `json:"FunctionVersion"`
	Description     *string                    `json:"Description"`
	RoutingConfig   *AliasRoutingConfiguration `json:"RoutingConfig"`
	RevisionId      string                     `json:"RevisionId"`
}

// validate checks the alias members' shapes; name comes from the body
// (CreateAlias) or the path (the others).
func (in *aliasInput) validate(create bool) error {
	var v validation
	if create && in.Name == "" {
		v.null("name")
	} else if !validAliasName(in.Name) {
		v.pattern("name", in.Name, patAlias)
	}
	if create && in.FunctionVersion == nil {
		v.null("functionVersion")
	} else if in.FunctionVersion != nil && *in.FunctionVersion != latest && !isDigits(*in.FunctionVersion) {
		v.pattern("functionVersion", *in.FunctionVersion, patVersion)
	}
	if in.Description != nil && len(*in.Description) > 256 {
		v.maxLen("description", *in.Description, 256)
	}
	if in.RoutingConfig != nil {
		// AWS reports the whole map (as Java prints it), once for its keys
		// and once for its values, each with all the member's constraints.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_notfound_and_invalid_routingconfigs (routing_config_exc_toohigh, routing_config_exc_version_latest)
		badKey, badValue := false, false
		for k, w := range in.RoutingConfig.AdditionalVersionWeights {
			badKey = badKey || !isDigits(k) || len(k) > 1024
			badValue = badValue || w < 0 || w > 1
		}
		if badKey {
			v.errs = append(v.errs, fmt.Sprintf(msgWeightsKeysFmt, javaMap(in.RoutingConfig.AdditionalVersionWeights)))
		}
		if badValue {
			v.errs = append(v.errs, fmt.Sprintf(msgWeightsValuesFmt, javaMap(in.RoutingConfig.AdditionalVersionWeights)))
		}
	}
	return v.err()
}

// checkRouting verifies an alias's versions exist and its routing is
// one that Lambda accepts.
func (s *Service) checkRouting(tx *store.Tx, ref FunctionRef, primary string, rc *AliasRoutingConfiguration) error {
	if primary != latest {
		if rec, err := s.getVersion(tx, ref, primary); err != nil {
			return err
		} else if rec == nil {
			return errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(primary))
		}
	}
	if rc == nil || len(rc.AdditionalVersionWeights) == 0 {
		return nil
	}
	if len(rc.AdditionalVersionWeights) > 1 {
		return errInvalidParameter.New(msgRoutingMany)
	}
	if primary == latest {
		return errInvalidParameter.New(msgRoutingLatest)
	}
	for k := range rc.AdditionalVersionWeights {
		if k == primary {
			return errInvalidParameter.Errorf(msgRoutingSame, k, k)
		}
		if rec, err := s.getVersion(tx, ref, k); err != nil {
			return err
		} else if rec == nil {
			return errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(k))
		}
	}
	return nil
}

func (s *Service) createAlias(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var in aliasInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	a := &AliasConfiguration{
		AliasArn:        ref.QualifiedARN(in.Name),
		Name:            in.Name,
		FunctionVersion: *in.FunctionVersion,
		Description:     deref(in.Description),
		RevisionId:      protocol.NewUUID(),
	}
	if in.RoutingConfig != nil && len(in.RoutingConfig.AdditionalVersionWeights) > 0 {
		a.RoutingConfig = in.RoutingConfig
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		// A missing function is named with the version the alias would
		// point to.
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_notfound_and_invalid_routingconfigs (routing_config_exc_fn_doesnotexist)
		if fn, err := getFunctionRow(tx, ref); err != nil {
			return err
		} else if fn == nil {
			return errNotFound.Errorf(msgFunctionMissing, ref.QualifiedARN(a.FunctionVersion))
		}
		if prev, err := getAliasRecord(tx, ref, in.Name); err != nil {
			return err
		} else if prev != nil {
			return errConflict.Errorf(msgAliasExists, a.AliasArn)
		}
		if err := s.checkRouting(tx, ref, a.FunctionVersion, a.RoutingConfig); err != nil {
			return err
		}
		return putAlias(tx, ref, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// aliasName reads the {Name} path parameter.
func aliasName(r *protocol.Request) (string, error) {
	name := r.Path["Name"]
	if !validAliasName(name) {
		return "", validationError("name", name, patAlias)
	}
	return name, nil
}

func (s *Service) getAlias(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	name, err := aliasName(r)
	if err != nil {
		return nil, err
	}
	var a *AliasConfiguration
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			return err
		}
		a, err = getAliasRecord(tx, ref, name)
		if err == nil && a == nil {
			return errNotFound.Errorf(msgNoAliasArn, ref.QualifiedARN(name))
		}
		return err
	})
	return a, err
}

func (s *Service) updateAlias(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	var in aliasInput
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	in.Name = r.Path["Name"]
	if err := in.validate(false); err != nil {
		return nil, err
	}
	var a *AliasConfiguration
	var reprovision bool
	err := s.write(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			return err
		}
		var err error
		a, err = getAliasRecord(tx, ref, in.Name)
		if err != nil {
			return err
		}
		if a == nil {
			return errNotFound.Errorf(msgAliasNotFound, ref.QualifiedARN(in.Name))
		}
		if in.RevisionId != "" && in.RevisionId != a.RevisionId {
			return errPrecondition.New(msgFunctionRevision)
		}
		moved := in.FunctionVersion != nil && *in.FunctionVersion != a.FunctionVersion
		if in.FunctionVersion != nil {
			a.FunctionVersion = *in.FunctionVersion
		}
		if in.Description != nil {
			a.Description = *in.Description
		}
		if in.RoutingConfig != nil {
			if len(in.RoutingConfig.AdditionalVersionWeights) == 0 {
				a.RoutingConfig = nil
			} else {
				a.RoutingConfig = in.RoutingConfig
			}
		}
		if err := s.checkRouting(tx, ref, a.FunctionVersion, a.RoutingConfig); err != nil {
			return err
		}
		a.RevisionId = protocol.NewUUID()
		if moved {
			var err error
			if reprovision, err = moveProvisioned(tx, ref, in.Name, r.Now, s.provisions()); err != nil {
				return err
			}
		}
		return putAlias(tx, ref, a)
	})
	if err != nil {
		return nil, err
	}
	if reprovision {
		s.provision(ref, in.Name, r.Now.UnixMilli())
	}
	return a, nil
}

func (s *Service) deleteAlias(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	name, err := aliasName(r)
	if err != nil {
		return nil, err
	}
	// DeleteAlias has no ResourceNotFoundException in the model: deleting
	// a missing alias succeeds. The alias's resource policy goes with it;
	// its function URL stays (its calls are refused with the URL's
	// Forbidden answer, since no policy grants them any more).
	// source: snapshot tests/aws/services/lambda_/test_lambda.snapshot.json#tests/aws/services/lambda_/test_lambda.py::TestLambdaURL::test_lambda_url_persists_after_alias_delete
	err = s.write(ctx, func(tx *store.Tx) error {
		for _, stmt := range []string{
			`DELETE FROM lambda_aliases WHERE account=? AND region=? AND name=? AND alias=?`,
			`DELETE FROM lambda_policies WHERE account=? AND region=? AND name=? AND qualifier=?`,
			`DELETE FROM lambda_event_invoke WHERE account=? AND region=? AND name=? AND qualifier=?`,
			`DELETE FROM lambda_provisioned WHERE account=? AND region=? AND name=? AND qualifier=?`,
		} {
			if _, err := tx.Exec(stmt, ref.Account, ref.Region, ref.Name, name); err != nil {
				return err
			}
		}
		return nil
	})
	return nil, err
}

type listAliasesOutput struct {
	Aliases    []*AliasConfiguration `json:"Aliases"`
	NextMarker string                `json:"NextMarker,omitempty"`
}

func (s *Service) listAliases(ctx context.Context, r *protocol.Request, ref FunctionRef) (any, error) {
	n, err := maxItems(r.Params.Get("MaxItems"), 50, 10000)
	if err != nil {
		return nil, err
	}
	fv := r.Params.Get("FunctionVersion")
	start, _ := decodeMarker(r.Params.Get("Marker"))
	out := listAliasesOutput{Aliases: []*AliasConfiguration{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.resolve(tx, ref, ""); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT alias, config FROM lambda_aliases WHERE account=? AND region=? AND name=? AND alias >= ? ORDER BY alias`,
			ref.Account, ref.Region, ref.Name, start)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, cfg string
			if err := rows.Scan(&name, &cfg); err != nil {
				return err
			}
			var a AliasConfiguration
			if err := json.Unmarshal([]byte(cfg), &a); err != nil {
				return err
			}
			if fv != "" && a.FunctionVersion != fv {
				continue
			}
			if len(out.Aliases) == n {
				out.NextMarker = encodeMarker(name, 0)
				break
			}
			out.Aliases = append(out.Aliases, &a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// route picks the version an alias invocation runs: the additional
// version with its weight's probability, the primary otherwise. It is not
// a secret choice, so math/rand is fine.
func route(a *AliasConfiguration) string {
	if a.RoutingConfig != nil {
		p := rand.Float64()
		for v, w := range a.RoutingConfig.AdditionalVersionWeights {
			if p < w {
				return v
			}
		}
	}
	return a.FunctionVersion
}

// javaMap prints a weights map as AWS's validation messages do ("{2=2.0}"):
// Java's Map and Double formatting, keys in order.
func javaMap(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		f := strconv.FormatFloat(m[k], 'f', -1, 64)
		if !strings.ContainsAny(f, ".") {
			f += ".0"
		}
		b.WriteString(k + "=" + f)
	}
	b.WriteByte('}')
	return b.String()
}
