package lambda

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// tagged is the input of the tagging operations: the {Resource} ARN as
// given, and the function or event source mapping it names (the taggable
// resources seki has).
type tagged struct {
	arn string
	ref FunctionRef
	// esm is the UUID of the event source mapping the ARN names, once
	// tagsTarget has found it in the caller's region.
	esm string
	// other is the not-found answer for an event source mapping or a
	// capacity provider ARN: seki keeps no tags for them.
	other error
}

// otherTaggable matches the taggable ARNs of event source mappings and
// capacity providers (part of patTaggable).
var otherTaggable = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:(event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)$`)

func decodeTagged(_ context.Context, r *protocol.Request) (*tagged, error) {
	arn := r.Path["Resource"]
	if m := otherTaggable.FindStringSubmatch(arn); m != nil {
		acct := strings.Split(arn, ":")[4]
		if strings.HasPrefix(m[1], "event-source-mapping:") {
			return &tagged{arn: arn, ref: FunctionRef{Account: acct, Region: r.Region}, other: errNotFound.Errorf(msgESMNotFound, arn)}, nil
		}
		return &tagged{arn: arn, ref: FunctionRef{Account: acct, Region: r.Region}, other: errNotFound.Errorf(msgCapacityProviderNotFound, arn)}, nil
	}
	ref, ok := splitFunctionName(arn, false)
	if !ok || !strings.HasPrefix(arn, "arn:") || len(arn) > 256 {
		return nil, validationError("resource", arn, patTaggable)
	}
	if ref.Region != r.Region {
		return nil, errNotFound.Errorf(msgOtherRegion, ref.Region, r.Region)
	}
	if ref.Qualifier != "" {
		return nil, errInvalidParameter.New(msgTagQualified)
	}
	return &tagged{arn: arn, ref: ref}, nil
}

func (s *Service) tagsTarget(ctx context.Context, _ *protocol.Request, t *tagged) (protocol.Target, error) {
	if t.other != nil {
		if _, id, ok := strings.Cut(t.arn, ":event-source-mapping:"); ok {
			m, err := s.loadESM(ctx, id)
			if err != nil {
				return protocol.Target{}, err
			}
			if m != nil && m.Account == t.ref.Account && m.Region == t.ref.Region && m.State != esmDeleting {
				t.esm = m.UUID
				return protocol.Target{Resource: m.arn(), Account: m.Account}, nil
			}
		}
		return protocol.Target{}, t.other
	}
	p, err := s.loadPolicy(ctx, t.ref, "")
	if err != nil {
		return protocol.Target{}, err
	}
	return protocol.Target{Resource: t.arn, Account: t.ref.Account, Policy: p}, nil
}

// maxTags is Lambda's tags-per-resource quota.
const maxTags = 50

func (s *Service) updateTags(ctx context.Context, t *tagged, fn func(map[string]string) error) error {
	if t.esm != "" {
		return s.updateESMTags(ctx, t.esm, fn)
	}
	ref := t.ref
	return s.write(ctx, func(tx *store.Tx) error {
		t, err := s.resolve(tx, ref, "")
		if err != nil {
			return err
		}
		tags := t.fn.Tags
		if tags == nil {
			tags = map[string]string{}
		}
		if err := fn(tags); err != nil {
			return err
		}
		b, _ := json.Marshal(tags)
		if _, err = tx.Exec(`UPDATE lambda_functions SET tags=? WHERE account=? AND region=? AND name=?`, string(b), ref.Account, ref.Region, ref.Name); err != nil {
			return err
		}
		// Tagging gives $LATEST a new RevisionId (test_tag_lifecycle:
		// every get_fn_response after a change shows a new one).
		// source: snapshot tests/aws/services/lambda_/test_lambda_api.snapshot.json#test_tag_lifecycle
		t.version.bump()
		return s.putVersion(tx, ref, t.version)
	})
}

func (s *Service) tagResource(ctx context.Context, r *protocol.Request, t *tagged) (any, error) {
	var in struct {
		Tags map[string]string `json:"Tags"`
	}
	if err := protocol.DecodeJSON(r.Body, &in); err != nil {
		return nil, err
	}
	if in.Tags == nil {
		var v validation
		v.null("tags")
		return nil, v.err()
	}
	if len(in.Tags) == 0 {
		return nil, errInvalidParameter.New(msgTagEmpty)
	}
	return nil, s.updateTags(ctx, t, func(m map[string]string) error {
		for k, v := range in.Tags {
			m[k] = v
		}
		if len(m) > maxTags {
			return errInvalidParameter.New(msgTagLimit)
		}
		return nil
	})
}

func (s *Service) untagResource(ctx context.Context, r *protocol.Request, t *tagged) (any, error) {
	keys := r.Params["tagKeys"]
	if len(keys) == 0 {
		var v validation
		v.null("tagKeys")
		return nil, v.err()
	}
	return nil, s.updateTags(ctx, t, func(m map[string]string) error {
		for _, k := range keys {
			delete(m, k)
		}
		return nil
	})
}

func (s *Service) listTags(ctx context.Context, r *protocol.Request, t *tagged) (any, error) {
	ref := t.ref
	out := map[string]map[string]string{"Tags": {}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if t.esm != "" {
			var doc string
			if err := tx.QueryRow(`SELECT tags FROM lambda_esm WHERE uuid = ?`, t.esm).Scan(&doc); err != nil {
				return err
			}
			tags := map[string]string{}
			out["Tags"] = tags
			return json.Unmarshal([]byte(doc), &tags)
		}
		t, err := s.resolve(tx, ref, "")
		if err != nil {
			return err
		}
		if t.fn.Tags != nil {
			out["Tags"] = t.fn.Tags
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updateESMTags changes an event source mapping's tags in one transaction
// (its tags column only, which the poller's state changes leave alone).
func (s *Service) updateESMTags(ctx context.Context, uuid string, fn func(map[string]string) error) error {
	return s.write(ctx, func(tx *store.Tx) error {
		var doc string
		if err := tx.QueryRow(`SELECT tags FROM lambda_esm WHERE uuid = ?`, uuid).Scan(&doc); err != nil {
			return err
		}
		tags := map[string]string{}
		if err := json.Unmarshal([]byte(doc), &tags); err != nil {
			return err
		}
		if err := fn(tags); err != nil {
			return err
		}
		b, _ := json.Marshal(tags)
		_, err := tx.Exec(`UPDATE lambda_esm SET tags = ? WHERE uuid = ?`, string(b), uuid)
		return err
	})
}
