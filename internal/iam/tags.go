package iam

import (
	"context"

	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

func parseUserTags(p *params, in *input) {
	parseUser(p, in)
	in.Tags = requiredTags(p)
}

func parseRoleTags(p *params, in *input) {
	parseRole(p, in)
	in.Tags = requiredTags(p)
}

func parsePolicyTags(p *params, in *input) {
	parsePolicyArnParam(p, in)
	in.Tags = requiredTags(p)
}

func requiredTags(p *params) []tag {
	if _, ok := p.v["Tags.member.1.Key"]; !ok {
		if _, ok := p.v["Tags.member.1.Value"]; !ok {
			p.fail(nil, "tags", "Member must not be null")
			return nil
		}
	}
	return p.tags()
}

func parseTagKeys(p *params, in *input) {
	in.TagKeys = p.list("TagKeys", ruleTagKey, 50)
	if len(in.TagKeys) == 0 {
		p.fail(nil, "tagKeys", "Member must not be null")
	}
}

func parseUserTagKeys(p *params, in *input)   { parseUser(p, in); parseTagKeys(p, in) }
func parseRoleTagKeys(p *params, in *input)   { parseRole(p, in); parseTagKeys(p, in) }
func parsePolicyTagKeys(p *params, in *input) { parsePolicyArnParam(p, in); parseTagKeys(p, in) }

// targetTagging adds the request's tags as condition keys to a target.
func (s *Service) targetTagging(t targeter) targeter {
	return func(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
		requestTags(r, in.Tags)
		return t(ctx, r, in)
	}
}

// targetUntagging adds aws:TagKeys for the keys being removed.
func (s *Service) targetUntagging(t targeter) targeter {
	return func(ctx context.Context, r *protocol.Request, in *input) (protocol.Target, error) {
		keys(r).Set("aws:TagKeys", in.TagKeys...)
		return t(ctx, r, in)
	}
}

func (s *Service) tagEntity(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		if err := checkTagKeys(in.Tags); err != nil {
			return nil, err
		}
		return nil, s.write(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			return putTags(tx, e.id, in.Tags)
		})
	}
}

func removeTags(tx *store.Tx, owner string, keys []string) error {
	for _, k := range keys {
		if _, err := tx.Exec(`DELETE FROM iam_tags WHERE owner = ? AND key_lc = ?`, owner, lower(k)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) untagEntity(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		return nil, s.write(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			return removeTags(tx, e.id, in.TagKeys)
		})
	}
}

type listTagsResult struct {
	Tags list[xTag]
	paged
}

func tagsPage(tags []tag, pg page) (any, error) {
	items, p, err := pageSlice(tags, pg)
	if err != nil {
		return nil, err
	}
	return &listTagsResult{Tags: append(list[xTag]{}, xTags(items)...), paged: p}, nil
}

func (s *Service) listEntityTags(kind entityKind) handler {
	return func(ctx context.Context, r *protocol.Request, in *input) (any, error) {
		var tags []tag
		err := s.read(ctx, func(tx *store.Tx) error {
			e, err := loadEntity(tx, r.Account(), kind, in.nameOf(kind))
			if err != nil {
				return err
			}
			tags, err = loadTags(tx, e.id)
			return err
		})
		if err != nil {
			return nil, err
		}
		return tagsPage(tags, in.Page)
	}
}

func (s *Service) tagPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	return nil, s.write(ctx, func(tx *store.Tx) error {
		p, err := s.ownPolicy(tx, r.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		return putTags(tx, p.ID, in.Tags)
	})
}

func (s *Service) untagPolicy(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	return nil, s.write(ctx, func(tx *store.Tx) error {
		p, err := s.ownPolicy(tx, r.Account(), in.PolicyArn)
		if err != nil {
			return err
		}
		return removeTags(tx, p.ID, in.TagKeys)
	})
}

func (s *Service) listPolicyTags(ctx context.Context, r *protocol.Request, in *input) (any, error) {
	var tags []tag
	err := s.read(ctx, func(tx *store.Tx) error {
		p, err := s.visiblePolicy(tx, r.Account(), in.PolicyArn, noSuchPolicy)
		if err != nil || p.AWS != nil {
			return err
		}
		tags, err = loadTags(tx, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tagsPage(tags, in.Page)
}
