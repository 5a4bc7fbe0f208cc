package apigateway

import (
	"context"
	"net/url"
	"strings"

	"github.com/seki-dev/seki/internal/protocol"
)

// Tags of HTTP APIs: TagResource, UntagResource and GetTags on an API's
// ARN, arn:aws:apigateway:REGION::/apis/API_ID, and Tags on CreateApi.
// They are authorized as the Service Authorization Reference lists them:
// the HTTP verb on arn:aws:apigateway:REGION::/tags/URL_ENCODED_ARN.

// maxTags is API Gateway's limit of tags per resource.
const maxTags = 50

// tagged returns the caller's API an ARN names.
func (s *Service) tagged(r *protocol.Request, resourceARN string) (*api, error) {
	prefix := "arn:aws:apigateway:" + r.Region + "::/apis/"
	id, ok := strings.CutPrefix(resourceARN, prefix)
	if !ok || id == "" || strings.Contains(id, "/") {
		return nil, errNotFound.Errorf(msgTagResource, resourceARN)
	}
	a := s.get(id)
	if a == nil || a.Account != r.Account() || a.Region != r.Region {
		return nil, errNotFound.Errorf(msgTagResource, resourceARN)
	}
	return a, nil
}

// checkTags validates tags as AWS's tagging rules do.
func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return errBadRequest.New(msgTooManyTags)
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errBadRequest.Errorf(msgBadTag, k)
		}
	}
	return nil
}

func tagsTarget(verb string) protocol.Auth[tagsIn] {
	return protocol.Check(verb, func(_ context.Context, r *protocol.Request, _ tagsIn) (protocol.Target, error) {
		return resource(r, "/tags/"+url.PathEscape(r.Path["resource-arn"])), nil
	})
}

type tagsIn struct {
	Tags map[string]string `json:"tags"`
}

func (s *Service) tagResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[tagsIn]{
		Name: "TagResource",
		Decode: func(_ context.Context, r *protocol.Request) (tagsIn, error) {
			var in tagsIn
			if err := protocol.DecodeJSON(r.Body, &in); err != nil {
				return in, err
			}
			return in, checkTags(in.Tags)
		},
		Auth: tagsTarget("apigateway:POST"),
		Handle: func(ctx context.Context, r *protocol.Request, in tagsIn) (any, error) {
			return nil, s.retag(ctx, r, func(tags map[string]string) {
				for k, v := range in.Tags {
					tags[k] = v
				}
			})
		},
	})
}

func (s *Service) untagResourceOp() *protocol.Op {
	return protocol.Define(protocol.Spec[tagsIn]{
		Name: "UntagResource",
		Auth: tagsTarget("apigateway:DELETE"),
		Handle: func(ctx context.Context, r *protocol.Request, _ tagsIn) (any, error) {
			keys := r.HTTP.URL.Query()["tagKeys"]
			if len(keys) == 0 {
				return nil, errBadRequest.Errorf(msgRequired, "TagKeys")
			}
			return nil, s.retag(ctx, r, func(tags map[string]string) {
				for _, k := range keys {
					delete(tags, k)
				}
			})
		},
	})
}

func (s *Service) getTagsOp() *protocol.Op {
	return protocol.Define(protocol.Spec[tagsIn]{
		Name: "GetTags",
		Auth: tagsTarget("apigateway:GET"),
		Handle: func(_ context.Context, r *protocol.Request, _ tagsIn) (any, error) {
			if isRestARN(r) {
				tags, err := s.restTags(r)
				if err != nil {
					return nil, err
				}
				return map[string]any{"tags": tags}, nil
			}
			a, err := s.tagged(r, r.Path["resource-arn"])
			if err != nil {
				return nil, err
			}
			return map[string]any{"tags": a.tags()}, nil
		},
	})
}

// retag changes the tags of the API the request's ARN names.
func (s *Service) retag(ctx context.Context, r *protocol.Request, change func(map[string]string)) error {
	if isRestARN(r) {
		return s.retagRest(ctx, r, change)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.tagged(r, r.Path["resource-arn"])
	if err != nil {
		return err
	}
	a := *old
	a.Tags = old.tags()
	change(a.Tags)
	if len(a.Tags) > maxTags {
		return errBadRequest.New(msgTooManyTags)
	}
	return s.put(ctx, &a)
}

// tags returns a copy of the API's tags, never nil.
func (a *api) tags() map[string]string {
	out := make(map[string]string, len(a.Tags))
	for k, v := range a.Tags {
		out[k] = v
	}
	return out
}
