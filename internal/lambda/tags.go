package lambda

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// tagged is the input of the tagging operations: the {Resource} ARN as
// given, and the function it names (functions are the taggable resources
// seki has).
type tagged struct {
	arn string
	ref FunctionRef
}

func decodeTagged(_ context.Context, r *protocol.Request) (tagged, error) {
	arn := r.Path["Resource"]
	ref, ok := splitFunctionName(arn, false)
	if !ok || !strings.HasPrefix(arn, "arn:") || len(arn) > 256 {
		return tagged{}, validationError("resource", arn, patTaggable)
	}
	if ref.Region != r.Region {
		return tagged{}, errNotFound.Errorf(msgOtherRegion, ref.Region, r.Region)
	}
	if ref.Qualifier != "" {
		return tagged{}, errInvalidParameter.New(msgTagQualified)
	}
	return tagged{arn: arn, ref: ref}, nil
}

func (s *Service) tagsTarget(ctx context.Context, _ *protocol.Request, t tagged) (protocol.Target, error) {
	p, err := s.loadPolicy(ctx, t.ref, "")
	if err != nil {
		return protocol.Target{}, err
	}
	return protocol.Target{Resource: t.arn, Account: t.ref.Account, Policy: p}, nil
}

// maxTags is Lambda's tags-per-resource quota.
const maxTags = 50

func (s *Service) updateTags(ctx context.Context, ref FunctionRef, fn func(map[string]string) error) error {
	return s.write(ctx, func(tx *store.Tx) error {
		t, err := resolve(tx, ref, "")
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
		_, err = tx.Exec(`UPDATE lambda_functions SET tags=? WHERE account=? AND region=? AND name=?`, string(b), ref.Account, ref.Region, ref.Name)
		return err
	})
}

func (s *Service) tagResource(ctx context.Context, r *protocol.Request, t tagged) (any, error) {
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
	return nil, s.updateTags(ctx, t.ref, func(m map[string]string) error {
		for k, v := range in.Tags {
			m[k] = v
		}
		if len(m) > maxTags {
			return errInvalidParameter.New(msgTagLimit)
		}
		return nil
	})
}

func (s *Service) untagResource(ctx context.Context, r *protocol.Request, t tagged) (any, error) {
	keys := r.Params["tagKeys"]
	if len(keys) == 0 {
		var v validation
		v.null("tagKeys")
		return nil, v.err()
	}
	return nil, s.updateTags(ctx, t.ref, func(m map[string]string) error {
		for _, k := range keys {
			delete(m, k)
		}
		return nil
	})
}

func (s *Service) listTags(ctx context.Context, r *protocol.Request, t tagged) (any, error) {
	ref := t.ref
	out := map[string]map[string]string{"Tags": {}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := resolve(tx, ref, "")
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
